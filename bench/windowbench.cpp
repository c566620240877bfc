// kiket-windowbench: figures for the workbench window (offscreen).
//   open [N]           N exchanges in the capture: open the folder and show the list, filter,
//                      resident memory
//   stall [RATE] [S] [EVENT]  RATE deliveries per second for S seconds into an open window: the
//                      longest gap of a 5 ms timer on the GUI thread (default event
//                      extension.testConnection, no API call; issue.created v2 makes one)
#include "loadgen.h"

#include <filterexpression.h>
#include <mainwindow.h>
#include <trafficmodel.h>

#include <kiket/devkit/capture/capturestore.h>
#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/delivery/eventcatalogue.h>
#include <kiket/devkit/sandbox/sandboxplatform.h>
#include <kiket/devkit/session.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonObject>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <atomic>
#include <cstdio>
#include <thread>

using namespace kiket;
using namespace kiket::devkit;

namespace {

// A session on a scratch copy of the example folder, its list fed by the capture hook.
struct Bench
{
    QTemporaryDir folder;
    ui::TrafficModel traffic;
    std::unique_ptr<Session> session;

    explicit Bench(int keep)
        : traffic(nullptr, keep)
    {
        QFile::copy(QStringLiteral(EXAMPLE_MANIFEST), folder.filePath("extension.yaml"));
    }
    bool open(int keep)
    {
        SessionOverrides o;
        o.plugin = QStringLiteral(HELLO_PLUGIN);
        o.listenerPort = 0;
        o.sandboxPort = 0;
        o.retention = keep;
        o.rateLimit = 100000000; // measuring the window, not rehearsing throttling
        o.keychain = false;
        auto opened = Session::open(folder.path(), o, [this](const Exchange &e) {
            if (e.kind != ExchangeKind::Log)
                traffic.add(summaryOf(e));
        });
        if (!opened) {
            std::fprintf(stderr, "%s\n", qPrintable(opened.error().toString()));
            return false;
        }
        session = std::move(opened).value();
        return true;
    }
};

// Deliveries of several events and outcomes, so that filters have something to choose from.
void fillCapture(const QString &folder, int count)
{
    auto store = std::move(CaptureStore::open(folder, count + 1)).value();
    const QStringList events = EventCatalogue::builtIn().value().names();
    Exchange e;
    e.method = "POST";
    e.requestHeaders = { { "Content-Type", "application/json" } };
    e.responseHeaders = { { "Content-Type", "application/json" } };
    e.responseBody = R"({"ok":true})";
    e.handlerKind = QStringLiteral("in-process");
    QList<Exchange> batch;
    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-count / 100);
    for (int i = 0; i < count; ++i) {
        e.kind = i % 4 == 3 ? ExchangeKind::ApiCall : ExchangeKind::Delivery;
        e.event = events[i % events.size()];
        e.version = QStringLiteral("v1");
        e.target = "/v/1/webhooks/" + e.event.toUtf8();
        e.status = i % 10 == 0 ? 401 : 200;
        e.authCause = i % 10 == 0 ? QStringLiteral("stale") : QStringLiteral("ok");
        e.started = e.finished = start.addMSecs(i * 10);
        e.requestBody = R"({"issue":{"id":"ISS-)" + QByteArray::number(i) + R"(","title":")"
            + QByteArray(1900, 'x') + R"("}})";
        batch << e;
        if (batch.size() == 1000) {
            store->appendAll(batch);
            batch.clear();
        }
    }
    store->appendAll(batch);
}

void settle()
{
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
}

int open(int count)
{
    Bench bench(count + 100);
    QElapsedTimer clock;
    clock.start();
    fillCapture(bench.folder.path(), count);
    std::printf("%d exchanges (2 KB bodies) written to the capture in %.1f s\n", count,
        clock.nsecsElapsed() / 1e9);
    const double rss0 = residentMiB();

    clock.start();
    if (!bench.open(count + 100))
        return 1;
    const double sessionMs = clock.nsecsElapsed() / 1e6;
    QList<ExchangeSummary> rows = bench.session->captures().loadSummaries();
    const double loadMs = clock.nsecsElapsed() / 1e6 - sessionMs;
    bench.traffic.reset(rows);
    rows.clear();
    ui::MainWindow window(*bench.session, bench.traffic);
    window.show();
    settle();
    const double totalMs = clock.nsecsElapsed() / 1e6;
    std::printf("open the folder and show the list: %.0f ms (session %.0f ms, %lld list rows "
                "read %.0f ms, window %.0f ms)\n",
        totalMs, sessionMs, qint64(bench.traffic.rowCount()), loadMs, totalMs - sessionMs - loadMs);

    for (const QString &filter : { QStringLiteral("event:issue.*"), QStringLiteral("status:>=400"),
             QStringLiteral("auth:stale kind:delivery version:v1"), QStringLiteral("\"sla\""),
             QString() }) {
        clock.start();
        window.filterEdit()->setText(filter);
        settle();
        std::printf("filter %-40s %7.1f ms  %7d rows (target <= 150 ms)\n",
            qPrintable(filter.isEmpty() ? QStringLiteral("(cleared)") : filter),
            clock.nsecsElapsed() / 1e6, window.trafficView()->model()->rowCount());
    }
    std::printf("resident memory with the window open: %.0f MiB (%.0f MiB before opening; "
                "target <= 500 MB)\n",
        residentMiB(), rss0);
    return 0;
}

