#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace kiket::devkit {

/// The sandbox's extension API endpoints (PROTOCOL §2 and the SDK dialects of §2.1).
enum class ApiEndpoint {
    None, ///< Unknown path.
    Jwks,
    Metadata,
    EventsLog,
    Notify,
    SecretsList,
    SecretsGet,
    SecretsSet,
    SecretsCreate, ///< Python dialect: POST …/secrets with {"secret":{"key","value"}}.
    SecretsUpdate,
    SecretsDelete,
    CustomDataList,
    CustomDataGet,
    CustomDataCreate,
    CustomDataUpdate,
    CustomDataDelete,
    SlaEventsList,
    RateLimit,
    Telemetry,
    Logs, ///< Python dialect: POST /api/v1/extensions/logs.
    Metrics, ///< Python dialect: POST /api/v1/extensions/metrics.
};

/// A request matched to an endpoint, with the path's parameters decoded.
struct ApiRoute
{
    ApiEndpoint endpoint = ApiEndpoint::None;
    QByteArray
        allow; ///< Methods the path accepts; set when the path is known but the method is not.
    bool legacyPath = false; ///< The Ruby SDK's unprefixed form (no /api/v1).
    QString extensionId;
    QString key; ///< Secret key.
    QString module;
    QString table;
    QString recordId;
};

/// Matches method and raw path (percent-encoded, no query). Unknown paths give None with empty
/// allow; known paths with another method give None with allow set (answer 405).
ApiRoute matchApiRoute(const QByteArray &method, const QByteArray &rawPath);

/// The scope an endpoint needs, or empty when any valid caller may use it. The table:
/// custom_data.read (list, get), custom_data.write (create, update, delete), secrets.read (list,
/// get), secrets.write (set, create, update, delete), sla.read (SLA events), notifications.write
/// (notify), events.write (event log, logs, metrics); none for JWKS, metadata, rate limit and
/// telemetry.
QString requiredScope(ApiEndpoint endpoint);
/// Every scope in that table, in its order, after "*" (all of them).
QStringList knownScopes();
/// A short stable name, e.g. "secrets.get", for logs and captures.
QString endpointName(ApiEndpoint endpoint);

/// The offset of a \uD800-\uDFFF escape without its other half in JSON text, or -1. JSON
/// parsers differ on these (some replace them, some refuse), so the sandbox refuses them.
qsizetype loneSurrogateAt(const QByteArray &json);
/// Whether a name taken from a path or body (a key, an id) is usable: not empty and without
/// control characters (%00 and the like), which a store or a log would keep or cut.
bool isPrintableName(const QString &name);

} // namespace kiket::devkit
