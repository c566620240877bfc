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
};

QTEST_GUILESS_MAIN(TestTokenIssuer)
#include "tst_tokenissuer.moc"
