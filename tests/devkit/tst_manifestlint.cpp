// The manifest lint: each rule failing at its line and column, and clean manifests passing.
#include <kiket/devkit/folder/manifestlint.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using kiket::devkit::LintFinding;
using kiket::devkit::lintManifest;

namespace {

// A manifest in the CLI's nested form that breaks no rule.
const QByteArray kClean = R"(model_version: "1.0"
extension:
  id: com.example.clean
  name: Clean
  version: 1.2.3
  sdk: python
  api_version: v1
  delivery: http
  callback:
    url: https://example.com/webhooks
    timeout: 5000
    secret: env:KIKET_WEBHOOK_SECRET
  events: [issue.created, external.webhook.github]
  scopes: [custom_data.read, issues.read]
  settings:
    - key: API_KEY
      secret: true
    - key: RETRIES
      default: 3
  output_fields:
    ticket_url: {label: Ticket, type: url, icon: link-45deg, help_url: https://example.com/help}
  configuration:
    project: {type: project}
  setup:
    - secrets:
        fields:
          - key: token
            obtain: {type: oauth2, authorization_url: https://a.example/auth, token_url: https://a.example/token}
    - configure:
        collect: [project]
    - test: {action: clean.testConnection}
    - info: {title: Done}
)";

QString findingsText(const QList<LintFinding> &findings)
{
    QStringList lines;
    for (const LintFinding &f : findings)
        lines << QStringLiteral("%1:%2 %3 %4 %5").arg(f.line).arg(f.column)
                     .arg(f.isError() ? "error" : "warning", f.rule, f.message);
    return lines.join('\n');
}

} // namespace

class TestManifestLint : public QObject
{
    Q_OBJECT

private slots:
    void cleanManifestsPass()
    {
        QCOMPARE(findingsText(lintManifest(kClean)), QString());
        const QByteArray flat = "id: com.example.flat\nversion: 0.1.0\nname: Flat\n"
                                "delivery_secret: env:KIKET_WEBHOOK_SECRET\n"
                                "events: [issue.created]\nscopes: [events.write]\n";
        QCOMPARE(findingsText(lintManifest(flat)), QString());
    }

    // Each row: a manifest (nested unless it starts with "id:"), the one finding expected.
    void eachRule_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<bool>("error");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        const auto nested = [](const QByteArray &from, const QByteArray &to) {
            QByteArray yaml = kClean;
            if (!yaml.contains(from))
                qFatal("test row: '%s' is not in the clean manifest", from.constData());
            return yaml.replace(from, to);
        };
        QTest::newRow("syntax") << QByteArray("extension: [unclosed\n") << "yaml-syntax" << true << 2 << 1;
        QTest::newRow("not a map") << QByteArray("- a\n- b\n") << "manifest-shape" << true << 1 << 1;
        QTest::newRow("extension not a map") << QByteArray("extension: 3\n") << "extension-map" << true << 1 << 12;
        QTest::newRow("no model_version") << nested("model_version: \"1.0\"\n", "") << "model-version" << false << 1 << 1;
        QTest::newRow("no name") << nested("  name: Clean\n", "") << "required-key" << true << 3 << 3;
        QTest::newRow("no id") << nested("  id: com.example.clean\n", "") << "required-key" << true << 3 << 3;
        QTest::newRow("id format") << nested("com.example.clean", "Com_Example") << "id-format" << false << 3 << 7;
        QTest::newRow("version") << nested("1.2.3", "1.2") << "version-semver" << true << 5 << 12;
        QTest::newRow("no sdk") << nested("  sdk: python\n", "") << "sdk" << false << 3 << 3;
        QTest::newRow("unknown sdk") << nested("sdk: python", "sdk: cobol") << "sdk" << true << 6 << 8;
        QTest::newRow("cpp sdk") << nested("sdk: python", "sdk: cpp") << "sdk" << false << 6 << 8;
        QTest::newRow("api_version") << nested("api_version: v1", "api_version: 1") << "api-version" << true << 7 << 16;
        QTest::newRow("delivery map") << nested("delivery: http", "delivery: {secret: x}") << "delivery-type" << true << 8 << 13;
        QTest::newRow("delivery value") << nested("delivery: http", "delivery: grpc") << "delivery-type" << true << 8 << 13;
        QTest::newRow("no callback url") << nested("    url: https://example.com/webhooks\n", "") << "callback-url" << true << 10 << 5;
        QTest::newRow("timeout") << nested("timeout: 5000", "timeout: 99") << "callback-timeout" << true << 11 << 14;
        QTest::newRow("literal secret") << nested("env:KIKET_WEBHOOK_SECRET", "hunter2") << "literal-secret" << false << 12 << 13;
        QTest::newRow("unknown event") << nested("issue.created,", "issue.craeted,") << "unknown-event" << false << 13 << 12;
        QTest::newRow("unknown scope") << nested("custom_data.read,", "custom_data.reed,") << "unknown-scope" << false << 14 << 12;
        QTest::newRow("secret default") << nested("      secret: true\n", "      secret: true\n      default: abc\n") << "secret-default" << true << 18 << 16;
        QTest::newRow("secret not bool") << nested("secret: true", "secret: yes") << "value-type" << true << 17 << 15;
        QTest::newRow("setting without key") << nested("    - key: RETRIES\n", "    - name: RETRIES\n") << "setting-key" << true << 18 << 7;
        QTest::newRow("duplicate setting") << nested("key: RETRIES", "key: API_KEY") << "setting-duplicate" << true << 18 << 12;
        QTest::newRow("output field key") << nested("ticket_url:", "TicketUrl:") << "output-field" << true << 21 << 5;
        QTest::newRow("output field type") << nested("type: url", "type: link") << "output-field" << true << 21 << 39;
        QTest::newRow("output field icon") << nested("icon: link-45deg", "icon: Link!") << "output-field" << true << 21 << 50;
        QTest::newRow("output field help") << nested("help_url: https://example.com/help", "help_url: ftp://x") << "output-field" << true << 21 << 72;
        QTest::newRow("output field label") << nested("label: Ticket, ", "") << "output-field" << false << 21 << 17;
        QTest::newRow("setup step kind") << nested("    - info: {title: Done}", "    - wizard: {title: Done}") << "setup-step" << true << 32 << 7;
        QTest::newRow("setup oauth") << nested(", token_url: https://a.example/token", "") << "setup-obtain" << true << 28 << 21;
        QTest::newRow("setup obtain type") << nested("type: oauth2,", "type: magic,") << "setup-obtain" << true << 28 << 28;
        QTest::newRow("setup collect") << nested("collect: [project]", "collect: [board]") << "setup-collect" << true << 30 << 19;
        QTest::newRow("setup select") << nested("        collect: [project]", "        fields: [{key: p, type: select}]") << "setup-field" << true << 30 << 18;
        QTest::newRow("setup test") << nested("clean.testConnection", "clean.check") << "setup-test" << true << 31 << 13;
        QTest::newRow("duplicate key") << nested("  name: Clean\n", "  name: Clean\n  name: Other\n") << "duplicate-key" << true << 5 << 3;
        QTest::newRow("flat: no version") << QByteArray("id: com.example.flat\n") << "required-key" << true << 1 << 1;
        QTest::newRow("flat: permission op") << QByteArray("id: a.b\nversion: 1.0.0\ncustom_data:\n  permissions:\n"
                                                           "    - {module: m, operations: [read, erase]}\n")
                                             << "permission-operation" << true << 5 << 38;
    }

