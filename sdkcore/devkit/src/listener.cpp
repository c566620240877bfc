#include "kiket/devkit/listener.h"

#include "modulewatch.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <kiket/jwt.h>

namespace kiket::devkit {

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
    // The stages the delivery got through, in order.
    const std::pair<const char *, double> stages[]
        = { { "parse", outcome.parseMs }, { "auth", outcome.authMs }, { "route", outcome.routeMs },
              { "handler", outcome.handlerRan ? outcome.handlerMs : 0 } };
    for (const auto &[name, ms] : stages) {
        if (ms > 0)
            e.timings.insert(QLatin1String(name), ms);
    }
    e.timings.insert(QStringLiteral("total"), double(started.msecsTo(e.finished)));
    if (!outcome.errorClass.isEmpty())
        e.note = outcome.errorClass;
    return e;
}

Result<std::unique_ptr<Sdk>> Listener::makeSdk(const ExtensionPlugin &plugin) const
{
    auto sdk = std::make_unique<Sdk>(m_options);
    if (const auto &error = sdk->configurationError())
        return *error;
    auto registered = plugin.registerInto(*sdk);
    if (!registered)
        return registered.error();
    // Runs on the worker before the answer leaves, so an answered delivery is always on disk.
    sdk->setObserver([captures = m_captures, onCaptured = m_onCaptured](
                         const HttpRequest &request, const DeliveryOutcome &outcome) {
        Exchange e = deliveryExchange(request, outcome, outcome.received);
        const auto id = captures->append(e);
        e.id = id ? id.value() : 0;
        if (e.id)
            captures->adoptChildren(e.id, e.tokenId); // the API calls its handler made
        if (onCaptured)
            onCaptured(e);
    });
    return sdk;
}

Result<std::unique_ptr<Listener>> Listener::start(const SdkOptions &options,
    const ExtensionPlugin &plugin, CaptureWriter &captures, const QString &host, quint16 port,
    Listener::CaptureHook onCaptured)
{
    std::unique_ptr<Listener> listener(new Listener);
    listener->m_options = options;
    listener->m_captures = &captures;
    listener->m_onCaptured = std::move(onCaptured);
    listener->m_host = host;
    auto sdk = listener->makeSdk(plugin);
    if (!sdk)
        return sdk.error();
    auto bound = sdk.value()->start(host, port);
    if (!bound)
        return bound.error();
    listener->m_sdk = std::move(sdk).value();
    listener->m_plugin = plugin;
    return listener;
}

Result<bool> Listener::reload()
{
    auto plugin = ExtensionPlugin::load(m_plugin.path());
    if (!plugin)
        return plugin.error();
    auto sdk = makeSdk(plugin.value());
    if (!sdk)
        return sdk.error();
    // The old server finishes the deliveries in flight; the new one takes the same port.
    const quint16 port = m_sdk->port();
    m_sdk->stop();
    auto bound = sdk.value()->start(m_host, port);
    if (!bound) {
        const auto restarted = m_sdk->start(m_host, port);
        return Error { QStringLiteral("plugin.reload"),
            QStringLiteral("Cannot listen on port %1 again (%2); %3")
                .arg(port)
                .arg(bound.error().message,
                    restarted ? QStringLiteral("the old module keeps running")
                              : QStringLiteral("the listener is down")) };
    }
    m_sdk = std::move(sdk).value(); // the old handlers go before the old module
    m_plugin = std::move(plugin).value();
    return true;
}

void Listener::watchModule(std::function<void(const Result<bool> &)> onReload)
{
    m_watch = std::make_unique<ModuleWatch>(m_plugin.path(), [this, onReload] {
        const auto reloaded = reload();
        if (onReload)
            onReload(reloaded);
    });
}

Listener::~Listener()
{
    m_watch.reset();
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

QString Listener::pluginPath() const
{
    return m_plugin.path();
}

} // namespace kiket::devkit
