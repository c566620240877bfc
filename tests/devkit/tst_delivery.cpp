// Deliveries as the sandbox sends them, and every replay mode with the verdict it must produce.
#include <kiket/devkit/delivery/delivery.h>
#include <kiket/hmac.h>
#include <kiket/httpserver.h>
#include <kiket/sdk.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

namespace {

HmacVerdict verdict(const HttpRequest &r, const QByteArray &secret, qint64 now)
{
    HmacInput in;
    in.secret = secret;
    in.signatureHeaders = headerValues(r.headers, "x-kiket-signature");
    in.timestampHeaders = headerValues(r.headers, "x-kiket-timestamp");
    in.body = r.body;
    in.now = now;
    return verifyHmac(in);
}

} // namespace

class TestDelivery : public QObject
{
    Q_OBJECT

    const TokenIssuer m_issuer = TokenIssuer::ephemeral();

    DeliverySpec spec()
    {
        DeliverySpec s;
        s.event = QStringLiteral("issue.created");
        s.version = QStringLiteral("v1");
        s.payload = { { "issue", QJsonObject { { "id", "iss_1" } } } };
        s.webhookSecret = "wb-secret";
        s.issuer = &m_issuer;
        s.grant.scopes = { "issues.read" };
        s.grant.extensionId = QStringLiteral("com.example.marketing");
        s.apiBaseUrl = QStringLiteral("http://127.0.0.1:8090");
        s.payloadSecrets = { { "SLACK_BOT_TOKEN", "xoxb-1" } };
        return s;
    }

private slots:
    void envelopeAndHeaders()
    {
        const PreparedDelivery d = prepareDelivery(spec(), 1'800'000'000);
        QCOMPARE(d.request.method, QByteArray("POST"));
        QCOMPARE(d.request.target, QByteArray("/v/v1/webhooks/issue.created"));
        QCOMPARE(d.request.header("content-type"), QByteArray("application/json"));
        QCOMPARE(d.request.header("x-kiket-delivery"), d.deliveryId);
        QVERIFY(d.deliveryId.startsWith("dlv_"));
        QCOMPARE(d.request.header("x-kiket-timestamp"), QByteArray("1800000000"));
        QVERIFY(verdict(d.request, "wb-secret", 1'800'000'000).ok());

        const QJsonObject body = QJsonDocument::fromJson(d.request.body).object();
        QCOMPARE(body["issue"].toObject()["id"].toString(), QStringLiteral("iss_1"));
        const QJsonObject auth = body["authentication"].toObject();
        QCOMPARE(auth["runtime_token"].toString().toLatin1(), d.runtimeToken);
        QCOMPARE(auth["token_type"].toString(), QStringLiteral("runtime"));
        QCOMPARE(auth["scopes"].toArray(), QJsonArray({ "issues.read" }));
        QCOMPARE(auth["expires_at"].toString(), QStringLiteral("2027-01-15T08:15:00Z"));
        QCOMPARE(
            body["api"].toObject()["base_url"].toString(), QStringLiteral("http://127.0.0.1:8090"));
        QCOMPARE(
            body["secrets"].toObject()["SLACK_BOT_TOKEN"].toString(), QStringLiteral("xoxb-1"));
        QVERIFY(prepareDelivery(spec()).deliveryId != d.deliveryId);
    }

    void replayModes_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("cause");
        QTest::addColumn<bool>("sameId");
        QTest::newRow("verbatim") << "verbatim"
                                  << "stale" << true;
        QTest::newRow("resign") << "resign"
                                << "ok" << false;
        QTest::newRow("wrong-secret") << "wrong-secret"
                                      << "mismatch" << false;
        QTest::newRow("unsigned") << "unsigned"
                                  << "header-missing" << false;
        QTest::newRow("stale") << "stale"
                               << "stale" << false;
        QTest::newRow("body-only") << "body-only"
                                   << "mismatch" << false;
    }

    void replayModes()
    {
        QFETCH(QString, mode);
        QFETCH(QString, cause);
        QFETCH(bool, sameId);
        const qint64 sent = 1'800'000'000;
        const qint64 later = sent + 412; // replayed 412 s after the original
        const PreparedDelivery original = prepareDelivery(spec(), sent);
        const auto parsed = replayModeFromString(mode);
        QVERIFY(parsed);
        QCOMPARE(replayModeName(*parsed), mode);
        const HttpRequest replay = prepareReplay(original.request, *parsed, "wb-secret", later);
        const HmacVerdict v = verdict(replay, "wb-secret", later);
        QCOMPARE(v.causeName(), cause);
        QCOMPARE(replay.body, original.request.body);
        QCOMPARE(replay.header("x-kiket-delivery") == original.deliveryId, sameId);
        if (mode == "verbatim")
            QCOMPARE(v.ageSeconds, 412);
        if (mode == "body-only")
            QVERIFY(v.bodyOnlyMatches);
        if (mode == "wrong-secret")
            QVERIFY(!v.bodyOnlyMatches && !v.reserializedMatches);
        QCOMPARE(
            headerValues(replay.headers, "x-kiket-signature").size(), mode == "unsigned" ? 0 : 1);
    }

    void editedPayloadIsResigned()
    {
        const PreparedDelivery original = prepareDelivery(spec(), 1'800'000'000);
        const HttpRequest edited = withEditedBody(
            original.request, R"({"issue":{"id":"iss_2"}})", "wb-secret", 1'800'000'100);
        QCOMPARE(edited.body, QByteArray(R"({"issue":{"id":"iss_2"}})"));
        QVERIFY(verdict(edited, "wb-secret", 1'800'000'100).ok());
        QVERIFY(!replayModeFromString("sideways"));
    }

    void acceptedByTheSdk()
    {
        // The issuer's JWKS served on this thread (the SDK's blocking fetch runs a local event
        // loop).
        HttpServer jwksServer;
        const QJsonObject jwks = m_issuer.jwks();
        jwksServer.setHandler([jwks](const HttpRequest &, const Responder &r) {
            r.send(HttpResponse::json(200, jwks));
        });
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(jwksServer.listen().value());

        QTemporaryDir dir;
        SdkOptions o;
        o.authMode = AuthMode::Both; // HMAC and the minted token must both pass
        o.webhookSecret = QStringLiteral("wb-secret");
        o.baseUrl = base;
        o.manifestFolder = dir.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        Sdk sdk(o);
        sdk.webhook("issue.created", "v1", { "issues.read" })
            = [](const QJsonObject &p, Context &ctx) -> QJsonValue {
            return QJsonObject { { "id", p["issue"]["id"] }, { "ext", ctx.auth.extId },
                { "slack", *ctx.secret("SLACK_BOT_TOKEN") } };
        };
        DeliverySpec s = spec();
        s.apiBaseUrl = base;
        const HttpResponse r = sdk.dispatch(prepareDelivery(s).request);
        QCOMPARE(r.status, 200);
        QCOMPARE(
            r.body, QByteArray(R"({"ext":"com.example.marketing","id":"iss_1","slack":"xoxb-1"})"));
        s.grant.scopes = { "issues.write" };
        QCOMPARE(sdk.dispatch(prepareDelivery(s).request).status, 403);
    }
};

QTEST_GUILESS_MAIN(TestDelivery)
#include "tst_delivery.moc"
