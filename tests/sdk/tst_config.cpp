// Manifest search, both forms, env references, KIKET_SECRET_* hydration, precedence, diagnostics.
#include <kiket/config.h>
#include <kiket/manifest.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;

namespace {

void write(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

QProcessEnvironment env(std::initializer_list<std::pair<const char *, const char *>> vars)
{
    QProcessEnvironment e;
    for (const auto &[k, v] : vars)
        e.insert(QString::fromLatin1(k), QString::fromLatin1(v));
    return e;
}

const QByteArray kFlat = R"(id: com.example.marketing
version: 1.0.0
delivery_secret: sh_production_secret
settings:
  - key: API_KEY
    secret: true
  - key: MAX_RETRIES
    default: 3
  - key: TIMEOUT_MS
    default: 5000
  - key: example.apiKey
    secret: true
    default: "fallback"
events: [issue.created]
scopes: [issues.read]
custom_data:
  permissions:
    - module: com.example.crm.contacts
      operations: [read, write]
)";

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private slots:
    void searchOrder()
    {
        QTemporaryDir dir;
        QCOMPARE(findManifest(dir.path()), QString());
        const QStringList order = manifestSearchOrder();
        QCOMPARE(order,
            QStringList({ "extension.yaml", "manifest.yaml", "extension.yml", "manifest.yml",
                ".kiket/manifest.yaml" }));
        // Create them last-first; each new one must win.
        for (qsizetype i = order.size() - 1; i >= 0; --i) {
            write(dir.filePath(order[i]), "id: x\n");
            QCOMPARE(findManifest(dir.path()), dir.filePath(order[i]));
        }
    }

    void flatForm()
    {
        auto m = parseManifest(kFlat, QProcessEnvironment());
        QVERIFY2(m.ok(), qPrintable(m.ok() ? QString() : m.error().toString()));
        QCOMPARE(m.value().id, QStringLiteral("com.example.marketing"));
        QCOMPARE(m.value().version, QStringLiteral("1.0.0"));
        QCOMPARE(m.value().deliverySecret, QStringLiteral("sh_production_secret"));
        QCOMPARE(m.value().settings.size(), 4);
        QVERIFY(m.value().settings[0].secret);
        QCOMPARE(m.value().settings[1].defaultValue, QJsonValue(3));
        QCOMPARE(m.value().settings[3].defaultValue, QJsonValue("fallback"));
        QCOMPARE(m.value().events, QStringList({ "issue.created" }));
        QCOMPARE(m.value().scopes, QStringList({ "issues.read" }));
        QCOMPARE(m.value().customDataPermissions.size(), 1);
        QCOMPARE(m.value().customDataPermissions[0].operations, QStringList({ "read", "write" }));
        QVERIFY(!m.value().nested);
    }

