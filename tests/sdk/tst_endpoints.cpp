// Every extension API helper: method, path, query and body checked at a real local server.
#include <kiket/endpoints.h>
#include <kiket/testing.h>

#include <QJsonDocument>
#include <QTest>

using namespace kiket;
using namespace kiket::testing;

class TestEndpoints : public QObject
{
    Q_OBJECT

    FakePlatform m_platform;
    std::unique_ptr<Client> m_client;
    std::unique_ptr<Endpoints> m_endpoints;

    HttpRequest last() { return m_platform.requests().last(); }
    QJsonObject lastBody() { return QJsonDocument::fromJson(last().body).object(); }
    QUrlQuery lastQuery() { return QUrlQuery(QString::fromUtf8(last().query())); }

private slots:
    void initTestCase()
    {
        ClientOptions o;
        o.baseUrl = m_platform.baseUrl();
        o.initialBackoffMs = 1;
        m_client = std::make_unique<Client>(o);
        m_endpoints = std::make_unique<Endpoints>(*m_client, "com.example.marketing", "v1");
    }

    void init()
    {
        m_platform.clearRequests();
        m_platform.setAnswer({});
    }

    void logEvent()
    {
        m_endpoints->logEvent("issue.created", { { "summary", "Hi" } });
        QCOMPARE(last().method, QByteArray("POST"));
        QCOMPARE(last().path(), QByteArray("/api/v1/extensions/com.example.marketing/events"));
        const QJsonObject b = lastBody();
        QCOMPARE(b["event"].toString(), QStringLiteral("issue.created"));
        QCOMPARE(b["version"].toString(), QStringLiteral("v1"));
        QCOMPARE(b["data"].toObject(), QJsonObject({ { "summary", "Hi" } }));
        QVERIFY(QDateTime::fromString(b["timestamp"].toString(), Qt::ISODateWithMs).isValid());
    }

    void metadataAndNotify()
    {
        m_platform.setAnswer([](const HttpRequest &) {
            return HttpResponse::json(200, { { "id", "com.example.marketing" } });
        });
        QCOMPARE(m_endpoints->metadata()["id"].toString(), QStringLiteral("com.example.marketing"));
        QCOMPARE(last().method, QByteArray("GET"));
        QCOMPARE(last().path(), QByteArray("/api/v1/extensions/com.example.marketing"));
        m_endpoints->notify("Title", "Body text", "warning");
        QCOMPARE(last().method, QByteArray("POST"));
        QCOMPARE(last().path(), QByteArray("/api/v1/extensions/notifications"));
        QCOMPARE(lastBody(),
            QJsonObject({ { "title", "Title" }, { "body", "Body text" }, { "level", "warning" } }));
    }

    void secrets()
    {
        const SecretsApi s = m_endpoints->secrets();
        m_platform.setAnswer([](const HttpRequest &r) {
            if (r.path().endsWith("/secrets"))
                return HttpResponse::json(200, { { "keys", QJsonArray { "A", "B" } } });
            if (r.path().endsWith("/MISSING"))
                return HttpResponse::error(404, "not found");
            return HttpResponse::json(200, { { "value", "v1" } });
        });
        QCOMPARE(s.list(), QStringList({ "A", "B" }));
        QCOMPARE(last().path(), QByteArray("/api/v1/extensions/com.example.marketing/secrets"));
        QCOMPARE(s.get("API_KEY"), std::optional<QString>("v1"));
        QCOMPARE(
            last().path(), QByteArray("/api/v1/extensions/com.example.marketing/secrets/API_KEY"));
        QCOMPARE(s.get("MISSING"), std::nullopt);
        s.set("WEBHOOK_TOKEN", "abc123");
        QCOMPARE(last().method, QByteArray("POST"));
        QCOMPARE(last().path(),
            QByteArray("/api/v1/extensions/com.example.marketing/secrets/WEBHOOK_TOKEN"));
        QCOMPARE(lastBody(), QJsonObject({ { "value", "abc123" } }));
        s.remove("OLD/KEY");
        QCOMPARE(last().method, QByteArray("DELETE"));
        QCOMPARE(last().path(),
            QByteArray("/api/v1/extensions/com.example.marketing/secrets/OLD%2FKEY"));
    }

    void rotateNeverDeletesFirst()
    {
        const SecretsApi s = m_endpoints->secrets();
        s.rotate("API_KEY", "new");
        QCOMPARE(m_platform.requests().size(), 1);
        QCOMPARE(last().method, QByteArray("POST"));

        m_platform.clearRequests();
        m_platform.setAnswer([](const HttpRequest &r) {
            return r.method == "POST" ? HttpResponse::error(409, "exists")
                                      : HttpResponse::json(200, {});
        });
        s.rotate("API_KEY", "new");
        const QList<HttpRequest> calls = m_platform.requests();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls[0].method, QByteArray("POST"));
        QCOMPARE(calls[1].method, QByteArray("PATCH"));
        QCOMPARE(calls[1].path(),
            QByteArray("/api/v1/extensions/com.example.marketing/secrets/API_KEY"));
        QCOMPARE(
            QJsonDocument::fromJson(calls[1].body).object(), QJsonObject({ { "value", "new" } }));

