// The example extension: every README handler in-process, and the standalone binary over real HTTP.
#include "handlers.h"

#include <kiket/sdk.h>
#include <kiket/testing.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::testing;

namespace {

QJsonObject body(const HttpRequest &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

QJsonObject issuePayload()
{
    return { { "issue",
        QJsonObject {
            { "id", "ISS-1" }, { "title", "Launch plan" }, { "project_id", "proj-1" } } } };
}

} // namespace

class TestHelloExtension : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    FakePlatform m_platform;
    std::unique_ptr<Sdk> m_sdk;
    int m_remaining = 42;
    QJsonArray m_slaEvents;

    HttpResponse deliver(const QString &event, const QString &version,
        const QJsonObject &payload = issuePayload(), const QStringList &scopes = { "*" })
    {
        m_platform.clearRequests();
        return m_sdk->dispatch(
            DeliveryBuilder(event, version).payload(payload).scopes(scopes).secret("s").request());
    }

private slots:
    void initTestCase()
    {
        m_platform.setAnswer([this](const HttpRequest &r) {
            if (r.path() == "/api/v1/ext/rate_limit")
                return HttpResponse::json(200,
                    { { "rate_limit",
                        QJsonObject { { "limit", 100 }, { "remaining", m_remaining },
                            { "window_seconds", 60 }, { "reset_in", 17 } } } });
            if (r.path() == "/api/v1/ext/sla/events")
                return HttpResponse::json(200, { { "data", m_slaEvents } });
            if (r.path().startsWith("/api/v1/ext/custom_data/") && r.method == "GET")
                return HttpResponse::json(200,
                    { { "data",
                        QJsonArray {
                            QJsonObject { { "id", 1 } }, QJsonObject { { "id", 2 } } } } });
            return HttpResponse::json(200, {});
        });
        SdkOptions o;
        o.webhookSecret = QStringLiteral("s");
        o.baseUrl = m_platform.baseUrl();
        o.extensionId = QStringLiteral("com.example.marketing");
        o.manifestFolder = m_dir.path();
        o.environment = QProcessEnvironment();
        o.environment.insert("API_KEY", "env-key-1234");
        o.telemetryEnabled = false;
        m_sdk = std::make_unique<Sdk>(o);
        registerHelloHandlers(*m_sdk);
    }

