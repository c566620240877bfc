#include <kiket/hmac.h>

#include <QJsonDocument>
#include <QTest>

using namespace kiket;

class TestHmac : public QObject
{
    Q_OBJECT

    HmacInput signedInput(const QByteArray &body, qint64 ts, qint64 now)
    {
        HmacInput in;
        in.secret = "test-secret";
        in.body = body;
        const Signature s = generateSignature(in.secret, body, ts);
        in.signatureHeaders = { s.signature };
        in.timestampHeaders = { s.timestamp };
        in.now = now;
        return in;
    }

private slots:
    void protocolVectors()
    {
        QCOMPARE(generateSignature("test-secret", R"({"test":"data"})", 1234567890).signature,
            QByteArray("6899cb9baf5ff4b18f42b6541d13335825cb43ddd9d24afd3e43df43da4a9dc6"));
        QCOMPARE(generateSignature("test-secret", R"({"test":"payload"})", 1234567890).signature,
            QByteArray("6c6582ac21e9ed515a0ae063a609bdf28079bfa4a81e60e9fb63d3f315c76b20"));
        QCOMPARE(generateSignature("s", "{}", 1234567890).timestamp, QByteArray("1234567890"));
    }

    void alternatingSecretsOnOneThread()
    {
        // Each thread keeps a keyed context; a different secret must re-key it, the same one
        // must give the same answer again (RFC 4231 test case 2, then the protocol vector).
        const QByteArray rfc = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        const QByteArray vector
            = "6899cb9baf5ff4b18f42b6541d13335825cb43ddd9d24afd3e43df43da4a9dc6";
        for (int round = 0; round < 3; ++round) {
            QCOMPARE(hmacSha256Hex("Jefe", "what do ya want for nothing?"), rfc);
            QCOMPARE(generateSignature("test-secret", R"({"test":"data"})", 1234567890).signature,
                vector);
            QCOMPARE(hmacSha256Hex("Jefe", "what do ya want for nothing?"), rfc);
        }
        QVERIFY(hmacSha256Hex("Jefe2", "what do ya want for nothing?") != rfc);
        QVERIFY(hmacSha256Hex("Jef", "what do ya want for nothing?") != rfc);
    }

    void generateDefaultsToNow()
    {
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const qint64 ts = generateSignature("s", "{}").timestamp.toLongLong();
        QVERIFY(ts >= before && ts <= before + 2);
    }

    void acceptsFreshAndPrefixedSignatures()
    {
        HmacInput in = signedInput(R"({"test":"data"})", 1000, 1000);
        QVERIFY(verifyHmac(in).ok());
        in.signatureHeaders = { "sha256=" + in.signatureHeaders.first() };
        QVERIFY(verifyHmac(in).ok());
        in.signatureHeaders
            = { in.signatureHeaders.first().toUpper().replace("SHA256=", "sha256=") };
        QVERIFY(verifyHmac(in).ok());
    }

    void skewBoundaries()
    {
        QVERIFY(verifyHmac(signedInput("{}", 1000, 1300)).ok()); // exactly 300 s old
        QVERIFY(verifyHmac(signedInput("{}", 1300, 1000)).ok()); // exactly 300 s ahead
        HmacVerdict stale = verifyHmac(signedInput("{}", 1000, 1301));
        QCOMPARE(stale.cause, HmacCause::Stale);
        QCOMPARE(stale.ageSeconds, 301);
        QCOMPARE(stale.httpError(),
            QStringLiteral("Request timestamp too old or too far in future: 301s"));
        QVERIFY(stale.explanation().contains("301 s old"));
        HmacVerdict future = verifyHmac(signedInput("{}", 1412, 1000));
        QCOMPARE(future.cause, HmacCause::Future);
        QCOMPARE(future.httpError(),
            QStringLiteral("Request timestamp too old or too far in future: 412s"));
        QCOMPARE(future.causeName(), QStringLiteral("future"));
    }

    void missingPieces()
    {
        HmacInput in = signedInput("{}", 1000, 1000);
        HmacInput noSecret = in;
        noSecret.secret.clear();
        QCOMPARE(verifyHmac(noSecret).httpError(), QStringLiteral("Webhook secret not configured"));
        HmacInput noSig = in;
        noSig.signatureHeaders.clear();
        QCOMPARE(verifyHmac(noSig).httpError(), QStringLiteral("Missing X-Kiket-Signature header"));
        noSig.signatureHeaders = { "  " };
        QCOMPARE(verifyHmac(noSig).cause, HmacCause::SignatureMissing);
        HmacInput noTs = in;
        noTs.timestampHeaders.clear();
        QCOMPARE(verifyHmac(noTs).httpError(), QStringLiteral("Missing X-Kiket-Timestamp header"));
    }

