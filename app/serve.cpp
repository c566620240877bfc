// `serve`: an extension folder headless — sandbox, listener, the extension's process — as NDJSON.
#include "commands.h"
#include "ndjsonprinter.h"

#include <kiket/devkit/session.h>
#include <kiket/sdk.h>

#include <QCommandLineParser>
#include <QMutex>
#include <QTextStream>

namespace {

void printMessage(const QString &message)
{
    static QMutex mutex;
    QMutexLocker lock(&mutex);
    QTextStream(stderr) << "kiket-workbench: " << message << Qt::endl;
}

// A whole number option of at least `min`, or nothing when it is not one.
std::optional<int> number(const QCommandLineParser &parser, const QString &name, int min)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    return ok && value >= min ? std::optional<int>(value) : std::nullopt;
}

} // namespace

int runServe(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs an extension folder: the sandbox platform, the listener and, for extensions with "
        "their own\nserver, the extension itself (as .kiket/workbench.yaml says, or as detected). "
        "Prints one NDJSON\nline per exchange and per line the extension prints on stdout "
        "(secrets redacted; none with --quiet); messages\ngo to stderr. Stops on SIGINT or SIGTERM, stopping the "
        "extension too."));
    parser.addPositionalArgument(
        QStringLiteral("folder"), QStringLiteral("Extension folder (default: .)"));
    parser.addOptions({
        { QStringLiteral("plugin"),
            QStringLiteral("Load this C++ extension module in-process (skips the build)."),
            QStringLiteral("file") },
        { QStringLiteral("handler"), QStringLiteral("in-process, forward or canned."),
            QStringLiteral("kind") },
        { QStringLiteral("port"), QStringLiteral("Listener port (default 8080)."),
            QStringLiteral("port") },
        { QStringLiteral("sandbox-port"), QStringLiteral("Sandbox platform port (default 8090)."),
            QStringLiteral("port") },
        { QStringLiteral("auth"),
            QStringLiteral("Delivery auth: auto, hmac, runtime-token, both, none."),
            QStringLiteral("mode") },
        { QStringLiteral("rate-limit"), QStringLiteral("Sandbox API calls allowed per window."),
            QStringLiteral("n"), QStringLiteral("600") },
        { QStringLiteral("rate-window"), QStringLiteral("The rate-limit window in seconds."),
            QStringLiteral("s"), QStringLiteral("60") },
        { QStringLiteral("retention"), QStringLiteral("Exchanges kept in the history."),
            QStringLiteral("n"), QStringLiteral("10000") },
        { QStringLiteral("quiet"),
            QStringLiteral("Print no exchanges (they are still captured); messages only.") },
    });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    kiket::devkit::SessionOverrides overrides;
    overrides.plugin = parser.value(QStringLiteral("plugin"));
    const auto rateLimit = number(parser, QStringLiteral("rate-limit"), 1);
    const auto rateWindow = number(parser, QStringLiteral("rate-window"), 1);
    const auto retention = number(parser, QStringLiteral("retention"), 1);
    if (!rateLimit || !rateWindow || !retention) {
        err << "kiket-workbench: --rate-limit, --rate-window and --retention take whole numbers "
               "of at least 1"
            << Qt::endl;
        return ExitUsage;
    }
    overrides.rateLimit = *rateLimit;
    overrides.rateWindowSeconds = *rateWindow;
    overrides.retention = *retention;
    for (const char *name : { "port", "sandbox-port" }) {
        if (!parser.isSet(QLatin1String(name)))
            continue;
        const auto port = number(parser, QLatin1String(name), 0);
        if (!port || *port > 65535) {
            err << "kiket-workbench: --" << name << " takes a port number" << Qt::endl;
            return ExitUsage;
        }
        (QLatin1String(name) == QLatin1String("port") ? overrides.listenerPort
                                                      : overrides.sandboxPort)
            = *port;
    }
    if (parser.isSet(QStringLiteral("handler"))) {
        overrides.handler
            = kiket::devkit::handlerKindFromName(parser.value(QStringLiteral("handler")));
        if (!overrides.handler) {
            err << "kiket-workbench: --handler takes in-process, forward or canned" << Qt::endl;
            return ExitUsage;
        }
    }
    overrides.auth = parser.value(QStringLiteral("auth"));
    if (!overrides.auth.isEmpty() && !kiket::authModeFromString(overrides.auth)) {
        err << "kiket-workbench: --auth takes auto, hmac, runtime-token, both or none" << Qt::endl;
        return ExitUsage;
    }

    // Before the session and gone after it: the session's last exchanges are still printed.
    std::optional<NdjsonPrinter> printer;
    kiket::devkit::Session::CaptureHook onCaptured;
    if (!parser.isSet(QStringLiteral("quiet"))) {
        printer.emplace(stdout);
        onCaptured = [&printer](const kiket::devkit::Exchange &e) { printer->print(e); };
    }
    auto opened
        = kiket::devkit::Session::open(parser.positionalArguments().value(0, QStringLiteral(".")),
            overrides, onCaptured, printMessage);
    if (!opened) {
        err << "kiket-workbench: " << opened.error().toString() << Qt::endl;
        return ExitFailed;
    }
    std::unique_ptr<kiket::devkit::Session> session = std::move(opened).value();
    printMessage(QStringLiteral("listening on %1, sandbox platform on %2")
                     .arg(session->listenerUrl(), session->sandboxUrl()));
    kiket::execUntilStopSignal();
    session.reset(); // the listener, the extension and the sandbox stop in that order
    err << "kiket-workbench: stopped" << Qt::endl;
    return ExitOk;
}
