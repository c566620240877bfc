// Servers for the benchmarks: `sdk` (signed deliveries through Kiket::Sdk), `bare` (a constant
// QHttpServer route, the baseline) and `platform` (a fast stand-in for the extension API).
#include <kiket/kiket.h>
#include <kiket/testing.h>

#include <QCoreApplication>
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
        options.webhookSecret = qEnvironmentVariable("BENCH_SECRET", QStringLiteral("bench-secret"));
        options.extensionId = QStringLiteral("com.example.bench");
        options.telemetryEnabled = false;
        options.manifestFolder = QStringLiteral("/nonexistent");
        kiket::Sdk sdk(options);
        sdk.webhook("bench.event", "v1") = [](const QJsonObject &, kiket::Context &) -> QJsonValue {
            return QJsonObject{{"ok", true}};
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
            return QHttpServerResponse(QByteArrayLiteral("application/json"), QByteArrayLiteral(R"({"ok":true})"));
        });
        auto *tcp = new QTcpServer;
        if (!tcp->listen(QHostAddress::LocalHost, 0))
            return 1;
        server.bind(tcp);
        announce(tcp->serverPort());
        return app.exec();
    }
    if (mode == QLatin1String("platform")) {
        kiket::testing::FakePlatform platform;
        announce(platform.port());
        return app.exec();
    }
    QTextStream(stderr) << "usage: kiket-benchserver sdk|bare|platform" << Qt::endl;
    return 2;
}
