// `kiket-workbench [open] [FOLDER]`: the workbench window on an extension folder.
#include "commands.h"

#include <kiket/devkit/session.h>
#include <mainwindow.h>
#include <trafficmodel.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTextStream>

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
                QStringLiteral("port") } });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    kiket::devkit::SessionOverrides overrides;
    overrides.plugin = parser.value(QStringLiteral("plugin"));
    if (parser.isSet(QStringLiteral("port")))
        overrides.listenerPort = parser.value(QStringLiteral("port")).toInt();
    if (parser.isSet(QStringLiteral("sandbox-port")))
        overrides.sandboxPort = parser.value(QStringLiteral("sandbox-port")).toInt();

    kiket::ui::TrafficModel traffic;
    kiket::ui::MainWindow *window = nullptr;
    auto session = kiket::devkit::Session::open(
        parser.positionalArguments().value(0, QStringLiteral(".")), overrides,
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
        err << "kiket-workbench: " << session.error().toString() << Qt::endl;
        QMessageBox::critical(
            nullptr, QStringLiteral("Kiket Workbench"), session.error().toString());
        return ExitFailed;
    }
    QList<kiket::devkit::ExchangeSummary> history;
    for (const auto &row : session.value()->captures().loadSummaries()) {
        if (row.kind != kiket::devkit::ExchangeKind::Log)
            history << row;
    }
    traffic.reset(history);
    kiket::ui::MainWindow main(*session.value(), traffic);
    window = &main;
    main.show();
    const int result = app.exec();
    window = nullptr;
    return result;
}
