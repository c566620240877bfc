#include "jsontext.h"
#include "sdk_p.h"
#include "synchttp.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

#include <cxxabi.h>
#include <typeinfo>

namespace kiket {

namespace {

const QByteArray kJson = "application/json";

HttpResponse jsonResponse(int status, const QJsonObject &body)
{
    return HttpResponse::json(status, body);
}

QString demangle(const std::type_info &type)
{
    int status = 0;
    char *name = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
    const QString out = QString::fromLatin1(status == 0 && name ? name : type.name());
    std::free(name);
    return out;
}

struct Route
{
    enum Kind { Health, Delivery, NotFound, BadEvent } kind = NotFound;
    QByteArray allow; ///< Methods the path accepts, for the Allow header.
    QString event;
    QString pathVersion;

    bool allows(const QByteArray &method) const
    {
        return kind == Health ? method == "GET" || method == "HEAD" : method == "POST";
    }
};

// A path segment as text: percent-decoded (only when it holds a '%'), then trimmed.
QString decodeSegment(QByteArrayView segment, bool trim)
{
    const QString text = segment.contains('%')
        ? QString::fromUtf8(QByteArray::fromPercentEncoding(segment.toByteArray()))
        : QString::fromUtf8(segment);
    return trim ? text.trimmed() : text;
}

// Dot-separated words of letters, digits, '_', ':' and '-' (no empty word, so no "..").
bool isEventName(const QString &event)
{
    bool wordStart = true;
    for (QChar c : event) {
        if (c == QLatin1Char('.')) {
            if (wordStart)
                return false;
            wordStart = true;
            continue;
        }
        const char16_t u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
            || u == '_' || u == ':' || u == '-';
        if (!ok)
            return false;
        wordStart = false;
    }
    return !wordStart;
}

Route route(QByteArrayView rawPath)
{
    Route r;
    if (rawPath == "/health") {
        r.kind = Route::Health;
        r.allow = "GET, HEAD";
        return r;
    }
    QByteArrayView eventSegment;
    if (rawPath.startsWith("/webhooks/")) {
        eventSegment = rawPath.sliced(10);
    } else if (rawPath.startsWith("/v/")) {
        const QByteArrayView rest = rawPath.sliced(3);
        const qsizetype slash = rest.indexOf('/');
        if (slash < 0 || !rest.sliced(slash).startsWith("/webhooks/"))
            return r;
        r.pathVersion = decodeSegment(rest.first(slash), true);
        eventSegment = rest.sliced(slash + 10);
    } else {
        return r;
    }
    if (eventSegment.contains('/'))
        return r;
    r.allow = "POST";
    r.event = decodeSegment(eventSegment, false);
    r.kind = isEventName(r.event) ? Route::Delivery : Route::BadEvent;
    return r;
}

QString queryVersion(const QByteArray &query)
{
    const QUrlQuery q(QString::fromUtf8(query));
    return q.queryItemValue(QStringLiteral("version"), QUrl::FullyDecoded).trimmed();
}

QString versionRequiredMessage()
{
    return QStringLiteral(
        "Event version required. Provide X-Kiket-Event-Version header, version query param, "
        "or /v/{version} path.");
}

} // namespace

QString alternateVersion(const QString &version)
{
    const bool prefixed = version.startsWith(QLatin1Char('v'));
    const QStringView digits = QStringView(version).mid(prefixed ? 1 : 0);
    if (digits.isEmpty())
        return {};
    for (QChar c : digits) {
        if (!c.isDigit() || c.unicode() > '9')
            return {};
    }
    return prefixed ? digits.toString() : QLatin1Char('v') + version;
}

std::optional<RegisteredHandler> Sdk::Private::find(
    const QString &event, const QString &version, QString *registered) const
{
    QReadLocker locker(&lock);
    auto it = handlers.constFind({ event, version });
    if (it != handlers.constEnd() && !version.isEmpty()) {
        *registered = version;
        return *it;
    }
    const QString alternate = alternateVersion(version);
    it = handlers.constFind({ event, alternate });
    if (it != handlers.constEnd() && !alternate.isEmpty()) {
        *registered = alternate;
        return *it;
    }
    return std::nullopt;
}

HttpResponse Sdk::dispatch(const HttpRequest &request)
{
    return dispatchDetailed(request).response;
}

DeliveryOutcome Sdk::dispatchDetailed(const HttpRequest &request)
{
    DeliveryOutcome out;
    out.received = QDateTime::currentDateTimeUtc();
    out.authMode = d->config.authMode;
    // Stage timings: the running stage's field gets its time when the next one starts or it ends.
    QElapsedTimer stage;
    double *running = nullptr;
    auto enter = [&](double *field) {
        if (running)
            *running = stage.nsecsElapsed() / 1e6;
        running = field;
        stage.start();
    };
    auto finish = [&](HttpResponse response) -> DeliveryOutcome & {
        enter(nullptr);
        out.response = std::move(response);
        if (d->observer)
            d->observer(request, out);
        return out;
    };

    const Route r = route(request.path());
    if (r.kind == Route::NotFound)
        return finish(HttpResponse::error(404, QStringLiteral("Not found")));
    if (!r.allows(request.method)) {
        HttpResponse response = HttpResponse::error(405,
            QStringLiteral("Method %1 not allowed; use %2")
                .arg(QString::fromLatin1(request.method), QString::fromLatin1(r.allow)));
        response.headers.emplaceBack("Allow", r.allow);
        return finish(response);
    }
    if (r.kind == Route::Health)
        return finish(jsonResponse(200, health()));
    if (r.kind == Route::BadEvent)
        return finish(
            HttpResponse::error(400, QStringLiteral("Invalid event name '%1'").arg(r.event)));
    out.event = r.event;
    if (d->configError)
        return finish(HttpResponse::error(
            500, QStringLiteral("Extension misconfigured: %1").arg(d->configError->toString())));

    // Parse: the body must be a JSON object in valid UTF-8.
    enter(&out.parseMs);
    if (request.body.trimmed().isEmpty())
        return finish(HttpResponse::error(400, QStringLiteral("Invalid JSON payload: empty body")));
    if (!QUtf8StringView(request.body).isValidUtf8())
        return finish(HttpResponse::error(
            400, QStringLiteral("Invalid JSON payload: body is not valid UTF-8")));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return finish(HttpResponse::error(400,
            QStringLiteral("Invalid JSON payload: %1 at offset %2")
                .arg(parseError.errorString())
                .arg(parseError.offset)));
    if (!doc.isObject())
        return finish(HttpResponse::error(
            400, QStringLiteral("Invalid JSON payload: expected a JSON object")));
    const QJsonObject payload = doc.object();
    const QJsonObject authBlock = payload.value(QStringLiteral("authentication")).toObject();
    const QByteArray runtimeToken
        = authBlock.value(QStringLiteral("runtime_token")).toString().toUtf8();
    const QString payloadBase = payload.value(QStringLiteral("api"))
                                    .toObject()
                                    .value(QStringLiteral("base_url"))
                                    .toString();

    // Authenticate.
    enter(&out.authMs);
    const AuthMode mode = d->config.authMode;
    if (mode == AuthMode::Hmac || mode == AuthMode::Both) {
        HmacInput in;
        in.secret = d->config.webhookSecret.toUtf8();
        in.otherSecrets = d->options.previousWebhookSecrets;
        in.acceptedSecrets = d->options.rotatingWebhookSecrets;
        in.signatureHeaders = headerValues(request.headers, "x-kiket-signature");
        in.timestampHeaders = headerValues(request.headers, "x-kiket-timestamp");
        in.body = request.body;
        out.hmac = verifyHmac(in);
        if (!out.hmac->ok())
            return finish(HttpResponse::error(401, out.hmac->httpError()));
    }
    RuntimeClaims claims;
    if (mode == AuthMode::RuntimeToken || mode == AuthMode::Both) {
        out.token = d->verifier->verify(runtimeToken, payloadBase);
        if (!out.token->ok())
            return finish(HttpResponse::error(401, out.token->httpError()));
        claims = out.token->claims;
    } else if (!runtimeToken.isEmpty()) {
        // The body is authenticated (or auth is off), so the token's claims can be read as sent.
        if (auto decoded = decodeJwt(runtimeToken))
            claims = RuntimeClaims::fromJson(decoded.value().claims);
    }

    // Version and handler.
    enter(&out.routeMs);
    QString requested = r.pathVersion;
    if (requested.isEmpty())
        requested = QString::fromUtf8(request.header("x-kiket-event-version")).trimmed();
    if (requested.isEmpty())
        requested = queryVersion(request.query());
    out.requestedVersion = requested;
    if (requested.isEmpty())
        return finish(HttpResponse::error(400, versionRequiredMessage()));
    QString version;
    const std::optional<RegisteredHandler> handler = d->find(r.event, requested, &version);
    if (!handler)
        return finish(HttpResponse::error(404,
            QStringLiteral("No handler registered for event '%1' with version '%2'")
                .arg(r.event, requested)));
    out.version = version;

    // Scopes: a JWT's scopes claim wins over the payload's list.
    AuthInfo auth;
    auth.runtimeToken = QString::fromUtf8(runtimeToken);
    auth.tokenType = authBlock.value(QStringLiteral("token_type")).toString();
    auth.expiresAt = authBlock.value(QStringLiteral("expires_at")).toString();
    if (claims.raw.contains(QStringLiteral("scopes"))) {
        auth.scopes = claims.scopes;
    } else {
        for (const QJsonValue &s : authBlock.value(QStringLiteral("scopes")).toArray())
            auth.scopes << s.toString();
    }
    auth.orgId = claims.orgId;
    auth.extId = claims.extId;
    auth.projId = claims.projId;
    const QStringList missing = missingScopes(handler->requiredScopes, auth.scopes);
    if (!missing.isEmpty())
        return finish(jsonResponse(403, ScopeError(handler->requiredScopes, missing).toJson()));

    // Context and handler run (timed apart).
    enter(nullptr);
    ClientOptions client;
    client.baseUrl = !payloadBase.isEmpty() && d->verifier->isTrusted(payloadBase)
        ? payloadBase
        : d->config.baseUrl;
    client.workspaceToken = d->config.workspaceToken;
    client.runtimeToken = auth.runtimeToken;
    client.eventVersion = version;
    client.timeoutMs = d->options.clientTimeoutMs;
    client.initialBackoffMs = d->options.clientInitialBackoffMs;
    QMap<QString, QString> headers;
    for (const auto &h : request.headers) {
        const QString name = QString::fromLatin1(h.first).toLower(); // in place: no copy
        const QString value = QString::fromUtf8(h.second);
        headers[name]
            = headers.contains(name) ? headers[name] + QStringLiteral(", ") + value : value;
    }
    Context context(r.event, version, client, d->config.extensionId, d->config.extensionVersion,
        d->config.settings, payload.value(QStringLiteral("secrets")).toObject(), auth, headers,
        d->options.environment);

    TelemetryRecord record;
    record.event = r.event;
    record.version = version;
    record.extensionId = d->config.extensionId;
    record.extensionVersion = d->config.extensionVersion;
    record.timestamp = QDateTime::currentDateTimeUtc();
    HttpResponse response;
    QElapsedTimer timer;
    timer.start();
    out.handlerRan = true;
    try {
        const QJsonValue result = handler->handler(payload, context);
        if (result.isObject())
            response = jsonResponse(200, result.toObject());
        else if (result.isArray())
            response = { 200, { { "Content-Type", kJson } },
                QJsonDocument(result.toArray()).toJson(QJsonDocument::Compact) };
        else if (result.isUndefined() || result.isNull())
            response = jsonResponse(200, QJsonObject { { QStringLiteral("ok"), true } });
        else
            response = jsonResponse(200, QJsonObject { { QStringLiteral("result"), result } });
    } catch (const ScopeError &e) {
        out.errorClass = demangle(typeid(e));
        record.errorMessage = QString::fromStdString(e.what());
        response = jsonResponse(403, e.toJson());
    } catch (const std::exception &e) {
        out.errorClass = demangle(typeid(e));
        record.errorMessage = QString::fromStdString(e.what());
        response = HttpResponse::error(500, record.errorMessage);
    } catch (...) {
        out.errorClass = QStringLiteral("unknown");
        record.errorMessage = QStringLiteral("Handler failed with a non-standard exception");
        response = HttpResponse::error(500, record.errorMessage);
    }
    out.handlerMs = double(timer.nsecsElapsed()) / 1e6;
    record.durationMs = out.handlerMs;
    record.status = out.errorClass.isEmpty() ? QStringLiteral("ok") : QStringLiteral("error");
    record.errorClass = out.errorClass;
    d->telemetry->record(record);
    return finish(response);
}

} // namespace kiket
