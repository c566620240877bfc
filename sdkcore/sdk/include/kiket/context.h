#pragma once

#include "kiket/client.h"
#include "kiket/endpoints.h"

#include <QJsonObject>
#include <QMap>
#include <QProcessEnvironment>
#include <QStringList>

#include <optional>
#include <stdexcept>

namespace kiket {

/// Raised when granted scopes lack required ones; the dispatcher answers 403.
class ScopeError : public std::runtime_error
{
public:
    /// An error naming the required scopes and the ones missing from them.
    ScopeError(QStringList required, QStringList missing);
    /// Every scope the handler asked for.
    const QStringList &requiredScopes() const { return m_required; }
    /// The required scopes that were not granted.
    const QStringList &missingScopes() const { return m_missing; }
    /// `{"error":"Insufficient scopes","required_scopes":[…],"missing_scopes":[…]}`.
    QJsonObject toJson() const;

private:
    QStringList m_required;
    QStringList m_missing;
};

/// Required scopes not covered by granted ones (none when granted holds "*").
QStringList missingScopes(const QStringList &required, const QStringList &granted);

/// The delivery's authentication block, with the runtime token's claims when there is one.
struct AuthInfo
{
    QString runtimeToken;
    QString tokenType;
    QString expiresAt;
    QStringList scopes;
    QString orgId;
    QString extId;
    QString projId;
};

/// Everything a handler gets besides the payload: event, version, headers, API access, settings,
/// secrets.
class Context
{
public:
    /// Built by the dispatcher for one delivery; tests may build one directly.
    Context(QString event, QString eventVersion, ClientOptions clientOptions, QString extensionId,
        QString extensionVersion, QJsonObject settings, QJsonObject payloadSecrets, AuthInfo auth,
        QMap<QString, QString> headers, QProcessEnvironment environment);
    /// Not copyable: endpoints() refers to the context's own client.
    Context(const Context &) = delete;
    Context &operator=(const Context &) = delete;

    const QString event;
    const QString eventVersion; ///< The registered version string of the handler.
    const QMap<QString, QString> headers; ///< Lower-case header names.
    const QJsonObject settings;
    const QString extensionId;
    const QString extensionVersion;
    const QJsonObject payloadSecrets; ///< The payload's `secrets` map.
    const AuthInfo auth;

    /// The API client, carrying the runtime token and event version.
    const Client &client() const { return m_client; }
    /// The extension API helpers.
    const Endpoints &endpoints() const { return m_endpoints; }
    /// The platform's secret store for this extension (same as endpoints().secrets()).
    SecretsApi secrets() const { return m_endpoints.secrets(); }
    /// Payload secret if present and non-empty, else the environment variable of that name, else
    /// nothing.
    std::optional<QString> secret(const QString &key) const;
    /// Throws ScopeError (answered with 403) unless every scope is granted.
    void requireScopes(const QStringList &scopes) const;

private:
    QProcessEnvironment m_environment;
    Client m_client;
    Endpoints m_endpoints;
};

/// `{"status":"allow", "message"?, "metadata":{…data, "output_fields"?}}`.
QJsonObject allow(const QString &message = {}, const QJsonObject &data = {},
    const QJsonObject &outputFields = {});
/// `{"status":"deny", "message", "metadata":{…data}}`.
QJsonObject deny(const QString &message, const QJsonObject &data = {});
/// `{"status":"pending", "message", "metadata":{…data}}`.
QJsonObject pending(const QString &message, const QJsonObject &data = {});

} // namespace kiket
