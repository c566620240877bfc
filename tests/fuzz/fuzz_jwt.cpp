// Runtime tokens: decode and verify any token against a fixed key set. A token is taken as it
// is, or its claims (and header) are signed with the key first, so the checks past the
// signature are reached too. Accepted means the fixed key really signed it.
#include "fuzzing.h"

#include <kiket/jwt.h>

#include <QJsonArray>
#include <QJsonDocument>

using namespace kiket::fuzz;

namespace {

const QByteArray kPem = "-----BEGIN PRIVATE KEY-----\n"
                        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQI4iCaMLJB2u52rJ\n"
                        "3G4kBsFY8fZquyOuTuAFC6PwKZyhRANCAATb4rZKRbBgtCEasDgM/bAUhIgc26Eu\n"
                        "/ZXPyo7TgEq7oiiArq+IK0zcKX7loUblM+Ul8iqeTWlu6VPHYFSeapZt\n"
                        "-----END PRIVATE KEY-----\n";
const QString kBase = QStringLiteral("http://127.0.0.1:8090");
constexpr qint64 kNow = 1767225600; // 2026-01-01

const kiket::EcKey &key()
{
    static const kiket::EcKey k = kiket::EcKey::fromPem(kPem).value();
    return k;
}

const kiket::TokenVerifier &verifier()
{
    static const kiket::TokenVerifier v(std::make_shared<kiket::JwksCache>([](const QString &) {
        const QJsonObject jwks { { QStringLiteral("keys"),
            QJsonArray { key().publicJwk(QStringLiteral("k1")), key().publicJwk(QStringLiteral("k2")) } } };
        return kiket::Result<QByteArray>(QJsonDocument(jwks).toJson(QJsonDocument::Compact));
    }),
        kBase);
    return v;
}

QByteArray signedToken(const QByteArray &header, const QByteArray &claims)
{
    const QByteArray input = kiket::base64Url(header) + '.' + kiket::base64Url(claims);
    return input + '.' + kiket::base64Url(key().sign(input));
}

} // namespace

KIKET_FUZZ_TARGET(data, size)
{
    FuzzedDataProvider in(data, size);
    const int mode = in.ConsumeIntegralInRange(0, 2);
    const QByteArray payloadBase = bytes(in, 40);
    QByteArray token;
    if (mode == 0) {
        token = rest(in);
    } else if (mode == 1) {
        const QJsonObject claims = QJsonDocument::fromJson(rest(in)).object();
        token = kiket::signJwt(claims, key(), QStringLiteral("k1"));
    } else {
        const QByteArray header = bytes(in, 200);
        token = signedToken(header, rest(in));
    }
    const kiket::TokenVerdict verdict = verifier().verify(token, QString::fromUtf8(payloadBase), kNow);
    check(!verdict.causeName().isEmpty(), "a verdict without a name");
    check(verdict.ok() == verdict.httpError().isEmpty(), "ok and the 401 text disagree");
    if (verdict.ok()) {
        const auto decoded = kiket::decodeJwt(token);
        check(decoded.ok(), "accepted a token that does not decode", token);
        check(key().verify(decoded.value().signingInput, decoded.value().signature),
            "accepted a signature the key did not make", token);
        check(decoded.value().header.value(QStringLiteral("alg")).toString() == QStringLiteral("ES256"),
            "accepted an algorithm other than ES256", token);
    }
    return 0;
}
