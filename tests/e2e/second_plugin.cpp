// Another build of an extension: a changed issue.created handler and one that throws.
#include <kiket/sdk.h>

#include <stdexcept>

void registerSecond(kiket::Sdk &sdk)
{
    sdk.webhook("issue.created", "v1") = [](const QJsonObject &, kiket::Context &) -> QJsonValue {
        return QJsonObject { { "reloaded", true } };
    };
    sdk.webhook("issue.updated", "v1") = [](const QJsonObject &, kiket::Context &) -> QJsonValue {
        throw std::runtime_error("database unreachable");
    };
}
