#include "kiket/devkit/listener/listener.h"

#include "frontserver.h"
#include "modulewatch.h"
#include "refusalcapture.h"

namespace kiket::devkit {

Exchange deliveryExchange(
    const HttpRequest &request, const DeliveryOutcome &outcome, const QDateTime &started)
{
    Exchange e = exchangeOf(ExchangeKind::Delivery, request, outcome.response, started,
        QDateTime::currentDateTimeUtc());
    e.event = outcome.event;
    e.version = !outcome.version.isEmpty() ? outcome.version
        : !outcome.requestedVersion.isEmpty()
        ? outcome.requestedVersion
        : deliveryRoute(request).second; // stopped before routing
    e.handlerKind = QStringLiteral("in-process");
    linkDelivery(e, request);
    if (outcome.hmac) {
        e.authCause = outcome.hmac->causeName();
        e.authDetail = outcome.hmac->explanation();
    }
    if (outcome.token && (!outcome.hmac || outcome.hmac->ok())) {
        e.authCause = outcome.token->causeName();
        e.authDetail = outcome.token->ok() ? QString() : outcome.token->httpError();
    }
    // The stages the delivery got through, in order.
    const std::pair<StageTimes::Stage, double> stages[] = { { StageTimes::Parse, outcome.parseMs },
        { StageTimes::Auth, outcome.authMs }, { StageTimes::Route, outcome.routeMs },
        { StageTimes::Handler, outcome.handlerRan ? outcome.handlerMs : 0 } };
    double stageSum = 0;
    for (const auto &[stage, ms] : stages) {
        if (ms > 0)
            e.timings.set(stage, ms);
        stageSum += ms;
    }
    // The clock has whole milliseconds; the stages' sum is the better figure below one.
    e.timings.set(StageTimes::Total, qMax(double(started.msecsTo(e.finished)), stageSum));
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
    auto refusals = std::make_shared<RefusalCapture>(
        *m_captures, m_refusalReceiver.get(), QStringLiteral("in-process"), m_onCaptured);
    sdk->setRefusalObserver([refusals](const Refusal &refusal) { (*refusals)(refusal); });
    // Runs on the worker before the answer leaves, so an answered delivery is always on disk.
    sdk->setObserver([captures = m_captures, onCaptured = m_onCaptured](
                         const HttpRequest &request, const DeliveryOutcome &outcome) {
        Exchange e = deliveryExchange(request, outcome, outcome.received);
        const auto id = captures->append(e); // adopts the API calls its handler made
        e.id = id ? id.value() : 0;
        if (onCaptured)
            onCaptured(e);
    });
    return sdk;
}

Listener::Listener() = default;

namespace {

QHostAddress addressOf(const QString &host)
{
    return host == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                              : QHostAddress(host);
}

} // namespace

std::unique_ptr<Listener> Listener::make(const SdkOptions &options, CaptureWriter &captures,
    const QString &host, quint16 port, CaptureHook onCaptured)
{
    std::unique_ptr<Listener> listener(new Listener);
    listener->m_options = options;
    listener->m_captures = &captures;
    listener->m_onCaptured = std::move(onCaptured);
    listener->m_host = host;
    listener->m_port = port;
    listener->m_refusalReceiver = std::make_unique<QObject>();
    return listener;
}

Result<std::unique_ptr<Listener>> Listener::start(const SdkOptions &options,
    const ExtensionPlugin &plugin, CaptureWriter &captures, const QString &host, quint16 port,
    Listener::CaptureHook onCaptured)
{
    auto listener = make(options, captures, host, port, std::move(onCaptured));
    auto used = listener->useInProcess(plugin);
    if (!used)
        return used.error();
    return listener;
}

Result<std::unique_ptr<Listener>> Listener::startForward(const SdkOptions &options,
    quint16 extensionPort, CaptureWriter &captures, const QString &host, quint16 port,
    CaptureHook onCaptured, const QList<CannedAnswer> &fallback)
{
    auto listener = make(options, captures, host, port, std::move(onCaptured));
    auto used = listener->useForward(extensionPort, 5000, fallback);
    if (!used)
        return used.error();
    return listener;
}

Result<std::unique_ptr<Listener>> Listener::startCanned(const SdkOptions &options,
    const QList<CannedAnswer> &answers, CaptureWriter &captures, const QString &host, quint16 port,
    CaptureHook onCaptured)
{
    auto listener = make(options, captures, host, port, std::move(onCaptured));
    auto used = listener->useCanned(answers);
    if (!used)
        return used.error();
    return listener;
}

std::unique_ptr<FrontServer> Listener::makeFront(
    HandlerKind kind, quint16 extensionPort, int timeoutMs, const QList<CannedAnswer> &canned) const
{
    FrontTarget target;
    target.kind = kind;
    target.extensionPort = extensionPort;
    target.timeoutMs = timeoutMs;
    target.canned = canned;
    const auto config = resolveConfig(m_options);
    if (config)
        target.webhookSecret = config.value().webhookSecret.toUtf8();
    target.rotatingSecrets = m_options.rotatingWebhookSecrets;
    target.limits = m_options.limits;
    return std::make_unique<FrontServer>(target, *m_captures, m_onCaptured);
}

Result<bool> Listener::replaceServer(std::unique_ptr<Sdk> sdk, std::unique_ptr<FrontServer> front)
{
    // The old SDK server finishes the deliveries in flight; the new server takes the same port.
    if (m_sdk)
        m_sdk->stop();
    m_front.reset();
    const Result<quint16> bound
        = sdk ? sdk->start(m_host, m_port) : front->listen(addressOf(m_host), m_port);
    if (!bound) {
        const bool restored = m_sdk && m_sdk->start(m_host, m_port);
        if (!restored)
            m_sdk.reset();
        return Error { QStringLiteral("listener.port"),
            QStringLiteral("Cannot listen on port %1 (%2); %3")
                .arg(m_port)
                .arg(bound.error().message,
                    restored ? QStringLiteral("the previous target keeps answering")
                             : QStringLiteral("the listener is down")) };
    }
    m_port = bound.value();
    m_sdk = std::move(sdk); // the old handlers go before the old module
    m_front = std::move(front);
    return true;
}

Result<bool> Listener::useInProcess(const ExtensionPlugin &plugin)
{
    auto sdk = makeSdk(plugin);
    if (!sdk)
        return sdk.error();
    auto replaced = replaceServer(std::move(sdk).value(), nullptr);
    if (!replaced)
        return replaced;
    m_plugin = plugin;
    m_kind = HandlerKind::InProcess;
    return true;
}

Result<bool> Listener::useForward(
    quint16 extensionPort, int timeoutMs, const QList<CannedAnswer> &fallback)
{
    auto replaced = replaceServer(
        nullptr, makeFront(HandlerKind::Forward, extensionPort, timeoutMs, fallback));
    if (replaced)
        m_kind = HandlerKind::Forward;
    return replaced;
}

Result<bool> Listener::useCanned(const QList<CannedAnswer> &answers)
{
    auto replaced = replaceServer(nullptr, makeFront(HandlerKind::Canned, 0, 0, answers));
    if (replaced)
        m_kind = HandlerKind::Canned;
    return replaced;
}

HandlerKind Listener::handlerKind() const
{
    return m_kind;
}

Result<bool> Listener::reload()
{
    if (m_kind != HandlerKind::InProcess)
        return Error { QStringLiteral("plugin.reload"),
            QStringLiteral("The listener is not running a plugin") };
    auto plugin = ExtensionPlugin::load(m_plugin.path());
    if (!plugin)
        return plugin.error();
    return useInProcess(plugin.value());
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
    m_front.reset();
    if (m_sdk)
        m_sdk->stop();
}

quint16 Listener::port() const
{
    return m_port;
}

Sdk *Listener::sdk()
{
    return m_sdk.get();
}

QString Listener::pluginPath() const
{
    return m_plugin.path();
}

} // namespace kiket::devkit
