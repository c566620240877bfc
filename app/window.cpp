// `kiket-workbench [open] [FOLDER]`: the workbench window on an extension folder.
#include "commands.h"

#include <kiket/devkit/session.h>
#include <mainwindow.h>
#include <trafficmodel.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QTextStream>

namespace {

// Opens the folder in a window and runs until it closes. *next is the folder the user chose to
// open instead, if any. False when the folder could not be opened (the user was told why).
bool openWindow(const QString &folder, const kiket::devkit::SessionOverrides &overrides,
    QString *next, int *result)
{
    kiket::ui::TrafficModel traffic(
        nullptr, overrides.retention); // the list shows all that is kept
    kiket::ui::MainWindow *window = nullptr;
    auto session = kiket::devkit::Session::open(
        folder, overrides,
        [&traffic](const kiket::devkit::Exchange &e) {
            if (e.kind != kiket::devkit::ExchangeKind::Log) // output lines belong to the detail
                traffic.add(kiket::devkit::summaryOf(e));
        },
        [&window](const QString &message) {
            if (window)
                window->showMessage(message);
            else
                QTextStream(stderr) << "kiket-workbench: " << message << Qt::endl;
        });
    if (!session) {
        QTextStream(stderr) << "kiket-workbench: " << session.error().toString() << Qt::endl;
        QMessageBox::critical(nullptr, QStringLiteral("Kiket Workbench"),
            QStringLiteral("%1\n\n%2").arg(folder, session.error().toString()));
        return false;
    }
    QList<kiket::devkit::ExchangeSummary> history;
    for (const auto &row : session.value()->captures().loadSummaries()) {
        if (row.kind != kiket::devkit::ExchangeKind::Log)
            history << row;
    }
    traffic.reset(history);
    kiket::ui::MainWindow main(*session.value(), traffic);
    window = &main;
    QObject::connect(&main, &kiket::ui::MainWindow::openFolderRequested, &main,
        [&main, next](const QString &chosen) {
            *next = chosen;
            main.close();
        });
    main.show();
    *result = QApplication::exec();
    window = nullptr;
    return true;
}

} // namespace

int runWindow(int argc, char *argv[])
{
    // Our options are ours: Qt would take --plugin for one of its own.
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    int qtArgc = 1;
    QApplication app(qtArgc, argv);
    app.setApplicationName(QStringLiteral("kiket-workbench"));
    app.setOrganizationName(QStringLiteral("Kiket"));
    app.setDesktopFileName(QStringLiteral("kiket-workbench"));
    app.setWindowIcon(QIcon(QStringLiteral(":/kiket/kiket-workbench.svg")));
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (arguments.value(0) == QLatin1String("open"))
        arguments.removeFirst();
    arguments.prepend(QStringLiteral("open"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Opens the workbench window on an extension folder."));
    parser.addPositionalArgument(
        QStringLiteral("folder"), QStringLiteral("Extension folder (default: .)"));
    parser.addOptions(
        { { QStringLiteral("plugin"), QStringLiteral("Load this C++ module in-process."),
              QStringLiteral("file") },
            { QStringLiteral("port"), QStringLiteral("Listener port (default 8080)."),
                QStringLiteral("port") },
            { QStringLiteral("sandbox-port"), QStringLiteral("Sandbox port (default 8090)."),
                QStringLiteral("port") },
            { QStringLiteral("retention"),
                QStringLiteral("Exchanges kept in the capture and the list (default 10000)."),
                QStringLiteral("n") } });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    kiket::devkit::SessionOverrides overrides;
    overrides.plugin = parser.value(QStringLiteral("plugin"));
    if (parser.isSet(QStringLiteral("port")))
        overrides.listenerPort = parser.value(QStringLiteral("port")).toInt();
    if (parser.isSet(QStringLiteral("sandbox-port")))
        overrides.sandboxPort = parser.value(QStringLiteral("sandbox-port")).toInt();
    if (parser.isSet(QStringLiteral("retention")))
        overrides.retention = qMax(100, parser.value(QStringLiteral("retention")).toInt());

    // One session per opened folder: choosing another folder closes this one and opens that.
    QString folder = parser.positionalArguments().value(0, QStringLiteral("."));
    const QString first = folder;
    const QString plugin = overrides.plugin; // given for the first folder only
    QString previous;
    int result = ExitOk;
    while (!folder.isEmpty()) {
        QString next;
        overrides.plugin = folder == first ? plugin : QString();
        const bool opened = openWindow(folder, overrides, &next, &result);
        if (!opened && (previous.isEmpty() || folder == previous))
            return ExitFailed;
        if (!opened)
            next = previous; // back to the folder that worked
        else
            previous = folder;
        folder = next;
    }
    return result;
}
