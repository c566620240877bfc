#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace kiket {

/// A signature and the timestamp it was made for, as sent in the delivery headers.
struct Signature
{
    QByteArray signature; ///< Lowercase hex HMAC-SHA256, the X-Kiket-Signature value.
    QByteArray timestamp; ///< Unix seconds as decimal text, the X-Kiket-Timestamp value.
};

/// Signs `<timestamp>.<body>` with HMAC-SHA256, like the Ruby SDK's Auth.generate_signature.
/// A negative timestamp means "now".
Signature generateSignature(
    const QByteArray &secret, const QByteArray &body, qint64 timestamp = -1);

/// Lowercase hex HMAC-SHA256 of arbitrary data.
QByteArray hmacSha256Hex(const QByteArray &secret, const QByteArray &data);

/// Why a delivery's HMAC signature was accepted or refused.
enum class HmacCause {
    Ok,
    NoSecret,
    SignatureMissing,
    TimestampMissing,
    TimestampMalformed,
    Stale,
    Future,
    Mismatch,
};

/// Everything needed to check one delivery's HMAC headers.
struct HmacInput
{
    QByteArray secret; ///< The secret in force; empty means none configured.
    QList<QByteArray>
        otherSecrets; ///< Previous or other known secrets, used only to explain a mismatch.
    /// Accepted as well as `secret`: the secret being replaced while a rotation is under way.
    QList<QByteArray> acceptedSecrets;
    QList<QByteArray> signatureHeaders; ///< Every X-Kiket-Signature value received, in order.
    QList<QByteArray> timestampHeaders; ///< Every X-Kiket-Timestamp value received, in order.
    QByteArray body; ///< The raw body bytes.
    qint64 now = -1; ///< Unix seconds; negative means the system clock.
    qint64 maxSkewSeconds = 300; ///< Allowed distance between timestamp and now.
};

/// The structured result of checking an HMAC signature, with the details a person needs.
struct HmacVerdict
{
    HmacCause cause = HmacCause::Mismatch;
    qint64 ageSeconds = 0; ///< now - timestamp (negative when the timestamp is in the future).
    QString detail; ///< Extra words for malformed input, e.g. "sent twice".
    // Explanations of a mismatch:
    bool bodyOnlyMatches = false; ///< HMAC(body) without the timestamp would match (old scheme).
    int otherSecretIndex = -1; ///< Index in HmacInput::otherSecrets of a secret that matches.
    /// Index in HmacInput::acceptedSecrets of the secret that signed an accepted delivery, or -1
    /// when the current secret did.
    int acceptedSecretIndex = -1;
    bool reserializedMatches = false; ///< The same JSON, compacted or re-ordered, matches.
    bool signatureMalformed = false; ///< The signature is not 64 hex digits.

    /// True when the delivery is authentic.
    bool ok() const { return cause == HmacCause::Ok; }
    /// The exact 401 error text of the protocol (empty when ok).
    QString httpError() const;
    /// Short machine name of the cause: ok, no-secret, header-missing, timestamp-malformed, stale,
    /// future, mismatch.
    QString causeName() const;
    /// A sentence for a person: what happened and what to do about it.
    QString explanation() const;
};

/// Checks a delivery's HMAC headers and, on a mismatch, tests the usual explanations.
HmacVerdict verifyHmac(const HmacInput &input);

} // namespace kiket
