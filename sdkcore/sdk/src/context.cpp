#include "kiket/context.h"

#include <QJsonArray>

namespace kiket {

ScopeError::ScopeError(QStringList required, QStringList missing)
    : std::runtime_error(
        "Insufficient scopes: missing " + missing.join(QStringLiteral(", ")).toStdString())
    , m_required(std::move(required))
    , m_missing(std::move(missing))
{ }

QJsonObject ScopeError::toJson() const
{
    return { { QStringLiteral("error"), QStringLiteral("Insufficient scopes") },
        { QStringLiteral("required_scopes"), QJsonArray::fromStringList(m_required) },
        { QStringLiteral("missing_scopes"), QJsonArray::fromStringList(m_missing) } };
}

QStringList missingScopes(const QStringList &required, const QStringList &granted)
{
    if (granted.contains(QStringLiteral("*")))
        return {};
    QStringList missing;
    for (const QString &scope : required) {
        if (!granted.contains(scope) && !missing.contains(scope))
            missing << scope;
    }
    return missing;
}

Context::Context(QString event, QString eventVersion, ClientOptions clientOptions,
    QString extensionId, QString extensionVersion, QJsonObject settings, QJsonObject payloadSecrets,
    AuthInfo auth, QMap<QString, QString> headers, QProcessEnvironment environment)
    : event(std::move(event))
    , eventVersion(std::move(eventVersion))
    , headers(std::move(headers))
    , settings(std::move(settings))
    , extensionId(std::move(extensionId))
    , extensionVersion(std::move(extensionVersion))
    , payloadSecrets(std::move(payloadSecrets))
    , auth(std::move(auth))
    , m_environment(std::move(environment))
    , m_client(std::move(clientOptions))
    , m_endpoints(m_client, this->extensionId, this->eventVersion)
{ }

std::optional<QString> Context::secret(const QString &key) const
{
    const QJsonValue fromPayload = payloadSecrets.value(key);
    if (fromPayload.isString() && !fromPayload.toString().isEmpty())
        return fromPayload.toString();
    if (m_environment.contains(key))
        return m_environment.value(key);
    return std::nullopt;
}

void Context::requireScopes(const QStringList &scopes) const
{
    const QStringList missing = missingScopes(scopes, auth.scopes);
    if (!missing.isEmpty())
        throw ScopeError(scopes, missing);
}

namespace {

QJsonObject result(const char *status, const QString &message, QJsonObject metadata)
{
    QJsonObject out { { QStringLiteral("status"), QLatin1String(status) },
        { QStringLiteral("metadata"), metadata } };
    if (!message.isEmpty())
        out.insert(QStringLiteral("message"), message);
    return out;
}

} // namespace

QJsonObject allow(const QString &message, const QJsonObject &data, const QJsonObject &outputFields)
{
    QJsonObject metadata = data;
    if (!outputFields.isEmpty())
        metadata.insert(QStringLiteral("output_fields"), outputFields);
    return result("allow", message, metadata);
}

QJsonObject deny(const QString &message, const QJsonObject &data)
{
    return result("deny", message, data);
}

QJsonObject pending(const QString &message, const QJsonObject &data)
{
    return result("pending", message, data);
}

} // namespace kiket
