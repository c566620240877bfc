// The platform's delivery behaviour against a real HTTP server: retries, schedule, timeout.
#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/delivery/sender.h>
#include <kiket/hmac.h>
#include <kiket/testing.h>

#include <QAtomicInt>
#include <QTcpServer>
#include <QTest>
#include <QThread>

using namespace kiket;
using namespace kiket::devkit;

namespace {

HttpRequest delivery(const QByteArray &secret)
{
    DeliverySpec spec;
    spec.event = "issue.created";
    spec.version = "v1";
    spec.payload = { { "issue", QJsonObject { { "id", 1 } } } };
    spec.webhookSecret = secret;
    return prepareDelivery(spec).request;
}

// Answers with the given statuses in turn, then 200.
testing::FakePlatform::Answer inTurn(QList<int> statuses)
{
    auto served = std::make_shared<QAtomicInt>(0);
    return [statuses, served](const HttpRequest &) {
        const int i = served->fetchAndAddOrdered(1);
        return HttpResponse::json(statuses.value(i, 200), {});
    };
}

SendPolicy fast()
{
    SendPolicy p;
    p.retry = true;
    p.timeScale = 0.00001; // the whole 8 h schedule in about 0.4 s
    p.callbackTimeoutMs = 2000;
    return p;
}

} // namespace

class TestSender : public QObject
{
    Q_OBJECT

private slots:
    void retriesKeepTheDeliveryIdAndSignAgain()
    {
        testing::FakePlatform extension;
        extension.setAnswer(inTurn({ 503, 500 }));
        const HttpRequest request = delivery("s");
        const auto attempts = sendDelivery(extension.baseUrl(), request, "s", fast());
        QCOMPARE(attempts.size(), 3);
        QCOMPARE(attempts[0].response.status, 503);
        QCOMPARE(attempts[0].nextDelayMs, qint64(30 * 1000 * 0.00001));
        QCOMPARE(attempts[1].nextDelayMs, qint64(60 * 1000 * 0.00001));
        QCOMPARE(attempts[2].response.status, 200);
        QCOMPARE(attempts[2].nextDelayMs, -1);
        const auto received = extension.requests("/v/");
        QCOMPARE(received.size(), 3);
        for (const HttpRequest &r : received) {
            QCOMPARE(r.header("x-kiket-delivery"), request.header("x-kiket-delivery"));
            QCOMPARE(r.body, request.body);
            HmacInput in;
            in.secret = "s";
            in.body = r.body;
            in.signatureHeaders = { r.header("x-kiket-signature") };
            in.timestampHeaders = { r.header("x-kiket-timestamp") };
            QVERIFY(verifyHmac(in).ok());
        }
    }

    void whatIsRetried_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("retried");
        QTest::newRow("500") << 500 << true;
        QTest::newRow("502") << 502 << true;
        QTest::newRow("429") << 429 << true;
        QTest::newRow("400") << 400 << false;
        QTest::newRow("401") << 401 << false;
        QTest::newRow("404") << 404 << false;
        QTest::newRow("200") << 200 << false;
    }

    void whatIsRetried()
    {
        QFETCH(int, status);
        QFETCH(bool, retried);
        testing::FakePlatform extension;
        extension.setAnswer(inTurn({ status }));
        const auto attempts = sendDelivery(extension.baseUrl(), delivery("s"), "s", fast());
        QCOMPARE(attempts.size(), retried ? 2 : 1);
    }

    void givesUpAfterTheWholeSchedule()
    {
        testing::FakePlatform extension;
        extension.setAnswer([](const HttpRequest &) { return HttpResponse::json(503, {}); });
        QList<qint64> delays;
        const auto attempts = sendDelivery(
            extension.baseUrl(), delivery("s"), "s", fast(), [&delays](const SendAttempt &a) {
                delays << a.nextDelayMs;
                return true;
            });
        QCOMPARE(attempts.size(), 7); // the first send and six retries
        QCOMPARE(delays,
            QList<qint64>({ 0, 0, 3, 18, 72, 288, -1 })); // 30 s … 8 h at 1/100,000, truncated
        QCOMPARE(platformRetrySchedule(), QList<int>({ 30, 60, 300, 1800, 7200, 28800 }));
    }

    void callbackTimeout()
    {
        testing::FakePlatform extension;
        extension.setAnswer([](const HttpRequest &) {
            QThread::msleep(600);
            return HttpResponse::json(200, {});
        });
        SendPolicy p;
        p.callbackTimeoutMs = 150;
        const auto attempts = sendDelivery(extension.baseUrl(), delivery("s"), "s", p);
        QCOMPARE(attempts.size(), 1);
        QVERIFY(attempts[0].timedOut);
        QCOMPARE(attempts[0].response.status, 0);
        QVERIFY(shouldRetry(attempts[0]));
    }

    void noServerIsRetriedAndCanBeStopped()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const QString closed = QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort());
        probe.close();
        int heard = 0;
        const auto attempts = sendDelivery(closed, delivery("s"), "s", fast(), [&heard](auto &) {
            return ++heard < 2; // stop after the second attempt
        });
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts[0].response.status, 0);
        QVERIFY(!attempts[0].timedOut);
    }

    void policyLimits()
    {
        SendPolicy p;
        QVERIFY(validatePolicy(p).isEmpty());
        p.callbackTimeoutMs = 99;
        QVERIFY(validatePolicy(p).contains("100–60000 ms"));
        p.callbackTimeoutMs = 60001;
        QVERIFY(!validatePolicy(p).isEmpty());
        p.callbackTimeoutMs = 60000;
        p.timeScale = 0;
        QVERIFY(validatePolicy(p).contains("time scale"));
        p.timeScale = 2;
        QVERIFY(!validatePolicy(p).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSender)
#include "tst_sender.moc"
