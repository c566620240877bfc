// ES256 keys, JWT encoding and the runtime-token verifier against a real JWKS server.
#include <kiket/jwt.h>
#include <kiket/sdk.h>
#include <kiket/testing.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::testing;

namespace {

QByteArray b64(const QJsonObject &o)
{
    return base64Url(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject standardClaims(int lifetime = 300)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return { { "sub", "u" }, { "org_id", "o" }, { "ext_id", "e" }, { "proj_id", "p" },
        { "pi_id", "i" }, { "scopes", QJsonArray { "issues.read" } }, { "src", "webhook" },
        { "iss", "kiket.dev" }, { "iat", now }, { "exp", now + lifetime }, { "jti", "j" } };
}

// A token with the given header, signed with the key whatever the header says.
QByteArray signedWithHeader(const QJsonObject &header, const QJsonObject &claims, const EcKey &key)
{
    const QByteArray input = b64(header) + "." + b64(claims);
    return input + "." + base64Url(key.sign(input));
}

Result<QByteArray> fetchUrl(const QString &url)
{
    const QUrl u(url);
    const HttpResponse r
        = send(quint16(u.port()), HttpRequest { "GET", u.path().toUtf8(), {}, {}, {} });
    if (r.status != 200)
        return Error { "jwks.fetch", QStringLiteral("HTTP %1").arg(r.status) };
    return r.body;
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

    FakePlatform m_platform;
    QTemporaryDir m_dir;

    // Isolated options: no manifest, no inherited environment, no telemetry.
    SdkOptions isolated(AuthMode mode, const QString &baseUrl)
    {
        SdkOptions o;
        o.authMode = mode;
        o.baseUrl = baseUrl;
        o.manifestFolder = m_dir.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        return o;
    }
    std::shared_ptr<JwksCache> m_cache;
    std::unique_ptr<TokenVerifier> m_verifier;

private slots:
    void init()
    {
        m_cache = std::make_shared<JwksCache>(fetchUrl);
        m_verifier = std::make_unique<TokenVerifier>(m_cache, m_platform.baseUrl());
        m_platform.clearRequests();
        m_platform.setJwksAvailable(true);
    }

    void keyRoundTrips()
    {
        const EcKey key = EcKey::generate();
        QVERIFY(key.hasPrivateKey());
        const QByteArray sig = key.sign("hello");
        QCOMPARE(sig.size(), 64);
        QVERIFY(key.verify("hello", sig));
        QVERIFY(!key.verify("hellO", sig));
        auto fromPem = EcKey::fromPem(key.toPem());
        QVERIFY(fromPem.ok());
        QVERIFY(fromPem.value().verify("hello", sig));
        const QJsonObject jwk = key.publicJwk("k1");
        QCOMPARE(jwk["kty"].toString(), QStringLiteral("EC"));
        QCOMPARE(jwk["crv"].toString(), QStringLiteral("P-256"));
        QCOMPARE(jwk["alg"].toString(), QStringLiteral("ES256"));
        QCOMPARE(jwk["use"].toString(), QStringLiteral("sig"));
        QCOMPARE(jwk["kid"].toString(), QStringLiteral("k1"));
        auto pub = EcKey::fromJwk(jwk);
        QVERIFY(pub.ok());
        QVERIFY(!pub.value().hasPrivateKey());
        QVERIFY(pub.value().verify("hello", sig));
        QJsonObject offCurve = jwk;
        offCurve["y"] = offCurve["x"];
        QVERIFY(!EcKey::fromJwk(offCurve).ok());
        QVERIFY(!EcKey::fromPem("not a key").ok());
    }

    void acceptsValidToken()
    {
        const QByteArray token = m_platform.issuer().mint({ "issues.read", "issues.write" });
        const TokenVerdict v = m_verifier->verify(token, m_platform.baseUrl());
        QVERIFY2(v.ok(), qPrintable(v.httpError()));
        QCOMPARE(v.claims.scopes, QStringList({ "issues.read", "issues.write" }));
        QCOMPARE(v.claims.orgId, QStringLiteral("org-1"));
        QCOMPARE(v.claims.iss, QStringLiteral("kiket.dev"));
    }

    void cachesJwks()
    {
        const QByteArray token = m_platform.issuer().mint();
        QVERIFY(m_verifier->verify(token, {}).ok());
        QVERIFY(m_verifier->verify(token, m_platform.baseUrl() + "/").ok());
        QCOMPARE(m_platform.requests("/.well-known/jwks.json").size(), 1);
        auto shortCache = std::make_shared<JwksCache>(fetchUrl, 0);
        TokenVerifier uncached(shortCache, m_platform.baseUrl());
        QVERIFY(uncached.verify(token, {}).ok());
        QVERIFY(uncached.verify(token, {}).ok());
        QCOMPARE(m_platform.requests("/.well-known/jwks.json").size(), 3);
    }

    void rejections_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QString>("error");
        const TokenIssuer &issuer = m_platform.issuer();
        QTest::newRow("missing") << QByteArray() << "Missing runtime_token in payload";
        QTest::newRow("expired") << issuer.mint({}, -10) << "Runtime token has expired";
        QTest::newRow("wrong issuer")
            << issuer.mint({}, 300, { { "iss", "evil.example" } }) << "Invalid token issuer";
        QTest::newRow("no exp") << issuer.mint({}, 300, { { "exp", QJsonValue::Null } })
                                << "Invalid token: missing exp claim";
        QTest::newRow("no iat") << issuer.mint({}, 300, { { "iat", QJsonValue::Null } })
                                << "Invalid token: missing iat claim";
        QTest::newRow("garbage") << QByteArray("a.b")
                                 << "Invalid token: expected 3 dot-separated parts";

        const QByteArray claims = b64(standardClaims());
        QTest::newRow("alg none") << b64({ { "alg", "none" }, { "kid", issuer.kid() } }) + "."
                + claims + "."
                                  << "Invalid token: unsupported algorithm none";
        const QByteArray hsInput
            = b64({ { "alg", "HS256" }, { "kid", issuer.kid() } }) + "." + claims;
        QTest::newRow("HS256") << hsInput + "."
                + base64Url(
                    QMessageAuthenticationCode::hash(hsInput, "k", QCryptographicHash::Sha256))
                               << "Invalid token: unsupported algorithm HS256";
        QTest::newRow("RS256") << b64({ { "alg", "RS256" }, { "kid", issuer.kid() } }) + "."
                + claims + "." + base64Url("sig")
                               << "Invalid token: unsupported algorithm RS256";
        const EcKey other = EcKey::generate();
        QTest::newRow("wrong key")
            << signJwt(standardClaims(), other, issuer.kid()) << "Invalid token signature";
        QTest::newRow("unknown kid") << signJwt(standardClaims(), issuer.key(), "other-kid")
                                     << "No suitable signing key found in JWKS";
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QTest::newRow("nbf ahead") << issuer.mint({}, 300, { { "nbf", now + 120 } })
                                   << "Invalid token: not valid yet (nbf is in the future)";
        QTest::newRow("nbf not a number") << issuer.mint({}, 300, { { "nbf", "soon" } })
                                          << "Invalid token: nbf claim is not a number";
        QTest::newRow("iat days ahead")
            << issuer.mint({}, 300, { { "iat", now + 3 * 86400 }, { "exp", now + 4 * 86400 } })
            << "Invalid token: issued in the future (iat)";
        QTest::newRow("crit") << signedWithHeader(
            { { "alg", "ES256" }, { "kid", issuer.kid() }, { "crit", QJsonArray { "exp2" } },
                { "exp2", 1 } },
            standardClaims(), issuer.key())
                              << "Invalid token: unsupported critical header parameters (crit)";
        QByteArray tampered = issuer.mint({ "issues.read" });
        const QList<QByteArray> parts = tampered.split('.');
        QJsonObject widened = standardClaims();
        widened["scopes"] = QJsonArray { "*" };
        QTest::newRow("tampered claims")
            << parts[0] + "." + b64(widened) + "." + parts[2] << "Invalid token signature";
    }

    void rejections()
    {
        QFETCH(QByteArray, token);
        QFETCH(QString, error);
        const TokenVerdict v = m_verifier->verify(token, m_platform.baseUrl());
        QVERIFY(!v.ok());
        QCOMPARE(v.httpError(), error);
    }

    void looserTokensThatStillPass()
    {
        const TokenIssuer &issuer = m_platform.issuer();
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        // A past nbf, an iat a minute ahead (a clock), no kid with a one-key JWKS: accepted.
        QVERIFY(m_verifier->verify(issuer.mint({}, 300, { { "nbf", now - 5 } }), {}).ok());
        QVERIFY(m_verifier->verify(issuer.mint({}, 300, { { "iat", now + 60 } }), {}).ok());
        QVERIFY(m_verifier
                    ->verify(signedWithHeader({ { "alg", "ES256" } }, standardClaims(), issuer.key()), {})
                    .ok());
    }

    void noKidWithSeveralKeysIsRefused()
    {
        const TokenIssuer &issuer = m_platform.issuer();
        const EcKey other = EcKey::generate();
        const QByteArray jwks = QJsonDocument(QJsonObject { { "keys",
            QJsonArray { issuer.key().publicJwk(issuer.kid()), other.publicJwk("k2") } } })
                                    .toJson();
        auto cache = std::make_shared<JwksCache>([jwks](const QString &) { return Result<QByteArray>(jwks); });
        const TokenVerifier verifier(cache, QStringLiteral("http://127.0.0.1:9"));
        const TokenVerdict none
            = verifier.verify(signedWithHeader({ { "alg", "ES256" } }, standardClaims(), issuer.key()), {});
        QVERIFY(!none.ok());
        QCOMPARE(none.cause, TokenCause::NoKey);
        QCOMPARE(none.reason, QStringLiteral("the token names no kid and the JWKS holds 2 keys"));
        QVERIFY(verifier.verify(signJwt(standardClaims(), issuer.key(), issuer.kid()), {}).ok());
    }

    void jwksUnreachable()
    {
        m_platform.setJwksAvailable(false);
        TokenVerdict v = m_verifier->verify(m_platform.issuer().mint(), {});
        QCOMPARE(v.cause, TokenCause::JwksFetchFailed);
        QCOMPARE(v.httpError(), QStringLiteral("Failed to fetch JWKS: HTTP 503"));

        // A real fetch to a closed port, through the SDK's own HTTP client.
        Sdk sdk(isolated(AuthMode::RuntimeToken, QStringLiteral("http://127.0.0.1:9")));
        sdk.webhook("issue.created", "v1")
            = [](const QJsonObject &, Context &) -> QJsonValue { return {}; };
        const HttpResponse r = sdk.dispatch(
            DeliveryBuilder("issue.created").runtimeToken(m_platform.issuer().mint()).request());
        QCOMPARE(r.status, 401);
        QVERIFY2(r.jsonObject()["error"].toString().startsWith("Failed to fetch JWKS: "),
            r.body.constData());
    }

    void untrustedBaseUrlIsIgnored()
    {
        // An attacker's platform publishes its own key under the same kid; the payload points at
        // it.
        FakePlatform attacker;
        const QByteArray forged = attacker.issuer().mint({ "*" });
        TokenVerdict v = m_verifier->verify(forged, attacker.baseUrl());
        QCOMPARE(v.httpError(), QStringLiteral("Invalid token signature"));
        QCOMPARE(v.ignoredBaseUrl, attacker.baseUrl());
        QCOMPARE(v.jwksUrl, m_platform.baseUrl() + "/.well-known/jwks.json");
        QCOMPARE(attacker.requests().size(), 0);

        // Once trusted explicitly, that base URL is used.
        TokenVerifier trusting(
            m_cache, m_platform.baseUrl(), { m_platform.baseUrl(), attacker.baseUrl() });
        QVERIFY(trusting.verify(forged, attacker.baseUrl()).ok());
        QCOMPARE(attacker.requests("/.well-known/jwks.json").size(), 1);
    }

    void runtimeTokenModeInDispatch()
    {
        Sdk sdk(isolated(AuthMode::RuntimeToken, m_platform.baseUrl()));
        sdk.webhook("issue.created", "v1", { "issues.write" })
            = [](const QJsonObject &, Context &ctx) -> QJsonValue {
            return QJsonObject { { "org", ctx.auth.orgId },
                { "scopes", QJsonArray::fromStringList(ctx.auth.scopes) } };
        };
        HttpResponse r = sdk.dispatch(DeliveryBuilder("issue.created").request());
        QCOMPARE(r.status, 401);
        QCOMPARE(r.body, QByteArray(R"({"error":"Missing runtime_token in payload"})"));
        // The token's scopes claim wins over the payload's list.
        r = sdk.dispatch(DeliveryBuilder("issue.created")
                             .runtimeToken(m_platform.issuer().mint({ "issues.read" }))
                             .scopes({ "issues.write" })
                             .request());
        QCOMPARE(r.status, 403);
        r = sdk.dispatch(DeliveryBuilder("issue.created")
                             .runtimeToken(m_platform.issuer().mint({ "issues.write" }))
                             .request());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray(R"({"org":"org-1","scopes":["issues.write"]})"));
        const DeliveryOutcome outcome
            = sdk.dispatchDetailed(DeliveryBuilder("issue.created")
                                       .runtimeToken(m_platform.issuer().mint({}, -5))
                                       .request());
        QVERIFY(outcome.token.has_value());
        QCOMPARE(outcome.token->causeName(), QStringLiteral("expired"));
        QCOMPARE(outcome.response.status, 401);
    }

