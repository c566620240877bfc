// Folder detection and .kiket/workbench.yaml on real files: what is recognised, what overrides it,
// and clear errors with line and column for everything wrong.
#include "aliasbomb.h"

#include <kiket/devkit/folder/folderconfig.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket::devkit;

namespace {

void write(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    QDir(dir.path()).mkpath(QFileInfo(dir.filePath(name)).path());
    QFile file(dir.filePath(name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

} // namespace

class TestFolderConfig : public QObject
{
    Q_OBJECT

private slots:
    void detection_data()
    {
        QTest::addColumn<QStringList>("files"); // name=content pairs
        QTest::addColumn<QString>("language");
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<QString>("handler");
        QTest::newRow("ruby main file")
            << QStringList { "Gemfile=gem 'kiket-sdk'", "helper.rb=puts 1",
                   "hooks.rb=require 'kiket_sdk'\n" }
            << "ruby" << QStringList { "bundle", "exec", "ruby", "hooks.rb" } << "forward";
        QTest::newRow("ruby rack") << QStringList { "Gemfile=", "config.ru=run App" } << "ruby"
                                   << QStringList { "bundle", "exec", "rackup", "config.ru",
                                          "--host", "127.0.0.1", "--port", "${PORT}" }
                                   << "forward";
        QTest::newRow("node start script")
            << QStringList { R"(package.json={"scripts":{"start":"node server.js"}})" } << "node"
            << QStringList { "npm", "start" } << "forward";
        QTest::newRow("node main") << QStringList { R"(package.json={"main":"ext.js"})" } << "node"
                                   << QStringList { "node", "ext.js" } << "forward";
        QTest::newRow("python import")
            << QStringList { "requirements.txt=kiket-sdk", "util.py=x = 1",
                   "hooks.py=from kiket_sdk import KiketSDK\n" }
            << "python" << QStringList { "python3", "hooks.py" } << "forward";
        QTest::newRow("python pyproject, main.py")
            << QStringList { "pyproject.toml=[project]", "main.py=print(1)" } << "python"
            << QStringList { "python3", "main.py" } << "forward";
        QTest::newRow("cpp") << QStringList { "CMakeLists.txt=find_package(KiketSdk)\n"
                                              "kiket_add_extension_plugin(my-ext REGISTER r "
                                              "SOURCES a.cpp)" }
                             << "cpp" << QStringList() << "in-process";
        QTest::newRow("plain cmake is not an extension")
            << QStringList { "CMakeLists.txt=project(x)" } << "" << QStringList() << "in-process";
        QTest::newRow("empty") << QStringList() << "" << QStringList() << "in-process";
    }

    void detection()
    {
        QFETCH(QStringList, files);
        QFETCH(QString, language);
        QFETCH(QStringList, command);
        QFETCH(QString, handler);
        QTemporaryDir dir;
        for (const QString &file : files)
            write(dir, file.section('=', 0, 0), file.section('=', 1).toUtf8());
        const FolderConfig c = detectFolder(dir.path());
        QCOMPARE(c.language, language);
        QCOMPARE(c.command, command);
        QCOMPARE(handlerKindName(c.handler), handler);
        QVERIFY(!c.detected.isEmpty());
        QCOMPARE(c.workingDir, QDir(dir.path()).absolutePath());
        if (language == QLatin1String("cpp")) {
            QCOMPARE(c.plugin, dir.filePath("build/my-ext.so"));
            QCOMPARE(c.build.size(), 2);
        }
    }

    void fileOverridesDetection()
    {
        QTemporaryDir dir;
        write(dir, "package.json", R"({"scripts":{"start":"node a.js"}})");
        write(dir, ".kiket/workbench.yaml", R"(# how the workbench runs this extension
command: node --inspect server.js "with space"
working_dir: src
port: 9300
env:
  LOG_LEVEL: debug
  RETRIES: 3
listener_port: 0
sandbox_port: 0
auth: hmac
health_path: /healthz
canned:
  - event: issue.created
    version: v1
    status: 202
    headers: {X-Trace: abc}
    body: {accepted: true}
    delay_ms: 50
  - event: issue.updated
    body: plain text
)");
        const auto loaded = loadFolderConfig(dir.path());
        QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().toString()));
        const FolderConfig &c = loaded.value();
        QVERIFY(c.fromFile);
        QCOMPARE(c.language, QStringLiteral("node")); // still detected
        QCOMPARE(c.handler, HandlerKind::Forward);
        QCOMPARE(c.command, QStringList({ "node", "--inspect", "server.js", "with space" }));
        QCOMPARE(c.workingDir, dir.filePath("src"));
        QCOMPARE(c.port, 9300);
        QCOMPARE(c.env.value("RETRIES"), QStringLiteral("3"));
        QCOMPARE(c.listenerPort, 0);
        QCOMPARE(c.auth, QStringLiteral("hmac"));
        QCOMPARE(c.healthPath, QStringLiteral("/healthz"));
        QCOMPARE(c.canned.size(), 2);
        const auto created = c.cannedFor("issue.created", "v1");
        QVERIFY(created);
        QCOMPARE(created->status, 202);
        QCOMPARE(created->body, QByteArray(R"({"accepted":true})"));
        QCOMPARE(kiket::headerValue(created->headers, "content-type"), "application/json");
        QCOMPARE(created->delayMs, 50);
        QVERIFY(!c.cannedFor("issue.created", "v2"));
        QCOMPARE(c.cannedFor("issue.updated", "v7")->body, QByteArray("plain text"));
        QVERIFY(!c.cannedFor("issue.deleted", "v1"));
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown key")
            << QByteArray("port: 1\ncomand: x\n") << 2 << 1 << "unknown setting 'comand'";
        QTest::newRow("bad handler") << QByteArray("handler: proxy\n") << 1 << 10
                                     << "handler must be in-process, forward or canned";
        QTest::newRow("port out of range") << QByteArray("port: 70000\n") << 1 << 7
                                           << "'port' must be a whole number from 0 to 65535";
        QTest::newRow("port not a number")
            << QByteArray("\nport: eighty\n") << 2 << 7 << "'port' must be a whole number";
        QTest::newRow("env a list")
            << QByteArray("env:\n  - A=1\n") << 2 << 3 << "'env' must be a mapping";
        QTest::newRow("canned without event") << QByteArray("canned:\n  - status: 200\n") << 2 << 5
                                              << "a canned answer needs an event";
        QTest::newRow("canned unknown key")
            << QByteArray("canned:\n  - event: a\n    stauts: 200\n") << 3 << 5
            << "unknown key 'stauts'";
        QTest::newRow("canned bad status")
            << QByteArray("canned:\n  - event: a\n    status: 42\n") << 3 << 13
            << "'status' must be a whole number from 100 to 599";
        QTest::newRow("syntax") << QByteArray("command: [python3\nport: 1\n") << 2 << 5 << "";
        QTest::newRow("not a mapping") << QByteArray("- a\n- b\n") << 1 << 1 << "must be a mapping";
        QTest::newRow("bad auth") << QByteArray("auth: maybe\n") << 1 << 7 << "auth must be one of";
        QTest::newRow("empty command") << QByteArray("command: []\n") << 1 << 10 << "is empty";
        QTest::newRow("a key twice")
            << QByteArray("canned:\n  - {event: a, status: 200, status: 201}\n") << 2 << 29
            << "'status' is given twice (first on line 2)";
        QTest::newRow("alias bomb in a canned body")
            << QByteArray("handler: canned\ncanned:\n  - event: a\n    body: *b8\n")
                   .prepend(aliasBomb("bodies"))
            << 2 << 34 << "expands to too many values";
    }

    void badFiles()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, says);
        QTemporaryDir dir;
        write(dir, ".kiket/workbench.yaml", yaml);
        const auto loaded = loadFolderConfig(dir.path());
        QVERIFY(!loaded.ok());
        const kiket::Error &e = loaded.error();
        QVERIFY2(e.message.startsWith(workbenchYamlPath(dir.path()) + ": "), qPrintable(e.message));
        QVERIFY2(e.message.contains(says), qPrintable(e.message));
        QCOMPARE(e.line, line);
        QCOMPARE(e.column, column);
    }

    void handlerNames()
    {
        for (const HandlerKind kind :
            { HandlerKind::InProcess, HandlerKind::Forward, HandlerKind::Canned })
            QCOMPARE(handlerKindFromName(handlerKindName(kind)), kind);
        QVERIFY(!handlerKindFromName("proxy"));
    }
};

QTEST_GUILESS_MAIN(TestFolderConfig)
#include "tst_folderconfig.moc"
