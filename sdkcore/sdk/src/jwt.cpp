#include "kiket/jwt.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace kiket {

namespace {

QString trimSlash(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

Result<QJsonObject> decodePart(const QByteArray &part, const char *name)
{
    bool ok = false;
    const QByteArray json = fromBase64Url(part, &ok);
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!ok || !doc.isObject())
        return Error { QStringLiteral("jwt.malformed"),
            QStringLiteral("%1 is not base64url JSON").arg(name) };
    return doc.object();
}

} // namespace

Result<DecodedJwt> decodeJwt(const QByteArray &token)
{
    const QList<QByteArray> parts = token.trimmed().split('.');
    if (parts.size() != 3)
        return Error { QStringLiteral("jwt.malformed"),
            QStringLiteral("expected 3 dot-separated parts") };
    auto header = decodePart(parts[0], "header");
    if (!header)
        return header.error();
    auto claims = decodePart(parts[1], "claims");
    if (!claims)
        return claims.error();
    bool ok = false;
    DecodedJwt jwt;
    jwt.header = header.value();
    jwt.claims = claims.value();
    jwt.signingInput = parts[0] + '.' + parts[1];
    jwt.signature = fromBase64Url(parts[2], &ok);
    if (!ok)
        return Error { QStringLiteral("jwt.malformed"),
            QStringLiteral("signature is not base64url") };
    return jwt;
}

QByteArray signJwt(const QJsonObject &claims, const EcKey &key, const QString &kid)
{
    const QJsonObject header { { QStringLiteral("alg"), QStringLiteral("ES256") },
        { QStringLiteral("typ"), QStringLiteral("JWT") }, { QStringLiteral("kid"), kid } };
    const QByteArray input = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return input + '.' + base64Url(key.sign(input));
}

namespace {

// A time claim in seconds; numbers past any real date are held at ±9e15 (year 285 million), so
// sums with a leeway never overflow.
qint64 secondsOf(const QJsonValue &value)
{
    constexpr double kLimit = 9e15;
    const double seconds = value.isString() ? value.toString().toDouble() : value.toDouble();
    return qint64(qBound(-kLimit, std::isnan(seconds) ? 0.0 : seconds, kLimit));
}

} // namespace

RuntimeClaims RuntimeClaims::fromJson(const QJsonObject &c)
{
    RuntimeClaims r;
    r.raw = c;
    r.sub = c.value(QStringLiteral("sub")).toVariant().toString();
    r.orgId = c.value(QStringLiteral("org_id")).toVariant().toString();
    r.extId = c.value(QStringLiteral("ext_id")).toVariant().toString();
    r.projId = c.value(QStringLiteral("proj_id")).toVariant().toString();
    r.piId = c.value(QStringLiteral("pi_id")).toVariant().toString();
    r.src = c.value(QStringLiteral("src")).toString();
    r.iss = c.value(QStringLiteral("iss")).toString();
    r.jti = c.value(QStringLiteral("jti")).toString();
    for (const QJsonValue &s : c.value(QStringLiteral("scopes")).toArray())
        r.scopes.append(s.toString());
    r.iat = secondsOf(c.value(QStringLiteral("iat")));
    r.exp = secondsOf(c.value(QStringLiteral("exp")));
    return r;
}

QString TokenVerdict::httpError() const
{
    switch (cause) {
    case TokenCause::Ok:
        return {};
    case TokenCause::Missing:
        return QStringLiteral("Missing runtime_token in payload");
    case TokenCause::Expired:
        return QStringLiteral("Runtime token has expired");
    case TokenCause::BadIssuer:
        return QStringLiteral("Invalid token issuer");
    case TokenCause::BadSignature:
        return QStringLiteral("Invalid token signature");
    case TokenCause::Invalid:
        return QStringLiteral("Invalid token: %1").arg(reason);
    case TokenCause::JwksFetchFailed:
        return QStringLiteral("Failed to fetch JWKS: %1").arg(reason);
    case TokenCause::NoKey:
        return QStringLiteral("No suitable signing key found in JWKS");
    }
    return {};
}

QString TokenVerdict::causeName() const
{
    static const char *names[]
        = { "ok", "missing", "expired", "issuer", "signature", "invalid", "jwks", "no-key" };
    return QString::fromLatin1(names[int(cause)]);
}

JwksCache::JwksCache(JwksFetcher fetcher, int ttlSeconds)
    : m_fetcher(std::move(fetcher))
    , m_ttl(ttlSeconds)
{ }

Result<QHash<QString, EcKey>> JwksCache::keys(const QString &baseUrl)
{
    const QString key = trimSlash(baseUrl);
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_entries.constFind(key);
        if (it != m_entries.constEnd()
            && it->fetchedAt.secsTo(QDateTime::currentDateTimeUtc()) < m_ttl)
            return it->keys;
    }
    if (!m_fetcher)
        return Error { QStringLiteral("jwks.fetch"), QStringLiteral("no fetcher configured") };
    auto body = m_fetcher(key + QStringLiteral("/.well-known/jwks.json"));
    if (!body)
        return body.error();
    const QJsonDocument doc = QJsonDocument::fromJson(body.value());
    if (!doc.isObject() || !doc.object().value(QStringLiteral("keys")).isArray())
        return Error { QStringLiteral("jwks.format"),
            QStringLiteral("response is not a JWKS document") };
    QHash<QString, EcKey> keys;
    for (const QJsonValue &v : doc.object().value(QStringLiteral("keys")).toArray()) {
        const QJsonObject jwk = v.toObject();
        const QString alg = jwk.value(QStringLiteral("alg")).toString();
        if (!alg.isEmpty() && alg != QStringLiteral("ES256"))
            continue;
        auto parsed = EcKey::fromJwk(jwk);
        if (parsed)
            keys.insert(jwk.value(QStringLiteral("kid")).toString(), parsed.value());
    }
    QMutexLocker lock(&m_mutex);
    m_entries.insert(key, { keys, QDateTime::currentDateTimeUtc() });
    return keys;
}

