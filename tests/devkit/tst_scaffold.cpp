// New extension folders: every language's files, a manifest that lints clean and that the SDK
// reads, a workbench configuration, a starter suite; wrong options write nothing. The C++ and
// Python templates are run for real by tests/install/templates.sh.
#include <kiket/devkit/folder/folderconfig.h>
#include <kiket/devkit/folder/manifestlint.h>
#include <kiket/devkit/folder/scaffold.h>
#include <kiket/devkit/suite/suite.h>
#include <kiket/manifest.h>

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

namespace {

QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestScaffold : public QObject
{
    Q_OBJECT

private slots:
    void everyLanguage_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("handlerFile");
        QTest::addColumn<QString>("handlerText"); // %1: the event
        QTest::addColumn<HandlerKind>("handler");
        QTest::newRow("cpp") << "cpp"
                             << QStringList { "CMakeLists.txt", "handlers.cpp", "main.cpp" }
                             << "handlers.cpp" << "sdk.webhook(\"%1\", \"v1\")"
                             << HandlerKind::InProcess;
        QTest::newRow("python") << "python" << QStringList { "extension.py", "requirements.txt" }
                                << "extension.py" << "(\"%1\", \"v1\"): " << HandlerKind::Forward;
        QTest::newRow("node") << "node" << QStringList { "package.json", ".npmrc", "index.js" }
                              << "index.js" << "sdk.webhook('%1', 'v1')" << HandlerKind::Forward;
        QTest::newRow("ruby") << "ruby" << QStringList { "Gemfile", "main.rb" } << "main.rb"
                              << "sdk.register('%1', version: 'v1')" << HandlerKind::Forward;
    }

    void everyLanguage()
    {
        QFETCH(QString, language);
        QFETCH(QStringList, files);
        QFETCH(QString, handlerFile);
        QFETCH(QString, handlerText);
        QFETCH(HandlerKind, handler);
        QTemporaryDir parent;
        const QString folder = parent.filePath("Crm Sync_2");
        const QStringList events { "issue.created", "workflow.sla_status", "issue.created" };
        const auto written = createExtension({ folder, language, {}, {}, events });
        QVERIFY2(written, written ? "" : qPrintable(written.error().toString()));
        for (const QString &file : files + QStringList { "extension.yaml", "README.md",
                 ".gitignore", ".github/workflows/kiket.yml", ".kiket/workbench.yaml" }) {
            QVERIFY2(written.value().contains(file), qPrintable(file));
            QVERIFY2(QFileInfo(QDir(folder).filePath(file)).size() > 0, qPrintable(file));
        }
        static const QRegularExpression placeholder(QStringLiteral("\\{\\{[a-z_]+\\}\\}"));
        for (const QString &file : written.value()) // only GitHub's ${{ … }} stay
            QVERIFY2(!readText(QDir(folder).filePath(file)).contains(placeholder), qPrintable(file));

        // The manifest: no lint errors (C++ gets the CLI's one warning about its sdk), read by
        // the SDK with the events.
        const QString yaml = readText(QDir(folder).filePath("extension.yaml"));
        for (const LintFinding &f : lintManifest(yaml.toUtf8(), folder))
            QVERIFY2(!f.isError() && (language == "cpp" && f.rule == "sdk"),
                qPrintable(f.rule + ": " + f.message));
        const auto manifest = parseManifest(yaml.toUtf8());
        QVERIFY2(manifest, manifest ? "" : qPrintable(manifest.error().toString()));
        QCOMPARE(manifest.value().id, QStringLiteral("com.example.crm-sync-2"));
        QCOMPARE(manifest.value().name, QStringLiteral("Crm sync 2"));
        QCOMPARE(manifest.value().events, (QStringList { "issue.created", "workflow.sla_status" }));

        // A handler per event; the workbench knows how to run it, with canned answers meanwhile.
        const QString code = readText(QDir(folder).filePath(handlerFile));
        for (const QString &event : QStringList { "issue.created", "workflow.sla_status" })
            QCOMPARE(code.count(handlerText.arg(event)), 1);
        const auto config = loadFolderConfig(folder);
        QVERIFY2(config, config ? "" : qPrintable(config.error().toString()));
        QCOMPARE(config.value().handler, handler);
        if (handler == HandlerKind::Forward) {
            QCOMPARE(config.value().canned.size(), 2);
            QVERIFY(config.value().cannedFor("workflow.sla_status", "v1"));
        }

        // The starter suite: a case per event and a refused signature.
        const auto suites = loadSuites(folder);
        QVERIFY2(suites, suites ? "" : qPrintable(suites.error().toString()));
        QCOMPARE(suites.value().size(), 1);
        QCOMPARE(suites.value()[0].name, QStringLiteral("starter"));
        QCOMPARE(suites.value()[0].cases.size(), 3);
        QVERIFY(readText(QDir(folder).filePath(".github/workflows/kiket.yml"))
                    .contains("kiket-workbench test . --junit"));
        QVERIFY(readText(QDir(folder).filePath(".gitignore")).contains(".kiket/workbench/"));
    }

