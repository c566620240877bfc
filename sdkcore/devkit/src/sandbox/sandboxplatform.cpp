#include "kiket/devkit/sandbox/sandboxplatform.h"

#include <QElapsedTimer>

#include "kiket/devkit/sandbox/apiroute.h"
#include "kiket/devkit/sandbox/fixtures.h"
#include "kiket/devkit/sandbox/sandboxstore.h"

#include <kiket/context.h>
#include <kiket/devkit/common/batchwork.h>
#include <kiket/httpserver.h>
#include <kiket/jwt.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QUrlQuery>

namespace kiket::devkit {

struct SandboxPlatform::Private
{
    Private(const SandboxOptions &o, TokenIssuer i, Fixtures f)
        : options(o)
        , issuer(std::move(i))
        , fixtures(std::move(f))
        , window(o.rateLimit, o.rateWindowSeconds)
    { }

    SandboxOptions options;
    TokenIssuer issuer;
    Fixtures fixtures;
    std::unique_ptr<TokenVerifier> verifier;
    RateWindow window;
    TelemetryAggregator telemetry;
    Observer observer;
    QThread thread;
    HttpServer *server = nullptr; // lives on thread
    std::unique_ptr<SandboxStore> store; // used on thread only
    quint16 port = 0;

    HttpResponse handle(const ApiRoute &route, const HttpRequest &request);
    HttpResponse serve(const ApiRoute &route, const HttpRequest &request, const QJsonObject &body);
    HttpResponse customData(
        const ApiRoute &route, const HttpRequest &request, const QJsonObject &body);
    HttpResponse secrets(
        const ApiRoute &route, const HttpRequest &request, const QJsonObject &body);
};

namespace {

HttpResponse ok()
{
    return HttpResponse::json(200, { { QStringLiteral("ok"), true } });
}

HttpResponse notFound(const QString &what)
{
    return HttpResponse::error(404, QStringLiteral("%1 not found").arg(what));
}

// Who called: the scopes granted, and for a runtime token the extension it was minted for.
struct Caller
{
    QStringList scopes;
    QString extensionId; ///< Empty for the workspace token, which reaches every extension.
};

// The caller, or an error answer when it brought no valid credentials.
std::variant<Caller, HttpResponse> authenticate(
    const HttpRequest &r, const TokenVerifier &verifier, const QString &workspaceToken)
{
    QByteArray token = r.header("x-kiket-runtime-token");
    if (token.isEmpty())
        token = r.header("x-runtime-token"); // older SDKs
    if (!token.isEmpty()) {
        const TokenVerdict v = verifier.verify(token, {});
        if (!v.ok())
            return HttpResponse::error(401, v.httpError());
        return Caller { v.claims.scopes, v.claims.extId };
    }
    QByteArray presented = r.header("x-kiket-api-key");
    const QByteArray authorization = r.header("authorization");
    if (authorization.startsWith("Bearer "))
        presented = authorization.mid(7).trimmed();
    if (!presented.isEmpty() && !workspaceToken.isEmpty() && presented == workspaceToken.toUtf8())
        return Caller { { QStringLiteral("*") }, {} };
    if (!presented.isEmpty())
        return HttpResponse::error(401, QStringLiteral("Invalid workspace token"));
    return HttpResponse::error(401,
        QStringLiteral("Missing credentials: send X-Kiket-Runtime-Token or a workspace token"));
}

void addRateHeaders(HttpResponse &response, const RateDecision &d)
{
    response.headers.emplaceBack("X-RateLimit-Limit", QByteArray::number(d.limit));
    response.headers.emplaceBack("X-RateLimit-Remaining", QByteArray::number(d.remaining));
    response.headers.emplaceBack("X-RateLimit-Reset", QByteArray::number(d.resetIn));
}

} // namespace

HttpResponse SandboxPlatform::Private::handle(const ApiRoute &route, const HttpRequest &request)
{
    if (route.endpoint == ApiEndpoint::None) {
        if (route.allow.isEmpty())
            return HttpResponse::error(404, QStringLiteral("Not found"));
        HttpResponse r = HttpResponse::error(405,
            QStringLiteral("Method %1 not allowed; use %2")
                .arg(QString::fromLatin1(request.method), QString::fromLatin1(route.allow)));
        r.headers.emplaceBack("Allow", route.allow);
        return r;
    }
    if (route.endpoint == ApiEndpoint::Jwks)
        return HttpResponse::json(200, issuer.jwks());

    for (const QString *name :
        { &route.extensionId, &route.key, &route.module, &route.table, &route.recordId }) {
        if (!name->isEmpty() && !isPrintableName(*name))
            return HttpResponse::error(
                400, QStringLiteral("A name in the path holds a control character (such as %00)"));
    }
    QJsonObject body;
    if (const qsizetype at = loneSurrogateAt(request.body); at >= 0)
        return HttpResponse::error(400,
            QStringLiteral("Invalid JSON body: a lone UTF-16 surrogate escape at byte %1").arg(at));
    if (!request.body.trimmed().isEmpty()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return HttpResponse::error(400,
                QStringLiteral("Invalid JSON body: %1")
                    .arg(
                        doc.isNull() ? error.errorString() : QStringLiteral("expected an object")));
        body = doc.object();
    }
    if (route.endpoint == ApiEndpoint::Telemetry) { // reported without credentials
        telemetry.add(TelemetryRecord::fromJson(body));
        return HttpResponse::json(202, { { QStringLiteral("ok"), true } });
    }

    auto auth = authenticate(request, *verifier, options.workspaceToken);
    if (std::holds_alternative<HttpResponse>(auth))
        return std::get<HttpResponse>(auth);
    const Caller &caller = std::get<Caller>(auth);
    const RateDecision rate = window.take(QDateTime::currentMSecsSinceEpoch());
    const QString scope = requiredScope(route.endpoint);
    const QStringList missing
        = scope.isEmpty() ? QStringList() : missingScopes({ scope }, caller.scopes);
    HttpResponse response;
    if (!caller.extensionId.isEmpty() && !route.extensionId.isEmpty()
        && caller.extensionId != route.extensionId) {
        response = HttpResponse::error(403,
            QStringLiteral("The runtime token was minted for the extension %1; it cannot reach "
                           "the extension %2")
                .arg(caller.extensionId, route.extensionId));
    } else if (!rate.allowed) {
        response = HttpResponse::error(429,
            QStringLiteral("Rate limit exceeded: %1 calls per %2 s")
                .arg(rate.limit)
                .arg(window.windowSeconds()));
        response.headers.emplaceBack("Retry-After", QByteArray::number(rate.retryAfter));
    } else if (!missing.isEmpty()) {
        response = HttpResponse::json(403, ScopeError({ scope }, missing).toJson());
    } else {
        response = serve(route, request, body);
    }
    addRateHeaders(response, rate);
    return response;
}

HttpResponse SandboxPlatform::Private::serve(
    const ApiRoute &route, const HttpRequest &request, const QJsonObject &body)
{
    const QString extension = route.extensionId.isEmpty() ? options.extensionId : route.extensionId;
    switch (route.endpoint) {
    case ApiEndpoint::Metadata:
        return HttpResponse::json(200,
            { { QStringLiteral("id"), extension },
                { QStringLiteral("version"), options.extensionVersion },
                { QStringLiteral("name"), options.extensionName } });
    case ApiEndpoint::EventsLog:
        store->logEvent(extension, QStringLiteral("event"), body);
        return ok();
    case ApiEndpoint::Logs:
        store->logEvent(extension, QStringLiteral("log"), body);
        return ok();
    case ApiEndpoint::Metrics:
        store->logEvent(extension, QStringLiteral("metric"), body);
        return ok();
    case ApiEndpoint::Notify: {
        static const QStringList levels { QStringLiteral("info"), QStringLiteral("warning"),
            QStringLiteral("error"), QStringLiteral("success") };
        if (!levels.contains(body.value(QStringLiteral("level")).toString(QStringLiteral("info"))))
            return HttpResponse::error(
                422, QStringLiteral("level must be info, warning, error or success"));
        store->notify(body);
        return ok();
    }
    case ApiEndpoint::RateLimit: {
        const RateDecision d = window.peek(QDateTime::currentMSecsSinceEpoch());
        return HttpResponse::json(200,
            { { QStringLiteral("rate_limit"),
                QJsonObject { { QStringLiteral("limit"), d.limit },
                    { QStringLiteral("remaining"), d.remaining },
                    { QStringLiteral("window_seconds"), window.windowSeconds() },
                    { QStringLiteral("reset_in"), d.resetIn } } } });
    }
    case ApiEndpoint::SlaEventsList: {
        const QUrlQuery q(QString::fromUtf8(request.query()));
        const QString project = q.queryItemValue(QStringLiteral("project_id"), QUrl::FullyDecoded);
        if (project.isEmpty())
            return HttpResponse::error(400, QStringLiteral("project_id is required"));
        return HttpResponse::json(200,
            { { QStringLiteral("data"),
                fixtures.slaEventsFor(project,
                    q.queryItemValue(QStringLiteral("issue_id"), QUrl::FullyDecoded),
                    q.queryItemValue(QStringLiteral("state")),
                    q.queryItemValue(QStringLiteral("limit")).toInt()) } });
    }
    case ApiEndpoint::CustomDataList:
    case ApiEndpoint::CustomDataGet:
    case ApiEndpoint::CustomDataCreate:
    case ApiEndpoint::CustomDataUpdate:
    case ApiEndpoint::CustomDataDelete:
        return customData(route, request, body);
    default:
        return secrets(route, request, body);
    }
}

HttpResponse SandboxPlatform::Private::customData(
    const ApiRoute &route, const HttpRequest &request, const QJsonObject &body)
{
    const QUrlQuery query(QString::fromUtf8(request.query()));
    const RecordTable where { query.queryItemValue(
                                  QStringLiteral("project_id"), QUrl::FullyDecoded),
        route.module, route.table };
    if (where.projectId.trimmed().isEmpty())
        return HttpResponse::error(400, QStringLiteral("project_id is required"));
    const auto data = [](const QJsonValue &v) {
        return HttpResponse::json(200, { { QStringLiteral("data"), v } });
    };
    switch (route.endpoint) {
    case ApiEndpoint::CustomDataList: {
        QJsonObject filters;
        const QString filterText
            = query.queryItemValue(QStringLiteral("filters"), QUrl::FullyDecoded);
        if (!filterText.isEmpty()) {
            const QJsonDocument doc = QJsonDocument::fromJson(filterText.toUtf8());
            if (!doc.isObject())
                return HttpResponse::error(400, QStringLiteral("filters must be a JSON object"));
            filters = doc.object();
        }
        return data(store->listRecords(
            where, query.queryItemValue(QStringLiteral("limit")).toInt(), filters));
    }
    case ApiEndpoint::CustomDataGet: {
        const auto record = store->record(where, route.recordId);
        return record ? data(*record) : notFound(QStringLiteral("Record"));
    }
    case ApiEndpoint::CustomDataCreate:
    case ApiEndpoint::CustomDataUpdate: {
        if (!body.value(QStringLiteral("record")).isObject())
            return HttpResponse::error(400, QStringLiteral("the body needs a \"record\" object"));
        const QJsonObject fields = body.value(QStringLiteral("record")).toObject();
        if (route.endpoint == ApiEndpoint::CustomDataCreate) {
            const auto created = store->createRecord(where, fields);
            return created ? data(created.value())
                           : HttpResponse::error(500, created.error().message);
        }
        const auto updated = store->updateRecord(where, route.recordId, fields);
        return updated ? data(*updated) : notFound(QStringLiteral("Record"));
    }
    default:
        return store->deleteRecord(where, route.recordId) ? ok()
                                                          : notFound(QStringLiteral("Record"));
    }
}

HttpResponse SandboxPlatform::Private::secrets(
    const ApiRoute &route, const HttpRequest &request, const QJsonObject &body)
{
    const QString extension = route.extensionId;
    const bool keyed = route.endpoint != ApiEndpoint::SecretsList
        && route.endpoint != ApiEndpoint::SecretsCreate;
    if (keyed && route.key.isEmpty())
        return HttpResponse::error(400, QStringLiteral("A secret needs a key: …/secrets/KEY"));
    switch (route.endpoint) {
    case ApiEndpoint::SecretsList: {
        // The Python SDK (httpx) reads a bare array of objects; everyone else gets {keys:[…]}.
        if (request.header("user-agent").startsWith("python-httpx/"))
            return HttpResponse::jsonArray(200, store->secretList(extension));
        return HttpResponse::json(200,
            { { QStringLiteral("keys"),
                QJsonArray::fromStringList(store->secretKeys(extension)) } });
    }
    case ApiEndpoint::SecretsGet: {
        const auto value = store->secret(extension, route.key);
        return value ? HttpResponse::json(200, { { QStringLiteral("value"), *value } })
                     : notFound(QStringLiteral("Secret"));
    }
    case ApiEndpoint::SecretsCreate: { // Python dialect
        const QJsonObject secret = body.value(QStringLiteral("secret")).toObject();
        if (!isPrintableName(secret.value(QStringLiteral("key")).toString())
            || !secret.value(QStringLiteral("value")).isString())
            return HttpResponse::error(
                400, QStringLiteral("the body needs {\"secret\":{\"key\",\"value\"}}"));
        store->setSecret(extension, secret.value(QStringLiteral("key")).toString(),
            secret.value(QStringLiteral("value")).toString());
        return ok();
    }
    case ApiEndpoint::SecretsSet:
    case ApiEndpoint::SecretsUpdate:
        if (!body.value(QStringLiteral("value")).isString())
            return HttpResponse::error(400, QStringLiteral("the body needs a \"value\" string"));
        if (route.endpoint == ApiEndpoint::SecretsUpdate && !store->secret(extension, route.key))
            return notFound(QStringLiteral("Secret"));
        store->setSecret(extension, route.key, body.value(QStringLiteral("value")).toString());
        return ok();
    case ApiEndpoint::SecretsDelete:
        return store->deleteSecret(extension, route.key) ? ok()
                                                         : notFound(QStringLiteral("Secret"));
    default:
        return HttpResponse::error(404, QStringLiteral("Not found"));
    }
}

Exchange apiCallExchange(const SandboxCall &call)
{
    const HttpRequest &request = call.request;
    const ExchangeKind kind = request.path() == "/api/v1/ext/telemetry" ? ExchangeKind::Telemetry
        : request.path() == "/.well-known/jwks.json"                    ? ExchangeKind::Jwks
                                                                        : ExchangeKind::ApiCall;
    Exchange e = exchangeOf(kind, request, call.response, call.received,
        call.received.addMSecs(qint64(call.handledMs)));
    e.timings.set(StageTimes::Handled, call.handledMs);
    e.event = call.endpoint;
    const QByteArray token = request.header("x-kiket-runtime-token");
    e.tokenId = tokenIdOf(token.isEmpty() ? request.header("x-runtime-token") : token);
    return e;
}

Result<std::unique_ptr<SandboxPlatform>> SandboxPlatform::start(const SandboxOptions &options)
{
    const QString state = options.stateFolder.isEmpty() ? options.folder : options.stateFolder;
    auto issuer = TokenIssuer::forFolder(state);
    if (!issuer)
        return issuer.error();
    auto fixtures = loadFixtures(options.folder);
    if (!fixtures)
        return fixtures.error();
    std::unique_ptr<SandboxPlatform> platform(new SandboxPlatform);
    platform->d = std::make_unique<Private>(options, issuer.value(), fixtures.value());
    Private *d = platform->d.get();
    const QJsonObject jwks = d->issuer.jwks();
    auto cache = std::make_shared<JwksCache>([jwks](const QString &) -> Result<QByteArray> {
        return QJsonDocument(jwks).toJson(QJsonDocument::Compact);
    });
    d->verifier = std::make_unique<TokenVerifier>(cache, QStringLiteral("sandbox"));
    // A token this sandbox minted needs no ES256 check to be known genuine (~0.1 ms a call).
    d->verifier->setSignedHere(
        [minted = d->issuer.minted()](const QByteArray &token) { return minted.contains(token); });

    d->thread.setObjectName(QStringLiteral("kiket-sandbox"));
    startAsBatchWork(d->thread);
    auto *server = new HttpServer;
    server->moveToThread(&d->thread);
    server->setHandler([d](const HttpRequest &request, const Responder &responder) {
        const QDateTime received = QDateTime::currentDateTimeUtc();
        QElapsedTimer clock;
        clock.start();
        const ApiRoute route = matchApiRoute(request.method, request.path());
        const HttpResponse response = d->handle(route, request);
        const double handledMs = clock.nsecsElapsed() / 1e6;
        // Observed (captured) before the answer leaves, so the handler's delivery, answered after
        // this call, always finds the call on disk to adopt as its child.
        if (d->observer)
            d->observer({ request, response, endpointName(route.endpoint), received, handledMs });
        responder.send(response);
    });
    d->server = server;
    Error failure;
    QMetaObject::invokeMethod(
        server,
        [&] {
            auto store = SandboxStore::open(state);
            if (!store) {
                failure = store.error();
                return;
            }
            d->store = std::move(store).value();
            auto bound = server->listen(options.host, options.port);
            if (bound)
                d->port = bound.value();
            else
                failure = bound.error();
        },
        Qt::BlockingQueuedConnection);
    if (!failure.message.isEmpty())
        return failure; // the destructor stops the thread
    return platform;
}

QString SandboxPlatform::warning() const
{
    QStringList said { d->issuer.notice() };
    if (d->store)
        said << d->store->warning();
    said.removeAll(QString());
    return said.join(QLatin1Char('\n'));
}

SandboxPlatform::~SandboxPlatform()
{
    if (!d)
        return;
    HttpServer *server = d->server;
    Private *d_ = d.get();
    // Server and store belong to the sandbox thread; they go there.
    QMetaObject::invokeMethod(
        server,
        [server, d_] {
            delete server;
            d_->store.reset();
        },
        Qt::BlockingQueuedConnection);
    d->thread.quit();
    d->thread.wait();
}

QString SandboxPlatform::baseUrl() const
{
    return QStringLiteral("http://%1:%2").arg(d->options.host.toString()).arg(d->port);
}

quint16 SandboxPlatform::port() const
{
    return d->port;
}

const TokenIssuer &SandboxPlatform::issuer() const
{
    return d->issuer;
}

RateWindow &SandboxPlatform::rateWindow()
{
    return d->window;
}

const TelemetryAggregator &SandboxPlatform::telemetry() const
{
    return d->telemetry;
}

void SandboxPlatform::waitIdle()
{
    QMetaObject::invokeMethod(
        d->server, [] {}, Qt::BlockingQueuedConnection);
}

void SandboxPlatform::setObserver(Observer observer)
{
    d->observer = std::move(observer);
}

} // namespace kiket::devkit
