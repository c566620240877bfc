#pragma once

#include <kiket/devkit/sandbox/tokenissuer.h>
#include <kiket/http.h>

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace kiket::devkit {

/// Everything the sandbox needs to send one delivery the way the platform does.
struct DeliverySpec
{
    QString event;
    QString version;
    QJsonObject payload; ///< Event data; the envelope below is added to it.
    QByteArray webhookSecret; ///< Signs with HMAC when set.
    const TokenIssuer *issuer = nullptr; ///< Mints `authentication.runtime_token` when set.
    TokenGrant grant; ///< Scopes and ids for the token (and `authentication.scopes`).
    QString apiBaseUrl; ///< Becomes `api.base_url` when set.
    QJsonObject payloadSecrets; ///< Becomes `secrets` when not empty.
};

/// A delivery ready to POST to `<target>/v/{version}/webhooks/{event}`.
struct PreparedDelivery
{
    HttpRequest request;
    QByteArray deliveryId; ///< Also in the X-Kiket-Delivery header.
    QByteArray runtimeToken; ///< Empty when no issuer was given.
};

/// Builds envelope, headers (Content-Type, X-Kiket-Delivery, HMAC pair) and body.
PreparedDelivery prepareDelivery(const DeliverySpec &spec, qint64 now = -1);

/// How to send a captured delivery again.
enum class ReplayMode {
    Verbatim, ///< The original bytes and headers; an old timestamp shows as stale.
    Resign, ///< A fresh timestamp and signature with the given secret.
    WrongSecret, ///< Signed with a secret that is not the right one.
    Unsigned, ///< No signature and timestamp headers.
    Stale, ///< Correctly signed with a timestamp 10 minutes old.
    BodyOnly, ///< Signed the old way: HMAC of the body alone.
};

/// "verbatim", "resign", "wrong-secret", "unsigned", "stale", "body-only".
QString replayModeName(ReplayMode mode);
std::optional<ReplayMode> replayModeFromString(const QString &name);
/// Every mode, in the order above.
QList<ReplayMode> replayModes();

/// A copy of the original request prepared for the mode; all but Verbatim get a new delivery id.
HttpRequest prepareReplay(
    const HttpRequest &original, ReplayMode mode, const QByteArray &secret, qint64 now = -1);
/// The same delivery (same X-Kiket-Delivery id) with a fresh timestamp and signature: a retry.
HttpRequest signedAgain(const HttpRequest &request, const QByteArray &secret, qint64 now = -1);
/// The original with another body, re-signed with the secret (an edited payload).
HttpRequest withEditedBody(
    const HttpRequest &original, const QByteArray &body, const QByteArray &secret, qint64 now = -1);

} // namespace kiket::devkit
