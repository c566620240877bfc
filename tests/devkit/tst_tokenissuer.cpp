// The sandbox's signing key (0600, kept per folder) and the tokens it mints, checked by the SDK
// verifier.
#include <kiket/devkit/sandbox/tokenissuer.h>
#include <kiket/jwt.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace kiket;
using namespace kiket::devkit;

class TestTokenIssuer : public QObject
{
    Q_OBJECT

private slots:
    void keyIsCreatedOnceWithOwnerOnlyMode()
    {
        QTemporaryDir folder;
        auto first = TokenIssuer::forFolder(folder.path());
        QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
        const QString path = folder.filePath(".kiket/workbench/signing-key.pem");
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        auto second = TokenIssuer::forFolder(folder.path());
        QVERIFY(second.ok());
        QCOMPARE(second.value().kid(), first.value().kid()); // the same key, read back
        QVERIFY(TokenIssuer::ephemeral().kid() != first.value().kid());
        QVERIFY(second.value().notice().isEmpty());

        // A key file others can read is made owner-only again, and that is said.
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0644) == 0);
        auto widened = TokenIssuer::forFolder(folder.path());
        QVERIFY(widened.ok());
        QCOMPARE(widened.value().kid(), first.value().kid());
        QVERIFY2(widened.value().notice().contains("was readable by others"),
            qPrintable(widened.value().notice()));
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
    }

    void corruptKeyIsReported()
    {
        QTemporaryDir folder;
        QDir().mkpath(folder.filePath(".kiket/workbench"));
        QFile f(folder.filePath(".kiket/workbench/signing-key.pem"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("garbage");
        f.close();
        auto issuer = TokenIssuer::forFolder(folder.path());
        QVERIFY(!issuer.ok());
        QVERIFY(issuer.error().message.contains("signing-key.pem"));
    }

    void mintedTokensVerify()
    {
        const TokenIssuer issuer = TokenIssuer::ephemeral();
        TokenGrant grant;
        grant.scopes = { "issues.read", "custom_data.write" };
        grant.extensionId = QStringLiteral("com.example.marketing");
        const QByteArray token = issuer.mint(grant);
        const QJsonObject jwks = issuer.jwks();
        QCOMPARE(jwks["keys"].toArray().first().toObject()["kid"].toString(), issuer.kid());
        auto cache = std::make_shared<JwksCache>(
            [jwks](const QString &) -> Result<QByteArray> { return QJsonDocument(jwks).toJson(); });
        const TokenVerdict v
            = TokenVerifier(cache, QStringLiteral("http://127.0.0.1:8090")).verify(token, {});
        QVERIFY2(v.ok(), qPrintable(v.httpError()));
        QCOMPARE(v.claims.scopes, grant.scopes);
        QCOMPARE(v.claims.extId, grant.extensionId);
        QCOMPARE(v.claims.exp - v.claims.iat, qint64(grant.lifetimeSeconds));
        QVERIFY(!v.claims.jti.isEmpty());
        QVERIFY(issuer.mint(grant) != token); // a fresh jti each time

        const TokenVerdict expired = TokenVerifier(cache, QStringLiteral("http://127.0.0.1:8090"))
                                         .verify(issuer.mint(grant, 1000), {});
        QCOMPARE(expired.cause, TokenCause::Expired);
    }

    void tokensMintedHereAreKnownByTheirExactBytes()
    {
        const TokenIssuer issuer = TokenIssuer::ephemeral();
        const TokenIssuer copy = issuer; // a copy made before minting shares what is minted
        const QByteArray token = issuer.mint({});
        QVERIFY(issuer.minted().contains(token));
        QVERIFY(copy.minted().contains(token));
        QByteArray altered = token;
        altered[altered.size() - 1] = altered.back() == 'A' ? 'B' : 'A';
        QVERIFY(!issuer.minted().contains(altered));
        QVERIFY(!issuer.minted().contains(token + " "));
        const TokenIssuer other = TokenIssuer::ephemeral();
        QVERIFY(!issuer.minted().contains(other.mint({})));
        QVERIFY(!other.minted().contains(token));

        // Only the newest are kept: memory stays bounded however long a sandbox runs.
        for (int i = 0; i < MintedTokens::kCapacity - 1; ++i)
            issuer.mint({});
        QVERIFY(issuer.minted().contains(token));
        const QByteArray newest = issuer.mint({});
        QVERIFY(!issuer.minted().contains(token));
        QVERIFY(issuer.minted().contains(newest));
    }

    void signedHereReplacesOnlyTheSignatureCheck()
    {
        const TokenIssuer issuer = TokenIssuer::ephemeral();
        const QJsonObject jwks = issuer.jwks();
        auto cache = std::make_shared<JwksCache>(
            [jwks](const QString &) -> Result<QByteArray> { return QJsonDocument(jwks).toJson(); });
        TokenVerifier verifier(cache, QStringLiteral("sandbox"));
        const QByteArray token = issuer.mint({});
        const QByteArray forged
            = token.left(token.lastIndexOf('.') + 1) + base64Url(QByteArray(64, 'x'));
        QCOMPARE(verifier.verify(forged, {}).cause, TokenCause::BadSignature);

        bool trustEverything = false;
        verifier.setSignedHere([&](const QByteArray &t) { return trustEverything || t == token; });
        QVERIFY(verifier.verify(token, {}).ok());
        QCOMPARE(verifier.verify(forged, {}).cause, TokenCause::BadSignature);

        // Whatever the predicate says, the rest is checked as before.
        trustEverything = true;
        QVERIFY(verifier.verify(forged, {}).ok()); // the signature check alone was skipped
        QCOMPARE(verifier.verify(issuer.mint({}, 1000), {}).cause, TokenCause::Expired);
        QJsonObject claims = decodeJwt(token).value().claims;
        claims[QStringLiteral("iss")] = QStringLiteral("elsewhere");
        const EcKey key = EcKey::generate();
        QCOMPARE(
            verifier.verify(signJwt(claims, key, issuer.kid()), {}).cause, TokenCause::BadIssuer);
        QCOMPARE(verifier.verify(signJwt(claims, key, QStringLiteral("wb-unknown")), {}).cause,
            TokenCause::NoKey);
        const QByteArray none
            = base64Url(R"({"alg":"none","typ":"JWT"})") + '.' + token.split('.').at(1) + '.';
        const TokenVerdict noneVerdict = verifier.verify(none, {});
        QCOMPARE(noneVerdict.cause, TokenCause::Invalid);
        QVERIFY(noneVerdict.reason.contains("unsupported algorithm"));
    }
};

QTEST_GUILESS_MAIN(TestTokenIssuer)
#include "tst_tokenissuer.moc"
