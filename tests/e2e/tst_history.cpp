// A user's session on the command line: serve, send, replay in every mode, export, diff — with the
// workbench and the example plugin as real processes and the captures read back from SQLite.
#include <kiket/devkit/capture/capturestore.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "cliprocess.h"

using namespace kiket::devkit;

class TestHistory : public QObject
{
    Q_OBJECT

    QTemporaryDir m_folder;
    QProcessEnvironment m_env = QProcessEnvironment::systemEnvironment();
    ServeProcess m_serve;
    qint64 m_delivery = 0; // the first delivery sent

    Run workbench(QStringList arguments)
    {
        arguments << "--folder" << m_folder.path();
        return runWorkbench(arguments, {}, m_env);
    }

    std::unique_ptr<CaptureStore> store()
    {
        auto opened = CaptureStore::open(m_folder.path());
        return opened ? std::move(opened).value() : nullptr;
    }

    QList<Exchange> deliveries()
    {
        QList<Exchange> out;
        for (const Exchange &e : store()->load()) {
            if (e.kind == ExchangeKind::Delivery)
                out << e;
        }
        return out;
    }

private slots:
    void initTestCase()
    {
        QFile::copy(QStringLiteral(EXAMPLE_MANIFEST), m_folder.filePath("extension.yaml"));
        m_env.insert("KIKET_WEBHOOK_SECRET", "history-secret");
        QVERIFY2(m_serve.start(m_folder.path(), HELLO_PLUGIN, m_env), m_serve.log.constData());
        const Run sent = workbench({ "send", "issue.created", "--version", "v1", "--to",
            m_serve.listenerUrl, "--api-base", m_serve.sandboxUrl });
        QCOMPARE(sent.code, 0);
        QTRY_COMPARE(deliveries().size(), 1);
        m_delivery = deliveries().first().id;
    }

    void cleanupTestCase() { QCOMPARE(m_serve.stop(), 0); }

    void apiCallsAreChildrenOfTheirDelivery()
    {
        QStringList endpoints;
        for (const Exchange &child : store()->children(m_delivery)) {
            endpoints << child.event;
            QVERIFY(child.timings.has(StageTimes::Handled));
            QVERIFY(child.started.isValid() && child.finished >= child.started);
        }
        QVERIFY(endpoints.contains("events.log"));
        QVERIFY(endpoints.contains("secrets.set"));
    }

    void aTokenWithoutTheScopeGets403()
    {
        const Run sent = workbench({ "send", "issue.created", "--version", "v1", "--to",
            m_serve.listenerUrl, "--api-base", m_serve.sandboxUrl, "--scopes", "events.write" });
        QCOMPARE(sent.code, 1); // the handler's secrets.set failed, so the delivery did
        QVERIFY(sent.out.startsWith("HTTP 500"));
        QTRY_COMPARE(deliveries().size(), 2);
        const Exchange delivery = deliveries().last();
        QMap<QString, int> statuses;
        for (const Exchange &child : store()->children(delivery.id))
            statuses.insert(child.event, child.status);
        QCOMPARE(statuses.value("events.log"), 200);
        QCOMPARE(statuses.value("secrets.set"), 403);
    }

