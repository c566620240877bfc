// The listener: the example extension in-process behind the SDK server, every delivery captured
// with its verdict before it is answered.
#include <kiket/devkit/listener/listener.h>
#include <kiket/testing.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

namespace {

SdkOptions quietOptions(const QString &folder, const QString &baseUrl)
{
    SdkOptions o;
    o.webhookSecret = QStringLiteral("s");
    o.baseUrl = baseUrl;
    o.extensionId = QStringLiteral("com.example.marketing");
    o.manifestFolder = folder;
    o.environment = QProcessEnvironment();
    o.telemetryEnabled = false;
    return o;
}

// Puts a module in place the way a linker does: a new file renamed over the old one.
bool replaceModule(const QString &from, const QString &to)
{
    QFile::remove(to + ".new");
    return QFile::copy(from, to + ".new")
        && std::rename(qPrintable(to + ".new"), qPrintable(to)) == 0;
}

// Rewrites a module in place, as `cp` over it does.
bool overwriteModule(const QString &from, const QString &to)
{
    QFile in(from);
    QFile out(to);
    return in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && out.write(in.readAll()) > 0;
}

HttpResponse sendIssue(quint16 port, const char *event = "issue.created")
{
    const QJsonObject issue { { "issue",
        QJsonObject { { "title", "T" }, { "project_id", "p" } } } };
    return testing::send(
        port, testing::DeliveryBuilder(event, "1").payload(issue).secret("s").request());
}

} // namespace

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
        for (const auto stage : { StageTimes::Parse, StageTimes::Auth, StageTimes::Route,
                 StageTimes::Handler, StageTimes::Total })
            QVERIFY2(all[0].timings.has(stage), StageTimes::name(stage).data());
        QVERIFY(all[0].requestBody.contains("Captured"));
        QCOMPARE(all[0].responseBody, QByteArray(R"({"ok":true})"));
        QCOMPARE(all[1].authCause, QStringLiteral("header-missing"));
        QCOMPARE(all[2].authCause, QStringLiteral("stale"));
        QVERIFY(all[2].authDetail.contains("replayed verbatim"));
        QVERIFY(!all[1].timings.has(StageTimes::Handler));
        QVERIFY(!all[1].timings.has(StageTimes::Route)); // stopped at auth
        QVERIFY(all[1].timings.has(StageTimes::Auth));

        // The history is there when the folder is opened again.
        captures.reset();
        auto reopened = CaptureWriter::open(folder.path());
        QCOMPARE(reopened.value()->load().size(), 3);
    }

    void reloadsWhenTheModuleChanges()
    {
        QTemporaryDir folder;
        testing::FakePlatform platform;
        auto captures = std::move(CaptureWriter::open(folder.path())).value();
        const QString module = folder.filePath("extension.so");
        QVERIFY(QFile::copy(HELLO_PLUGIN, module));
        auto listener
            = std::move(Listener::start(quietOptions(folder.path(), platform.baseUrl()),
                            ExtensionPlugin::load(module).value(), *captures, "127.0.0.1", 0))
                  .value();
        const quint16 port = listener->port();
        QList<QString> reloads; // "" for a good reload, else the error
        listener->watchModule(
            [&reloads](const Result<bool> &r) { reloads << (r ? QString() : r.error().message); });
        QCOMPARE(sendIssue(port).body, QByteArray(R"({"ok":true})"));

        // A rebuild: the new handlers answer on the same port.
        QVERIFY(replaceModule(SECOND_PLUGIN, module));
        QTRY_COMPARE_WITH_TIMEOUT(reloads.size(), 1, 10000);
        QCOMPARE(reloads.last(), QString());
        QCOMPARE(listener->port(), port);
        QCOMPARE(sendIssue(port).body, QByteArray(R"({"reloaded":true})"));

        // A handler that throws: 500 with its message, captured, and the listener stays up.
        const HttpResponse thrown = sendIssue(port, "issue.updated");
        QCOMPARE(thrown.status, 500);
        QVERIFY2(thrown.body.contains("database unreachable"), thrown.body.constData());
        QCOMPARE(captures->load().last().status, 500);
        QCOMPARE(sendIssue(port).status, 200);

        // Modules that cannot be used leave the running one in place.
        QVERIFY(replaceModule(THROWING_PLUGIN, module));
        QTRY_COMPARE_WITH_TIMEOUT(reloads.size(), 2, 10000);
        QVERIFY2(reloads.last().contains("missing configuration file"), qPrintable(reloads.last()));
        QCOMPARE(sendIssue(port).body, QByteArray(R"({"reloaded":true})"));
        {
            QFile junk(module + ".junk");
            QVERIFY(junk.open(QIODevice::WriteOnly));
            junk.write("not a shared object");
        }
        QVERIFY(replaceModule(module + ".junk", module));
        QTRY_COMPARE_WITH_TIMEOUT(reloads.size(), 3, 10000);
        QVERIFY2(reloads.last().startsWith("Cannot load " + module), qPrintable(reloads.last()));
        QCOMPARE(sendIssue(port).body, QByteArray(R"({"reloaded":true})"));

        // Written in place over the file: the workbench runs a private copy, so nothing breaks.
        QVERIFY(overwriteModule(HELLO_PLUGIN, module));
        QTRY_COMPARE_WITH_TIMEOUT(reloads.size(), 4, 10000);
        QCOMPARE(reloads.last(), QString());
        QCOMPARE(sendIssue(port).body, QByteArray(R"({"ok":true})"));
        // The private copies are gone from the folder.
        QCOMPARE(QDir(folder.path()).entryList({ ".extension.so.*" }, QDir::Hidden | QDir::Files),
            QStringList());
    }
};

QTEST_GUILESS_MAIN(TestListener)
#include "tst_listener.moc"
