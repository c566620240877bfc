// The sandbox platform over real HTTP, driven by the SDK's own client and endpoints.
#include <kiket/devkit/sandbox/apiroute.h>
#include <kiket/devkit/sandbox/sandboxplatform.h>
#include <kiket/endpoints.h>
#include <kiket/testing.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <functional>

using namespace kiket;
using namespace kiket::devkit;

class TestSandboxPlatform : public QObject
{
    Q_OBJECT

    QTemporaryDir m_folder;
    std::unique_ptr<SandboxPlatform> m_sandbox;

    ClientOptions clientWith(const QStringList &scopes)
    {
        TokenGrant grant;
        grant.scopes = scopes;
        grant.extensionId = QStringLiteral("com.example.marketing");
        ClientOptions o;
        o.baseUrl = m_sandbox->baseUrl();
        o.runtimeToken = QString::fromLatin1(m_sandbox->issuer().mint(grant));
        o.eventVersion = QStringLiteral("v1");
        o.maxRetries = 0;
        return o;
    }

    HttpResponse raw(const HttpRequest &r) { return testing::send(m_sandbox->port(), r); }

private slots:
    void initTestCase()
    {
        SandboxOptions o;
        o.folder = m_folder.path();
        o.port = 0;
        o.extensionId = QStringLiteral("com.example.marketing");
        o.extensionVersion = QStringLiteral("1.0.0");
        o.workspaceToken = QStringLiteral("wk_local");
        auto started = SandboxPlatform::start(o);
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        m_sandbox = std::move(started).value();
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void sdkEndpointsWork()
    {
        const Client client(clientWith({ "*" }));
        const Endpoints api(client, "com.example.marketing", "v1");
        api.logEvent("issue.created", { { "summary", "Hi" } });
        api.notify("Title", "Body", "warning");
        QCOMPARE(api.metadata()["version"].toString(), QStringLiteral("1.0.0"));

        const SecretsApi secrets = api.secrets();
        secrets.set("WEBHOOK_TOKEN", "abc123");
        QCOMPARE(secrets.get("WEBHOOK_TOKEN"), std::optional<QString>("abc123"));
        secrets.rotate("WEBHOOK_TOKEN", "def456");
        QCOMPARE(secrets.get("WEBHOOK_TOKEN"), std::optional<QString>("def456"));
        QCOMPARE(secrets.list(), QStringList({ "WEBHOOK_TOKEN" }));
        secrets.remove("WEBHOOK_TOKEN");
        QCOMPARE(secrets.get("WEBHOOK_TOKEN"), std::nullopt);

        const CustomDataApi data = api.customData("proj-1");
        const QString id = data.create("crm", "contacts",
                                   { { "email", "a@example.com" }, { "status", "active" } })["data"]
                               .toObject()["id"]
                               .toString();
        data.create("crm", "contacts", { { "email", "b@example.com" }, { "status", "lost" } });
        QCOMPARE(
            data.list("crm", "contacts", 10, { { "status", "active" } })["data"].toArray().size(),
            1);
        QCOMPARE(data.get("crm", "contacts", id)["data"].toObject()["email"].toString(),
            QStringLiteral("a@example.com"));
        QCOMPARE(data.update("crm", "contacts", id, { { "status", "won" } })["data"]
                     .toObject()["status"]
                     .toString(),
            QStringLiteral("won"));
        data.remove("crm", "contacts", id);
        QVERIFY_THROWS_EXCEPTION(ApiError, data.get("crm", "contacts", id));

        QCOMPARE(api.slaEvents("proj-1").list()["data"].toArray().size(), 0);
        // The starting fixtures hold two SLA events for proj_marketing.
        QCOMPARE(api.slaEvents("proj_marketing").list()["data"].toArray().size(), 2);
        const QJsonArray imminent
            = api.slaEvents("proj_marketing").list({}, "imminent", 5)["data"].toArray();
        QCOMPARE(imminent.size(), 1);
        QCOMPARE(imminent[0].toObject()["issue_id"].toString(), QStringLiteral("iss_1042"));
        const RateLimit limit = api.rateLimit();
        QCOMPARE(limit.limit, 600);
        QCOMPARE(limit.windowSeconds, 60);
        QVERIFY(limit.remaining < 600);
    }

    void credentialsAndScopes()
    {
        const HttpRequest metadata { "GET", "/api/v1/extensions/com.example.marketing", {}, {},
            {} };
        HttpResponse r = raw(metadata);
        QCOMPARE(r.status, 401);
        HttpRequest workspace = metadata;
        workspace.headers = { { "Authorization", "Bearer wk_local" } };
        QCOMPARE(raw(workspace).status, 200);
        workspace.headers = { { "X-Kiket-API-Key", "wk_local" } }; // the old header
        QCOMPARE(raw(workspace).status, 200);
        workspace.headers = { { "Authorization", "Bearer wrong" } };
        QCOMPARE(raw(workspace).status, 401);

        // A token without custom_data.write gets the same 403 as the platform gives.
        const Client readOnly(clientWith({ "custom_data.read" }));
        const CustomDataApi data
            = Endpoints(readOnly, "com.example.marketing", "v1").customData("proj-1");
        QCOMPARE(data.list("crm", "contacts")["data"].toArray().size(), 1);
        try {
            data.create("crm", "contacts", { { "x", 1 } });
            QFAIL("expected 403");
        } catch (const ApiError &e) {
            QCOMPARE(e.status(), 403);
            QCOMPARE(e.body(),
                QByteArray(
                    R"({"error":"Insufficient scopes","missing_scopes":["custom_data.write"],)"
                    R"("required_scopes":["custom_data.write"]})"));
        }
        // An expired or foreign token is refused with the SDK's wording.
        HttpRequest foreign = metadata;
        foreign.headers = { { "X-Runtime-Token", testing::TokenIssuer().mint() } };
        r = raw(foreign);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.jsonObject()["error"].toString(),
            QStringLiteral("No suitable signing key found in JWKS"));

        // Tokens minted here skip the signature check only as the exact bytes minted.
        kiket::devkit::TokenGrant grant;
        grant.extensionId = QStringLiteral("com.example.marketing");
        const QByteArray minted = m_sandbox->issuer().mint(grant);
        HttpRequest own = metadata;
        own.headers = { { "X-Runtime-Token", minted } };
        QCOMPARE(raw(own).status, 200);
        own.headers = { { "X-Runtime-Token",
            minted.left(minted.lastIndexOf('.') + 1) + base64Url(QByteArray(64, 'x')) } };
        r = raw(own);
        QCOMPARE(r.status, 401);
        QVERIFY2(r.body.contains("signature"), r.body.constData());
    }

