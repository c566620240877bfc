// Which event and version a delivery's path names: "/v/VERSION/webhooks/EVENT", or
// "/webhooks/EVENT" with the version in X-Kiket-Event-Version; anything else names none.
#include "listener/frontserver.h"

#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

class TestDeliveryRoute : public QObject
{
    Q_OBJECT

private slots:
    void pathsNameTheirEventAndVersion_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("event");
        QTest::addColumn<QString>("version");
        QTest::newRow("versioned") << QByteArray("/v/1/webhooks/issue.created") << "issue.created"
                                   << "1";
        QTest::newRow("query left out")
            << QByteArray("/v/2/webhooks/issue.updated?x=1") << "issue.updated"
            << "2";
        QTest::newRow("percent-encoded")
            << QByteArray("/v/1/webhooks/issue%2Ecreated") << "issue.created"
            << "1";
        QTest::newRow("plain") << QByteArray("/webhooks/issue.created") << "issue.created"
                               << "3";
        QTest::newRow("no event") << QByteArray("/v/1/webhooks/") << ""
                                  << "";
        QTest::newRow("no version") << QByteArray("/v//webhooks/a") << ""
                                    << "";
        QTest::newRow("one segment too many") << QByteArray("/v/1/webhooks/a/b") << ""
                                              << "";
        QTest::newRow("a slash once decoded") << QByteArray("/webhooks/a%2Fb") << ""
                                              << "";
        QTest::newRow("version with a slash") << QByteArray("/v/1%2F2/webhooks/a") << ""
                                              << "";
        QTest::newRow("prefixed") << QByteArray("/x/v/1/webhooks/a") << ""
                                  << "";
        QTest::newRow("not webhooks") << QByteArray("/v/1/hooks/a") << ""
                                      << "";
        QTest::newRow("trailing slash") << QByteArray("/webhooks/a/") << ""
                                        << "";
        QTest::newRow("root") << QByteArray("/") << ""
                              << "";
    }

    void pathsNameTheirEventAndVersion()
    {
        QFETCH(QByteArray, target);
        QFETCH(QString, event);
        QFETCH(QString, version);
        HttpRequest request;
        request.method = "POST";
        request.target = target;
        request.headers = { { "X-Kiket-Event-Version", "3" } };
        const auto [foundEvent, foundVersion] = deliveryRoute(request);
        QCOMPARE(foundEvent, event);
        QCOMPARE(foundVersion, version);
    }
};

QTEST_GUILESS_MAIN(TestDeliveryRoute)
#include "tst_deliveryroute.moc"
