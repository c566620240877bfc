#include "kiket/hmac.h"

#include "jsontext.h"

#include <QDateTime>

#include <QJsonDocument>
#include <algorithm>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace kiket {

namespace {

qint64 nowSeconds(qint64 now)
{
    return now >= 0 ? now : QDateTime::currentSecsSinceEpoch();
}

bool equalConstantTime(const QByteArray &a, const QByteArray &b)
{
    return a.size() == b.size()
        && CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

bool isHex64(const QByteArray &s)
{
    if (s.size() != 64)
        return false;
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

// One value from repeated headers: identical repeats are tolerated, differing ones are not.
bool singleValue(const QList<QByteArray> &values, QByteArray *out)
{
    *out = values.value(0).trimmed();
    for (const QByteArray &v : values) {
        if (v.trimmed() != *out)
            return false;
    }
    return true;
}

} // namespace

namespace {

// One HMAC-SHA256 context per thread, keyed with the last secret it saw. Fetching the algorithm
// and setting a key are the slow parts of OpenSSL 3's HMAC; with the same secret again, init
// without a key only restores the keyed state.
class ThreadMac
{
public:
    ThreadMac()
    {
        static EVP_MAC *const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        m_ctx = EVP_MAC_CTX_new(mac);
        char digest[] = "SHA256";
        const OSSL_PARAM params[]
            = { OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end() };
        if (m_ctx && !EVP_MAC_CTX_set_params(m_ctx, params)) {
            EVP_MAC_CTX_free(m_ctx);
            m_ctx = nullptr;
        }
    }
    ~ThreadMac()
    {
        EVP_MAC_CTX_free(m_ctx);
        OPENSSL_cleanse(m_key.data(), size_t(m_key.size()));
    }
    ThreadMac(const ThreadMac &) = delete;
    ThreadMac &operator=(const ThreadMac &) = delete;

    bool init(const QByteArray &secret)
    {
        if (!m_ctx)
            return false;
        const bool sameKey = m_keyed && secret.size() == m_key.size()
            && CRYPTO_memcmp(secret.constData(), m_key.constData(), size_t(secret.size())) == 0;
        if (sameKey)
            return EVP_MAC_init(m_ctx, nullptr, 0, nullptr) == 1;
        m_keyed = EVP_MAC_init(m_ctx, reinterpret_cast<const unsigned char *>(secret.constData()),
                      size_t(secret.size()), nullptr)
            == 1;
        OPENSSL_cleanse(m_key.data(), size_t(m_key.size()));
        m_key = m_keyed ? QByteArray(secret.constData(), secret.size()) : QByteArray();
        return m_keyed;
    }
    EVP_MAC_CTX *ctx() const { return m_ctx; }

private:
    EVP_MAC_CTX *m_ctx = nullptr;
    QByteArray m_key; // a deep copy, wiped when replaced
    bool m_keyed = false;
};

// HMAC-SHA256 over the concatenation of the parts, without building it.
QByteArray hmacHex(const QByteArray &secret, std::initializer_list<QByteArrayView> parts)
{
    thread_local ThreadMac mac;
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t length = 0;
    EVP_MAC_CTX *ctx = mac.ctx();
    const bool ok = mac.init(secret)
        && std::all_of(parts.begin(), parts.end(),
            [ctx](QByteArrayView part) {
                return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char *>(part.data()),
                           size_t(part.size()))
                    == 1;
            })
        && EVP_MAC_final(ctx, out, &length, sizeof out);
    if (!ok)
        return {};
    return QByteArray::fromRawData(reinterpret_cast<const char *>(out), qsizetype(length)).toHex();
}

// The signed form of a delivery: "<timestamp>.<body>".
QByteArray signatureOf(
    const QByteArray &secret, const QByteArray &timestamp, const QByteArray &body)
{
    return hmacHex(secret, { timestamp, ".", body });
}

} // namespace

QByteArray hmacSha256Hex(const QByteArray &secret, const QByteArray &data)
{
    return hmacHex(secret, { data });
}

Signature generateSignature(const QByteArray &secret, const QByteArray &body, qint64 timestamp)
{
    const QByteArray ts = QByteArray::number(nowSeconds(timestamp));
    return { signatureOf(secret, ts, body), ts };
}

HmacVerdict verifyHmac(const HmacInput &in)
{
    HmacVerdict v;
    if (in.secret.isEmpty()) {
        v.cause = HmacCause::NoSecret;
        return v;
    }
    QByteArray sig;
    QByteArray ts;
    if (in.signatureHeaders.isEmpty() || in.signatureHeaders.first().trimmed().isEmpty()) {
        v.cause = HmacCause::SignatureMissing;
        return v;
    }
    if (in.timestampHeaders.isEmpty() || in.timestampHeaders.first().trimmed().isEmpty()) {
        v.cause = HmacCause::TimestampMissing;
        return v;
    }
    if (!singleValue(in.timestampHeaders, &ts)) {
        v.cause = HmacCause::TimestampMalformed;
        v.detail = QStringLiteral("X-Kiket-Timestamp was sent %1 times with different values")
                       .arg(in.timestampHeaders.size());
        return v;
    }
    bool digitsOnly = !ts.isEmpty();
    for (char c : ts)
        digitsOnly = digitsOnly && c >= '0' && c <= '9';
    if (!digitsOnly) {
        v.cause = HmacCause::TimestampMalformed;
        v.detail = QStringLiteral("not a decimal number of seconds");
        return v;
    }
    if (ts.size() > 15) {
        v.cause = HmacCause::TimestampMalformed;
        v.detail = QStringLiteral("out of range (%1 digits)").arg(ts.size());
        return v;
    }
    const qint64 now = nowSeconds(in.now);
    v.ageSeconds = now - ts.toLongLong();
    if (v.ageSeconds > in.maxSkewSeconds) {
        v.cause = HmacCause::Stale;
        return v;
    }
    if (-v.ageSeconds > in.maxSkewSeconds) {
        v.cause = HmacCause::Future;
        return v;
    }

    const bool consistent = singleValue(in.signatureHeaders, &sig);
    if (sig.startsWith("sha256="))
        sig = sig.mid(7);
    sig = sig.toLower();
    v.cause = HmacCause::Mismatch;
    if (!consistent) {
        v.detail = QStringLiteral("X-Kiket-Signature was sent %1 times with different values")
                       .arg(in.signatureHeaders.size());
        return v;
    }
    if (!isHex64(sig)) {
        v.signatureMalformed = true;
        v.detail = QStringLiteral("the signature is %1 characters, expected 64 hex digits")
                       .arg(sig.size());
        return v;
    }
    if (equalConstantTime(signatureOf(in.secret, ts, in.body), sig)) {
        v.cause = HmacCause::Ok;
        return v;
    }
    for (int i = 0; i < in.acceptedSecrets.size(); ++i) { // a rotation under way
        const QByteArray &accepted = in.acceptedSecrets.at(i);
        if (!accepted.isEmpty() && equalConstantTime(signatureOf(accepted, ts, in.body), sig)) {
            v.cause = HmacCause::Ok;
            v.acceptedSecretIndex = i;
            v.detail = QStringLiteral("signed with the secret being rotated out");
            return v;
        }
    }
    // Explain the mismatch: the usual ways a correct sender still gets it wrong.
    v.bodyOnlyMatches = equalConstantTime(hmacSha256Hex(in.secret, in.body), sig);
    for (int i = 0; i < in.otherSecrets.size(); ++i) {
        const QByteArray &other = in.otherSecrets.at(i);
        if (!other.isEmpty() && equalConstantTime(signatureOf(other, ts, in.body), sig)) {
            v.otherSecretIndex = i;
            break;
        }
    }
    for (const QByteArray &variant : jsonSerialisations(in.body)) {
        if (variant != in.body && equalConstantTime(signatureOf(in.secret, ts, variant), sig)) {
            v.reserializedMatches = true;
            break;
        }
    }
    return v;
}

QString HmacVerdict::httpError() const
{
    switch (cause) {
    case HmacCause::Ok:
        return {};
    case HmacCause::NoSecret:
        return QStringLiteral("Webhook secret not configured");
    case HmacCause::SignatureMissing:
        return QStringLiteral("Missing X-Kiket-Signature header");
    case HmacCause::TimestampMissing:
        return QStringLiteral("Missing X-Kiket-Timestamp header");
    case HmacCause::TimestampMalformed:
        return QStringLiteral("Invalid X-Kiket-Timestamp header");
    case HmacCause::Stale:
    case HmacCause::Future:
        return QStringLiteral("Request timestamp too old or too far in future: %1s")
            .arg(qAbs(ageSeconds));
    case HmacCause::Mismatch:
        return QStringLiteral("Invalid signature");
    }
    return {};
}

QString HmacVerdict::causeName() const
{
    switch (cause) {
    case HmacCause::Ok:
        return QStringLiteral("ok");
    case HmacCause::NoSecret:
        return QStringLiteral("no-secret");
    case HmacCause::SignatureMissing:
    case HmacCause::TimestampMissing:
        return QStringLiteral("header-missing");
    case HmacCause::TimestampMalformed:
        return QStringLiteral("timestamp-malformed");
    case HmacCause::Stale:
        return QStringLiteral("stale");
    case HmacCause::Future:
        return QStringLiteral("future");
    case HmacCause::Mismatch:
        return QStringLiteral("mismatch");
    }
    return {};
}

QString HmacVerdict::explanation() const
{
    switch (cause) {
    case HmacCause::Ok:
        return QStringLiteral("The signature matches the body and the timestamp is fresh.");
    case HmacCause::NoSecret:
        return QStringLiteral(
            "No webhook secret is configured: set delivery_secret in the manifest "
            "or KIKET_WEBHOOK_SECRET.");
    case HmacCause::SignatureMissing:
        return QStringLiteral(
            "The delivery carries no X-Kiket-Signature header: it was sent unsigned.");
    case HmacCause::TimestampMissing:
        return QStringLiteral("The delivery carries no X-Kiket-Timestamp header.");
    case HmacCause::TimestampMalformed:
        return QStringLiteral("X-Kiket-Timestamp is not usable: %1.").arg(detail);
    case HmacCause::Stale:
        return QStringLiteral("The timestamp is %1 s old (limit 300 s): the delivery was probably "
                              "replayed verbatim; replay it re-signed with a fresh timestamp.")
            .arg(ageSeconds);
    case HmacCause::Future:
        return QStringLiteral(
            "The timestamp is %1 s in the future (limit 300 s): the sender's clock "
            "is ahead of this machine's.")
            .arg(-ageSeconds);
    case HmacCause::Mismatch:
        break;
    }
    if (!detail.isEmpty())
        return QStringLiteral("The signature does not match: %1.").arg(detail);
    if (bodyOnlyMatches)
        return QStringLiteral(
            "The signature covers the body alone, without the timestamp: the sender "
            "uses the old body-only scheme (older Python SDK or CLI replay).");
    if (otherSecretIndex >= 0)
        return QStringLiteral("The signature was made with another known secret (#%1): the sender "
                              "has an old or different secret.")
            .arg(otherSecretIndex + 1);
    if (reserializedMatches)
        return QStringLiteral(
            "The signature matches the same JSON serialised differently: something "
            "re-encoded the body between signing and sending.");
    return QStringLiteral(
        "The signature does not match the body with this secret: the secret differs "
        "or the body was changed after signing.");
}

} // namespace kiket