    void aTokenReachesOnlyItsOwnExtension()
    {
        const Client client(clientWith({ "*" })); // minted for com.example.marketing
        Endpoints(client, "com.example.marketing", "v1").secrets().set("OWN_KEY", "own-value");
        const Endpoints other(client, "com.example.other", "v1");
        for (const auto &attempt : QList<std::function<void()>> {
                 [&] { other.secrets().set("STOLEN", "x"); },
                 [&] { other.secrets().get("OWN_KEY"); }, [&] { other.secrets().list(); },
                 [&] { other.logEvent("x", {}); } }) {
            try {
                attempt();
                QFAIL("expected 403");
            } catch (const ApiError &e) {
                QCOMPARE(e.status(), 403);
                QVERIFY2(e.body().contains("minted for the extension com.example.marketing"),
                    e.body().constData());
            }
        }
        // Nothing was written for the other extension; the workspace token reaches both.
        HttpRequest list { "GET", "/api/v1/extensions/com.example.other/secrets",
            { { "Authorization", "Bearer wk_local" } }, {}, {} };
        const HttpResponse r = raw(list);
        QCOMPARE(r.status, 200);
        QVERIFY2(!r.body.contains("STOLEN"), r.body.constData());
        QCOMPARE(Endpoints(client, "com.example.marketing", "v1").secrets().get("OWN_KEY"),
            std::optional<QString>("own-value"));
    }

