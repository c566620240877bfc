#include "kiket/devkit/capture/exchange.h"

#include "common/jsontext.h"

#include <kiket/jwt.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace kiket::devkit {

namespace {

const char *const kNames[] = { "delivery", "api-call", "telemetry", "jwks", "log" };

constexpr QLatin1StringView kStageNames[] = { QLatin1StringView("auth"), QLatin1StringView("delay"),
    QLatin1StringView("handled"), QLatin1StringView("handler"), QLatin1StringView("parse"),
    QLatin1StringView("route"), QLatin1StringView("total"), QLatin1StringView("upstream") };
static_assert(std::size(kStageNames) == StageTimes::Count);

} // namespace

StageTimes::StageTimes(std::initializer_list<std::pair<Stage, double>> times)
{
    for (const auto &[stage, ms] : times)
        set(stage, ms);
}

QLatin1StringView StageTimes::name(Stage stage)
{
    return kStageNames[stage];
}

std::optional<StageTimes::Stage> StageTimes::stageNamed(QStringView name)
{
    for (int i = 0; i < Count; ++i) {
        if (name == kStageNames[i])
            return Stage(i);
    }
    return std::nullopt;
}

void StageTimes::set(Stage stage, double ms)
{
    m_ms[stage] = ms;
    m_set |= 1u << stage;
}

void StageTimes::appendJson(QByteArray &out) const
{
    out += '{';
    const qsizetype start = out.size();
    for (int i = 0; i < Count; ++i) {
        if (!has(Stage(i)))
            continue;
        if (out.size() > start)
            out += ',';
        out += '"';
        out += kStageNames[i];
        out += "\":";
        appendJsonNumber(out, m_ms[i]);
    }
    out += '}';
}

QJsonObject StageTimes::toJsonObject() const
{
    QJsonObject object;
    for (int i = 0; i < Count; ++i) {
        if (has(Stage(i)))
            object.insert(kStageNames[i], m_ms[i]);
    }
    return object;
}

StageTimes StageTimes::fromJsonObject(const QJsonObject &object)
{
    StageTimes times;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const auto stage = stageNamed(it.key());
        if (stage && it.value().isDouble())
            times.set(*stage, it.value().toDouble());
    }
    return times;
}

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
