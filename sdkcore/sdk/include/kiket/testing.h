#pragma once

#include "kiket/http.h"
#include "kiket/httpserver.h"
#include "kiket/jwt.h"

#include <QJsonObject>
#include <QMutex>
#include <QStringList>
#include <QThread>

#include <functional>
#include <memory>

/// Helpers for testing extensions: signed deliveries, runtime tokens and a fake platform.
namespace kiket::testing {

/// Mints runtime tokens with its own P-256 key and publishes the matching JWKS.
class TokenIssuer
{
public:
    /// An issuer with a fresh key published under kid.
    explicit TokenIssuer(QString kid = QStringLiteral("test-key"));
    /// A token with the given scopes and lifetime; `extra` claims override the defaults.
    QByteArray mint(const QStringList &scopes = { QStringLiteral("*") }, int lifetimeSeconds = 300,
        const QJsonObject &extra = {}) const;
    /// `{"keys":[jwk]}`.
    QJsonObject jwks() const;
    /// The signing key.
    const EcKey &key() const { return m_key; }
    /// The key id in tokens and the JWKS.
    const QString &kid() const { return m_kid; }

private:
    EcKey m_key;
    QString m_kid;
};

/// Builds one delivery request as the platform would send it.
class DeliveryBuilder
{
public:
    /// A delivery of event with the version sent in the path.
    explicit DeliveryBuilder(QString event, QString version = QStringLiteral("v1"));
    /// The event data; authentication and api blocks are added from the other settings.
    DeliveryBuilder &payload(const QJsonObject &payload);
    /// Signs with HMAC using this secret (unsigned when never called).
    DeliveryBuilder &secret(const QByteArray &secret);
    /// The signing timestamp (default: now).
    DeliveryBuilder &timestamp(qint64 unixSeconds);
    /// Puts a runtime token into `authentication`.
    DeliveryBuilder &runtimeToken(const QByteArray &token);
    /// Puts `authentication.scopes` (the HMAC-era list).
    DeliveryBuilder &scopes(const QStringList &scopes);
    /// Sets `api.base_url`.
    DeliveryBuilder &apiBaseUrl(const QString &url);
    /// Adds a header.
    DeliveryBuilder &header(const QByteArray &name, const QByteArray &value);
    /// Sends the version in X-Kiket-Event-Version to /webhooks/{event} instead of /v/{version}/….
    DeliveryBuilder &versionInHeader(bool inHeader = true);
    /// Uses these exact body bytes (signed as they are).
    DeliveryBuilder &rawBody(const QByteArray &body);

    /// The request, signed if a secret was given.
    HttpRequest request() const;

private:
    QString m_event;
    QString m_version;
    QJsonObject m_payload;
    QByteArray m_secret;
    qint64 m_timestamp = -1;
    QByteArray m_token;
    QStringList m_scopes;
    bool m_hasScopes = false;
    QString m_baseUrl;
    HeaderList m_headers;
    bool m_versionInHeader = false;
    QByteArray m_rawBody;
    bool m_hasRawBody = false;
};

/// Sends a request to 127.0.0.1:port and waits for the answer (for worker or test threads).
HttpResponse send(quint16 port, const HttpRequest &request, int timeoutMs = 10000);

/// A platform stand-in on its own thread: serves JWKS, records every request, answers as told.
class FakePlatform
{
public:
    using Answer = std::function<HttpResponse(const HttpRequest &)>;
    /// Starts listening on 127.0.0.1 with a free port.
    FakePlatform();
    /// Stops the server and its thread.
    ~FakePlatform();
    /// The base URL, e.g. http://127.0.0.1:41234.
    QString baseUrl() const;
    /// The port it listens on.
    quint16 port() const;
    /// The answer for requests other than the JWKS (default: 200 `{}`).
    void setAnswer(Answer answer);
    /// The latest 1000 requests received (JWKS fetches included).
    QList<HttpRequest> requests() const;
    /// Requests whose path starts with the prefix.
    QList<HttpRequest> requests(const QByteArray &pathPrefix) const;
    /// Forgets the recorded requests.
    void clearRequests();
    /// The issuer whose keys this platform publishes.
    const TokenIssuer &issuer() const { return m_issuer; }
    /// Makes /.well-known/jwks.json answer 503 while set.
    void setJwksAvailable(bool available);

private:
    TokenIssuer m_issuer;
    QThread m_thread;
    HttpServer *m_server = nullptr;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    QList<HttpRequest> m_requests;
    Answer m_answer;
    bool m_jwksAvailable = true;
};

} // namespace kiket::testing
