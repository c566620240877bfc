#pragma once

namespace kiket {
class Sdk;
}

/// Registers the handlers of the Kiket SDK README, one for one, on an SDK instance.
void registerHelloHandlers(kiket::Sdk &sdk);