    void issueCreatedV1()
    {
        const HttpResponse r = deliver("issue.created", "1");
        QCOMPARE(r.body, QByteArray(R"({"ok":true})"));
        const QList<HttpRequest> calls = m_platform.requests();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls[0].path(), QByteArray("/api/v1/extensions/com.example.marketing/events"));
        QCOMPARE(body(calls[0])["data"].toObject(), QJsonObject({ { "summary", "Launch plan" } }));
        QCOMPARE(calls[0].header("x-kiket-event-version"), QByteArray("v1"));
        QCOMPARE(calls[1].path(),
            QByteArray("/api/v1/extensions/com.example.marketing/secrets/WEBHOOK_TOKEN"));
        QCOMPARE(body(calls[1]), QJsonObject({ { "value", "abc123" } }));
    }

    void issueCreatedV2()
    {
        const HttpResponse r = deliver("issue.created", "v2");
        QCOMPARE(r.body, QByteArray(R"({"ok":true,"version":"v2"})"));
        const QList<HttpRequest> calls = m_platform.requests();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(body(calls[0])["data"].toObject(),
            QJsonObject({ { "summary", "Launch plan" }, { "schema", "v2" } }));
        QCOMPARE(calls[0].header("x-kiket-event-version"), QByteArray("v2"));
    }

    void customDataSync()
    {
        const HttpResponse r = deliver("issue.updated", "v1");
        QCOMPARE(r.body, QByteArray(R"({"synced":2})"));
        const QList<HttpRequest> calls = m_platform.requests();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls[0].method, QByteArray("GET"));
        QCOMPARE(calls[0].path(),
            QByteArray("/api/v1/ext/custom_data/com.example.crm.contacts/automation_records"));
        const QUrlQuery q(QString::fromUtf8(calls[0].query()));
        QCOMPARE(q.queryItemValue("project_id"), QStringLiteral("proj-1"));
        QCOMPARE(q.queryItemValue("limit"), QStringLiteral("10"));
        QCOMPARE(q.queryItemValue("filters", QUrl::FullyDecoded),
            QStringLiteral(R"({"status":"active"})"));
        QCOMPARE(calls[1].method, QByteArray("POST"));
        QCOMPARE(body(calls[1])["record"].toObject()["email"].toString(),
            QStringLiteral("lead@example.com"));
    }

    void slaStatus()
    {
        m_slaEvents = {};
        QCOMPARE(deliver("workflow.sla_status", "v1").body, QByteArray(R"({"ok":true})"));
        QCOMPARE(m_platform.requests().size(), 1);
        const QUrlQuery q(QString::fromUtf8(m_platform.requests()[0].query()));
        QCOMPARE(q.queryItemValue("state"), QStringLiteral("imminent"));
        QCOMPARE(q.queryItemValue("limit"), QStringLiteral("5"));
        m_slaEvents
            = { QJsonObject { { "id", "e1" }, { "issue_id", "ISS-9" }, { "state", "imminent" } } };
        QCOMPARE(deliver("workflow.sla_status", "v1").body, QByteArray(R"({"acknowledged":true})"));
        const HttpRequest log = m_platform.requests().last();
        QCOMPARE(body(log)["event"].toString(), QStringLiteral("sla.warning"));
        QCOMPARE(body(log)["data"].toObject(),
            QJsonObject({ { "issue_id", "ISS-9" }, { "state", "imminent" } }));
    }

    void automationRateLimit()
    {
        m_remaining = 42;
        QCOMPARE(deliver("automation.dispatch", "v1").body, QByteArray(R"({"ok":true})"));
        QCOMPARE(m_platform.requests().size(), 1);
        m_remaining = 3;
        QCOMPARE(deliver("automation.dispatch", "v1").body, QByteArray(R"({"deferred":true})"));
        const HttpRequest notify = m_platform.requests().last();
        QCOMPARE(notify.path(), QByteArray("/api/v1/extensions/notifications"));
        QCOMPARE(body(notify),
            QJsonObject({ { "title", "Rate limit warning" },
                { "body", "Only 3 requests remain (reset in 17s)" }, { "level", "warning" } }));
    }

    void declaredScopes()
    {
        QCOMPARE(
            deliver("issue.transitioned", "v1", issuePayload(), { "issues.read" }).status, 403);
        QCOMPARE(m_platform.requests().size(), 0); // rejected before the handler ran
        QCOMPARE(
            deliver("issue.transitioned", "v1", issuePayload(), { "issues.read", "issues.write" })
                .status,
            200);
        QCOMPARE(body(m_platform.requests().last())["event"].toString(),
            QStringLiteral("issue.processed"));
    }

    void dynamicScopes()
    {
        QJsonObject payload = issuePayload();
        payload["workflow"] = QJsonObject { { "id", "wf-1" } };
        const HttpResponse denied
            = deliver("workflow.triggered", "v1", payload, { "workflows.execute" });
        QCOMPARE(denied.status, 403);
        QCOMPARE(
            denied.jsonObject()["missing_scopes"].toArray(), QJsonArray({ "custom_data.write" }));
        QCOMPARE(deliver("workflow.triggered", "v1", payload,
                     { "workflows.execute", "custom_data.write" })
                     .status,
            200);
        QCOMPARE(body(m_platform.requests().last())["record"].toObject()["workflow"].toString(),
            QStringLiteral("wf-1"));
    }

    void secretHelper()
    {
        HttpResponse r = deliver("extension.testConnection", "v1", {});
        QCOMPARE(r.jsonObject()["status"].toString(), QStringLiteral("allow"));
        QCOMPARE(r.jsonObject()["metadata"].toObject()["key_length"].toInt(), 12);
        r = deliver("extension.testConnection", "v1",
            { { "secrets", QJsonObject { { "API_KEY", "org" } } } });
        QCOMPARE(r.jsonObject()["metadata"].toObject()["key_length"].toInt(), 3);
    }

    void standaloneBinary()
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KIKET_WEBHOOK_SECRET", "bin-secret");
        env.insert("KIKET_BASE_URL", m_platform.baseUrl());
        env.insert("KIKET_SDK_TELEMETRY_OPTOUT", "1");
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.setWorkingDirectory(m_dir.path()); // no manifest here: the default id applies
        process.start(
            QStringLiteral(HELLO_EXTENSION_BINARY), { "--host", "127.0.0.1", "--port", "0" });
        QVERIFY(process.waitForStarted());
        const QRegularExpression ready(QStringLiteral(
            "com\\.example\\.marketing 1\\.0\\.0 listening on http://127\\.0\\.0\\.1:(\\d+)"));
        QByteArray output;
        QRegularExpressionMatch match;
        QTRY_VERIFY_WITH_TIMEOUT(
            (output += process.readAll(), match = ready.match(QString::fromUtf8(output)))
                .hasMatch(),
            10000);
        const quint16 port = quint16(match.captured(1).toUInt());

        m_platform.clearRequests();
        const HttpResponse r = send(port,
            DeliveryBuilder("issue.created", "1")
                .payload(issuePayload())
                .secret("bin-secret")
                .request());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray(R"({"ok":true})"));
        QCOMPARE(m_platform.requests("/api/v1/extensions/com.example.marketing/events").size(), 1);
        const HttpResponse unsigned_ = send(port, DeliveryBuilder("issue.created", "1").request());
        QCOMPARE(unsigned_.status, 401);

        process.terminate();
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        output += process.readAll();
        QVERIFY(!output.contains("bin-secret")); // the secret never reaches the log
    }
};

QTEST_GUILESS_MAIN(TestHelloExtension)
#include "tst_hello_extension.moc"