    void replayEachMode_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("auth");
        QTest::addColumn<bool>("sameDeliveryId");
        QTest::newRow("resign") << "resign" << 0 << 200 << "ok" << false;
        QTest::newRow("verbatim") << "verbatim" << 0 << 200 << "ok" << true;
        QTest::newRow("stale") << "stale" << 1 << 401 << "stale" << false;
        QTest::newRow("wrong-secret") << "wrong-secret" << 1 << 401 << "mismatch" << false;
        QTest::newRow("unsigned") << "unsigned" << 1 << 401 << "header-missing" << false;
        QTest::newRow("body-only") << "body-only" << 1 << 401 << "mismatch" << false;
    }

    void replayEachMode()
    {
        QFETCH(QString, mode);
        QFETCH(int, exitCode);
        QFETCH(int, status);
        QFETCH(QString, auth);
        QFETCH(bool, sameDeliveryId);
        const int before = deliveries().size();
        const Run r = workbench(
            { "replay", QString::number(m_delivery), "--mode", mode, "--to", m_serve.listenerUrl });
        QCOMPARE(r.code, exitCode);
        QVERIFY2(r.out.startsWith("HTTP " + QByteArray::number(status)), r.out.constData());
        QTRY_COMPARE(deliveries().size(), before + 1);
        const Exchange replay = deliveries().last();
        const Exchange original = *store()->find(m_delivery);
        QCOMPARE(replay.replayOf, m_delivery);
        QCOMPARE(replay.status, status);
        QCOMPARE(replay.authCause, auth);
        QCOMPARE(replay.requestBody, original.requestBody);
        QCOMPARE(kiket::headerValue(replay.requestHeaders, "x-kiket-delivery")
                == kiket::headerValue(original.requestHeaders, "x-kiket-delivery"),
            sameDeliveryId);
    }

    void replayAnEditedBody()
    {
        const Exchange original = *store()->find(m_delivery);
        QByteArray edited = original.requestBody;
        edited.replace("Launch plan", "Edited plan");
        QVERIFY(edited != original.requestBody);
        const int before = deliveries().size();
        Run r = runWorkbench({ "replay", QString::number(m_delivery), "--body", "-", "--to",
                                 m_serve.listenerUrl, "--folder", m_folder.path() },
            edited, m_env);
        QCOMPARE(r.code, 0);
        QTRY_COMPARE(deliveries().size(), before + 1);
        const Exchange replay = deliveries().last();
        QCOMPARE(replay.requestBody, edited);
        QCOMPARE(replay.authCause, QStringLiteral("ok")); // signed afresh
        QCOMPARE(replay.replayOf, m_delivery);
        // Not JSON: refused before anything is sent.
        r = runWorkbench({ "replay", QString::number(m_delivery), "--body", "-", "--to",
                             m_serve.listenerUrl, "--folder", m_folder.path() },
            "{oops", m_env);
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.startsWith("kiket-workbench: the body is not a JSON object"));
        QCOMPARE(deliveries().size(), before + 1);
    }

    void replayErrors()
    {
        Run r = workbench({ "replay", "999999", "--to", m_serve.listenerUrl });
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.startsWith("kiket-workbench: no exchange '999999'"));
        const qint64 apiCall = store()->children(m_delivery).first().id;
        r = workbench({ "replay", QString::number(apiCall), "--to", m_serve.listenerUrl });
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("not a delivery"));
        r = workbench({ "replay", "1", "--mode", "sideways" });
        QCOMPARE(r.code, 2);
        QProcessEnvironment noSecret = m_env;
        noSecret.remove("KIKET_WEBHOOK_SECRET");
        r = runWorkbench(
            { "replay", QString::number(m_delivery), "--folder", m_folder.path() }, {}, noSecret);
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("KIKET_WEBHOOK_SECRET"));
    }

    void harCarriesEveryRequiredField()
    {
        const QString file = m_folder.filePath("all.har");
        QCOMPARE(workbench({ "export", "--har", file }).code, 0);
        QFile har(file);
        QVERIFY(har.open(QIODevice::ReadOnly));
        const QByteArray text = har.readAll();
        QVERIFY(!text.contains("abc123")); // the secret value the handler stored
        QVERIFY(!text.contains("history-secret"));
        const QJsonObject log = QJsonDocument::fromJson(text).object()["log"].toObject();
        QCOMPARE(log["version"].toString(), QStringLiteral("1.2"));
        QVERIFY(log["creator"].toObject().contains("name"));
        QVERIFY(log["creator"].toObject().contains("version"));
        const QJsonArray entries = log["entries"].toArray();
        QCOMPARE(entries.size(), int(store()->count()));
        for (const QJsonValue &value : entries) {
            const QJsonObject entry = value.toObject();
            for (const char *key :
                { "startedDateTime", "time", "request", "response", "cache", "timings" })
                QVERIFY2(entry.contains(QLatin1String(key)), key);
            for (const char *key : { "method", "url", "httpVersion", "cookies", "headers",
                     "queryString", "headersSize", "bodySize" })
                QVERIFY2(entry["request"].toObject().contains(QLatin1String(key)), key);
            const QJsonObject response = entry["response"].toObject();
            for (const char *key : { "status", "statusText", "httpVersion", "cookies", "headers",
                     "content", "redirectURL", "headersSize", "bodySize" })
                QVERIFY2(response.contains(QLatin1String(key)), key);
            QVERIFY(response["content"].toObject().contains("size"));
            QVERIFY(response["content"].toObject().contains("mimeType"));
            for (const char *key : { "send", "wait", "receive" })
                QVERIFY2(entry["timings"].toObject().contains(QLatin1String(key)), key);
        }
        QVERIFY(!QFile::exists(m_folder.filePath("missing-dir/x.har")));
        QCOMPARE(workbench({ "export", "--har", m_folder.filePath("missing-dir/x.har") }).code, 1);
    }

    void exportFormats()
    {
        const QString id = QString::number(m_delivery);
        Run r = workbench({ "export", "--ndjson", "-", "--last", "2" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.trimmed().split('\n').size(), 2);
        r = workbench({ "export", "--fixture", "-", "--id", id });
        QCOMPARE(r.code, 0);
        const QJsonObject fixture = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(fixture["event"].toString(), QStringLiteral("issue.created"));
        QVERIFY(!fixture["payload"].toObject().contains("authentication"));
        // The cURL command, run by a shell, reaches the listener; redacted it is refused.
        r = workbench({ "export", "--curl", "-", "--id", id, "--base-url", m_serve.listenerUrl });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("[redacted]"));
        QProcess shell;
        shell.start("sh", { "-c", QString::fromUtf8(r.out) });
        QVERIFY(shell.waitForFinished(15000));
        QVERIFY2(shell.readAllStandardOutput().contains("Invalid signature"), "redacted signature");
        r = workbench({ "export", "--curl", "-", "--id", id, "--base-url", m_serve.listenerUrl,
            "--reveal-secrets" });
        shell.start("sh", { "-c", QString::fromUtf8(r.out) });
        QVERIFY(shell.waitForFinished(15000));
        QCOMPARE(shell.readAllStandardOutput(), QByteArray(R"({"ok":true})"));
        // Written to a file, revealed secrets are the owner's alone.
        const QString revealed = m_folder.filePath("revealed.har");
        QCOMPARE(workbench({ "export", "--har", revealed, "--reveal-secrets" }).code, 0);
        const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
            | QFileDevice::ReadOther | QFileDevice::WriteOther;
        QCOMPARE(QFileInfo(revealed).permissions() & others, QFileDevice::Permissions());
        // Usage errors.
        QCOMPARE(workbench({ "export", "-" }).code, 2);
        QCOMPARE(workbench({ "export", "--curl", "-" }).code, 2);
        QCOMPARE(workbench({ "export", "--har", "--ndjson", "-" }).code, 2);
        const qint64 apiCall = store()->children(m_delivery).first().id;
        QCOMPARE(
            workbench({ "export", "--fixture", "-", "--id", QString::number(apiCall) }).code, 1);
    }

    void diffTwoExchanges()
    {
        QList<Exchange> all = deliveries();
        const Exchange *resigned = nullptr;
        const Exchange *stale = nullptr;
        for (const Exchange &e : all) {
            if (e.replayOf == m_delivery && e.authCause == QLatin1String("ok") && !resigned)
                resigned = &e;
            if (e.authCause == QLatin1String("stale"))
                stale = &e;
        }
        QVERIFY(resigned && stale);
        const QString a = QString::number(m_delivery);
        Run r = workbench({ "diff", a, a });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("are the same"));
        r = workbench({ "diff", a, QString::number(resigned->id) });
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.contains("request header X-Kiket-Delivery: dlv_"));
        QVERIFY(r.out.contains("request header x-kiket-replay-of: (none) -> " + a.toLatin1()));
        QVERIFY(!r.out.contains("request body")); // a re-signed replay keeps the bytes
        r = workbench({ "diff", a, QString::number(stale->id) });
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.contains("status: 200 -> 401"));
        QVERIFY(r.out.contains("response body + error: (none) -> \"Request timestamp too old"));
        QVERIFY(r.out.contains("response body - ok: true -> (none)"));
        QVERIFY(r.out.contains("request header X-Kiket-Signature: [redacted] -> [redacted]"));
        r = workbench({ "diff", a, QString::number(stale->id), "--reveal-secrets" });
        QVERIFY(QString::fromUtf8(r.out).contains(QRegularExpression(
            QStringLiteral("request header X-Kiket-Signature: [0-9a-f]{64} -> [0-9a-f]{64}"))));
        QCOMPARE(workbench({ "diff", a, "424242" }).code, 2);
        QCOMPARE(workbench({ "diff", a }).code, 2);
    }

    void sendTwiceAndRetry()
    {
        const int before = deliveries().size();
        Run r = workbench({ "send", "issue.created", "--version", "v2", "--to", m_serve.listenerUrl,
            "--api-base", m_serve.sandboxUrl, "--twice" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.count("HTTP 200 OK"), 2);
        QTRY_COMPARE(deliveries().size(), before + 2);
        const QList<Exchange> all = deliveries();
        QCOMPARE(kiket::headerValue(all.last().requestHeaders, "x-kiket-delivery"),
            kiket::headerValue(all[all.size() - 2].requestHeaders, "x-kiket-delivery"));

        // Nobody listening: the whole schedule, compressed, then a clear failure.
        r = workbench({ "send", "issue.created", "--to", "http://127.0.0.1:9", "--retry",
            "--time-scale", "0.00001" });
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.count("retrying in"), 6);
        QVERIFY(r.err.contains("attempt 1: no connection; retrying in 0 ms"));
        QVERIFY(r.err.trimmed().endsWith("did not answer: Connection refused"));
        QCOMPARE(workbench({ "send", "issue.created", "--timeout", "50" }).code, 2);
        QCOMPARE(workbench({ "send", "issue.created", "--time-scale", "0" }).code, 2);
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
