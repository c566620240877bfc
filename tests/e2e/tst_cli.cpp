// The kiket-workbench command line as a user runs it: output, exit codes, one-line errors.
#include <kiket/devkit/capture/capturestore.h>
#include <kiket/jwt.h>
#include <kiket/sdk.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "cliprocess.h"

namespace {

const QByteArray kBody = R"({"test":"data"})";
const QString kSignature
    = QStringLiteral("6899cb9baf5ff4b18f42b6541d13335825cb43ddd9d24afd3e43df43da4a9dc6");

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void verify()
    {
        const QStringList base { "verify", "--timestamp", "1234567890", "--signature", kSignature };
        Run r = runWorkbench(
            base + QStringList { "--secret", "test-secret", "--now", "1234567900", "-" }, kBody);
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("ok: "));

        r = runWorkbench(
            base + QStringList { "--secret", "test-secret", "--now", "1234568302", "-" }, kBody);
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.startsWith("stale: The timestamp is 412 s old"));

        r = runWorkbench(
            base + QStringList { "--secret", "other", "--now", "1234567890", "-" }, kBody);
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.startsWith("mismatch: "));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KIKET_WEBHOOK_SECRET", "test-secret");
        QTemporaryDir dir;
        QFile body(dir.filePath("body.json"));
        QVERIFY(body.open(QIODevice::WriteOnly));
        body.write(kBody);
        body.close();
        r = runWorkbench(base + QStringList { "--now", "1234567890", body.fileName() }, {}, env);
        QCOMPARE(r.code, 0);
    }

    void usageErrorsAreOneLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("unknown command") << QStringList { "frobnicate" };
        QTest::newRow("verify without secret")
            << QStringList { "verify", "--timestamp", "1", "--signature", "x" };
        QTest::newRow("unknown option") << QStringList { "verify", "--bogus" };
        QTest::newRow("token without action") << QStringList { "token" };
        QTest::newRow("serve with an unknown handler")
            << QStringList { "serve", "--handler", "proxy" };
        QTest::newRow("serve with a bad rate limit")
            << QStringList { "serve", "--plugin", HELLO_PLUGIN, "--rate-limit", "none" };
        QTest::newRow("replay without id") << QStringList { "replay" };
        QTest::newRow("export without format") << QStringList { "export", "-" };
        QTest::newRow("diff with one id") << QStringList { "diff", "1" };
        QTest::newRow("send with a bad timeout")
            << QStringList { "send", "issue.created", "--timeout", "99999" };
        QTest::newRow("missing file") << QStringList { "verify", "--secret", "s", "--timestamp",
            "1", "--signature", "x", "/nonexistent/body.json" };
    }

    void usageErrorsAreOneLine()
    {
        QFETCH(QStringList, arguments);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("KIKET_WEBHOOK_SECRET");
        const Run r = runWorkbench(arguments, {}, env);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(
            r.err.startsWith("kiket-workbench: ") && r.err.count('\n') == 1, r.err.constData());
    }

    void serveSaysWhatIsMissing()
    {
        QTemporaryDir empty;
        Run r = runWorkbench({ "serve", empty.path() });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("kiket-workbench: No plugin to load")
                && r.err.contains("nothing recognised"),
            r.err.constData());
        QVERIFY(!QFileInfo::exists(empty.filePath(".kiket"))); // nothing created
        QFile yaml(empty.filePath(".kiket/workbench.yaml"));
        QDir(empty.path()).mkpath(".kiket");
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write("handler: forward\nport: nope\n");
        yaml.close();
        r = runWorkbench({ "serve", empty.path() });
        QCOMPARE(r.code, 1);
        QVERIFY2(
            r.err.contains("'port' must be a whole number") && r.err.contains("(line 2, column 7)"),
            r.err.constData());
    }

    void help()
    {
        Run r = runWorkbench({ "--help" });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("verify") && r.out.contains("token"));
        r = runWorkbench({ "verify", "--help" });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--signature"));
    }

    void sendDeliversLikeThePlatform()
    {
        QTemporaryDir folder;
        kiket::SdkOptions o;
        o.webhookSecret = QStringLiteral("cli-secret");
        o.manifestFolder = folder.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        kiket::Sdk sdk(o);
        QJsonObject seen;
        sdk.webhook("issue.created", "v1")
            = [&seen](const QJsonObject &payload, kiket::Context &ctx) -> QJsonValue {
            seen = payload;
            return QJsonObject { { "scopes", QJsonArray::fromStringList(ctx.auth.scopes) } };
        };
        const QString to
            = QStringLiteral("http://127.0.0.1:%1").arg(sdk.start("127.0.0.1", 0).value());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KIKET_WEBHOOK_SECRET", "cli-secret");

        Run r = runWorkbench({ "send", "issue.created", "--to", to, "--folder", folder.path(),
                                 "--scopes", "issues.read" },
            {}, env);
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("HTTP 200 OK  dlv_"));
        QVERIFY(r.out.contains(R"({"scopes":["issues.read"]})"));
        QCOMPARE(seen["issue"].toObject()["key"].toString(),
            QStringLiteral("MKT-42")); // the catalogue's sample
        QVERIFY(!seen["authentication"].toObject()["runtime_token"].toString().isEmpty());
        QCOMPARE(
            seen["api"].toObject()["base_url"].toString(), QStringLiteral("http://127.0.0.1:8090"));

        r = runWorkbench(
            { "send", "issue.created", "--to", to, "--folder", folder.path(), "--mode", "stale" },
            {}, env);
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.startsWith("HTTP 401"));
        QVERIFY(r.out.contains("too old"));

        r = runWorkbench(
            { "send", "issue.created", "--to", to, "--folder", folder.path(), "--payload", "-" },
            R"({"issue":{"id":"from-stdin"}})", env);
        QCOMPARE(r.code, 0);
        QCOMPARE(seen["issue"].toObject()["id"].toString(), QStringLiteral("from-stdin"));

        // Payload secrets, given inline or taken from KIKET_SECRET_<KEY>.
        QProcessEnvironment withSecret = env;
        withSecret.insert("KIKET_SECRET_SLACK_TOKEN", "xoxb-env");
        r = runWorkbench({ "send", "issue.created", "--to", to, "--folder", folder.path(),
                             "--payload-secret", "API_KEY=k=1", "--payload-secret", "SLACK_TOKEN" },
            {}, withSecret);
        QCOMPARE(r.code, 0);
        QCOMPARE(seen["secrets"].toObject(),
            QJsonObject({ { "API_KEY", "k=1" }, { "SLACK_TOKEN", "xoxb-env" } }));
        r = runWorkbench({ "send", "issue.created", "--to", to, "--folder", folder.path(),
                             "--payload-secret", "MISSING" },
            {}, env);
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("KIKET_SECRET_MISSING"));

        // A payload that is not JSON: a clear error and nothing sent.
        seen = {};
        r = runWorkbench(
            { "send", "issue.created", "--to", to, "--folder", folder.path(), "--payload", "-" },
            "{\"issue\": oops", env);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.startsWith("kiket-workbench: the payload is not a JSON object:")
                && r.err.count('\n') == 1,
            r.err.constData());
        QVERIFY(seen.isEmpty());

        r = runWorkbench(
            { "send", "no.such.event", "--to", to, "--folder", folder.path() }, {}, env);
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.startsWith("kiket-workbench: no sample payload") && r.err.count('\n') == 1);
        r = runWorkbench(
            { "send", "issue.created", "--to", "http://127.0.0.1:9", "--folder", folder.path() },
            {}, env);
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("did not answer"));
    }

    void serveRunsSandboxAndListener()
    {
        QTemporaryDir folder;
        QFile::copy(QStringLiteral(EXAMPLE_MANIFEST), folder.filePath("extension.yaml"));
        auto freePort = [] {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            return QString::number(probe.serverPort());
        };
        const QString port = freePort();
        const QString sandboxPort = freePort();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KIKET_WEBHOOK_SECRET", "serve-secret");
        QProcess serve;
        serve.setProcessEnvironment(env);
        serve.start(QStringLiteral(KIKET_WORKBENCH_BINARY),
            { "serve", folder.path(), "--plugin", HELLO_PLUGIN, "--port", port, "--sandbox-port",
                sandboxPort });
        QVERIFY(serve.waitForStarted());
        QByteArray log;
        QTRY_VERIFY_WITH_TIMEOUT(
            (log += serve.readAllStandardError()).contains("listening on"), 10000);

        const Run sent = runWorkbench(
            { "send", "issue.created", "--to", "http://127.0.0.1:" + port, "--folder",
                folder.path(), "--api-base", "http://127.0.0.1:" + sandboxPort },
            {}, env);
        QCOMPARE(sent.code, 0);
        const Run refused = runWorkbench({ "send", "issue.created", "--to",
            "http://127.0.0.1:" + port, "--folder", folder.path(), "--secret", "wrong" });
        QCOMPARE(refused.code, 1);

        serve.terminate();
        QVERIFY(serve.waitForFinished(10000));
        if (serve.exitCode() != 0) // e.g. a sanitizer's report
            qWarning("%s", (log + serve.readAllStandardError()).constData());
        QCOMPARE(serve.exitCode(), 0);
        const QList<QByteArray> lines = serve.readAllStandardOutput().trimmed().split('\n');
        QStringList kinds;
        QStringList auth;
        for (const QByteArray &line : lines) {
            const QJsonDocument doc = QJsonDocument::fromJson(line);
            QVERIFY2(doc.isObject(), line.constData()); // nothing but NDJSON on stdout
            kinds << doc.object()["kind"].toString();
            if (doc.object()["kind"].toString() == QLatin1String("delivery"))
                auth << doc.object()["auth"].toString();
            if (doc.object()["event"].toString() == QLatin1String("secrets.set"))
                QVERIFY(line.contains("[redacted]") && !line.contains("abc123"));
        }
        QVERIFY(kinds.contains("api-call"));
        QCOMPARE(auth, QStringList({ "ok", "mismatch" }));
    }

    void serveQuietCapturesWithoutPrinting()
    {
        QTemporaryDir folder;
        QFile::copy(QStringLiteral(EXAMPLE_MANIFEST), folder.filePath("extension.yaml"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KIKET_WEBHOOK_SECRET", "serve-secret");
        const QString output = folder.filePath("quiet.ndjson");
        ServeProcess serve;
        QVERIFY2(serve.start(folder.path(), HELLO_PLUGIN, env, output, { "--quiet" }),
            serve.log.constData());
        const Run sent
            = runWorkbench({ "send", "issue.created", "--to", serve.listenerUrl, "--folder",
                               folder.path(), "--api-base", serve.sandboxUrl },
                {}, env);
        QCOMPARE(sent.code, 0);
        QCOMPARE(serve.stop(), 0);
        QFile printed(output);
        QVERIFY(printed.open(QIODevice::ReadOnly));
        QCOMPARE(printed.readAll(), QByteArray()); // nothing on stdout
        const Run exported = runWorkbench({ "export", "--ndjson", "-", "--folder", folder.path() });
        QCOMPARE(exported.code, 0);
        QVERIFY2(exported.out.contains("\"kind\":\"delivery\""), exported.out.constData());
        QVERIFY(exported.out.contains("\"kind\":\"api-call\""));
    }

    void tokenMintAndDecode()
    {
        QTemporaryDir folder;
        Run minted = runWorkbench({ "token", "mint", "--folder", folder.path(), "--scopes",
            "issues.read,issues.write", "--extension", "com.example.marketing", "--lifetime", "60",
            "--org", "org_9", "--project", "proj_9" });
        QCOMPARE(minted.code, 0);
        const QByteArray token = minted.out.trimmed();
        auto decoded = kiket::decodeJwt(token);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value().header["alg"].toString(), QStringLiteral("ES256"));
        QCOMPARE(
            decoded.value().claims["ext_id"].toString(), QStringLiteral("com.example.marketing"));
        QCOMPARE(decoded.value().claims["org_id"].toString(), QStringLiteral("org_9"));
        QCOMPARE(decoded.value().claims["proj_id"].toString(), QStringLiteral("proj_9"));
        const qint64 lifetime
            = decoded.value().claims["exp"].toInteger() - decoded.value().claims["iat"].toInteger();
        QCOMPARE(lifetime, 60);
        QVERIFY(QFile::exists(folder.filePath(".kiket/workbench/signing-key.pem")));

        const Run viaStdin = runWorkbench({ "token", "decode" }, token);
        QCOMPARE(viaStdin.code, 0);
        const QJsonObject shown = QJsonDocument::fromJson(viaStdin.out).object();
        QCOMPARE(shown["claims"].toObject()["scopes"].toArray().size(), 2);
        QCOMPARE(
            shown["header"].toObject()["kid"].toString(), decoded.value().header["kid"].toString());

        const Run bad = runWorkbench({ "token", "decode", "not.a.jwt" });
        QCOMPARE(bad.code, 1);
        QVERIFY(bad.err.startsWith("kiket-workbench: not a JWT"));
    }

    void lint()
    {
        QTemporaryDir folder;
        const auto write = [&folder](const QByteArray &yaml) {
            QFile f(folder.filePath("extension.yaml"));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(yaml);
        };
        // No manifest: a usage error naming the files tried.
        Run none = runWorkbench({ "lint", folder.path() });
        QCOMPARE(none.code, 2);
        QVERIFY2(
            none.err.contains("no manifest in") && none.err.contains("extension.yaml"), none.err);

        // Warnings only: exit 0, each with file:line:column, rule and hint, then the summary.
        write("id: com.example.lint\nversion: 1.0.0\nevents: [issue.craeted]\n");
        Run warned = runWorkbench({ "lint", folder.path() });
        QCOMPARE(warned.code, 0);
        QVERIFY2(
            warned.out.contains("extension.yaml:3:10: warning: 'issue.craeted' is not a Kiket "
                                "event [unknown-event]\n    hint: did you mean 'issue.created'?"),
            warned.out);
        QVERIFY2(warned.out.trimmed().endsWith("0 errors, 3 warnings"), warned.out);

        // An error: exit 1; --json lists the same findings.
        write("id: com.example.lint\nversion: one\n");
        Run failed = runWorkbench({ "lint", folder.filePath("extension.yaml"), "--json" });
        QCOMPARE(failed.code, 1);
        const QJsonObject report = QJsonDocument::fromJson(failed.out).object();
        QCOMPARE(report["ok"].toBool(true), false);
        const QJsonArray findings = report["findings"].toArray();
        QCOMPARE(findings.size(), 3); // the version, no README, no tests
        QCOMPARE(findings[2].toObject()["rule"].toString(), QStringLiteral("version-semver"));
        QCOMPARE(findings[2].toObject()["line"].toInt(), 2);

        // Broken YAML is an error at its place, not a crash.
        write("id: [com.example\n");
        Run broken = runWorkbench({ "lint", folder.path() });
        QCOMPARE(broken.code, 1);
        QVERIFY2(broken.out.contains("extension.yaml:2:1: error:")
                && broken.out.contains("[yaml-syntax]"),
            broken.out);

        QCOMPARE(runWorkbench({ "lint", "a", "b" }).code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
