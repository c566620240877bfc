// The listener: the example extension in-process behind the SDK server, every delivery captured
// with its verdict before it is answered.
#include <kiket/devkit/listener.h>
#include <kiket/testing.h>

#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

class TestListener : public QObject
{
    Q_OBJECT

private slots:
    void capturesEveryDeliveryBeforeAnswering()
    {
        QTemporaryDir folder;
        testing::FakePlatform platform;
        auto opened = CaptureWriter::open(folder.path());
        QVERIFY(opened.ok());
        std::unique_ptr<CaptureWriter> captures = std::move(opened).value();
        auto plugin = ExtensionPlugin::load(QStringLiteral(HELLO_PLUGIN));
        QVERIFY(plugin.ok());
        SdkOptions o;
        o.webhookSecret = QStringLiteral("s");
        o.baseUrl = platform.baseUrl();
        o.extensionId = QStringLiteral("com.example.marketing");
        o.manifestFolder = folder.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        {
            auto listener = Listener::start(o, plugin.value(), *captures, "127.0.0.1", 0);
            QVERIFY2(
                listener.ok(), qPrintable(listener.ok() ? QString() : listener.error().message));
            const quint16 port = listener.value()->port();
            const QJsonObject issue { { "issue",
                QJsonObject { { "title", "Captured" }, { "project_id", "p" } } } };

            QCOMPARE(testing::send(port,
                         testing::DeliveryBuilder("issue.created", "1")
                             .payload(issue)
                             .secret("s")
                             .request())
                         .status,
                200);
            // Already on disk when the answer arrived: no waiting here.
            QCOMPARE(captures->load().size(), 1);
            QCOMPARE(testing::send(port,
                         testing::DeliveryBuilder("issue.created", "1").payload(issue).request())
                         .status,
                401);
            QCOMPARE(testing::send(port,
                         testing::DeliveryBuilder("issue.created", "1")
                             .payload(issue)
                             .secret("s")
                             .timestamp(1000)
                             .request())
                         .status,
                401);
        }
        const QList<Exchange> all = captures->load();
        QCOMPARE(all.size(), 3);
        QCOMPARE(all[0].status, 200);
        QCOMPARE(all[0].authCause, QStringLiteral("ok"));
        QCOMPARE(all[0].event, QStringLiteral("issue.created"));
        QCOMPARE(all[0].version, QStringLiteral("v1"));
        QCOMPARE(all[0].handlerKind, QStringLiteral("in-process"));
        QVERIFY(all[0].timings.contains("handler"));
        QVERIFY(all[0].requestBody.contains("Captured"));
        QCOMPARE(all[0].responseBody, QByteArray(R"({"ok":true})"));
        QCOMPARE(all[1].authCause, QStringLiteral("header-missing"));
        QCOMPARE(all[2].authCause, QStringLiteral("stale"));
        QVERIFY(all[2].authDetail.contains("replayed verbatim"));
        QVERIFY(!all[1].timings.contains("handler"));

        // The history is there when the folder is opened again.
        captures.reset();
        auto reopened = CaptureWriter::open(folder.path());
        QCOMPARE(reopened.value()->load().size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestListener)
#include "tst_listener.moc"
