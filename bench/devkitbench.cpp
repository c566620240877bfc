// kiket-devkitbench: figures for the workbench engine.
//   ingest [N]        exchanges with 2 KB bodies persisted per second, and memory per 100,000
//   roundtrip [N]     sender → listener → in-process handler → one sandbox API call, p50/p99
//   forward PORT      a listener forwarding to 127.0.0.1:PORT, until SIGINT/SIGTERM (for wrk)
//   ndjson [N]        µs per exchange to print exchanges as `serve` does (redacted NDJSON)
#include "loadgen.h"

#include <kiket/devkit/capture/capturewriter.h>
#include <kiket/devkit/capture/export.h>
#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/delivery/eventcatalogue.h>
#include <kiket/devkit/listener/listener.h>
#include <kiket/devkit/sandbox/sandboxplatform.h>
#include <kiket/sdk.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <thread>

using namespace kiket;
using namespace kiket::devkit;

namespace {

// A delivery as the listener captures it, with a request body of about `bytes`.
Exchange sampleExchange(int bytes)
{
    Exchange e;
    e.started = e.finished = QDateTime::currentDateTimeUtc();
    e.method = "POST";
    e.target = "/v/1/webhooks/issue.created";
    e.requestHeaders = { { "Host", "127.0.0.1:8080" }, { "Content-Type", "application/json" },
        { "X-Kiket-Delivery", "dlv_0123456789abcdef0123456789abcdef" },
        { "X-Kiket-Signature", QByteArray(64, 'a') }, { "X-Kiket-Timestamp", "1795767261" } };
    e.requestBody = R"({"issue":{"id":"ISS-1","title":")" + QByteArray(bytes - 40, 'x') + R"("}})";
    e.status = 200;
    e.responseHeaders = { { "Content-Type", "application/json" } };
    e.responseBody = R"({"ok":true})";
    e.authCause = QStringLiteral("ok");
    e.event = QStringLiteral("issue.created");
    e.version = QStringLiteral("v1");
    e.handlerKind = QStringLiteral("in-process");
    e.timings = { { StageTimes::Handler, 0.4 }, { StageTimes::Total, 0.9 } };
    return e;
}

int ingest(int count)
{
    const Exchange sample = sampleExchange(2048);
    {
        QTemporaryDir dir;
        auto store = std::move(CaptureStore::open(dir.path(), count + 1)).value();
        const double rss0 = residentMiB();
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < count; ++i)
            store->append(sample);
        const double seconds = clock.nsecsElapsed() / 1e9;
        const double rssIngest = residentMiB();
        std::printf("CaptureStore::append, one thread: %d exchanges (2 KB bodies) in %.2f s = "
                    "%.0f/s (target >= 5000/s)\n",
            count, seconds, count / seconds);
        std::printf("  file %.0f MiB; resident growth while ingesting %.1f MiB\n",
            QFileInfo(store->path()).size() / 1048576.0, rssIngest - rss0);
        clock.start();
        const QList<ExchangeSummary> rows = store->loadSummaries();
        const double rowsSeconds = clock.nsecsElapsed() / 1e9;
        const double rssRows = residentMiB();
        std::printf("  %lld list rows loaded in %.2f s (bodies stay on disk): resident growth "
                    "%.0f MiB = %.0f MiB per 100,000 (target <= 400 MB)\n",
            qint64(rows.size()), rowsSeconds, rssRows - rss0, (rssRows - rss0) * 100000.0 / count);
        clock.start();
        const QList<Exchange> all = store->load();
        const double loadSeconds = clock.nsecsElapsed() / 1e9;
        const double rssLoaded = residentMiB();
        std::printf("  for comparison, all %lld whole exchanges in memory: loaded in %.2f s, "
                    "resident growth %.0f MiB = %.0f MiB per 100,000\n",
            qint64(all.size()), loadSeconds, rssLoaded - rssRows,
            (rssLoaded - rssRows) * 100000.0 / count);
    }
    {
        QTemporaryDir dir;
        auto writer = std::move(CaptureWriter::open(dir.path(), count + 1)).value();
        constexpr int kThreads = 4;
        QElapsedTimer clock;
        clock.start();
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < count / kThreads; ++i)
                    writer->append(sample);
            });
        for (auto &t : threads)
            t.join();
        const double seconds = clock.nsecsElapsed() / 1e9;
        std::printf("CaptureWriter::append from %d threads (as the listener does): %.0f/s\n",
            kThreads, count / seconds);
    }
    return 0;
}

