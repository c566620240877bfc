// HMAC verdicts: any headers, body and clock give a verdict with words, never a crash; a verdict
// of ok means a secret really signed "<timestamp>.<body>"; what the SDK signs, it accepts.
#include "fuzzing.h"

#include <kiket/hmac.h>

using namespace kiket::fuzz;

KIKET_FUZZ_TARGET(data, size)
{
    FuzzedDataProvider in(data, size);
    kiket::HmacInput input;
    input.secret = bytes(in, 64);
    for (int n = in.ConsumeIntegralInRange(0, 2); n > 0; --n)
        input.acceptedSecrets << bytes(in, 64);
    for (int n = in.ConsumeIntegralInRange(0, 2); n > 0; --n)
        input.otherSecrets << bytes(in, 64);
    for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n)
        input.signatureHeaders << bytes(in, 80);
    for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n)
        input.timestampHeaders << bytes(in, 24);
    input.now = in.ConsumeIntegral<qint64>();
    input.maxSkewSeconds = in.ConsumeIntegralInRange<qint64>(0, 1000000);
    input.body = rest(in);

    const kiket::HmacVerdict verdict = kiket::verifyHmac(input);
    check(!verdict.causeName().isEmpty() && !verdict.explanation().isEmpty(), "a verdict without words");
    check(verdict.ok() == verdict.httpError().isEmpty(), "ok and the 401 text disagree");
    if (verdict.ok()) {
        // Repeats are accepted only when equal, so the first of each is the one that counts.
        QByteArray signature = input.signatureHeaders.value(0).trimmed();
        if (signature.startsWith("sha256="))
            signature = signature.mid(7);
        const QByteArray signedText = input.timestampHeaders.value(0).trimmed() + '.' + input.body;
        const QByteArray secret = verdict.acceptedSecretIndex < 0
            ? input.secret
            : input.acceptedSecrets.value(verdict.acceptedSecretIndex);
        check(kiket::hmacSha256Hex(secret, signedText) == signature.toLower(),
            "accepted a signature no secret made", signature);
    }

    // What the SDK signs now, it accepts now.
    if (!input.secret.isEmpty()) {
        const qint64 at = qBound(qint64(0), input.now, qint64(32503680000)); // up to year 3000
        const kiket::Signature made = kiket::generateSignature(input.secret, input.body, at);
        kiket::HmacInput again;
        again.secret = input.secret;
        again.signatureHeaders = { made.signature };
        again.timestampHeaders = { made.timestamp };
        again.body = input.body;
        again.now = at;
        check(kiket::verifyHmac(again).ok(), "refused its own signature", made.timestamp);
    }
    return 0;
}
