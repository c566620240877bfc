#include "kiket/devkit/capture/exchange.h"

#include <kiket/jwt.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace kiket::devkit {

namespace {

const char *const kNames[] = { "delivery", "api-call", "telemetry", "jwks", "log" };

} // namespace

QString exchangeKindName(ExchangeKind kind)
{
    return QString::fromLatin1(kNames[int(kind)]);
}

ExchangeKind exchangeKindFromName(const QString &name)
{
    for (int i = 0; i < int(std::size(kNames)); ++i) {
        if (name == QLatin1String(kNames[i]))
            return ExchangeKind(i);
    }
    return ExchangeKind::Log;
}

QString tokenIdOf(const QByteArray &token)
{
    const auto decoded = decodeJwt(token);
    return decoded ? decoded.value().claims.value(QStringLiteral("jti")).toString() : QString();
}

Exchange exchangeOf(ExchangeKind kind, const HttpRequest &request, const HttpResponse &response,
    const QDateTime &started, const QDateTime &finished)
{
    Exchange e;
    e.kind = kind;
    e.started = started;
    e.finished = finished;
    e.method = request.method;
    e.target = request.target;
    e.requestHeaders = request.headers;
    e.requestBody = request.body;
    e.status = response.status;
    e.responseHeaders = response.headers;
    e.responseBody = response.body;
    return e;
}

void linkDelivery(Exchange &delivery, const HttpRequest &request)
{
    delivery.replayOf = request.header(kReplayOfHeaderName).toLongLong();
    // The listener links each delivery before answering: a body that does not name the token, as
    // the platform writes it, is not parsed, however large it is.
    if (!request.body.contains("\"runtime_token\""))
        return;
    delivery.tokenId = tokenIdOf(QJsonDocument::fromJson(request.body)
                                     .object()
                                     .value(QStringLiteral("authentication"))
                                     .toObject()
                                     .value(QStringLiteral("runtime_token"))
                                     .toString()
                                     .toUtf8());
}

ExchangeSummary summaryOf(const Exchange &e)
{
    ExchangeSummary s;
    s.id = e.id;
    s.kind = e.kind;
    s.started = e.started;
    s.durationMs = e.started.isValid() && e.finished.isValid() ? e.started.msecsTo(e.finished) : 0;
    s.method = e.method;
    s.target = e.target;
    s.status = e.status;
    s.event = e.event;
    s.version = e.version;
    s.authCause = e.authCause;
    s.handlerKind = e.handlerKind;
    s.parentId = e.parentId;
    s.replayOf = e.replayOf;
    s.requestBytes = e.requestBody.size();
    s.responseBytes = e.responseBody.size();
    return s;
}

HttpRequest requestOf(const Exchange &exchange)
{
    static const QList<QByteArray> transport { "host", "content-length", "connection",
        "transfer-encoding", "keep-alive", "expect", QByteArray(kReplayOfHeaderName) };
    HttpRequest r { exchange.method, exchange.target, {}, exchange.requestBody, {} };
    for (const auto &h : exchange.requestHeaders) {
        if (!transport.contains(h.first.toLower()))
            r.headers.append(h);
    }
    return r;
}

} // namespace kiket::devkit