void JwksCache::clear()
{
    QMutexLocker lock(&m_mutex);
    m_entries.clear();
}

TokenVerifier::TokenVerifier(std::shared_ptr<JwksCache> cache, QString configuredBaseUrl,
    QStringList trustedBaseUrls, int leewaySeconds)
    : m_cache(std::move(cache))
    , m_baseUrl(trimSlash(configuredBaseUrl))
    , m_leeway(leewaySeconds)
{
    if (trustedBaseUrls.isEmpty())
        trustedBaseUrls << m_baseUrl;
    for (const QString &url : trustedBaseUrls)
        m_trusted << trimSlash(url);
}

void TokenVerifier::setSignedHere(std::function<bool(const QByteArray &)> signedHere)
{
    m_signedHere = std::move(signedHere);
}

bool TokenVerifier::isTrusted(const QString &baseUrl) const
{
    return m_trusted.contains(trimSlash(baseUrl));
}

QString TokenVerifier::keyBaseUrl(const QString &payloadBaseUrl) const
{
    return !payloadBaseUrl.isEmpty() && isTrusted(payloadBaseUrl) ? trimSlash(payloadBaseUrl)
                                                                  : m_baseUrl;
}

TokenVerdict TokenVerifier::verify(
    const QByteArray &token, const QString &payloadBaseUrl, qint64 now) const
{
    TokenVerdict v;
    if (!payloadBaseUrl.isEmpty() && !isTrusted(payloadBaseUrl))
        v.ignoredBaseUrl = payloadBaseUrl;
    if (token.trimmed().isEmpty()) {
        v.cause = TokenCause::Missing;
        return v;
    }
    auto decoded = decodeJwt(token);
    if (!decoded) {
        v.reason = decoded.error().message;
        return v;
    }
    const DecodedJwt &jwt = decoded.value();
    v.claims = RuntimeClaims::fromJson(jwt.claims);
    const QString alg = jwt.header.value(QStringLiteral("alg")).toString();
    if (alg != QStringLiteral("ES256")) {
        v.reason = QStringLiteral("unsupported algorithm %1")
                       .arg(alg.isEmpty() ? QStringLiteral("(none)") : alg);
        return v;
    }
    // Extensions marked critical must be understood (RFC 7515 §4.1.11); we know none.
    if (jwt.header.contains(QStringLiteral("crit"))) {
        v.reason = QStringLiteral("unsupported critical header parameters (crit)");
        return v;
    }
    const QString base = keyBaseUrl(payloadBaseUrl);
    v.jwksUrl = base + QStringLiteral("/.well-known/jwks.json");
    auto keys = m_cache->keys(base);
    if (!keys) {
        v.cause = TokenCause::JwksFetchFailed;
        v.reason = keys.error().message;
        return v;
    }
    const QString kid = jwt.header.value(QStringLiteral("kid")).toString();
    QList<EcKey> candidates;
    if (!kid.isEmpty() && keys.value().contains(kid))
        candidates << keys.value().value(kid);
    else if (kid.isEmpty() && keys.value().size() == 1) // one key: no kid needed (as jose)
        candidates = keys.value().values();
    else if (kid.isEmpty() && keys.value().size() > 1)
        v.reason = QStringLiteral("the token names no kid and the JWKS holds %1 keys")
                       .arg(keys.value().size());
    if (candidates.isEmpty()) {
        v.cause = TokenCause::NoKey;
        return v;
    }
    bool signatureOk = m_signedHere && m_signedHere(token);
    for (const EcKey &key : candidates)
        signatureOk = signatureOk || key.verify(jwt.signingInput, jwt.signature);
    if (!signatureOk) {
        v.cause = TokenCause::BadSignature;
        return v;
    }
    if (v.claims.iss != QStringLiteral("kiket.dev")) {
        v.cause = TokenCause::BadIssuer;
        return v;
    }
    for (const char *claim : { "exp", "iat" }) {
        if (!jwt.claims.value(QLatin1String(claim)).isDouble()) {
            v.reason = QStringLiteral("missing %1 claim").arg(QLatin1String(claim));
            return v;
        }
    }
    const qint64 t = now >= 0 ? now : QDateTime::currentSecsSinceEpoch();
    if (t > v.claims.exp + m_leeway) {
        v.cause = TokenCause::Expired;
        return v;
    }
    const QJsonValue nbf = jwt.claims.value(QStringLiteral("nbf"));
    if (!nbf.isUndefined() && (!nbf.isDouble() || t + m_leeway < secondsOf(nbf))) {
        v.reason = nbf.isDouble() ? QStringLiteral("not valid yet (nbf is in the future)")
                                  : QStringLiteral("nbf claim is not a number");
        return v;
    }
    // Clocks drift: an iat a little ahead is a clock, five minutes ahead is not a real token.
    if (t + qMax(m_leeway, 300) < v.claims.iat) {
        v.reason = QStringLiteral("issued in the future (iat)");
        return v;
    }
    v.cause = TokenCause::Ok;
    return v;
}

} // namespace kiket
