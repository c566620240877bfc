#include "kiket/devkit/listener.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <kiket/jwt.h>

namespace kiket::devkit {

QString tokenIdOf(const QByteArray &token)
{
    const auto decoded = decodeJwt(token);
    return decoded ? decoded.value().claims.value(QStringLiteral("jti")).toString() : QString();
}

Exchange deliveryExchange(
    const HttpRequest &request, const DeliveryOutcome &outcome, const QDateTime &started)
{
    Exchange e;
    e.kind = ExchangeKind::Delivery;
    e.started = started;
    e.finished = QDateTime::currentDateTimeUtc();
    e.method = request.method;
    e.target = request.target;
    e.requestHeaders = request.headers;
    e.requestBody = request.body;
    e.status = outcome.response.status;
    e.responseHeaders = outcome.response.headers;
    e.responseBody = outcome.response.body;
    e.event = outcome.event;
    e.version = outcome.version.isEmpty() ? outcome.requestedVersion : outcome.version;
    e.handlerKind = QStringLiteral("in-process");
    e.replayOf = request.header(kReplayOfHeaderName).toLongLong();
    const QJsonObject payload = QJsonDocument::fromJson(request.body).object();
    e.tokenId = tokenIdOf(payload.value(QStringLiteral("authentication"))
                              .toObject()
                              .value(QStringLiteral("runtime_token"))
                              .toString()
                              .toUtf8());
    if (outcome.hmac) {
        e.authCause = outcome.hmac->causeName();
        e.authDetail = outcome.hmac->explanation();
    }
    if (outcome.token && (!outcome.hmac || outcome.hmac->ok())) {
        e.authCause = outcome.token->causeName();
        e.authDetail = outcome.token->ok() ? QString() : outcome.token->httpError();
    }
    if (outcome.handlerRan)
        e.timings.insert(QStringLiteral("handler"), outcome.handlerMs);
    e.timings.insert(QStringLiteral("total"), double(started.msecsTo(e.finished)));
    if (!outcome.errorClass.isEmpty())
        e.note = outcome.errorClass;
    return e;
}

Result<std::unique_ptr<Listener>> Listener::start(const SdkOptions &options,
    const ExtensionPlugin &plugin, CaptureWriter &captures, const QString &host, quint16 port,
    Listener::CaptureHook onCaptured)
{
    std::unique_ptr<Listener> listener(new Listener);
    listener->m_plugin = plugin;
    listener->m_sdk = std::make_unique<Sdk>(options);
    if (const auto &error = listener->m_sdk->configurationError())
        return *error;
    auto registered = plugin.registerInto(*listener->m_sdk);
    if (!registered)
        return registered.error();
    // Runs on the worker before the answer leaves, so an answered delivery is always on disk.
    listener->m_sdk->setObserver(
        [&captures, onCaptured](const HttpRequest &request, const DeliveryOutcome &outcome) {
            Exchange e = deliveryExchange(request, outcome, outcome.received);
            const auto id = captures.append(e);
            e.id = id ? id.value() : 0;
            if (e.id)
                captures.adoptChildren(e.id, e.tokenId); // the API calls its handler made
            if (onCaptured)
                onCaptured(e);
        });
    auto bound = listener->m_sdk->start(host, port);
    if (!bound)
        return bound.error();
    return listener;
}

Listener::~Listener()
{
    if (m_sdk)
        m_sdk->stop();
}

quint16 Listener::port() const
{
    return m_sdk->port();
}

Sdk &Listener::sdk()
{
    return *m_sdk;
}

} // namespace kiket::devkit
