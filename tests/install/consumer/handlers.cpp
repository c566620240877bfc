#include <kiket/kiket.h>

// The extension's handlers, shared by the standalone program and the workbench plugin.
void registerOutOfTree(kiket::Sdk &sdk)
{
    sdk.webhook("issue.created", "v1")
        = [](const QJsonObject &payload, kiket::Context &) -> QJsonValue {
        return QJsonObject { { "processed", payload["issue"]["id"] } };
    };
}
