// The example extension as a standalone server: `hello-extension --host 127.0.0.1 --port 8080`.
#include "handlers.h"
#include "localplatform.h"

#include <kiket/kiket.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>

#include <memory>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("hello-extension"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The Kiket SDK README's handlers as a C++ extension."));
    parser.addHelpOption();
    parser.addOptions({
        { QStringLiteral("host"), QStringLiteral("Address to listen on."),
            QStringLiteral("address"), QStringLiteral("127.0.0.1") },
        { QStringLiteral("port"), QStringLiteral("Port to listen on (0 picks one)."),
            QStringLiteral("port"), QStringLiteral("8080") },
        { QStringLiteral("folder"), QStringLiteral("Extension folder holding the manifest."),
            QStringLiteral("dir"), QStringLiteral(".") },
        { QStringLiteral("auth"),
            QStringLiteral("Delivery auth: auto, hmac, runtime-token, both, none."),
            QStringLiteral("mode"), QStringLiteral("auto") },
        { QStringLiteral("local-platform"),
            QStringLiteral("Answer the extension's API calls with a local stand-in platform that "
                           "prints each call.") },
    });
    parser.process(app);

    bool portOk = false;
    const uint port = parser.value(QStringLiteral("port")).toUInt(&portOk);
    const auto mode = kiket::authModeFromString(parser.value(QStringLiteral("auth")));
    if (!portOk || port > 65535 || !mode) {
        qCritical("hello-extension: --port must be 0-65535 and --auth one of auto, hmac, "
                  "runtime-token, both, none");
        return 2;
    }

    kiket::SdkOptions options;
    options.manifestFolder = parser.value(QStringLiteral("folder"));
    options.authMode = *mode;
    if (kiket::findManifest(options.manifestFolder).isEmpty()) {
        options.extensionId = QStringLiteral("com.example.marketing");
        options.extensionVersion = QStringLiteral("1.0.0");
    }
    std::unique_ptr<LocalPlatform> platform;
    if (parser.isSet(QStringLiteral("local-platform"))) {
        platform = std::make_unique<LocalPlatform>();
        options.baseUrl = platform->baseUrl();
        options.telemetryUrl = platform->baseUrl() + QStringLiteral("/api/v1/ext/telemetry");
    }

    kiket::Sdk sdk(options);
    if (sdk.configurationError()) {
        qCritical("hello-extension: %s", qPrintable(sdk.configurationError()->toString()));
        return 1;
    }
    registerHelloHandlers(sdk);
    return sdk.run(parser.value(QStringLiteral("host")), quint16(port));
}
