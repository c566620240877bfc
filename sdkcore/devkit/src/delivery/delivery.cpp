#include "kiket/devkit/delivery/delivery.h"

#include <kiket/hmac.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUuid>

namespace kiket::devkit {

namespace {

constexpr qint64 kStaleSeconds = 600;

QByteArray newDeliveryId()
{
    return "dlv_" + QUuid::createUuid().toByteArray(QUuid::Id128);
}

qint64 nowOr(qint64 now)
{
    return now >= 0 ? now : QDateTime::currentSecsSinceEpoch();
}

void removeHeader(HeaderList &headers, const QByteArray &name)
{
    headers.removeIf(
        [&name](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
}

void setHeader(HeaderList &headers, const QByteArray &name, const QByteArray &value)
{
    removeHeader(headers, name);
    headers.emplaceBack(name, value);
}

void sign(HttpRequest &request, const QByteArray &signature, const QByteArray &timestamp)
{
    setHeader(request.headers, "X-Kiket-Signature", signature);
    setHeader(request.headers, "X-Kiket-Timestamp", timestamp);
}

void signWith(HttpRequest &request, const QByteArray &secret, qint64 timestamp)
{
    const Signature s = generateSignature(secret, request.body, timestamp);
    sign(request, s.signature, s.timestamp);
}

} // namespace

PreparedDelivery prepareDelivery(const DeliverySpec &spec, qint64 now)
{
    const qint64 t = nowOr(now);
    PreparedDelivery out;
    QJsonObject payload = spec.payload;
    QJsonObject auth = payload.value(QStringLiteral("authentication")).toObject();
    auth.insert(QStringLiteral("scopes"), QJsonArray::fromStringList(spec.grant.scopes));
    if (spec.issuer) {
        out.runtimeToken = spec.issuer->mint(spec.grant, t);
        auth.insert(QStringLiteral("runtime_token"), QString::fromLatin1(out.runtimeToken));
        auth.insert(QStringLiteral("token_type"), QStringLiteral("runtime"));
        auth.insert(QStringLiteral("expires_at"),
            QDateTime::fromSecsSinceEpoch(t + spec.grant.lifetimeSeconds, Qt::UTC)
                .toString(Qt::ISODate));
    }
    payload.insert(QStringLiteral("authentication"), auth);
    if (!spec.apiBaseUrl.isEmpty())
        payload.insert(
            QStringLiteral("api"), QJsonObject { { QStringLiteral("base_url"), spec.apiBaseUrl } });
    if (!spec.payloadSecrets.isEmpty())
        payload.insert(QStringLiteral("secrets"), spec.payloadSecrets);

    out.deliveryId = newDeliveryId();
    HttpRequest &r = out.request;
    r.method = "POST";
    r.target = "/v/" + QUrl::toPercentEncoding(spec.version) + "/webhooks/"
        + QUrl::toPercentEncoding(spec.event);
    r.body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    r.headers.emplaceBack("Content-Type", "application/json");
    r.headers.emplaceBack("User-Agent", "kiket-workbench");
    r.headers.emplaceBack("X-Kiket-Delivery", out.deliveryId);
    if (!spec.webhookSecret.isEmpty())
        signWith(r, spec.webhookSecret, t);
    return out;
}

QString replayModeName(ReplayMode mode)
{
    switch (mode) {
    case ReplayMode::Verbatim:
        return QStringLiteral("verbatim");
    case ReplayMode::Resign:
        return QStringLiteral("resign");
    case ReplayMode::WrongSecret:
        return QStringLiteral("wrong-secret");
    case ReplayMode::Unsigned:
        return QStringLiteral("unsigned");
    case ReplayMode::Stale:
        return QStringLiteral("stale");
    case ReplayMode::BodyOnly:
        return QStringLiteral("body-only");
    }
    return {};
}

QList<ReplayMode> replayModes()
{
    return { ReplayMode::Verbatim, ReplayMode::Resign, ReplayMode::WrongSecret,
        ReplayMode::Unsigned, ReplayMode::Stale, ReplayMode::BodyOnly };
}

std::optional<ReplayMode> replayModeFromString(const QString &name)
{
    for (ReplayMode mode : replayModes()) {
        if (replayModeName(mode) == name.trimmed().toLower())
            return mode;
    }
    return std::nullopt;
}

HttpRequest prepareReplay(
    const HttpRequest &original, ReplayMode mode, const QByteArray &secret, qint64 now)
{
    HttpRequest r = original;
    if (mode == ReplayMode::Verbatim)
        return r;
    setHeader(r.headers, "X-Kiket-Delivery", newDeliveryId());
    const qint64 t = nowOr(now);
    switch (mode) {
    case ReplayMode::Verbatim:
        break;
    case ReplayMode::Resign:
        signWith(r, secret, t);
        break;
    case ReplayMode::WrongSecret:
        signWith(r, secret + "-but-wrong", t);
        break;
    case ReplayMode::Unsigned:
        removeHeader(r.headers, "X-Kiket-Signature");
        removeHeader(r.headers, "X-Kiket-Timestamp");
        break;
    case ReplayMode::Stale:
        signWith(r, secret, t - kStaleSeconds);
        break;
    case ReplayMode::BodyOnly:
        sign(r, hmacSha256Hex(secret, r.body), QByteArray::number(t));
        break;
    }
    return r;
}

HttpRequest signedAgain(const HttpRequest &request, const QByteArray &secret, qint64 now)
{
    HttpRequest r = request;
    signWith(r, secret, nowOr(now));
    return r;
}

HttpRequest withEditedBody(
    const HttpRequest &original, const QByteArray &body, const QByteArray &secret, qint64 now)
{
    HttpRequest r = original;
    r.body = body;
    return prepareReplay(r, ReplayMode::Resign, secret, now);
}

} // namespace kiket::devkit
