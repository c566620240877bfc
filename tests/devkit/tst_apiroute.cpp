// The sandbox's API routing (every path of PROTOCOL §2 and §2.1), its scope table, and the rate
// window.
#include <kiket/devkit/sandbox/apiroute.h>
#include <kiket/devkit/sandbox/ratewindow.h>

#include <QTest>

using namespace kiket::devkit;

class TestApiRoute : public QObject
{
    Q_OBJECT

private slots:
    void routes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<bool>("legacy");
        const QByteArray ext = "/api/v1/extensions/com.example.marketing";
        QTest::newRow("jwks") << QByteArray("GET") << QByteArray("/.well-known/jwks.json") << "jwks"
                              << true;
        QTest::newRow("metadata") << QByteArray("GET") << ext << "metadata" << false;
        QTest::newRow("log_event") << QByteArray("POST") << ext + "/events"
                                   << "events.log" << false;
        QTest::newRow("notify") << QByteArray("POST")
                                << QByteArray("/api/v1/extensions/notifications") << "notify"
                                << false;
        QTest::newRow("secrets list") << QByteArray("GET") << ext + "/secrets"
                                      << "secrets.list" << false;
        QTest::newRow("secrets get") << QByteArray("GET") << ext + "/secrets/API_KEY"
                                     << "secrets.get" << false;
        QTest::newRow("secrets set") << QByteArray("POST") << ext + "/secrets/API_KEY"
                                     << "secrets.set" << false;
        QTest::newRow("secrets patch") << QByteArray("PATCH") << ext + "/secrets/API_KEY"
                                       << "secrets.update" << false;
        QTest::newRow("secrets delete") << QByteArray("DELETE") << ext + "/secrets/API_KEY"
                                        << "secrets.delete" << false;
        QTest::newRow("python secret create") << QByteArray("POST") << ext + "/secrets"
                                              << "secrets.create" << false;
        QTest::newRow("python logs")
            << QByteArray("POST") << QByteArray("/api/v1/extensions/logs") << "logs" << false;
        QTest::newRow("python metrics")
            << QByteArray("POST") << QByteArray("/api/v1/extensions/metrics") << "metrics" << false;
        const QByteArray cd = "/api/v1/ext/custom_data/com.example.crm.contacts/automation_records";
        QTest::newRow("cd list") << QByteArray("GET") << cd << "custom_data.list" << false;
        QTest::newRow("cd create") << QByteArray("POST") << cd << "custom_data.create" << false;
        QTest::newRow("cd get") << QByteArray("GET") << cd + "/rec%2F1"
                                << "custom_data.get" << false;
        QTest::newRow("cd update") << QByteArray("PATCH") << cd + "/1"
                                   << "custom_data.update" << false;
        QTest::newRow("cd delete") << QByteArray("DELETE") << cd + "/1"
                                   << "custom_data.delete" << false;
        QTest::newRow("sla") << QByteArray("GET") << QByteArray("/api/v1/ext/sla/events")
                             << "sla.list" << false;
        QTest::newRow("rate limit")
            << QByteArray("GET") << QByteArray("/api/v1/ext/rate_limit") << "rate_limit" << false;
        QTest::newRow("telemetry")
            << QByteArray("POST") << QByteArray("/api/v1/ext/telemetry") << "telemetry" << false;
        QTest::newRow("ruby events")
            << QByteArray("POST") << QByteArray("/extensions/com.example.marketing/events")
            << "events.log" << true;
        QTest::newRow("ruby custom data") << QByteArray("GET") << QByteArray("/ext/custom_data/m/t")
                                          << "custom_data.list" << true;
        QTest::newRow("ruby sla") << QByteArray("GET") << QByteArray("/ext/sla/events")
                                  << "sla.list" << true;
        QTest::newRow("unknown") << QByteArray("GET") << QByteArray("/api/v1/nothing") << "none"
                                 << false;
        QTest::newRow("too deep") << QByteArray("GET") << ext + "/secrets/a/b"
                                  << "none" << false;
    }

    void routes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QString, endpoint);
        QFETCH(bool, legacy);
        const ApiRoute r = matchApiRoute(method, path);
        QCOMPARE(endpointName(r.endpoint), endpoint);
        if (r.endpoint != ApiEndpoint::None && r.endpoint != ApiEndpoint::Jwks)
            QCOMPARE(r.legacyPath, legacy);
    }

    void parameters()
    {
        ApiRoute r = matchApiRoute(
            "GET", "/api/v1/ext/custom_data/com.example.crm.contacts/automation%20records/rec%2F1");
        QCOMPARE(r.module, QStringLiteral("com.example.crm.contacts"));
        QCOMPARE(r.table, QStringLiteral("automation records"));
        QCOMPARE(r.recordId, QStringLiteral("rec/1"));
        r = matchApiRoute(
            "DELETE", "/api/v1/extensions/com.example.marketing/secrets/SLACK%20TOKEN");
        QCOMPARE(r.extensionId, QStringLiteral("com.example.marketing"));
        QCOMPARE(r.key, QStringLiteral("SLACK TOKEN"));
    }

    void wrongMethodNamesTheAllowedOnes()
    {
        ApiRoute r = matchApiRoute("DELETE", "/api/v1/ext/rate_limit");
        QCOMPARE(r.endpoint, ApiEndpoint::None);
        QCOMPARE(r.allow, QByteArray("GET"));
        r = matchApiRoute("PUT", "/api/v1/ext/custom_data/m/t");
        QCOMPARE(r.allow, QByteArray("GET, POST"));
        QVERIFY(matchApiRoute("GET", "/nope").allow.isEmpty());
        QCOMPARE(matchApiRoute("HEAD", "/api/v1/ext/rate_limit").endpoint, ApiEndpoint::RateLimit);
    }

    void scopeTable()
    {
        QCOMPARE(requiredScope(ApiEndpoint::CustomDataList), QStringLiteral("custom_data.read"));
        QCOMPARE(requiredScope(ApiEndpoint::CustomDataDelete), QStringLiteral("custom_data.write"));
        QCOMPARE(requiredScope(ApiEndpoint::SecretsGet), QStringLiteral("secrets.read"));
        QCOMPARE(requiredScope(ApiEndpoint::SecretsCreate), QStringLiteral("secrets.write"));
        QCOMPARE(requiredScope(ApiEndpoint::SlaEventsList), QStringLiteral("sla.read"));
        QCOMPARE(requiredScope(ApiEndpoint::Notify), QStringLiteral("notifications.write"));
        QCOMPARE(requiredScope(ApiEndpoint::Metrics), QStringLiteral("events.write"));
        QVERIFY(requiredScope(ApiEndpoint::RateLimit).isEmpty());
        QVERIFY(requiredScope(ApiEndpoint::Metadata).isEmpty());
    }

    void rateWindow()
    {
        RateWindow w(600, 60);
        const qint64 t0 = 1'000'000;
        for (int i = 0; i < 600; ++i)
            QVERIFY(w.take(t0 + i).allowed);
        const RateDecision denied = w.take(t0 + 1000); // the 601st call, one second in
        QVERIFY(!denied.allowed);
        QCOMPARE(denied.remaining, 0);
        QCOMPARE(denied.resetIn, 59);
        QCOMPARE(denied.retryAfter, 59);
        QCOMPARE(w.peek(t0 + 1000).remaining, 0);
        const RateDecision next = w.take(t0 + 60'000); // a new window
        QVERIFY(next.allowed);
        QCOMPARE(next.remaining, 599);
        QCOMPARE(next.resetIn, 60);

        w.setLimit(2); // a throttling rehearsal
        QVERIFY(w.take(t0 + 60'001).allowed);
        QVERIFY(!w.take(t0 + 60'002).allowed);
        QCOMPARE(w.peek(t0 + 200'000).remaining, 2);

        QVERIFY(!w.take(t0 + 60'003).allowed);
        w.reset(); // a fresh window at once, as each suite case gets
        const RateDecision fresh = w.take(t0 + 60'004);
        QVERIFY(fresh.allowed);
        QCOMPARE(fresh.remaining, 1);
        QCOMPARE(fresh.resetIn, 60);
    }
};

QTEST_GUILESS_MAIN(TestApiRoute)
#include "tst_apiroute.moc"