    void nestedForm()
    {
        const QByteArray yaml = R"(extension:
  id: com.example.nested
  version: 2.0.0
  callback:
    secret: cb_secret
  settings:
    - key: TOKEN
      secret: true
)";
        auto m = parseManifest(yaml, QProcessEnvironment());
        QVERIFY(m.ok());
        QVERIFY(m.value().nested);
        QCOMPARE(m.value().id, QStringLiteral("com.example.nested"));
        QCOMPARE(m.value().deliverySecret, QStringLiteral("cb_secret"));
        auto d = parseManifest("extension:\n  id: a\n  delivery:\n    secret: env:DELIVERY\n",
            env({ { "DELIVERY", "from-env" } }));
        QVERIFY(d.ok());
        QCOMPARE(d.value().deliverySecret, QStringLiteral("from-env"));
    }

    void envReferences()
    {
        auto m = parseManifest("id: env:EXT_ID\ndelivery_secret: env:KIKET_WEBHOOK_SECRET\n",
            env({ { "EXT_ID", "com.example.env" }, { "KIKET_WEBHOOK_SECRET", "s3cret" } }));
        QVERIFY(m.ok());
        QCOMPARE(m.value().id, QStringLiteral("com.example.env"));
        QCOMPARE(m.value().deliverySecret, QStringLiteral("s3cret"));
    }

    void diagnostics_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("message");
        QTest::newRow("broken yaml") << QByteArray("id: x\nsettings:\n  - key: [unclosed\n") << 4
                                     << 1 << "end of sequence flow";
        QTest::newRow("bad indentation")
            << QByteArray("id: x\n version: 1\n  bad: [\n") << 2 << 9 << "illegal map value";
        QTest::newRow("settings not a list")
            << QByteArray("id: x\nsettings: 3\n") << 2 << 11 << "'settings' must be a list";
        QTest::newRow("setting without key") << QByteArray("id: x\nsettings:\n  - default: 3\n")
                                             << 3 << 5 << "each setting needs a 'key'";
        QTest::newRow("secret not bool") << QByteArray("settings:\n  - key: A\n    secret: maybe\n")
                                         << 3 << 13 << "'secret' must be true or false";
        QTest::newRow("unknown operation") << QByteArray(
            "custom_data:\n  permissions:\n    - module: m\n      operations: [read, fly]\n")
                                           << 4 << 26 << "unknown operation 'fly'";
        QTest::newRow("id not text")
            << QByteArray("id: [1, 2]\n") << 1 << 5 << "'id' must be a text value";
        QTest::newRow("not a mapping")
            << QByteArray("- a\n- b\n") << 1 << 1 << "must be a YAML mapping";
        QTest::newRow("a key twice") << QByteArray("id: a\nversion: 1.0.0\nid: b\n") << 3 << 1
                                     << "'id' is given twice (first on line 1)";
        QTest::newRow("a key twice, nested")
            << QByteArray("extension:\n  id: a\n  callback: {url: x, url: y}\n") << 3 << 22
            << "'url' is given twice";
        QByteArray bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i <= 8; ++i)
            bomb += "b" + QByteArray::number(i) + ": &b" + QByteArray::number(i) + " ["
                + QByteArray("*").append(i == 1 ? "a" : "b" + QByteArray::number(i - 1)).repeated(1)
                + QByteArray(", *").append(i == 1 ? "a" : "b" + QByteArray::number(i - 1)).repeated(9)
                + "]\n";
        QTest::newRow("alias bomb") << bomb << 1 << 35 << "expands to too many values";
    }

    void diagnostics()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, message);
        auto m = parseManifest(yaml, QProcessEnvironment());
        QVERIFY(!m.ok());
        QVERIFY2(m.error().message.contains(message), qPrintable(m.error().message));
        QCOMPARE(m.error().line, line);
        QCOMPARE(m.error().column, column);
        QVERIFY(m.error().toString().contains(
            QStringLiteral("line %1, column %2").arg(line).arg(column)));
    }

    void unknownKeysWarn()
    {
        auto m = parseManifest("id: x\nflavour: vanilla\n", QProcessEnvironment());
        QVERIFY(m.ok());
        QCOMPARE(m.value().warnings.size(), 1);
        QCOMPARE(m.value().warnings[0].line, 2);
        QVERIFY(m.value().warnings[0].message.contains("flavour"));
    }

    void secretEnvNames()
    {
        QCOMPARE(secretEnvName("API_KEY"), QStringLiteral("KIKET_SECRET_API_KEY"));
        QCOMPARE(secretEnvName("example.apiKey"), QStringLiteral("KIKET_SECRET_EXAMPLE_APIKEY"));
        QCOMPARE(secretEnvName("slack--bot token"), QStringLiteral("KIKET_SECRET_SLACK_BOT_TOKEN"));
    }

    void precedence()
    {
        QTemporaryDir dir;
        write(dir.filePath("extension.yaml"), kFlat);
        SdkOptions o;
        o.manifestFolder = dir.path();
        o.environment = env(
            { { "KIKET_WEBHOOK_SECRET", "env-secret" }, { "KIKET_BASE_URL", "http://env.example/" },
                { "KIKET_WORKSPACE_TOKEN", "env-token" }, { "KIKET_SECRET_API_KEY", "env-api-key" },
                { "KIKET_SECRET_EXAMPLE_APIKEY", "env-example" },
                { "KIKET_SECRET_MAX_RETRIES", "99" } });
        auto c = resolveConfig(o);
        QVERIFY(c.ok());
        QCOMPARE(
            c.value().webhookSecret, QStringLiteral("sh_production_secret")); // manifest beats env
        QCOMPARE(c.value().webhookSecretSource, QStringLiteral("manifest"));
        QCOMPARE(c.value().baseUrl, QStringLiteral("http://env.example"));
        QCOMPARE(c.value().workspaceToken, QStringLiteral("env-token"));
        QCOMPARE(c.value().extensionId, QStringLiteral("com.example.marketing"));
        QCOMPARE(c.value().settings["API_KEY"].toString(), QStringLiteral("env-api-key"));
        QCOMPARE(c.value().settings["example.apiKey"].toString(), QStringLiteral("env-example"));
        QCOMPARE(c.value().settings["MAX_RETRIES"], QJsonValue(3)); // not secret: env ignored
        QCOMPARE(c.value().settings["TIMEOUT_MS"], QJsonValue(5000));
        QCOMPARE(c.value().authMode, AuthMode::Hmac);
        QCOMPARE(c.value().telemetryUrl, QStringLiteral("http://env.example/api/v1/ext/telemetry"));

        o.webhookSecret = QStringLiteral("option-secret");
        o.baseUrl = QStringLiteral("http://option.example");
        o.workspaceToken = QStringLiteral("option-token");
        o.extensionId = QStringLiteral("com.example.option");
        o.settings = { { "API_KEY", "option-key" } };
        c = resolveConfig(o);
        QCOMPARE(c.value().webhookSecret, QStringLiteral("option-secret"));
        QCOMPARE(c.value().webhookSecretSource, QStringLiteral("option"));
        QCOMPARE(c.value().baseUrl, QStringLiteral("http://option.example"));
        QCOMPARE(c.value().workspaceToken, QStringLiteral("option-token"));
        QCOMPARE(c.value().extensionId, QStringLiteral("com.example.option"));
        QCOMPARE(c.value().settings["API_KEY"].toString(), QStringLiteral("option-key"));

        o.autoEnvSecrets = false;
        o.settings = {};
        c = resolveConfig(o);
        QVERIFY2(!c.value().settings.contains("API_KEY"),
            QJsonDocument(c.value().settings).toJson().constData());
        QCOMPARE(c.value().settings["example.apiKey"].toString(), QStringLiteral("fallback"));
    }

    void environmentOnly()
    {
        QTemporaryDir dir;
        SdkOptions o;
        o.manifestFolder = dir.path();
        o.environment = env({ { "KIKET_WEBHOOK_SECRET", "env-secret" },
            { "KIKET_SDK_TELEMETRY_URL", "http://t.example/ingest/telemetry/" } });
        auto c = resolveConfig(o);
        QCOMPARE(c.value().webhookSecret, QStringLiteral("env-secret"));
        QCOMPARE(c.value().webhookSecretSource, QStringLiteral("environment"));
        QCOMPARE(c.value().baseUrl, QStringLiteral("https://kiket.dev"));
        QCOMPARE(c.value().telemetryUrl, QStringLiteral("http://t.example/ingest/telemetry"));
        o.environment = QProcessEnvironment();
        c = resolveConfig(o);
        QVERIFY(c.value().webhookSecret.isEmpty());
        QCOMPARE(c.value().authMode, AuthMode::RuntimeToken); // auto without a secret
        QCOMPARE(c.value().telemetryUrl, QStringLiteral("https://kiket.dev/api/v1/ext/telemetry"));
        o.telemetryUrl = QStringLiteral("http://opt.example/collect");
        QCOMPARE(resolveConfig(o).value().telemetryUrl,
            QStringLiteral("http://opt.example/collect/telemetry"));
    }

    void telemetryOptOut_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("enabled");
        for (const char *v : { "1", "true", "TRUE", "yes", "on", " On " })
            QTest::newRow(v) << QString::fromLatin1(v) << false;
        for (const char *v : { "0", "false", "no", "off", "", "2" })
            QTest::newRow(QByteArray("keep ") + v) << QString::fromLatin1(v) << true;
    }

    void telemetryOptOut()
    {
        QFETCH(QString, value);
        QFETCH(bool, enabled);
        QTemporaryDir dir;
        SdkOptions o;
        o.manifestFolder = dir.path();
        o.environment = QProcessEnvironment();
        o.environment.insert("KIKET_SDK_TELEMETRY_OPTOUT", value);
        QCOMPARE(resolveConfig(o).value().telemetryEnabled, enabled);
        o.telemetryEnabled = false;
        QCOMPARE(resolveConfig(o).value().telemetryEnabled, false);
    }

    void brokenManifestFileIsReported()
    {
        QTemporaryDir dir;
        write(dir.filePath("manifest.yml"), "id: x\nsettings:\n  - key: [\n");
        SdkOptions o;
        o.manifestFolder = dir.path();
        o.environment = QProcessEnvironment();
        auto c = resolveConfig(o);
        QVERIFY(!c.ok());
        QVERIFY(c.error().message.startsWith(dir.filePath("manifest.yml")));
        QVERIFY(c.error().line > 0);
        o.manifestPath = dir.filePath("does-not-exist.yaml");
        c = resolveConfig(o);
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, QStringLiteral("manifest.read"));
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
