// The client refuses to block the GUI thread of a QGuiApplication, and works from workers there.
#include <kiket/client.h>
#include <kiket/testing.h>

#include <QGuiApplication>
#include <QTest>
#include <QThread>

using namespace kiket;

class TestClientGui : public QObject
{
    Q_OBJECT

private slots:
    void refusesOnGuiThread()
    {
        testing::FakePlatform platform;
        ClientOptions o;
        o.baseUrl = platform.baseUrl();
        const Client client(o);
        try {
            client.get(QStringLiteral("/api/v1/ext/rate_limit"));
            QFAIL("expected ApiError");
        } catch (const ApiError &e) {
            QCOMPARE(e.kind(), ApiError::Kind::Refused);
            QVERIFY(QString::fromStdString(e.what()).contains("GUI thread"));
        }
        QCOMPARE(platform.requests().size(), 0);

        int status = 0;
        QThread *worker = QThread::create(
            [&client, &status] { status = client.get(QStringLiteral("/x")).status; });
        worker->start();
        QVERIFY(worker->wait(10000));
        delete worker;
        QCOMPARE(status, 200);
    }
};

QTEST_MAIN(TestClientGui)
#include "tst_client_gui.moc"
