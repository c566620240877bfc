// The example extension loaded as a workbench plugin, and plugins that cannot be used.
#include <kiket/devkit/listener/extensionplugin.h>
#include <kiket/sdk.h>
#include <kiket/testing.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

class TestPlugin : public QObject
{
    Q_OBJECT

private slots:
    void exampleRunsInProcess()
    {
        auto plugin = ExtensionPlugin::load(QStringLiteral(HELLO_PLUGIN));
        QVERIFY2(plugin.ok(), qPrintable(plugin.ok() ? QString() : plugin.error().message));
        testing::FakePlatform platform;
        QTemporaryDir dir;
        SdkOptions o;
        o.webhookSecret = QStringLiteral("s");
        o.baseUrl = platform.baseUrl();
        o.extensionId = QStringLiteral("com.example.marketing");
        o.manifestFolder = dir.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        Sdk sdk(o);
        QVERIFY(plugin.value().registerInto(sdk).ok());
        QVERIFY(sdk.registeredEvents().contains("workflow.sla_status"));
        const HttpResponse r = sdk.dispatch(
            testing::DeliveryBuilder("issue.created", "v2")
                .payload({ { "issue", QJsonObject { { "title", "From the plugin" } } } })
                .secret("s")
                .request());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray(R"({"ok":true,"version":"v2"})"));
        QCOMPARE(platform.requests("/api/v1/extensions/com.example.marketing/events").size(), 1);
    }

    void unusablePlugins()
    {
        auto missing = ExtensionPlugin::load(QStringLiteral("/nonexistent/plugin.so"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, QStringLiteral("plugin.missing"));

        QTemporaryDir dir;
        QFile junk(dir.filePath("junk.so"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not an ELF file");
        junk.close();
        auto notLoadable = ExtensionPlugin::load(junk.fileName());
        QVERIFY(!notLoadable.ok());
        QCOMPARE(notLoadable.error().code, QStringLiteral("plugin.load"));

        auto notAPlugin
            = ExtensionPlugin::load(QStringLiteral(NOT_A_PLUGIN)); // loads, but has no entry point
        QVERIFY(!notAPlugin.ok());
        QCOMPARE(notAPlugin.error().code, QStringLiteral("plugin.entry"));
        QVERIFY(notAPlugin.error().message.contains("kiket_add_extension_plugin"));

        auto throwing = ExtensionPlugin::load(QStringLiteral(THROWING_PLUGIN));
        QVERIFY(throwing.ok());
        QTemporaryDir folder;
        SdkOptions o;
        o.manifestFolder = folder.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        Sdk sdk(o);
        const auto registered = throwing.value().registerInto(sdk);
        QVERIFY(!registered.ok());
        QVERIFY(registered.error().message.contains("missing configuration file"));
    }
};

QTEST_GUILESS_MAIN(TestPlugin)
#include "tst_plugin.moc"
