#include "logging.h"
#include "sdk_p.h"
#include "synchttp.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace kiket {

namespace {

std::atomic<bool> g_stopRequested { false };

void requestStop(int)
{
    g_stopRequested = true;
}

Result<QByteArray> fetchUrl(const QString &url, int timeoutMs)
{
    const SyncReply reply
        = syncRequest("GET", QUrl(url), { { "Accept", "application/json" } }, {}, timeoutMs);
    if (reply.status == 0)
        return Error { QStringLiteral("jwks.fetch"), reply.errorString };
    if (reply.status < 200 || reply.status >= 300)
        return Error { QStringLiteral("jwks.fetch"),
            QStringLiteral("HTTP %1 from %2").arg(reply.status).arg(url) };
    return reply.body;
}

} // namespace

WebhookRegistration::WebhookRegistration(
    Sdk &sdk, QString event, QString version, QStringList scopes)
    : m_sdk(sdk)
    , m_event(std::move(event))
    , m_version(std::move(version))
    , m_scopes(std::move(scopes))
{ }

void WebhookRegistration::operator=(Handler handler)
{
    m_sdk.registerHandler(m_event, m_version, std::move(handler), m_scopes);
}

Sdk::Sdk(SdkOptions options)
    : d(std::make_unique<Private>())
{
    d->options = std::move(options);
    auto config = resolveConfig(d->options);
    if (config) {
        d->config = config.value();
    } else {
        d->configError = config.error();
        qCWarning(lcSdk).noquote() << "configuration error:" << config.error().toString();
    }
    if (d->config.baseUrl.isEmpty())
        d->config.baseUrl = QStringLiteral("https://kiket.dev");
    d->telemetry = std::make_unique<Telemetry>(d->config.telemetryUrl,
        d->config.telemetryEnabled && !d->configError, d->options.feedbackHook);
    const int timeout = d->options.clientTimeoutMs;
    d->jwks = std::make_shared<JwksCache>(
        [timeout](const QString &url) { return fetchUrl(url, timeout); });
    d->verifier = std::make_unique<TokenVerifier>(
        d->jwks, d->config.baseUrl, d->options.trustedBaseUrls, d->options.tokenLeewaySeconds);
}

Sdk::~Sdk()
{
    stop();
}

const std::optional<Error> &Sdk::configurationError() const
{
    return d->configError;
}

const Config &Sdk::config() const
{
    return d->config;
}

void Sdk::registerHandler(const QString &event, const QString &version, Handler handler,
    const QStringList &requiredScopes)
{
    QWriteLocker locker(&d->lock);
    d->handlers.insert({ event, version }, { std::move(handler), requiredScopes });
    if (!d->events.contains(event))
        d->events.append(event);
}

WebhookRegistration Sdk::webhook(
    const QString &event, const QString &version, const QStringList &requiredScopes)
{
    return WebhookRegistration(*this, event, version, requiredScopes);
}

QStringList Sdk::registeredEvents() const
{
    QReadLocker locker(&d->lock);
    return d->events;
}

QJsonObject Sdk::health() const
{
    return { { QStringLiteral("status"), QStringLiteral("ok") },
        { QStringLiteral("extension_id"), d->config.extensionId },
        { QStringLiteral("extension_version"), d->config.extensionVersion },
        { QStringLiteral("registered_events"), QJsonArray::fromStringList(registeredEvents()) } };
}

Telemetry &Sdk::telemetry()
{
    return *d->telemetry;
}

const TokenVerifier &Sdk::tokenVerifier() const
{
    return *d->verifier;
}

void Sdk::setObserver(std::function<void(const HttpRequest &, const DeliveryOutcome &)> observer)
{
    d->observer = std::move(observer);
}

void Sdk::setRefusalObserver(RefusalObserver observer)
{
    d->refusalObserver = std::move(observer);
}

