// The extension API client against a real local server: headers, retries, 429, timeouts, typed
// errors.
#include <kiket/client.h>
#include <kiket/testing.h>

#include <QAtomicInt>
#include <QJsonDocument>
#include <QTest>
#include <QThread>

using namespace kiket;
using namespace kiket::testing;

class TestClient : public QObject
{
    Q_OBJECT

    FakePlatform m_platform;

    ClientOptions options()
    {
        ClientOptions o;
        o.baseUrl = m_platform.baseUrl();
        o.initialBackoffMs = 1;
        return o;
    }

private slots:
    void init()
    {
        m_platform.clearRequests();
        m_platform.setAnswer({});
    }

    void sendsProtocolHeaders()
    {
        ClientOptions o = options();
        o.workspaceToken = QStringLiteral("wk_test");
        o.runtimeToken = QStringLiteral("rt.jwt.value");
        o.eventVersion = QStringLiteral("v2");
        Client(o).post(QStringLiteral("/api/v1/x"), QJsonObject { { "a", 1 } });
        const HttpRequest r = m_platform.requests().last();
        QCOMPARE(r.header("authorization"), QByteArray("Bearer wk_test"));
        QCOMPARE(r.header("x-kiket-runtime-token"), QByteArray("rt.jwt.value"));
        QCOMPARE(r.header("x-kiket-event-version"), QByteArray("v2"));
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QCOMPARE(r.header("accept"), QByteArray("application/json"));
        QVERIFY(r.header("user-agent").startsWith("kiket-sdk-cpp/"));
        QCOMPARE(r.body, QByteArray(R"({"a":1})"));
    }

    void omitsUnsetTokens()
    {
        Client(options()).get(QStringLiteral("/api/v1/x"));
        const HttpRequest r = m_platform.requests().last();
        QVERIFY(r.header("authorization").isEmpty());
        QVERIFY(r.header("x-kiket-runtime-token").isEmpty());
        QVERIFY(r.header("x-kiket-event-version").isEmpty());
    }

    void retriesIdempotentCallsAfterFailures()
    {
        auto calls = std::make_shared<QAtomicInt>(0);
        m_platform.setAnswer([calls](const HttpRequest &) {
            return calls->fetchAndAddRelaxed(1) < 2 ? HttpResponse::error(503, "down")
                                                    : HttpResponse::json(200, { { "ok", true } });
        });
        const ApiResponse r = Client(options()).get(QStringLiteral("/api/v1/ext/rate_limit"));
        QCOMPARE(r.status, 200);
        QCOMPARE(m_platform.requests().size(), 3);
    }

    void givesUpAfterThreeRetries()
    {
        m_platform.setAnswer(
            [](const HttpRequest &) { return HttpResponse::error(502, "bad gateway"); });
        try {
            Client(options()).del(QStringLiteral("/api/v1/x"));
            QFAIL("expected ApiError");
        } catch (const ApiError &e) {
            QCOMPARE(e.kind(), ApiError::Kind::Http);
            QCOMPARE(e.status(), 502);
            QCOMPARE(e.body(), QByteArray(R"({"error":"bad gateway"})"));
        }
        QCOMPARE(m_platform.requests().size(), 4);
    }

    void doesNotRetryNonIdempotentCalls()
    {
        m_platform.setAnswer([](const HttpRequest &) { return HttpResponse::error(503, "down"); });
        QVERIFY_THROWS_EXCEPTION(
            ApiError, Client(options()).post(QStringLiteral("/api/v1/x"), QJsonObject {}));
        QCOMPARE(m_platform.requests().size(), 1);
        QVERIFY_THROWS_EXCEPTION(
            ApiError, Client(options()).patch(QStringLiteral("/api/v1/x"), QJsonObject {}));
        QCOMPARE(m_platform.requests().size(), 2);
    }

