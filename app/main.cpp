// kiket-workbench: the workbench window, and its command line.
#include "commands.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>
#include <QTextStream>

namespace {

const char kUsage[]
    = "usage: kiket-workbench COMMAND [options]\n"
      "\n"
      "Commands:\n"
      "  open     the workbench window on an extension folder (also: no command, or a folder)\n"
      "  serve    run the sandbox platform and the listener for an extension folder\n"
      "  send     send a delivery as the platform does\n"
      "  replay   send a captured delivery again, in a replay mode\n"
      "  export   write captured exchanges as HAR, NDJSON, a curl command or a fixture\n"
      "  diff     compare two captured exchanges\n"
      "  verify   check an HMAC signature and explain the verdict\n"
      "  token    mint a runtime token with the folder's sandbox key, or decode one\n"
      "  lint     check the manifest against the rules of Kiket's CLI\n"
      "  test     run the folder's delivery suites (.kiket/suites) and report\n"
      "  new      create an extension folder from a template (cpp, python, node, ruby)\n"
      "\n"
      "Run 'kiket-workbench COMMAND --help' for a command's options.\n";

using Command = int (*)(const QStringList &, QTextStream &, QTextStream &);

Command commandNamed(const QString &name)
{
    static const QHash<QString, Command> commands { { QStringLiteral("serve"), runServe },
        { QStringLiteral("send"), runSend }, { QStringLiteral("replay"), runReplay },
        { QStringLiteral("export"), runExport }, { QStringLiteral("diff"), runDiff },
        { QStringLiteral("verify"), runVerify }, { QStringLiteral("token"), runToken },
        { QStringLiteral("lint"), runLint }, { QStringLiteral("test"), runTest },
        { QStringLiteral("new"), runNew } };
    return commands.value(name);
}

} // namespace

int main(int argc, char *argv[])
{
    // No command, or "open": the window. Every other command runs without a display.
    const QByteArray first = argc > 1 ? QByteArray(argv[1]) : QByteArray();
    // A folder named like a command (`test`, `new`) opens with `open NAME`.
    const QString named = QString::fromLocal8Bit(first);
    if (first.isEmpty() || first == "open" || (!commandNamed(named) && QFileInfo(named).isDir()))
        return runWindow(argc, argv);
    QCoreApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("kiket-workbench"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList arguments = app.arguments();
    arguments.removeFirst(); // the program; each command parses "COMMAND options…"
    const QString command = arguments.value(0);
    if (const Command run = commandNamed(command))
        return run(arguments, out, err);
    if (command == QLatin1String("--help") || command == QLatin1String("-h")
        || command == QLatin1String("help")) {
        out << kUsage;
        return ExitOk;
    }
    err << QStringLiteral("kiket-workbench: unknown command '%1' (try --help)").arg(command)
        << Qt::endl;
    return ExitUsage;
}