    void malformedTimestamps_data()
    {
        QTest::addColumn<QByteArray>("timestamp");
        QTest::newRow("letters") << QByteArray("12ab");
        QTest::newRow("negative") << QByteArray("-5");
        QTest::newRow("float") << QByteArray("1000.5");
        QTest::newRow("1e30") << QByteArray("1000000000000000000000000000000");
    }

    void malformedTimestamps()
    {
        QFETCH(QByteArray, timestamp);
        HmacInput in = signedInput("{}", 1000, 1000);
        in.timestampHeaders = { timestamp };
        const HmacVerdict v = verifyHmac(in);
        QCOMPARE(v.cause, HmacCause::TimestampMalformed);
        QCOMPARE(v.httpError(), QStringLiteral("Invalid X-Kiket-Timestamp header"));
        QVERIFY(!v.detail.isEmpty());
    }

    void repeatedHeaders()
    {
        HmacInput in = signedInput("{}", 1000, 1000);
        HmacInput same = in;
        same.signatureHeaders << in.signatureHeaders.first();
        same.timestampHeaders << in.timestampHeaders.first();
        QVERIFY(verifyHmac(same).ok());
        HmacInput twoSigs = in;
        twoSigs.signatureHeaders << QByteArray(64, 'a');
        HmacVerdict v = verifyHmac(twoSigs);
        QCOMPARE(v.httpError(), QStringLiteral("Invalid signature"));
        QVERIFY(v.detail.contains("2 times"));
        HmacInput twoTs = in;
        twoTs.timestampHeaders << "999";
        QCOMPARE(verifyHmac(twoTs).cause, HmacCause::TimestampMalformed);
    }

    void mismatchDiagnoses()
    {
        const QByteArray body = "{\"b\": 1, \"a\": [1, 2]}";
        HmacInput in = signedInput(body, 1000, 1000);

        HmacInput garbage = in;
        garbage.signatureHeaders = { "not-hex!" };
        HmacVerdict v = verifyHmac(garbage);
        QCOMPARE(v.cause, HmacCause::Mismatch);
        QVERIFY(v.signatureMalformed);
        QCOMPARE(v.httpError(), QStringLiteral("Invalid signature"));

        HmacInput bodyOnly = in;
        bodyOnly.signatureHeaders = { hmacSha256Hex(in.secret, body) };
        v = verifyHmac(bodyOnly);
        QVERIFY(v.bodyOnlyMatches);
        QVERIFY(v.explanation().contains("body-only"));

        HmacInput otherSecret = in;
        otherSecret.secret = "new-secret";
        otherSecret.otherSecrets = { "unrelated", "test-secret" };
        v = verifyHmac(otherSecret);
        QCOMPARE(v.otherSecretIndex, 1);
        QVERIFY(!v.bodyOnlyMatches);

        // During a rotation the old secret is accepted, and the verdict says it was the old one.
        HmacInput rotating = otherSecret;
        rotating.acceptedSecrets = { "older", "test-secret" };
        v = verifyHmac(rotating);
        QVERIFY(v.ok());
        QCOMPARE(v.acceptedSecretIndex, 1);
        QVERIFY(v.detail.contains("rotated out"));
        rotating.acceptedSecrets = { "older" };
        QVERIFY(!verifyHmac(rotating).ok());

        // Signed compact, then pretty-printed on the way (key order kept).
        HmacInput pretty = signedInput(R"({"b":1,"a":[1,2]})", 1000, 1000);
        pretty.body = "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2\n  ]\n}";
        v = verifyHmac(pretty);
        QVERIFY(v.reserializedMatches);
        QVERIFY(v.explanation().contains("serialised differently"));
        // Signed with sorted keys, then re-ordered on the way.
        HmacInput reordered = signedInput(R"({"a":[1,2],"b":1})", 1000, 1000);
        reordered.body = R"({"b":1,"a":[1,2]})";
        QVERIFY(verifyHmac(reordered).reserializedMatches);

        HmacInput tampered = in;
        tampered.body = "{\"b\": 2, \"a\": [1, 2]}";
        v = verifyHmac(tampered);
        QCOMPARE(v.cause, HmacCause::Mismatch);
        QVERIFY(!v.bodyOnlyMatches && v.otherSecretIndex < 0 && !v.reserializedMatches
            && !v.signatureMalformed);
    }
};

QTEST_GUILESS_MAIN(TestHmac)
#include "tst_hmac.moc"