int stall(int rate, int seconds, const QString &event)
{
    Bench bench(rate * seconds * 6 + 1000);
    if (!bench.open(rate * seconds * 6 + 1000))
        return 1;
    ui::MainWindow window(*bench.session, bench.traffic);
    window.show();
    settle();

    DeliverySpec spec;
    spec.event = event;
    const auto sample = EventCatalogue::builtIn().value().find(event);
    if (!sample) {
        std::fprintf(stderr, "no sample delivery for %s\n", qPrintable(event));
        return 2;
    }
    spec.version = event == QLatin1String("issue.created") ? QStringLiteral("v2") : sample->version;
    spec.payload = sample->payload;
    spec.payloadSecrets = QJsonObject { { "API_KEY", "bench-key" } };
    spec.webhookSecret = bench.session->deliverySecret();
    spec.issuer = &bench.session->sandbox().issuer();
    spec.grant.scopes = { QStringLiteral("*") };
    spec.apiBaseUrl = bench.session->sandboxUrl();
    const quint16 port = QUrl(bench.session->listenerUrl()).port();
    // One delivery each, as the platform sends them: its own id and runtime token.
    QList<QByteArray> requests;
    for (int i = 0; i < rate * seconds; ++i)
        requests << rawRequest(prepareDelivery(spec).request, port);

    // The probe: a 5 ms timer on the GUI thread; a late tick is a stall.
    QElapsedTimer since;
    double longest = 0;
    QList<double> gaps;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const double gap = since.nsecsElapsed() / 1e6;
        since.start();
        gaps << gap;
        longest = qMax(longest, gap);
    });

    std::atomic<int> answered { 0 };
    QEventLoop running; // the GUI thread's own loop, as in the app (no busy polling)
    std::thread load([&] {
        constexpr int kTicksPerSecond = 50; // a batch every 20 ms
        const int batch = qMax(1, rate / kTicksPerSecond);
        QElapsedTimer clock;
        clock.start();
        for (int tick = 0; tick < seconds * kTicksPerSecond; ++tick) {
            answered += sendEach(port, requests.mid(tick * batch, batch), 8);
            const qint64 due = qint64(tick + 1) * 1000 / kTicksPerSecond;
            const qint64 wait = due - clock.elapsed();
            if (wait > 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(wait));
        }
        QMetaObject::invokeMethod(&running, &QEventLoop::quit, Qt::QueuedConnection);
    });
    since.start();
    probe.start(5);
    QElapsedTimer clock;
    clock.start();
    running.exec();
    load.join();
    const double elapsed = clock.nsecsElapsed() / 1e9;
    probe.stop();
    settle();
    std::printf("%s: %d deliveries answered 200 in %.1f s (%.0f/s asked, %.0f/s reached); list "
                "rows now %d\n",
        qPrintable(event), answered.load(), elapsed, double(rate), answered / elapsed,
        bench.traffic.rowCount());
    std::printf(
        "GUI thread, 5 ms probe: longest stall %.1f ms, p99 gap %.1f ms (target < 100 ms)\n",
        longest, percentile(gaps, 0.99));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM",
        qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString mode = args.value(1);
    if (mode == QLatin1String("open"))
        return open(args.value(2).toInt() > 0 ? args.value(2).toInt() : 100000);
    if (mode == QLatin1String("stall"))
        return stall(args.value(2).toInt() > 0 ? args.value(2).toInt() : 2000,
            args.value(3).toInt() > 0 ? args.value(3).toInt() : 10,
            args.value(4, QStringLiteral("extension.testConnection")));
    std::fprintf(stderr, "usage: kiket-windowbench open [N] | stall [RATE] [SECONDS] [EVENT]\n");
    return 2;
}
