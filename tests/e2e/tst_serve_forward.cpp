// `kiket-workbench serve` on an extension in another language: the Python example started by the
// runner, its output as NDJSON log records, and nothing left running after SIGTERM.
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "../support.h"
#include "cliprocess.h"

#include <sched.h>

class TestServeForward : public QObject
{
    Q_OBJECT

private slots:
    void servesThePythonExample()
    {
        QTemporaryDir scratch;
        const QString folder = scratch.filePath("extension");
        QVERIFY(copyTree(QStringLiteral(PYTHON_EXAMPLE), folder));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KIKET_WEBHOOK_SECRET", "serve-py");
        ServeProcess
            serve; // its output goes beside the folder: writing inside restarts the extension
        QVERIFY2(
            serve.start(folder, {}, env, scratch.filePath("serve.ndjson")), serve.log.constData());
        QTRY_VERIFY_WITH_TIMEOUT(
            (serve.log += serve.process.readAllStandardError()).contains("extension ready"), 20000);
        QVERIFY(serve.log.contains("handler forward: python3 -u extension.py"));
        const QList<qint64> running = processesIn(folder);
        QCOMPARE(running.size(), 1); // the extension; its guard does not sit in the folder
        // serve's own threads are batch work; the extension it started is not.
        const QHash<QByteArray, int> policies = threadPolicies(serve.process.processId());
        for (const char *thread :
            { "kiket-listener", "kiket-capture", "kiket-sandbox", "kiket-printer" })
            QVERIFY2(policies.value(thread, -1) == SCHED_BATCH, thread);
        QCOMPARE(threadPolicies(running.first()).value("python3", -1), SCHED_OTHER);

        const Run sent
            = runWorkbench({ "send", "issue.created", "--version", "v1", "--folder", folder, "--to",
                               serve.listenerUrl, "--api-base", serve.sandboxUrl },
                {}, env);
        QCOMPARE(sent.code, 0);
        QCOMPARE(serve.stop(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(processesIn(folder).isEmpty(), 5000);

        QFile ndjson(scratch.filePath("serve.ndjson"));
        QVERIFY(ndjson.open(QIODevice::ReadOnly));
        QStringList logs;
        QJsonObject delivery;
        for (const QByteArray &line : ndjson.readAll().split('\n')) {
            if (line.isEmpty())
                continue;
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            QVERIFY2(!o.isEmpty(), line.constData()); // nothing but NDJSON on stdout
            if (o["kind"] == QLatin1String("log"))
                logs << o["stream"].toString() + ": " + o["text"].toString();
            if (o["kind"] == QLatin1String("delivery"))
                delivery = o;
        }
        QVERIFY2(!logs.filter(QRegularExpression(
                                  "^stdout: python extension listening on 127.0.0.1:\\d+$"))
                      .isEmpty(),
            qPrintable(logs.join('\n')));
        QCOMPARE(delivery["status"].toInt(), 200);
        QCOMPARE(delivery["note"].toString(), QStringLiteral("forwarded byte-exact"));
        QCOMPARE(delivery["auth"].toString(), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestServeForward)
#include "tst_serve_forward.moc"