int roundtrip(int count, const QString &pluginPath)
{
    QTemporaryDir folder;
    if (qEnvironmentVariableIsSet("KIKET_BENCH_KEEP")) { // to read the captured stage timings
        folder.setAutoRemove(false);
        std::printf("captures kept in %s\n", qPrintable(folder.path()));
    }
    SandboxOptions sandboxOptions;
    sandboxOptions.folder = folder.path();
    sandboxOptions.port = 0;
    sandboxOptions.extensionId = QStringLiteral("com.example.marketing");
    sandboxOptions.rateLimit = 100000000; // measuring latency, not rehearsing throttling
    auto sandbox = std::move(SandboxPlatform::start(sandboxOptions)).value();
    auto captures = std::move(CaptureWriter::open(folder.path(), 1000000)).value();
    // As a session does: every API call is committed before its answer leaves.
    sandbox->setObserver(
        [&captures](const SandboxCall &call) { captures->append(apiCallExchange(call)); });
    auto plugin = ExtensionPlugin::load(pluginPath);
    if (!plugin) {
        std::fprintf(stderr, "%s\n", qPrintable(plugin.error().message));
        return 1;
    }
    SdkOptions options;
    options.manifestFolder = folder.path();
    options.webhookSecret = QStringLiteral("bench-secret");
    options.extensionId = QStringLiteral("com.example.marketing");
    options.baseUrl = sandbox->baseUrl();
    options.trustedBaseUrls = { sandbox->baseUrl() };
    options.telemetryUrl = sandbox->baseUrl() + QStringLiteral("/api/v1/ext/telemetry");
    auto listener
        = std::move(Listener::start(options, plugin.value(), *captures, "127.0.0.1", 0)).value();

    DeliverySpec spec;
    spec.event = QStringLiteral("issue.created");
    spec.version = QStringLiteral("v2"); // its handler makes one log_event call
    spec.payload = EventCatalogue::builtIn().value().find(spec.event)->payload;
    spec.webhookSecret = "bench-secret";
    spec.issuer = &sandbox->issuer();
    spec.grant.scopes = { QStringLiteral("*") };
    spec.apiBaseUrl = sandbox->baseUrl();
    const QByteArray request = rawRequest(prepareDelivery(spec).request, listener->port());
    timeSequential(listener->port(), request, 200); // warm-up
    const QList<double> micros = timeSequential(listener->port(), request, count);
    if (micros.size() != count) {
        std::fprintf(stderr, "only %lld of %d answered\n", qint64(micros.size()), count);
        return 1;
    }
    std::printf("sender -> listener -> in-process handler -> 1 sandbox API call, both captured: "
                "%d deliveries one after another\n  p50 %.2f ms   p99 %.2f ms   max %.2f ms\n",
        count, percentile(micros, 0.5) / 1000, percentile(micros, 0.99) / 1000,
        percentile(micros, 1.0) / 1000);
    return 0;
}

// serve's printer takes the exchanges captured since it last printed: one when deliveries come one
// at a time, more under load. A plain delivery, then one carrying a runtime token and secrets.
int ndjson(int count)
{
    Exchange plain = sampleExchange(512);
    Exchange secret = plain;
    secret.requestBody = R"({"event":"issue.created","authentication":{"runtime_token":")"
        + QByteArray(400, 't') + R"("},"secrets":{"API_KEY":"sk_live_0123456789abcdef"},)"
        + R"("issue":{"id":"ISS-1","title":"Benchmark"}})";
    secret.requestHeaders.append({ "Authorization", "Bearer " + QByteArray(400, 't') });
    for (const auto &[name, sample] :
        { std::pair { "plain", plain }, { "with secrets", secret } }) {
        for (const int batch : { 1, 20 }) {
            const QList<Exchange> exchanges(batch, sample);
            qsizetype bytes = 0;
            QElapsedTimer clock;
            clock.start();
            for (int i = 0; i < count / batch; ++i)
                bytes += toNdjson(exchanges).size();
            const double micros = clock.nsecsElapsed() / 1e3 / (count / batch * batch);
            std::printf("toNdjson, %-12s in batches of %2d: %6.1f us per exchange (%lld bytes "
                        "per line)\n",
                name, batch, micros, qint64(bytes / (count / batch * batch)));
        }
    }
    return 0;
}

// A listener in forward mode, capturing into a scratch folder; prints "PORT <n>" once listening.
int forward(quint16 upstream)
{
    QTemporaryDir folder;
    auto captures = std::move(CaptureWriter::open(folder.path(), 10000)).value();
    SdkOptions options;
    options.manifestFolder = folder.path();
    options.webhookSecret = QStringLiteral("bench-secret");
    options.telemetryEnabled = false;
    auto listener = Listener::startForward(options, upstream, *captures, "127.0.0.1", 0);
    if (!listener) {
        std::fprintf(stderr, "%s\n", qPrintable(listener.error().message));
        return 1;
    }
    std::printf("PORT %d\n", listener.value()->port());
    std::fflush(stdout);
    return execUntilStopSignal();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QString mode = app.arguments().value(1);
    const int count = app.arguments().value(2).toInt();
    if (mode == QLatin1String("ingest"))
        return ingest(count > 0 ? count : 100000);
    if (mode == QLatin1String("roundtrip"))
        return roundtrip(count > 0 ? count : 2000, QStringLiteral(HELLO_PLUGIN));
    if (mode == QLatin1String("ndjson"))
        return ndjson(count > 0 ? count : 20000);
    if (mode == QLatin1String("forward") && count > 0)
        return forward(quint16(count));
    std::fprintf(stderr, "usage: kiket-devkitbench ingest|roundtrip|ndjson [N] | forward PORT\n");
    return 2;
}