Result<quint16> Sdk::start(const QString &host, quint16 port)
{
    if (d->configError)
        return *d->configError;
    if (d->server)
        return Error { QStringLiteral("server.running"),
            QStringLiteral("The server is already running") };
    QHostAddress address;
    if (host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host))
        return Error { QStringLiteral("server.host"),
            QStringLiteral("Not an IP address: %1").arg(host) };

    d->serverThread.setObjectName(QStringLiteral("kiket-server"));
    d->serverThread.start();
    auto *server = new HttpServer(d->options.limits);
    server->moveToThread(&d->serverThread);
    d->pool = new WorkerPool(d->options.workerThreads);
    d->pool->moveToThread(&d->serverThread);
    WorkerPool *pool = d->pool;
    QMetaObject::invokeMethod(
        pool, [pool] { pool->startWatching(); }, Qt::QueuedConnection);
    server->setHandler([this](const HttpRequest &request, const Responder &responder) {
        const bool delivery = request.method == "POST" && request.path() != "/health";
        if (!delivery) {
            responder.send(dispatch(request)); // cheap: health, 404 and 405 answers
            return;
        }
        if (d->queued.fetchAndAddRelaxed(1) >= d->options.maxQueuedDeliveries) {
            d->queued.fetchAndAddRelaxed(-1);
            const QString reason = QStringLiteral("Server busy: too many deliveries waiting");
            responder.send(HttpResponse::error(503, reason));
            if (d->refusalObserver)
                d->refusalObserver({ QDateTime::currentDateTimeUtc(), 503, reason, request, {} });
            return;
        }
        d->pool->start([this, request, responder] {
            responder.send(dispatch(request));
            d->queued.fetchAndAddRelaxed(-1);
        });
    });
    server->setRefusalObserver(d->refusalObserver);
    Result<quint16> bound = Error {};
    QMetaObject::invokeMethod(
        server, [&] { bound = server->listen(address, port); }, Qt::BlockingQueuedConnection);
    d->server = server;
    if (!bound) {
        stop();
        return bound.error();
    }
    d->port = bound.value();
    return bound;
}

void Sdk::stop()
{
    if (d->server) {
        HttpServer *server = d->server;
        QMetaObject::invokeMethod(
            server, [server] { delete server; }, Qt::BlockingQueuedConnection);
        d->server = nullptr;
        d->port = 0;
    }
    if (d->pool) {
        WorkerPool *pool = d->pool;
        pool->waitForDone();
        QMetaObject::invokeMethod(
            pool, [pool] { delete pool; }, Qt::BlockingQueuedConnection);
        d->pool = nullptr;
    }
    d->serverThread.quit();
    d->serverThread.wait();
}

quint16 Sdk::port() const
{
    return d->port;
}

int Sdk::run(const QString &host, quint16 port)
{
    std::unique_ptr<QCoreApplication> ownApp;
    if (!QCoreApplication::instance()) {
        static int argc = 1;
        static char name[] = "kiket-extension";
        static char *argv[] = { name, nullptr };
        ownApp = std::make_unique<QCoreApplication>(argc, argv);
    }
    const Result<quint16> bound = start(host, port);
    if (!bound) {
        qCCritical(lcSdk).noquote() << bound.error().toString();
        return 1;
    }
    qCInfo(lcSdk).noquote() << QStringLiteral(
        "Kiket extension %1 %2 listening on http://%3:%4 (auth: %5)")
                                   .arg(d->config.extensionId, d->config.extensionVersion, host)
                                   .arg(bound.value())
                                   .arg(authModeName(d->config.authMode));
    const int code = execUntilStopSignal();
    stop();
    return code;
}

int execUntilStopSignal()
{
    g_stopRequested = false;
    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    QTimer poll; // the handler only sets a flag; the event loop looks at it
    QObject::connect(&poll, &QTimer::timeout, QCoreApplication::instance(), [] {
        if (g_stopRequested)
            QCoreApplication::quit();
    });
    poll.start(100);
    return QCoreApplication::exec();
}

} // namespace kiket
