#pragma once

#include "kiket/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QStringList>

#include <functional>
#include <memory>

namespace kiket {

/// Base64url without padding, as JOSE uses it.
QByteArray base64Url(const QByteArray &data);
/// Decodes base64url (padding optional); false in *ok on bad input.
QByteArray fromBase64Url(const QByteArray &text, bool *ok = nullptr);

/// A P-256 key (private or public only) for ES256 signatures, backed by OpenSSL.
class EcKey
{
public:
    /// A null key.
    EcKey();
    /// A fresh random key pair.
    static EcKey generate();
    /// Reads a PEM private key (PKCS#8 or SEC1).
    static Result<EcKey> fromPem(const QByteArray &pem);
    /// Reads a public key from a JWK object with kty EC, crv P-256, x and y.
    static Result<EcKey> fromJwk(const QJsonObject &jwk);

    /// True for a default-constructed key or a failed generation.
    bool isNull() const;
    /// True when the key can sign.
    bool hasPrivateKey() const;
    /// The private key as PKCS#8 PEM (empty for a public-only key).
    QByteArray toPem() const;
    /// The public JWK: kty, crv, x, y, alg ES256, use sig and the given kid.
    QJsonObject publicJwk(const QString &kid) const;
    /// A JOSE ES256 signature (raw r||s, 64 bytes) of the data; empty on failure.
    QByteArray sign(const QByteArray &data) const;
    /// Checks a JOSE ES256 signature (raw r||s).
    bool verify(const QByteArray &data, const QByteArray &signature) const;

private:
    struct Impl;
    std::shared_ptr<Impl> d;
};

/// A JWT split into its parts, not verified.
struct DecodedJwt
{
    QJsonObject header;
    QJsonObject claims;
    QByteArray signingInput; ///< "<header>.<claims>" as sent.
    QByteArray signature; ///< Decoded signature bytes.
};

/// Splits and decodes a compact JWT; the error says what is malformed.
Result<DecodedJwt> decodeJwt(const QByteArray &token);
/// Builds a compact ES256 JWT with the given kid and claims.
QByteArray signJwt(const QJsonObject &claims, const EcKey &key, const QString &kid);

/// The claims of a Kiket runtime token.
struct RuntimeClaims
{
    QString sub, orgId, extId, projId, piId, src, iss, jti;
    QStringList scopes;
    qint64 iat = 0;
    qint64 exp = 0;
    QJsonObject raw;

    /// Reads the claims of a decoded token; missing claims stay empty.
    static RuntimeClaims fromJson(const QJsonObject &claims);
};

/// Why a runtime token was accepted or refused.
enum class TokenCause {
    Ok,
    Missing,
    Expired,
    BadIssuer,
    BadSignature,
    Invalid,
    JwksFetchFailed,
    NoKey
};

/// The structured result of verifying a runtime token.
struct TokenVerdict
{
    TokenCause cause = TokenCause::Invalid;
    QString reason; ///< Detail for Invalid and JwksFetchFailed.
    QString jwksUrl; ///< Where keys were looked up.
    QString ignoredBaseUrl; ///< An untrusted api.base_url from the payload, not used.
    RuntimeClaims claims; ///< Filled when the token could be decoded.

    /// True when the token is valid.
    bool ok() const { return cause == TokenCause::Ok; }
    /// The exact 401 error text of the protocol (empty when ok).
    QString httpError() const;
    /// Short machine name: ok, missing, expired, issuer, signature, invalid, jwks, no-key.
    QString causeName() const;
};

/// Fetches a URL and returns the body, or an error text; used to get JWKS documents.
using JwksFetcher = std::function<Result<QByteArray>(const QString &url)>;

/// JWKS documents per base URL, kept for a fixed time (3600 s by default); thread-safe.
class JwksCache
{
public:
    /// A cache that fetches with the given function and keeps documents for ttlSeconds.
    explicit JwksCache(JwksFetcher fetcher = {}, int ttlSeconds = 3600);
    /// The keys (kid → key) published at `<baseUrl>/.well-known/jwks.json`.
    Result<QHash<QString, EcKey>> keys(const QString &baseUrl);
    /// Forgets everything cached.
    void clear();

private:
    struct Entry
    {
        QHash<QString, EcKey> keys;
        QDateTime fetchedAt;
    };
    JwksFetcher m_fetcher;
    int m_ttl;
    QMutex m_mutex;
    QHash<QString, Entry> m_entries;
};

/// Verifies runtime tokens: ES256 only, issuer kiket.dev, exp and iat present, keys from trusted
/// bases.
class TokenVerifier
{
public:
    /// A verifier trusting configuredBaseUrl (and trustedBaseUrls when given) with optional clock
    /// leeway.
    TokenVerifier(std::shared_ptr<JwksCache> cache, QString configuredBaseUrl,
        QStringList trustedBaseUrls = {}, int leewaySeconds = 0);
    /// Checks a token; payloadBaseUrl is the delivery's api.base_url (used only if trusted).
    TokenVerdict verify(
        const QByteArray &token, const QString &payloadBaseUrl, qint64 now = -1) const;
    /// The base URL keys would be fetched from for a payload base URL.
    QString keyBaseUrl(const QString &payloadBaseUrl) const;
    /// True when the URL is in the trusted list (trailing slashes ignored).
    bool isTrusted(const QString &baseUrl) const;
    /// For a verifier beside the issuer (a sandbox platform): tokens for which signedHere says
    /// true skip only the ES256 signature check; algorithm, kid, issuer and times are still
    /// checked. signedHere must be thread-safe.
    void setSignedHere(std::function<bool(const QByteArray &token)> signedHere);

private:
    std::shared_ptr<JwksCache> m_cache;
    std::function<bool(const QByteArray &)> m_signedHere;
    QString m_baseUrl;
    QStringList m_trusted;
    int m_leeway;
};

} // namespace kiket
