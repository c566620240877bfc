#include "kiket/devkit/exchange.h"

namespace kiket::devkit {

namespace {

const char *const kNames[] = { "delivery", "api-call", "telemetry", "jwks", "log" };

} // namespace

QString exchangeKindName(ExchangeKind kind)
{
    return QString::fromLatin1(kNames[int(kind)]);
}

ExchangeKind exchangeKindFromName(const QString &name)
{
    for (int i = 0; i < int(std::size(kNames)); ++i) {
        if (name == QLatin1String(kNames[i]))
            return ExchangeKind(i);
    }
    return ExchangeKind::Log;
}

} // namespace kiket::devkit
