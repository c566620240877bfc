#include "commands.h"

#include <kiket/devkit/export.h>
#include <kiket/devkit/listener.h>
#include <kiket/devkit/sandboxplatform.h>
#include <kiket/sdk.h>

#include <QCommandLineParser>
#include <QMutex>
#include <QTextStream>

namespace {

// One NDJSON line per exchange on stdout, from whichever thread captured it; secrets redacted.
void printExchange(const kiket::devkit::Exchange &exchange)
{
    static QMutex mutex;
    QMutexLocker lock(&mutex);
    QTextStream out(stdout);
    out << kiket::devkit::toNdjson({ exchange });
    out.flush();
}

} // namespace

int runServe(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the sandbox platform and the listener for an extension folder. Prints one NDJSON "
        "line per\n"
        "exchange on stdout (secrets redacted); logs go to stderr. Stops on SIGINT or SIGTERM."));
    parser.addPositionalArgument(
        QStringLiteral("folder"), QStringLiteral("Extension folder (default: .)"));
    parser.addOptions({
        { QStringLiteral("plugin"), QStringLiteral("The extension's workbench plugin module."),
            QStringLiteral("file") },
        { QStringLiteral("port"), QStringLiteral("Listener port."), QStringLiteral("port"),
            QStringLiteral("8080") },
        { QStringLiteral("sandbox-port"), QStringLiteral("Sandbox platform port."),
            QStringLiteral("port"), QStringLiteral("8090") },
        { QStringLiteral("auth"),
            QStringLiteral("Delivery auth: auto, hmac, runtime-token, both, none."),
            QStringLiteral("mode"), QStringLiteral("auto") },
        { QStringLiteral("rate-limit"), QStringLiteral("Sandbox API calls allowed per window."),
            QStringLiteral("n"), QStringLiteral("600") },
        { QStringLiteral("rate-window"), QStringLiteral("The rate-limit window in seconds."),
            QStringLiteral("s"), QStringLiteral("60") },
        { QStringLiteral("retention"), QStringLiteral("Exchanges kept in the history."),
            QStringLiteral("n"), QStringLiteral("10000") },
    });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    const QString folder = parser.positionalArguments().value(0, QStringLiteral("."));
    const auto mode = kiket::authModeFromString(parser.value(QStringLiteral("auth")));
    if (!parser.isSet(QStringLiteral("plugin")) || !mode) {
        err << "kiket-workbench: serve needs --plugin (a module built with "
               "kiket_add_extension_plugin) and a known --auth"
            << Qt::endl;
        return ExitUsage;
    }
    bool numbers[3];
    const int rateLimit = parser.value(QStringLiteral("rate-limit")).toInt(&numbers[0]);
    const int rateWindow = parser.value(QStringLiteral("rate-window")).toInt(&numbers[1]);
    const int retention = parser.value(QStringLiteral("retention")).toInt(&numbers[2]);
    if (!numbers[0] || !numbers[1] || !numbers[2] || rateLimit < 1 || rateWindow < 1
        || retention < 1) {
        err << "kiket-workbench: --rate-limit, --rate-window and --retention take whole numbers "
               "of at least 1"
            << Qt::endl;
        return ExitUsage;
    }
    auto plugin = kiket::devkit::ExtensionPlugin::load(parser.value(QStringLiteral("plugin")));
    if (!plugin) {
        err << "kiket-workbench: " << plugin.error().message << Qt::endl;
        return ExitFailed;
    }
    auto config = kiket::resolveConfig([&] {
        kiket::SdkOptions o;
        o.manifestFolder = folder;
        return o;
    }());
    if (!config) {
        err << "kiket-workbench: " << config.error().toString() << Qt::endl;
        return ExitFailed;
    }
    kiket::devkit::SandboxOptions sandboxOptions;
    sandboxOptions.folder = folder;
    sandboxOptions.port = quint16(parser.value(QStringLiteral("sandbox-port")).toUInt());
    sandboxOptions.extensionId = config.value().extensionId;
    sandboxOptions.extensionVersion = config.value().extensionVersion;
    sandboxOptions.workspaceToken = config.value().workspaceToken;
    sandboxOptions.rateLimit = rateLimit;
    sandboxOptions.rateWindowSeconds = rateWindow;
    auto captures = kiket::devkit::CaptureWriter::open(folder, retention);
    if (!captures) {
        err << "kiket-workbench: " << captures.error().message << Qt::endl;
        return ExitFailed;
    }
    if (!captures.value()->warning().isEmpty())
        err << "kiket-workbench: " << captures.value()->warning() << Qt::endl;
    auto sandbox = kiket::devkit::SandboxPlatform::start(sandboxOptions);
    if (!sandbox) {
        err << "kiket-workbench: sandbox: " << sandbox.error().toString() << Qt::endl;
        return ExitFailed;
    }
    kiket::devkit::CaptureWriter *writer = captures.value().get();
    sandbox.value()->setObserver([writer](const kiket::devkit::SandboxCall &call) {
        kiket::devkit::Exchange e = kiket::devkit::apiCallExchange(call);
        const auto id = writer->append(e);
        e.id = id ? id.value() : 0;
        printExchange(e);
    });

    kiket::SdkOptions options;
    options.manifestFolder = folder;
    options.authMode = *mode;
    options.baseUrl = sandbox.value()->baseUrl();
    options.trustedBaseUrls = { sandbox.value()->baseUrl() };
    options.telemetryUrl = sandbox.value()->baseUrl() + QStringLiteral("/api/v1/ext/telemetry");
    auto listener = kiket::devkit::Listener::start(options, plugin.value(), *writer,
        QStringLiteral("127.0.0.1"), quint16(parser.value(QStringLiteral("port")).toUInt()),
        printExchange);
    if (!listener) {
        err << "kiket-workbench: listener: " << listener.error().toString() << Qt::endl;
        return ExitFailed;
    }
    std::unique_ptr<kiket::devkit::Listener> running = std::move(listener).value();
    err << "kiket-workbench: listening on http://127.0.0.1:" << running->port()
        << ", sandbox platform on " << sandbox.value()->baseUrl() << Qt::endl;
    running->watchModule([&err, &running](const kiket::Result<bool> &reloaded) {
        if (reloaded)
            err << "kiket-workbench: reloaded " << running->pluginPath() << Qt::endl;
        else
            err << "kiket-workbench: reload failed, the previous build keeps running: "
                << reloaded.error().message << Qt::endl;
    });

    kiket::execUntilStopSignal();
    running.reset(); // no delivery in flight after this; the sandbox and the store close next
    err << "kiket-workbench: stopped" << Qt::endl;
    return ExitOk;
}