    void nodeAndRubyNameTheirSdk()
    {
        QTemporaryDir parent;
        QVERIFY(createExtension({ parent.filePath("n"), "node", "com.acme.n", "N", {} }));
        const QJsonObject package
            = QJsonDocument::fromJson(readText(parent.filePath("n/package.json")).toUtf8()).object();
        QCOMPARE(package["name"].toString(), QStringLiteral("n"));
        QVERIFY(package["dependencies"].toObject().contains("@kiket-dev/sdk"));
        QCOMPARE(package["scripts"].toObject()["start"].toString(), QStringLiteral("node index.js"));
        QVERIFY(readText(parent.filePath("n/index.js")).contains("process.env.PORT"));
        QVERIFY(readText(parent.filePath("n/.npmrc")).contains("@kiket-dev:registry="));
        QVERIFY(createExtension({ parent.filePath("r"), "ruby", {}, {}, {} }));
        QVERIFY(readText(parent.filePath("r/Gemfile")).contains("gem \"kiket-sdk\""));
        const QString main = readText(parent.filePath("r/main.rb"));
        QVERIFY(main.contains("require 'kiket_sdk'"));
        QVERIFY(main.contains("ENV.fetch('PORT'"));
        QVERIFY(main.contains("sdk.register('issue.created'")); // the default event
    }

    void wrongOptionsWriteNothing_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QStringList>("events");
        QTest::addColumn<QString>("message");
        QTest::newRow("language") << "cobol" << "" << QStringList() << "unknown language 'cobol'";
        QTest::newRow("id") << "python" << "Com.Example" << QStringList() << "does not match";
        QTest::newRow("event") << "python" << "" << QStringList { "issue.craeted" }
                               << "did you mean 'issue.created'?";
    }

    void wrongOptionsWriteNothing()
    {
        QFETCH(QString, language);
        QFETCH(QString, id);
        QFETCH(QStringList, events);
        QFETCH(QString, message);
        QTemporaryDir parent;
        const auto written = createExtension({ parent.filePath("x"), language, id, {}, events });
        QVERIFY(!written);
        QVERIFY2(written.error().message.contains(message), qPrintable(written.error().message));
        QVERIFY(!QFileInfo::exists(parent.filePath("x")));
    }

    void aFolderWithFilesIsLeftAlone()
    {
        QTemporaryDir parent;
        QFile keep(parent.filePath("keep.txt"));
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("mine");
        keep.close();
        const auto written = createExtension({ parent.path(), "python", {}, {}, {} });
        QVERIFY(!written);
        QVERIFY(written.error().message.contains("is not empty"));
        QCOMPARE(QDir(parent.path()).entryList(QDir::Files | QDir::Hidden), QStringList { "keep.txt" });
        QVERIFY(createExtension({ parent.filePath("empty"), "python", {}, {}, { "external.webhook.push" } }));
    }
};

QTEST_GUILESS_MAIN(TestScaffold)
#include "tst_scaffold.moc"