        // A failing update keeps the old value: nothing was deleted.
        m_platform.clearRequests();
        m_platform.setAnswer([](const HttpRequest &r) {
            return r.method == "POST" ? HttpResponse::error(422, "exists")
                                      : HttpResponse::error(500, "broken");
        });
        QVERIFY_THROWS_EXCEPTION(ApiError, s.rotate("API_KEY", "new"));
        for (const HttpRequest &r : m_platform.requests())
            QVERIFY(r.method != "DELETE");
    }

    void customData()
    {
        const CustomDataApi c = m_endpoints->customData("proj 1");
        m_platform.setAnswer([](const HttpRequest &) {
            return HttpResponse::json(200, { { "data", QJsonArray { 1, 2 } } });
        });
        QCOMPARE(c.list("com.example.crm.contacts", "automation_records", 10,
                      { { "status", "active" } })["data"]
                     .toArray()
                     .size(),
            2);
        QCOMPARE(last().method, QByteArray("GET"));
        QCOMPARE(last().path(),
            QByteArray("/api/v1/ext/custom_data/com.example.crm.contacts/automation_records"));
        QCOMPARE(
            lastQuery().queryItemValue("project_id", QUrl::FullyDecoded), QStringLiteral("proj 1"));
        QCOMPARE(lastQuery().queryItemValue("limit"), QStringLiteral("10"));
        QCOMPARE(lastQuery().queryItemValue("filters", QUrl::FullyDecoded),
            QStringLiteral(R"({"status":"active"})"));

        c.list("m", "t");
        QVERIFY(!lastQuery().hasQueryItem("limit"));
        QVERIFY(!lastQuery().hasQueryItem("filters"));

        c.get("m", "t", "id/1");
        QCOMPARE(last().method, QByteArray("GET"));
        QCOMPARE(last().path(), QByteArray("/api/v1/ext/custom_data/m/t/id%2F1"));
        QCOMPARE(
            lastQuery().queryItemValue("project_id", QUrl::FullyDecoded), QStringLiteral("proj 1"));

        c.create("m", "t", { { "email", "lead@example.com" } });
        QCOMPARE(last().method, QByteArray("POST"));
        QCOMPARE(last().path(), QByteArray("/api/v1/ext/custom_data/m/t"));
        QCOMPARE(lastBody(),
            QJsonObject({ { "record", QJsonObject { { "email", "lead@example.com" } } } }));

        c.update("m", "t", "7", { { "email", "x@example.com" } });
        QCOMPARE(last().method, QByteArray("PATCH"));
        QCOMPARE(last().path(), QByteArray("/api/v1/ext/custom_data/m/t/7"));
        QCOMPARE(lastBody(),
            QJsonObject({ { "record", QJsonObject { { "email", "x@example.com" } } } }));

        c.remove("m", "t", "7");
        QCOMPARE(last().method, QByteArray("DELETE"));
        QCOMPARE(last().path(), QByteArray("/api/v1/ext/custom_data/m/t/7"));
        QCOMPARE(
            lastQuery().queryItemValue("project_id", QUrl::FullyDecoded), QStringLiteral("proj 1"));
    }

    void slaEvents()
    {
        m_endpoints->slaEvents("p1").list("ISS-1", "imminent", 5);
        QCOMPARE(last().method, QByteArray("GET"));
        QCOMPARE(last().path(), QByteArray("/api/v1/ext/sla/events"));
        QCOMPARE(lastQuery().queryItemValue("project_id"), QStringLiteral("p1"));
        QCOMPARE(lastQuery().queryItemValue("issue_id"), QStringLiteral("ISS-1"));
        QCOMPARE(lastQuery().queryItemValue("state"), QStringLiteral("imminent"));
        QCOMPARE(lastQuery().queryItemValue("limit"), QStringLiteral("5"));
        m_endpoints->slaEvents("p1").list();
        QCOMPARE(last().query(), QByteArray("project_id=p1"));
    }

    void rateLimit()
    {
        m_platform.setAnswer([](const HttpRequest &) {
            return HttpResponse::json(200,
                { { "rate_limit",
                    QJsonObject { { "limit", 100 }, { "remaining", 4 }, { "window_seconds", 60 },
                        { "reset_in", 12 } } } });
        });
        const RateLimit r = m_endpoints->rateLimit();
        QCOMPARE(last().path(), QByteArray("/api/v1/ext/rate_limit"));
        QCOMPARE(r.limit, 100);
        QCOMPARE(r.remaining, 4);
        QCOMPARE(r.windowSeconds, 60);
        QCOMPARE(r.resetIn, 12);
    }

    void blankProjectRejectedBeforeAnyCall()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_endpoints->customData(""));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_endpoints->customData("   "));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_endpoints->slaEvents(""));
        QCOMPARE(m_platform.requests().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestEndpoints)
#include "tst_endpoints.moc"