    void eachRule()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, rule);
        QFETCH(bool, error);
        QFETCH(int, line);
        QFETCH(int, column);
        const QList<LintFinding> findings = lintManifest(yaml);
        const QString all = findingsText(findings);
        QList<LintFinding> mine;
        for (const LintFinding &f : findings) {
            if (f.rule == rule)
                mine << f;
        }
        QVERIFY2(mine.size() == 1, qPrintable(all));
        QCOMPARE(mine[0].isError(), error);
        QCOMPARE(mine[0].line, line);
        QCOMPARE(mine[0].column, column);
        QVERIFY2(!mine[0].message.isEmpty(), qPrintable(all));
    }

    void hintsSuggestTheNearestName()
    {
        const auto findings = lintManifest("id: a.b\nversion: 1.0.0\nevents: [issue.craeted]\n"
                                           "scopes: [custom_data.reed]\n");
        QCOMPARE(findings.size(), 2);
        QCOMPARE(findings[0].hint, QStringLiteral("did you mean 'issue.created'?"));
        QCOMPARE(findings[1].hint, QStringLiteral("did you mean 'custom_data.read'?"));
        QVERIFY(lintManifest("id: a.b\nversion: 1.0.0\nsettings: [{key: db.password, secret: true, default: x}]\n")
                    .value(0).hint.contains("KIKET_SECRET_DB_PASSWORD"));
    }

    void folderFilesAndModuleSchemas()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray yaml = "id: a.b\nversion: 1.0.0\ncustom_data:\n  permissions:\n"
                                "    - {module: crm.contacts, operations: [read]}\n"
                                "    - {module: crm.deals, operations: [read]}\n";
        QString all = findingsText(lintManifest(yaml, dir.path()));
        QVERIFY2(all.contains("0:0 warning readme"), qPrintable(all));
        QVERIFY2(all.contains("0:0 warning tests"), qPrintable(all));
        QVERIFY2(all.contains("5:16 warning undeclared-module"), qPrintable(all));
        QVERIFY2(all.contains("6:16 warning undeclared-module"), qPrintable(all));

        const auto write = [&dir](const QString &name, const QByteArray &text) {
            QVERIFY(QDir(dir.path()).mkpath(QFileInfo(name).path()));
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write("README.md", "# a.b\n");
        write("tests/.keep", "");
        write(".kiket/modules/contacts/schema.yaml", "module: crm.contacts\ntables: {contacts: {}}\n");
        write(".kiket/modules/deals/schema.yml", "module: crm.deals\ntables: []\n");
        const QList<LintFinding> findings = lintManifest(yaml, dir.path());
        all = findingsText(findings);
        QCOMPARE(findings.size(), 1);
        QCOMPARE(findings[0].file, QStringLiteral(".kiket/modules/deals/schema.yml"));
        QCOMPARE(findings[0].rule, QStringLiteral("module-schema"));
        QCOMPARE(findings[0].line, 2);
        QCOMPARE(findings[0].column, 9);
    }

    void findingsAsJson()
    {
        const auto findings = lintManifest("id: A\nversion: x\n");
        QCOMPARE(findings.size(), 2);
        const QJsonObject o = findings[1].toJson();
        QCOMPARE(o["severity"].toString(), QStringLiteral("error"));
        QCOMPARE(o["rule"].toString(), QStringLiteral("version-semver"));
        QCOMPARE(o["line"].toInt(), 2);
        QCOMPARE(o["column"].toInt(), 10);
        QVERIFY(!o["hint"].toString().isEmpty());
        QVERIFY(!o.contains("file"));
        QCOMPARE(kiket::devkit::lintSummary(findings), QStringLiteral("1 error, 1 warning"));
    }
};

QTEST_GUILESS_MAIN(TestManifestLint)
#include "tst_manifestlint.moc"