    void inputThatWouldBeRewrittenIsRefused()
    {
        const HeaderList workspace { { "Authorization", "Bearer wk_local" },
            { "Content-Type", "application/json" } };
        const QByteArray ext = "/api/v1/extensions/com.example.marketing";
        const auto post = [&](const QByteArray &target, const QByteArray &body) {
            return raw(HttpRequest { "POST", target, workspace, body, {} });
        };
        HttpResponse r = post(ext + "/secrets/", "{\"value\":\"v\"}");
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("needs a key"), r.body.constData());
        r = post(ext + "/secrets", "{\"secret\":{\"key\":\"\",\"value\":\"v\"}}");
        QCOMPARE(r.status, 400);
        r = post(ext + "/secrets/a%00b", "{\"value\":\"v\"}");
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("control character"), r.body.constData());
        r = post(ext + "/secrets", "{\"secret\":{\"key\":\"a\\u0000b\",\"value\":\"v\"}}");
        QCOMPARE(r.status, 400);
        r = raw(HttpRequest { "GET", ext + "/secrets", workspace, {}, {} });
        QVERIFY2(!r.body.contains("a\\u0000b") && !r.body.contains("\"a\""), r.body.constData());

        // A lone surrogate is refused, not turned into another character; pairs and an escaped
        // backslash before "u" are ordinary text.
        r = post(ext + "/events", "{\"event\":\"a\\ud800b\"}");
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("lone UTF-16 surrogate escape at byte 11"), r.body.constData());
        QCOMPARE(post(ext + "/events", "{\"event\":\"\\udc00\"}").status, 400);
        QCOMPARE(post(ext + "/events", "{\"event\":\"\\ud83d\\ude00\"}").status, 200);
        QCOMPARE(post(ext + "/events", "{\"event\":\"\\\\ud800\"}").status, 200);
        QCOMPARE(loneSurrogateAt("{\"a\":\"\\ud83d\"}"), 6);
        QVERIFY(isPrintableName("API_KEY") && !isPrintableName("") && !isPrintableName("a\x7f"));
    }

    void dialectsAndErrors()
    {
        const QByteArray token = clientWith({ "*" }).runtimeToken.toLatin1();
        const HeaderList auth { { "X-Kiket-Runtime-Token", token },
            { "Content-Type", "application/json" } };
        // The Ruby SDK's unprefixed path and the Python SDK's secret dialect.
        QCOMPARE(raw({ "POST", "/extensions/com.example.marketing/events", auth, R"({"event":"x"})",
                         {} })
                     .status,
            200);
        QCOMPARE(raw({ "POST", "/api/v1/extensions/com.example.marketing/secrets", auth,
                         R"({"secret":{"key":"PY_KEY","value":"v"}})", {} })
                     .status,
            200);
        QCOMPARE(
            raw({ "GET", "/api/v1/extensions/com.example.marketing/secrets/PY_KEY", auth, {}, {} })
                .jsonObject()["value"]
                .toString(),
            QStringLiteral("v"));
        // Its list is a bare array of objects; other callers get {"keys": […]}.
        HeaderList httpx = auth;
        httpx.append(qMakePair(QByteArray("User-Agent"), QByteArray("python-httpx/0.27.0")));
        const HttpResponse pyList
            = raw({ "GET", "/api/v1/extensions/com.example.marketing/secrets", httpx, {}, {} });
        const QJsonArray objects = QJsonDocument::fromJson(pyList.body).array();
        QVERIFY2(!objects.isEmpty(), pyList.body.constData());
        const QJsonObject first = objects.first().toObject();
        QVERIFY(!first["key"].toString().isEmpty());
        QVERIFY(QDateTime::fromString(first["created_at"].toString(), Qt::ISODateWithMs).isValid());
        QVERIFY(!first.contains("value"));
        QVERIFY(raw({ "GET", "/api/v1/extensions/com.example.marketing/secrets", auth, {}, {} })
                    .jsonObject()["keys"]
                    .toArray()
                    .contains(QStringLiteral("PY_KEY")));
        QCOMPARE(
            raw({ "POST", "/api/v1/extensions/logs", auth, R"({"message":"m","metadata":{}})", {} })
                .status,
            200);
        QCOMPARE(raw({ "POST", "/api/v1/extensions/metrics", auth,
                         R"({"name":"n","value":1,"unit":"ms"})", {} })
                     .status,
            200);
        // Bad input: clear errors, nothing stored.
        QCOMPARE(
            raw({ "POST", "/api/v1/extensions/notifications", auth, "not json", {} }).status, 400);
        QCOMPARE(raw({ "POST", "/api/v1/extensions/notifications", auth,
                         R"({"title":"t","level":"loud"})", {} })
                     .status,
            422);
        QCOMPARE(raw({ "GET", "/api/v1/ext/custom_data/crm/contacts", auth, {}, {} }).status,
            400); // no project_id
        QCOMPARE(raw({ "GET", "/api/v1/ext/custom_data/crm/contacts?project_id=p&filters=%7Bbroken",
                         auth, {}, {} })
                     .status,
            400);
        const HttpResponse wrongMethod = raw({ "DELETE", "/api/v1/ext/rate_limit", auth, {}, {} });
        QCOMPARE(wrongMethod.status, 405);
        QCOMPARE(wrongMethod.header("allow"), QByteArray("GET"));
        QCOMPARE(raw({ "GET", "/api/v1/unknown", auth, {}, {} }).status, 404);
        QCOMPARE(raw({ "GET", "/.well-known/jwks.json", {}, {}, {} })
                     .jsonObject()["keys"]
                     .toArray()
                     .size(),
            1);
    }

    void telemetryIntake()
    {
        const TelemetryRecord record { "issue.created", "v1", "ok", 4.5, {}, {},
            "com.example.marketing", "1.0.0", QDateTime::currentDateTimeUtc(), {} };
        const HttpResponse r
            = raw({ "POST", "/api/v1/ext/telemetry", { { "Content-Type", "application/json" } },
                QJsonDocument(record.toJson()).toJson(), {} });
        QCOMPARE(r.status, 202);
        QTRY_COMPARE(m_sandbox->telemetry().stats().size(), 1);
        QCOMPARE(m_sandbox->telemetry().stats().first().p50, 4.5);
    }

    // A handler's delivery adopts the calls it made once it is answered; a call observed only
    // after its answer could land after the delivery and stay an orphan.
    void aCallIsObservedBeforeItsAnswerLeaves()
    {
        QTemporaryDir folder;
        SandboxOptions o;
        o.folder = folder.path();
        o.port = 0;
        auto started = SandboxPlatform::start(o);
        QVERIFY(started.ok());
        std::unique_ptr<SandboxPlatform> sandbox = std::move(started).value();
        QAtomicInt observed = 0;
        sandbox->setObserver([&observed](const SandboxCall &) {
            QThread::msleep(100); // a slow capture commit
            observed.storeRelease(1);
        });
        const HttpResponse r
            = testing::send(sandbox->port(), { "GET", "/.well-known/jwks.json", {}, {}, {} });
        QCOMPARE(r.status, 200);
        QCOMPARE(observed.loadAcquire(), 1);
    }

    void brokenFixturesStopTheStartWithTheirLine()
    {
        QTemporaryDir folder;
        QVERIFY(QDir().mkpath(folder.filePath(".kiket")));
        QFile file(folder.filePath(".kiket/fixtures.yaml"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("projects:\n  - id: [unclosed\n");
        file.close();
        SandboxOptions o;
        o.folder = folder.path();
        o.port = 0;
        const auto started = SandboxPlatform::start(o);
        QVERIFY(!started.ok());
        QVERIFY(started.error().message.contains("fixtures.yaml"));
        QCOMPARE(started.error().line, 3);
    }

    void the601stCallInAWindowGets429()
    {
        QTemporaryDir folder;
        SandboxOptions o;
        o.folder = folder.path();
        o.port = 0;
        o.workspaceToken = QStringLiteral("wk_local");
        auto sandbox = std::move(SandboxPlatform::start(o)).value();
        const HttpRequest call { "GET", "/api/v1/ext/rate_limit",
            { { "Authorization", "Bearer wk_local" } }, {}, {} };
        for (int i = 1; i <= 600; ++i) {
            const HttpResponse r = testing::send(sandbox->port(), call);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("x-ratelimit-remaining").toInt(), 600 - i);
            QCOMPARE(r.header("x-ratelimit-limit"), QByteArray("600"));
        }
        const HttpResponse refused = testing::send(sandbox->port(), call);
        QCOMPARE(refused.status, 429);
        const int retryAfter = refused.header("retry-after").toInt();
        QVERIFY2(retryAfter >= 1 && retryAfter <= 60, refused.header("retry-after").constData());
        QVERIFY(!refused.jsonObject()["error"].toString().isEmpty());
    }

    void rateWindowAnswers429()
    {
        m_sandbox->rateWindow().setLimit(0); // rehearse throttling: every further call is refused
        const Client client(clientWith({ "*" }));
        try {
            client.get("/api/v1/ext/rate_limit");
            QFAIL("expected 429");
        } catch (const ApiError &e) {
            QCOMPARE(e.status(), 429);
        }
        const HttpResponse r = raw({ "GET", "/api/v1/ext/rate_limit",
            { { "Authorization", "Bearer wk_local" } }, {}, {} });
        QCOMPARE(r.status, 429);
        QVERIFY(r.header("retry-after").toInt() >= 1);
        QCOMPARE(r.header("x-ratelimit-remaining"), QByteArray("0"));
        m_sandbox->rateWindow().setLimit(600);
    }
};

QTEST_GUILESS_MAIN(TestSandboxPlatform)
#include "tst_sandboxplatform.moc"
