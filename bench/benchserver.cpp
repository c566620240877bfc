// Tools for the benchmarks: `sdk` (signed deliveries through Kiket::Sdk), `bare` (a constant
// QHttpServer route, the baseline), `layer` (a constant answer from kiket::HttpServer, to see what
// the guarded HTTP layer costs on its own), `platform` (a fast stand-in for the extension API) and
// `send PORT PATH COUNT` (exactly COUNT signed deliveries over 8 connections; BODY and SECRET from
// the environment).
#include "loadgen.h"

#include <kiket/kiket.h>
#include <kiket/testing.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QTcpServer>
#include <QTextStream>
#include <QTimer>

#include <csignal>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int)
{
    g_stop = 1;
}

void announce(quint16 port)
{
    QTextStream(stdout) << "PORT " << port << Qt::endl;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QString mode = app.arguments().value(1);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &app, [] {
        if (g_stop)
            QCoreApplication::quit();
    });
    poll.start(100);

    if (mode == QLatin1String("sdk")) {
        kiket::SdkOptions options;
        options.webhookSecret
            = qEnvironmentVariable("BENCH_SECRET", QStringLiteral("bench-secret"));
        options.extensionId = QStringLiteral("com.example.bench");
        options.telemetryEnabled = false;
        options.manifestFolder = QStringLiteral("/nonexistent");
        if (qEnvironmentVariableIsSet("BENCH_WORKERS"))
            options.workerThreads = qEnvironmentVariableIntValue("BENCH_WORKERS");
        kiket::Sdk sdk(options);
        sdk.webhook("bench.event", "v1") = [](const QJsonObject &, kiket::Context &) -> QJsonValue {
            return QJsonObject { { "ok", true } };
        };
        const auto port = sdk.start(QStringLiteral("127.0.0.1"), 0);
        if (!port)
            return 1;
        announce(port.value());
        return app.exec();
    }
    if (mode == QLatin1String("bare")) {
        QHttpServer server;
        server.route("/v/1/webhooks/bench.event", [] {
            return QHttpServerResponse(
                QByteArrayLiteral("application/json"), QByteArrayLiteral(R"({"ok":true})"));
        });
        auto *tcp = new QTcpServer;
        if (!tcp->listen(QHostAddress::LocalHost, 0))
            return 1;
        server.bind(tcp);
        announce(tcp->serverPort());
        return app.exec();
    }
    if (mode == QLatin1String("layer")) {
        kiket::HttpServer server;
        server.setHandler([](const kiket::HttpRequest &, const kiket::Responder &r) {
            r.send(kiket::HttpResponse::json(200, { { "ok", true } }));
        });
        announce(server.listen().value());
        return app.exec();
    }
    if (mode == QLatin1String("platform")) {
        kiket::testing::FakePlatform platform;
        announce(platform.port());
        return app.exec();
    }
    if (mode == QLatin1String("dispatch")) { // in-process pipeline cost, no sockets
        kiket::SdkOptions options;
        options.webhookSecret = QStringLiteral("bench-secret");
        options.telemetryEnabled = false;
        options.manifestFolder = QStringLiteral("/nonexistent");
        kiket::Sdk sdk(options);
        sdk.webhook("bench.event", "v1") = [](const QJsonObject &, kiket::Context &) -> QJsonValue {
            return QJsonObject { { "ok", true } };
        };
        const kiket::HttpRequest request
            = kiket::testing::DeliveryBuilder("bench.event", "1")
                  .payload({ { "issue", QJsonObject { { "id", "1" } } } })
                  .secret("bench-secret")
                  .request();
        const int n = qMax(1, app.arguments().value(2).toInt());
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < n; ++i)
            sdk.dispatch(request);
        QTextStream(stdout) << "dispatch: " << double(timer.nsecsElapsed()) / n / 1000.0
                            << " us per delivery" << Qt::endl;
        return 0;
    }
    if (mode == QLatin1String("send")) {
        const QStringList args = app.arguments();
        const QByteArray body = qgetenv("BODY");
        const kiket::Signature s = kiket::generateSignature(qgetenv("SECRET"), body);
        const QByteArray request = "POST " + args.value(3).toUtf8()
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nX-Kiket-Signature: " + s.signature
            + "\r\nX-Kiket-Timestamp: " + s.timestamp
            + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        const int total = args.value(4).toInt();
        const int ok = sendExactly(quint16(args.value(2).toUInt()), request, total, 8);
        QTextStream(stdout) << ok << " of " << total << " answered 200" << Qt::endl;
        return ok == total ? 0 : 1;
    }
    QTextStream(stderr)
        << "usage: kiket-benchserver sdk|bare|layer|platform|dispatch N|send PORT PATH COUNT"
        << Qt::endl;
    return 2;
}
