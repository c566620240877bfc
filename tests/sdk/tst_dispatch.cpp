// The delivery pipeline over real loopback HTTP: routes, versions, every error answer, bad input.
#include "rawhttp.h"

#include <kiket/sdk.h>
#include <kiket/testing.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::testing;

class TestDispatch : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Sdk> m_sdk;
    quint16 m_port = 0;

    RawResponse post(
        const QByteArray &target, const QByteArray &body, const QByteArray &headers = {})
    {
        return rawExchange(m_port, rawPost(target, body, headers));
    }

    RawResponse signedPost(
        const QByteArray &target, const QByteArray &body, const QByteArray &headers = {})
    {
        const Signature s = generateSignature("test-secret", body);
        return post(target, body,
            "X-Kiket-Signature: " + s.signature + "\r\nX-Kiket-Timestamp: " + s.timestamp + "\r\n"
                + headers);
    }

    void expectHealthy()
    {
        const RawResponse r = rawExchange(m_port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(r.status, 200);
    }

private slots:
    void initTestCase()
    {
        SdkOptions o;
        o.webhookSecret = QStringLiteral("test-secret");
        o.extensionId = QStringLiteral("com.example.test");
        o.extensionVersion = QStringLiteral("1.2.3");
        o.manifestFolder = m_dir.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        m_sdk = std::make_unique<Sdk>(o);
        m_sdk->webhook("issue.created", "v1")
            = [](const QJsonObject &payload, Context &ctx) -> QJsonValue {
            return QJsonObject { { "processed", payload["issue"]["id"] },
                { "version", ctx.eventVersion } };
        };
        m_sdk->webhook("issue.created", "v2")
            = [](const QJsonObject &, Context &ctx) -> QJsonValue {
            return QJsonObject { { "version", ctx.eventVersion } };
        };
        m_sdk->webhook("issue.updated", "3")
            = [](const QJsonObject &, Context &) -> QJsonValue { return {}; };
        m_sdk->webhook("issue.closed", "v1", { "issues.read", "issues.write" })
            = [](const QJsonObject &, Context &) -> QJsonValue {
            return QJsonObject { { "closed", true } };
        };
        m_sdk->webhook("workflow.triggered", "v1")
            = [](const QJsonObject &, Context &ctx) -> QJsonValue {
            ctx.requireScopes({ "workflows.execute", "custom_data.write" });
            return {};
        };
        m_sdk->webhook("issue.commented", "v1") = [](const QJsonObject &, Context &) -> QJsonValue {
            throw std::runtime_error("boom: comment too long");
        };
        auto port = m_sdk->start(QStringLiteral("127.0.0.1"), 0);
        QVERIFY2(port.ok(), qPrintable(port.ok() ? QString() : port.error().message));
        m_port = port.value();
        QVERIFY(m_port > 0);
    }

    void cleanupTestCase() { m_sdk->stop(); }

    void health()
    {
        const RawResponse r = rawExchange(m_port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(r.body,
            QByteArray(R"({"extension_id":"com.example.test","extension_version":"1.2.3",)"
                       R"("registered_events":["issue.created","issue.updated","issue.closed",)"
                       R"("workflow.triggered","issue.commented"],"status":"ok"})"));
        const RawResponse head = rawExchange(m_port, "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("content-length"), QByteArray::number(r.body.size()));
    }

    void wrongMethodsGet405()
    {
        RawResponse r = post("/health", "{}");
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("allow"), QByteArray("GET, HEAD"));
        r = rawExchange(m_port, "GET /v/1/webhooks/issue.created HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("allow"), QByteArray("POST"));
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        r = rawExchange(m_port, "DELETE /webhooks/issue.created HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(r.status, 405);
        r = rawExchange(m_port, "GET /nothing/here HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.body, QByteArray(R"({"error":"Not found"})"));
    }

    void versionRouting_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("version");
        QTest::newRow("path 1 reaches v1")
            << QByteArray("/v/1/webhooks/issue.created") << QByteArray() << 200 << "v1";
        QTest::newRow("path v2") << QByteArray("/v/v2/webhooks/issue.created") << QByteArray()
                                 << 200 << "v2";
        QTest::newRow("path v3 reaches 3")
            << QByteArray("/v/v3/webhooks/issue.updated") << QByteArray() << 200 << "";
        QTest::newRow("header") << QByteArray("/webhooks/issue.created")
                                << QByteArray("X-Kiket-Event-Version: v2\r\n") << 200 << "v2";
        QTest::newRow("query") << QByteArray("/webhooks/issue.created?version=2") << QByteArray()
                               << 200 << "v2";
        QTest::newRow("path beats header")
            << QByteArray("/v/1/webhooks/issue.created")
            << QByteArray("X-Kiket-Event-Version: v2\r\n") << 200 << "v1";
        QTest::newRow("header beats query")
            << QByteArray("/webhooks/issue.created?version=v1")
            << QByteArray("X-Kiket-Event-Version: v2\r\n") << 200 << "v2";
        QTest::newRow("empty header falls to query")
            << QByteArray("/webhooks/issue.created?version=v1")
            << QByteArray("X-Kiket-Event-Version:   \r\n") << 200 << "v1";
        QTest::newRow("blank path falls to header")
            << QByteArray("/v/%20/webhooks/issue.created")
            << QByteArray("X-Kiket-Event-Version: 2\r\n") << 200 << "v2";
        QTest::newRow("trimmed") << QByteArray("/webhooks/issue.created?version=%20v2%20")
                                 << QByteArray() << 200 << "v2";
    }

    void versionRouting()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, headers);
        QFETCH(int, status);
        QFETCH(QString, version);
        const RawResponse r = signedPost(target, R"({"issue":{"id":"123"}})", headers);
        QCOMPARE(r.status, status);
        if (!version.isEmpty())
            QCOMPARE(QJsonDocument::fromJson(r.body).object().value("version").toString(), version);
    }

    void errorAnswersByteForByte_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("sign");
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("expected");
        const QByteArray ok = R"({"issue":{"id":"1"}})";
        QTest::newRow("handler result")
            << QByteArray("/v/1/webhooks/issue.created") << ok << true << QByteArray() << 200
            << QByteArray(R"({"processed":"1","version":"v1"})");
        QTest::newRow("no result") << QByteArray("/v/3/webhooks/issue.updated") << ok << true
                                   << QByteArray() << 200 << QByteArray(R"({"ok":true})");
        QTest::newRow("not json")
            << QByteArray("/v/1/webhooks/issue.created") << QByteArray("hello") << true
            << QByteArray() << 400
            << QByteArray(R"({"error":"Invalid JSON payload: illegal value at offset 1"})");
        QTest::newRow("array")
            << QByteArray("/v/1/webhooks/issue.created") << QByteArray("[1,2]") << true
            << QByteArray() << 400
            << QByteArray(R"({"error":"Invalid JSON payload: expected a JSON object"})");
        QTest::newRow("empty") << QByteArray("/v/1/webhooks/issue.created") << QByteArray() << true
                               << QByteArray() << 400
                               << QByteArray(R"({"error":"Invalid JSON payload: empty body"})");
        QTest::newRow("bad utf8")
            << QByteArray("/v/1/webhooks/issue.created") << QByteArray("{\"a\":\"\xff\xfe\"}")
            << true << QByteArray() << 400
            << QByteArray(R"({"error":"Invalid JSON payload: body is not valid UTF-8"})");
        QTest::newRow("unsigned") << QByteArray("/v/1/webhooks/issue.created") << ok << false
                                  << QByteArray() << 401
                                  << QByteArray(R"({"error":"Missing X-Kiket-Signature header"})");
        QTest::newRow("no timestamp")
            << QByteArray("/v/1/webhooks/issue.created") << ok << false
            << QByteArray("X-Kiket-Signature: abc\r\n") << 401
            << QByteArray(R"({"error":"Missing X-Kiket-Timestamp header"})");
        QTest::newRow("garbage timestamp")
            << QByteArray("/v/1/webhooks/issue.created") << ok << false
            << QByteArray("X-Kiket-Signature: abc\r\nX-Kiket-Timestamp: soon\r\n") << 401
            << QByteArray(R"({"error":"Invalid X-Kiket-Timestamp header"})");
        QTest::newRow("timestamp 1e30")
            << QByteArray("/v/1/webhooks/issue.created") << ok << false
            << QByteArray("X-Kiket-Signature: abc\r\nX-Kiket-Timestamp: "
                          "1000000000000000000000000000000\r\n")
            << 401 << QByteArray(R"({"error":"Invalid X-Kiket-Timestamp header"})");
        QTest::newRow("garbage signature")
            << QByteArray("/v/1/webhooks/issue.created") << ok << false
            << QByteArray("X-Kiket-Signature: zzz\r\nX-Kiket-Timestamp: "
                   + QByteArray::number(QDateTime::currentSecsSinceEpoch()) + "\r\n")
            << 401 << QByteArray(R"({"error":"Invalid signature"})");
        QTest::newRow("repeated signature")
            << QByteArray("/v/1/webhooks/issue.created") << ok << true
            << QByteArray("X-Kiket-Signature: " + QByteArray(64, 'a') + "\r\n") << 401
            << QByteArray(R"({"error":"Invalid signature"})");
        QTest::newRow("no version")
            << QByteArray("/webhooks/issue.created") << ok << true << QByteArray() << 400
            << QByteArray(R"({"error":"Event version required. Provide X-Kiket-Event-Version )"
                          R"(header, version query param, or /v/{version} path."})");
        QTest::newRow("unknown version")
            << QByteArray("/v/9/webhooks/issue.created") << ok << true << QByteArray() << 404
            << QByteArray(R"({"error":"No handler registered for event 'issue.created' )"
                          R"(with version '9'"})");
        QTest::newRow("unknown event")
            << QByteArray("/v/v1/webhooks/nope.event") << ok << true << QByteArray() << 404
            << QByteArray(R"({"error":"No handler registered for event 'nope.event' )"
                          R"(with version 'v1'"})");
        QTest::newRow("missing scopes")
            << QByteArray("/v/1/webhooks/issue.closed")
            << QByteArray(R"({"authentication":{"scopes":["issues.read"]}})") << true
            << QByteArray() << 403
            << QByteArray(R"({"error":"Insufficient scopes","missing_scopes":["issues.write"],)"
                          R"("required_scopes":["issues.read","issues.write"]})");
        QTest::newRow("wildcard scope")
            << QByteArray("/v/1/webhooks/issue.closed")
            << QByteArray(R"({"authentication":{"scopes":["*"]}})") << true << QByteArray() << 200
            << QByteArray(R"({"closed":true})");
        QTest::newRow("exact scopes")
            << QByteArray("/v/1/webhooks/issue.closed")
            << QByteArray(R"({"authentication":{"scopes":["issues.write","issues.read"]}})") << true
            << QByteArray() << 200 << QByteArray(R"({"closed":true})");
        QTest::newRow("scope prefix is not a match")
            << QByteArray("/v/1/webhooks/issue.closed")
            << QByteArray(
                   R"({"authentication":{"scopes":["issues","issues.read.all","issues.write"]}})")
            << true << QByteArray() << 403
            << QByteArray(R"({"error":"Insufficient scopes","missing_scopes":["issues.read"],)"
                          R"("required_scopes":["issues.read","issues.write"]})");
        QTest::newRow("require_scopes in handler")
            << QByteArray("/v/1/webhooks/workflow.triggered")
            << QByteArray(R"({"authentication":{"scopes":["workflows.execute"]}})") << true
            << QByteArray() << 403
            << QByteArray(
                   R"({"error":"Insufficient scopes","missing_scopes":["custom_data.write"],)"
                   R"("required_scopes":["workflows.execute","custom_data.write"]})");
        QTest::newRow("handler throws")
            << QByteArray("/v/1/webhooks/issue.commented") << ok << true << QByteArray() << 500
            << QByteArray(R"({"error":"boom: comment too long"})");
        QTest::newRow("dot-dot event")
            << QByteArray("/v/1/webhooks/..") << ok << true << QByteArray() << 400
            << QByteArray(R"({"error":"Invalid event name '..'"})");
        QTest::newRow("encoded slash event")
            << QByteArray("/v/1/webhooks/issue%2Fcreated") << ok << true << QByteArray() << 400
            << QByteArray(R"({"error":"Invalid event name 'issue/created'"})");
        QTest::newRow("dot-dot inside event")
            << QByteArray("/v/1/webhooks/issue..created") << ok << true << QByteArray() << 400
            << QByteArray(R"({"error":"Invalid event name 'issue..created'"})");
    }

    void errorAnswersByteForByte()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, body);
        QFETCH(bool, sign);
        QFETCH(QByteArray, headers);
        QFETCH(int, status);
        QFETCH(QByteArray, expected);
        const RawResponse r
            = sign ? signedPost(target, body, headers) : post(target, body, headers);
        QCOMPARE(r.status, status);
        QCOMPARE(r.body, expected);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        expectHealthy();
    }

    void staleTimestampAnswer()
    {
        // The age in the message depends on the clock: accept any second between before and after.
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const RawResponse r = post("/v/1/webhooks/issue.created", "{}",
            "X-Kiket-Signature: abc\r\nX-Kiket-Timestamp: 1000\r\n");
        const qint64 after = QDateTime::currentSecsSinceEpoch();
        QCOMPARE(r.status, 401);
        bool matched = false;
        for (qint64 now = before; now <= after; ++now)
            matched = matched
                || r.body
                    == "{\"error\":\"Request timestamp too old or too far in future: "
                        + QByteArray::number(now - 1000) + "s\"}";
        QVERIFY2(matched, r.body.constData());
        expectHealthy();
    }

    void oversizedBodyGets413()
    {
        const QByteArray big(2 * 1024 * 1024, 'x');
        const RawResponse r = post("/v/1/webhooks/issue.created", big);
        QCOMPARE(r.status, 413);
        QCOMPARE(r.body, QByteArray(R"({"error":"Request body too large"})"));
        expectHealthy();
    }

    void keepAliveServesSeveralRequests()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(socket.waitForConnected());
        for (int i = 0; i < 3; ++i) {
            socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            const RawResponse r = readResponse(socket);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("connection"), QByteArray("keep-alive"));
        }
    }

    void inProcessDispatchMatchesLoopback()
    {
        const HttpRequest request = DeliveryBuilder("issue.created", "1")
                                        .payload({ { "issue", QJsonObject { { "id", "42" } } } })
                                        .secret("test-secret")
                                        .request();
        const HttpResponse inProcess = m_sdk->dispatch(request);
        QCOMPARE(inProcess.status, 200);
        QCOMPARE(inProcess.body, QByteArray(R"({"processed":"42","version":"v1"})"));
        const HttpResponse overLoopback = send(m_port, request);
        QCOMPARE(overLoopback.status, 200);
        QCOMPARE(overLoopback.body, inProcess.body);
    }
};

QTEST_GUILESS_MAIN(TestDispatch)
#include "tst_dispatch.moc"
