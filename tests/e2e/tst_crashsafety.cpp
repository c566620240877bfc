// `serve` killed with SIGKILL in the middle of a burst of 1,000 deliveries: every delivery that got
// an answer is in the capture store afterwards.
#include <kiket/devkit/capture/capturestore.h>
#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/delivery/eventcatalogue.h>

#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <csignal>
#include <thread>

#include "cliprocess.h"

using namespace kiket::devkit;

class TestCrashSafety : public QObject
{
    Q_OBJECT

private slots:
    void answeredDeliveriesSurviveSigkill()
    {
        QTemporaryDir folder;
        QFile::copy(QStringLiteral(EXAMPLE_MANIFEST), folder.filePath("extension.yaml"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("KIKET_WEBHOOK_SECRET", "burst-secret");
        ServeProcess serve;
        QVERIFY2(serve.start(folder.path(), HELLO_PLUGIN, env), serve.log.constData());

        // 1,000 signed issue.created v2 deliveries, each making one API call to the sandbox.
        auto issuer = TokenIssuer::forFolder(folder.path());
        QVERIFY(issuer.ok());
        const auto sample = EventCatalogue::builtIn().value().find("issue.created");
        QVERIFY(sample);
        constexpr int kTotal = 1000;
        constexpr int kSenders = 4;
        QList<kiket::HttpRequest> requests;
        for (int i = 0; i < kTotal; ++i) {
            DeliverySpec spec;
            spec.event = "issue.created";
            spec.version = "v2";
            spec.payload = sample->payload;
            spec.webhookSecret = "burst-secret";
            spec.issuer = &issuer.value();
            spec.grant.scopes = { "*" };
            spec.apiBaseUrl = serve.sandboxUrl;
            requests << prepareDelivery(spec).request;
        }

        std::atomic<int> answered { 0 };
        std::atomic<int> refused { 0 };
        QList<QSet<QByteArray>> answeredIds(kSenders);
        std::vector<std::thread> senders;
        for (int s = 0; s < kSenders; ++s) {
            senders.emplace_back([&, s] {
                for (int i = s; i < kTotal; i += kSenders) {
                    const auto response = kiket::sendHttp(serve.listenerUrl, requests[i], 5000);
                    if (response.status == 0)
                        continue; // the process is gone; nothing was answered
                    if (response.status != 200)
                        ++refused;
                    answeredIds[s].insert(requests[i].header("x-kiket-delivery"));
                    ++answered;
                }
            });
        }
        while (answered < 300 && serve.process.state() == QProcess::Running)
            QThread::msleep(1);
        ::kill(pid_t(serve.process.processId()), SIGKILL);
        for (auto &t : senders)
            t.join();
        serve.process.waitForFinished(10000);
        QCOMPARE(serve.process.exitStatus(), QProcess::CrashExit);

        QCOMPARE(refused.load(), 0);
        QSet<QByteArray> answeredAll;
        for (const auto &ids : answeredIds)
            answeredAll += ids;
        QVERIFY2(answeredAll.size() >= 300 && answeredAll.size() < kTotal,
            qPrintable(QStringLiteral("%1 answered: the kill did not land mid-burst")
                           .arg(answeredAll.size())));

        auto store = CaptureStore::open(folder.path());
        QVERIFY(store.ok());
        QVERIFY(store.value()->warning().isEmpty());
        QSet<QByteArray> stored;
        for (const Exchange &e : store.value()->load()) {
            if (e.kind == ExchangeKind::Delivery)
                stored.insert(kiket::headerValue(e.requestHeaders, "x-kiket-delivery"));
        }
        QSet<QByteArray> lost = answeredAll - stored;
        QVERIFY2(lost.isEmpty(),
            qPrintable(QStringLiteral("%1 of %2 answered deliveries are not in the store")
                           .arg(lost.size())
                           .arg(answeredAll.size())));
        qInfo("%lld answered before the kill, %lld deliveries stored", qint64(answeredAll.size()),
            qint64(stored.size()));
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
