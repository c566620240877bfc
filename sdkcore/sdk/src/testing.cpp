#include "kiket/testing.h"

#include "kiket/hmac.h"
#include "synchttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUuid>

namespace kiket::testing {

namespace {
constexpr qsizetype kKeptRequests = 1000; // enough for any test, bounded for long runs
}

TokenIssuer::TokenIssuer(QString kid)
    : m_key(EcKey::generate())
    , m_kid(std::move(kid))
{ }

QByteArray TokenIssuer::mint(
    const QStringList &scopes, int lifetimeSeconds, const QJsonObject &extra) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QJsonObject claims { { QStringLiteral("sub"), QStringLiteral("user-1") },
        { QStringLiteral("org_id"), QStringLiteral("org-1") },
        { QStringLiteral("ext_id"), QStringLiteral("ext-1") },
        { QStringLiteral("proj_id"), QStringLiteral("proj-1") },
        { QStringLiteral("pi_id"), QStringLiteral("pi-1") },
        { QStringLiteral("scopes"), QJsonArray::fromStringList(scopes) },
        { QStringLiteral("src"), QStringLiteral("webhook") },
        { QStringLiteral("iss"), QStringLiteral("kiket.dev") }, { QStringLiteral("iat"), now },
        { QStringLiteral("exp"), now + lifetimeSeconds },
        { QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces) } };
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        if (it.value().isUndefined() || it.value().isNull())
            claims.remove(it.key());
        else
            claims.insert(it.key(), it.value());
    }
    return signJwt(claims, m_key, m_kid);
}

QJsonObject TokenIssuer::jwks() const
{
    return { { QStringLiteral("keys"), QJsonArray { m_key.publicJwk(m_kid) } } };
}

DeliveryBuilder::DeliveryBuilder(QString event, QString version)
    : m_event(std::move(event))
    , m_version(std::move(version))
{ }

DeliveryBuilder &DeliveryBuilder::payload(const QJsonObject &payload)
{
    m_payload = payload;
    return *this;
}

DeliveryBuilder &DeliveryBuilder::secret(const QByteArray &secret)
{
    m_secret = secret;
    return *this;
}

DeliveryBuilder &DeliveryBuilder::timestamp(qint64 unixSeconds)
{
    m_timestamp = unixSeconds;
    return *this;
}

DeliveryBuilder &DeliveryBuilder::runtimeToken(const QByteArray &token)
{
    m_token = token;
    return *this;
}

DeliveryBuilder &DeliveryBuilder::scopes(const QStringList &scopes)
{
    m_scopes = scopes;
    m_hasScopes = true;
    return *this;
}

DeliveryBuilder &DeliveryBuilder::apiBaseUrl(const QString &url)
{
    m_baseUrl = url;
    return *this;
}

DeliveryBuilder &DeliveryBuilder::header(const QByteArray &name, const QByteArray &value)
{
    m_headers.emplaceBack(name, value);
    return *this;
}

DeliveryBuilder &DeliveryBuilder::versionInHeader(bool inHeader)
{
    m_versionInHeader = inHeader;
    return *this;
}

DeliveryBuilder &DeliveryBuilder::rawBody(const QByteArray &body)
{
    m_rawBody = body;
    m_hasRawBody = true;
    return *this;
}

HttpRequest DeliveryBuilder::request() const
{
    QJsonObject payload = m_payload;
    QJsonObject auth = payload.value(QStringLiteral("authentication")).toObject();
    if (!m_token.isEmpty()) {
        auth.insert(QStringLiteral("runtime_token"), QString::fromUtf8(m_token));
        auth.insert(QStringLiteral("token_type"), QStringLiteral("runtime"));
    }
    if (m_hasScopes)
        auth.insert(QStringLiteral("scopes"), QJsonArray::fromStringList(m_scopes));
    if (!auth.isEmpty())
        payload.insert(QStringLiteral("authentication"), auth);
    if (!m_baseUrl.isEmpty())
        payload.insert(
            QStringLiteral("api"), QJsonObject { { QStringLiteral("base_url"), m_baseUrl } });

    HttpRequest r;
    r.method = "POST";
    const QByteArray event = QUrl::toPercentEncoding(m_event);
    r.target = m_versionInHeader
        ? "/webhooks/" + event
        : "/v/" + QUrl::toPercentEncoding(m_version) + "/webhooks/" + event;
    r.body = m_hasRawBody ? m_rawBody : QJsonDocument(payload).toJson(QJsonDocument::Compact);
    r.headers.emplaceBack("Content-Type", "application/json");
    if (m_versionInHeader)
        r.headers.emplaceBack("X-Kiket-Event-Version", m_version.toUtf8());
    if (!m_secret.isEmpty()) {
        const Signature s = generateSignature(m_secret, r.body, m_timestamp);
        r.headers.emplaceBack("X-Kiket-Signature", s.signature);
        r.headers.emplaceBack("X-Kiket-Timestamp", s.timestamp);
    }
    r.headers.append(m_headers);
    r.peer = QHostAddress::LocalHost;
    return r;
}

HttpResponse send(quint16 port, const HttpRequest &request, int timeoutMs)
{
    return sendHttp(QStringLiteral("http://127.0.0.1:%1").arg(port), request, timeoutMs);
}

FakePlatform::FakePlatform()
{
    m_thread.setObjectName(QStringLiteral("kiket-fake-platform"));
    m_thread.start();
    auto *server = new HttpServer;
    server->moveToThread(&m_thread);
    server->setHandler([this](const HttpRequest &request, const Responder &responder) {
        Answer answer;
        bool jwks = false;
        {
            QMutexLocker lock(&m_mutex);
            m_requests.append(request);
            if (m_requests.size() > kKeptRequests)
                m_requests.removeFirst();
            answer = m_answer;
            jwks = m_jwksAvailable;
        }
        if (request.path() == "/.well-known/jwks.json") {
            responder.send(jwks ? HttpResponse::json(200, m_issuer.jwks())
                                : HttpResponse::error(503, QStringLiteral("JWKS unavailable")));
            return;
        }
        responder.send(answer ? answer(request) : HttpResponse::json(200, {}));
    });
    QMetaObject::invokeMethod(
        server, [this, server] { m_port = server->listen().value(); },
        Qt::BlockingQueuedConnection);
    m_server = server;
}

FakePlatform::~FakePlatform()
{
    HttpServer *server = m_server;
    QMetaObject::invokeMethod(
        server, [server] { delete server; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QString FakePlatform::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

quint16 FakePlatform::port() const
{
    return m_port;
}

void FakePlatform::setAnswer(Answer answer)
{
    QMutexLocker lock(&m_mutex);
    m_answer = std::move(answer);
}

QList<HttpRequest> FakePlatform::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

QList<HttpRequest> FakePlatform::requests(const QByteArray &pathPrefix) const
{
    QList<HttpRequest> out;
    for (const HttpRequest &r : requests()) {
        if (r.path().startsWith(pathPrefix))
            out.append(r);
    }
    return out;
}

void FakePlatform::clearRequests()
{
    QMutexLocker lock(&m_mutex);
    m_requests.clear();
}

void FakePlatform::setJwksAvailable(bool available)
{
    QMutexLocker lock(&m_mutex);
    m_jwksAvailable = available;
}

} // namespace kiket::testing