    void honoursRetryAfterOn429()
    {
        auto calls = std::make_shared<QAtomicInt>(0);
        m_platform.setAnswer([calls](const HttpRequest &) {
            if (calls->fetchAndAddRelaxed(1) == 0) {
                HttpResponse r = HttpResponse::error(429, "slow down");
                r.headers.emplaceBack("Retry-After", "1");
                return r;
            }
            return HttpResponse::json(200, {});
        });
        QCOMPARE(Client(options()).post(QStringLiteral("/api/v1/x"), QJsonObject {}).status, 200);
        QCOMPARE(m_platform.requests().size(), 2);
        // Retry-After is capped: a cap of 0 s retries at once however long the server asks for.
        calls->storeRelaxed(0);
        ClientOptions capped = options();
        capped.maxRetryAfterSeconds = 0;
        m_platform.setAnswer([calls](const HttpRequest &) {
            if (calls->fetchAndAddRelaxed(1) == 0) {
                HttpResponse r = HttpResponse::error(429, "slow down");
                r.headers.emplaceBack("Retry-After", "3600");
                return r;
            }
            return HttpResponse::json(200, {});
        });
        QCOMPARE(Client(capped).get(QStringLiteral("/api/v1/x")).status, 200);
    }

    void typedErrors()
    {
        m_platform.setAnswer(
            [](const HttpRequest &) { return HttpResponse::error(404, "no such thing"); });
        try {
            Client(options()).get(QStringLiteral("/api/v1/missing"));
            QFAIL("expected ApiError");
        } catch (const ApiError &e) {
            QCOMPARE(e.status(), 404);
            QCOMPARE(e.kind(), ApiError::Kind::Http);
            QVERIFY(QString::fromStdString(e.what()).contains("GET /api/v1/missing answered 404"));
        }
        ClientOptions closed = options();
        closed.baseUrl = QStringLiteral("http://127.0.0.1:9");
        closed.maxRetries = 1;
        try {
            Client(closed).get(QStringLiteral("/x"));
            QFAIL("expected ApiError");
        } catch (const ApiError &e) {
            QCOMPARE(e.kind(), ApiError::Kind::Network);
            QCOMPARE(e.status(), 0);
        }
    }

    void timesOut()
    {
        m_platform.setAnswer([](const HttpRequest &) {
            QThread::msleep(400);
            return HttpResponse::json(200, {});
        });
        ClientOptions o = options();
        o.timeoutMs = 100;
        o.maxRetries = 1;
        try {
            Client(o).get(QStringLiteral("/slow"));
            QFAIL("expected ApiError");
        } catch (const ApiError &e) {
            QCOMPARE(e.kind(), ApiError::Kind::Timeout);
        }
        QTRY_COMPARE(m_platform.requests().size(), 2); // one retry after the timeout
    }

    void safeOnWorkerThreads()
    {
        m_platform.setAnswer([](const HttpRequest &r) {
            return HttpResponse::json(200, { { "path", QString::fromLatin1(r.path()) } });
        });
        const Client client(options());
        QAtomicInt ok = 0;
        QList<QThread *> threads;
        for (int i = 0; i < 8; ++i) {
            threads << QThread::create([&client, &ok, i] {
                for (int j = 0; j < 5; ++j) {
                    const QString path = QStringLiteral("/t/%1/%2").arg(i).arg(j);
                    if (client.get(path).object()["path"].toString() == path)
                        ok.fetchAndAddRelaxed(1);
                }
            });
            threads.last()->start();
        }
        for (QThread *t : threads) {
            QVERIFY(t->wait(20000));
            delete t;
        }
        QCOMPARE(ok.loadRelaxed(), 40);
    }

    void encodesSegmentsAndQueries()
    {
        QUrlQuery q;
        q.addQueryItem("filters", R"({"a":"b&c=d+e"})");
        Client(options()).get(QStringLiteral("/x/") + Client::segment("a/b c"), q);
        const HttpRequest r = m_platform.requests().last();
        QCOMPARE(r.path(), QByteArray("/x/a%2Fb%20c"));
        QCOMPARE(QUrl::fromPercentEncoding(r.query().mid(8)), QString(R"({"a":"b&c=d+e"})"));
        QVERIFY(r.query().contains("%26") && r.query().contains("%2B"));
    }
};

QTEST_GUILESS_MAIN(TestClient)
#include "tst_client.moc"