    void missingTokenOverLoopbackLeavesServerHealthy()
    {
        Sdk sdk(isolated(AuthMode::RuntimeToken, m_platform.baseUrl()));
        sdk.webhook("issue.created", "v1")
            = [](const QJsonObject &, Context &) -> QJsonValue { return {}; };
        const quint16 port = sdk.start(QStringLiteral("127.0.0.1"), 0).value();
        const HttpResponse r = send(port, DeliveryBuilder("issue.created").request());
        QCOMPARE(r.status, 401);
        QCOMPARE(r.body, QByteArray(R"({"error":"Missing runtime_token in payload"})"));
        QCOMPARE(send(port, HttpRequest { "GET", "/health", {}, {}, {} }).status, 200);
        const HttpResponse ok = send(port,
            DeliveryBuilder("issue.created").runtimeToken(m_platform.issuer().mint()).request());
        QCOMPARE(ok.status, 200);
    }

    void bothModesMustPass()
    {
        SdkOptions o = isolated(AuthMode::Both, m_platform.baseUrl());
        o.webhookSecret = QStringLiteral("s");
        Sdk sdk(o);
        sdk.webhook("issue.created", "v1")
            = [](const QJsonObject &, Context &) -> QJsonValue { return {}; };
        const QByteArray token = m_platform.issuer().mint();
        QCOMPARE(
            sdk.dispatch(DeliveryBuilder("issue.created").runtimeToken(token).request()).status,
            401);
        QCOMPARE(sdk.dispatch(DeliveryBuilder("issue.created").secret("s").request()).status, 401);
        QCOMPARE(
            sdk.dispatch(DeliveryBuilder("issue.created").secret("s").runtimeToken(token).request())
                .status,
            200);
    }
};

QTEST_GUILESS_MAIN(TestJwt)
#include "tst_jwt.moc"
