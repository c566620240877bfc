// Telemetry: a record per handler run, the feedback hook, queued POSTs, opt-out, aggregates.
#include <kiket/sdk.h>
#include <kiket/testing.h>

#include <QJsonDocument>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::testing;

class TestTelemetry : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    SdkOptions options(const QString &telemetryUrl)
    {
        SdkOptions o;
        o.webhookSecret = QStringLiteral("s");
        o.extensionId = QStringLiteral("com.example.t");
        o.extensionVersion = QStringLiteral("0.1");
        o.telemetryUrl = telemetryUrl;
        o.manifestFolder = m_dir.path();
        o.environment = QProcessEnvironment();
        return o;
    }

    static void addHandlers(Sdk &sdk)
    {
        sdk.webhook("issue.created", "v1")
            = [](const QJsonObject &, Context &) -> QJsonValue { return {}; };
        sdk.webhook("issue.closed", "v1") = [](const QJsonObject &, Context &) -> QJsonValue {
            throw std::logic_error("closing failed");
        };
    }

private slots:
    void recordsEachRunAndPostsIt()
    {
        FakePlatform platform;
        SdkOptions o = options(platform.baseUrl() + "/api/v1/ext");
        QList<TelemetryRecord> hooked;
        o.feedbackHook = [&hooked](const TelemetryRecord &r) { hooked << r; };
        Sdk sdk(o);
        addHandlers(sdk);
        QCOMPARE(sdk.telemetry().url(), platform.baseUrl() + "/api/v1/ext/telemetry");
        QCOMPARE(sdk.dispatch(DeliveryBuilder("issue.created").secret("s").request()).status, 200);
        QCOMPARE(sdk.dispatch(DeliveryBuilder("issue.closed").secret("s").request()).status, 500);
        QCOMPARE(
            sdk.dispatch(DeliveryBuilder("issue.closed").request()).status, 401); // 4xx: no record
        QCOMPARE(
            sdk.dispatch(DeliveryBuilder("issue.created", "v9").secret("s").request()).status, 404);

        QCOMPARE(hooked.size(), 2);
        QCOMPARE(hooked[0].status, QStringLiteral("ok"));
        QCOMPARE(hooked[1].status, QStringLiteral("error"));
        QCOMPARE(hooked[1].errorMessage, QStringLiteral("closing failed"));
        QCOMPARE(hooked[1].errorClass, QStringLiteral("std::logic_error"));
        QVERIFY(sdk.telemetry().waitIdle(5000));
        const QList<HttpRequest> posts = platform.requests("/api/v1/ext/telemetry");
        QCOMPARE(posts.size(), 2);
        QVERIFY(posts[0].header("authorization").isEmpty());
        const QJsonObject body = QJsonDocument::fromJson(posts[1].body).object();
        for (const char *key : { "event", "version", "status", "duration_ms", "error_message",
                 "error_class", "extension_id", "extension_version", "timestamp", "metadata" })
            QVERIFY2(body.contains(QLatin1String(key)), key);
        QCOMPARE(body["event"].toString(), QStringLiteral("issue.closed"));
        QCOMPARE(body["extension_id"].toString(), QStringLiteral("com.example.t"));
        QCOMPARE(sdk.telemetry().sentCount(), 2);
    }

    void hookFailuresAreLoggedNotRaised()
    {
        FakePlatform platform;
        SdkOptions o = options(platform.baseUrl());
        o.feedbackHook = [](const TelemetryRecord &) { throw std::runtime_error("hook broke"); };
        Sdk sdk(o);
        addHandlers(sdk);
        QTest::ignoreMessage(QtWarningMsg, "telemetry feedback hook failed: hook broke");
        QCOMPARE(sdk.dispatch(DeliveryBuilder("issue.created").secret("s").request()).status, 200);
    }

    void optOutSendsNothing()
    {
        FakePlatform platform;
        for (const char *value : { "1", "true", "yes", "on" }) {
            SdkOptions o = options(platform.baseUrl());
            o.environment.insert("KIKET_SDK_TELEMETRY_OPTOUT", QString::fromLatin1(value));
            int hooked = 0;
            o.feedbackHook = [&hooked](const TelemetryRecord &) { ++hooked; };
            Sdk sdk(o);
            addHandlers(sdk);
            QCOMPARE(
                sdk.dispatch(DeliveryBuilder("issue.created").secret("s").request()).status, 200);
            QVERIFY(!sdk.telemetry().enabled());
            QCOMPARE(hooked, 1); // the local hook still runs
        }
        SdkOptions o = options(platform.baseUrl());
        o.telemetryEnabled = false;
        Sdk sdk(o);
        addHandlers(sdk);
        sdk.dispatch(DeliveryBuilder("issue.created").secret("s").request());
        QTest::qWait(100);
        QCOMPARE(platform.requests().size(), 0);
    }

    void deadEndpointNeverDelaysTheAnswer()
    {
        // The telemetry endpoint holds every POST until released: answers must not wait for it.
        FakePlatform platform;
        auto release = std::make_shared<QSemaphore>();
        platform.setAnswer([release](const HttpRequest &) {
            release->tryAcquire(1, 10000);
            return HttpResponse::json(200, {});
        });
        Sdk sdk(options(platform.baseUrl()));
        addHandlers(sdk);
        auto port = sdk.start(QStringLiteral("127.0.0.1"), 0);
        QVERIFY(port.ok());
        for (int i = 0; i < 5; ++i) {
            const HttpResponse r
                = send(port.value(), DeliveryBuilder("issue.created").secret("s").request());
            QCOMPARE(r.status, 200);
        }
        QCOMPARE(
            sdk.telemetry().sentCount(), 0); // all five answered while telemetry is still stuck
        release->release(10);
        QVERIFY(sdk.telemetry().waitIdle(10000));
        QCOMPARE(sdk.telemetry().sentCount(), 5);
        sdk.stop();

        // A closed port: records fail and are counted, answers are unaffected.
        Sdk closed(options(QStringLiteral("http://127.0.0.1:9")));
        addHandlers(closed);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("telemetry POST to .* failed"));
        QCOMPARE(
            closed.dispatch(DeliveryBuilder("issue.created").secret("s").request()).status, 200);
        QVERIFY(closed.telemetry().waitIdle(5000));
        QCOMPARE(closed.telemetry().failedCount(), 1);
    }

    void boundedQueueDropsWithCounter()
    {
        Telemetry telemetry(QStringLiteral("http://127.0.0.1:9/telemetry"), true, {}, 3);
        TelemetryRecord r { "e", "v1", "ok", 1.0, {}, {}, "x", "1", QDateTime::currentDateTimeUtc(),
            {} };
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("telemetry POST to .* failed"));
        for (int i = 0; i < 50; ++i)
            telemetry.record(r);
        QVERIFY(telemetry.waitIdle(10000));
        QVERIFY(telemetry.droppedCount() > 0);
        QCOMPARE(telemetry.droppedCount() + telemetry.failedCount(), 50);
        QCOMPARE(telemetry.aggregates().stats().first().count, 50);
    }

    void aggregates()
    {
        TelemetryAggregator agg;
        for (int i = 1; i <= 100; ++i)
            agg.add({ "issue.created", "v1", i % 10 == 0 ? "error" : "ok", double(i), {}, {}, {},
                {}, {}, {} });
        agg.add({ "issue.created", "v2", "ok", 7.0, {}, {}, {}, {}, {}, {} });
        const QList<TelemetryStats> stats = agg.stats();
        QCOMPARE(stats.size(), 2);
        QCOMPARE(stats[0].version, QStringLiteral("v1"));
        QCOMPARE(stats[0].count, 100);
        QCOMPARE(stats[0].errors, 10);
        QCOMPARE(stats[0].p50, 50.0);
        QCOMPARE(stats[0].p95, 95.0);
        QCOMPARE(stats[0].p99, 99.0);
        QCOMPARE(stats[1].p99, 7.0);
        agg.clear();
        QVERIFY(agg.stats().isEmpty());
    }

    void recordJsonRoundTrip()
    {
        TelemetryRecord r { "issue.created", "v1", "error", 12.5, "bad", "std::runtime_error",
            "ext", "1.0", QDateTime::fromString("2026-01-02T03:04:05.678Z", Qt::ISODateWithMs),
            { { "k", "v" } } };
        const TelemetryRecord back = TelemetryRecord::fromJson(r.toJson());
        QCOMPARE(back.event, r.event);
        QCOMPARE(back.durationMs, r.durationMs);
        QCOMPARE(back.errorClass, r.errorClass);
        QCOMPARE(back.timestamp, r.timestamp);
        QCOMPARE(back.metadata, r.metadata);
    }
};

QTEST_GUILESS_MAIN(TestTelemetry)
#include "tst_telemetry.moc"
