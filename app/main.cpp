// kiket-workbench: the command line of the workbench (the window arrives in a later version).
#include "commands.h"

#include <QCoreApplication>
#include <QHash>
#include <QTextStream>

namespace {

const char kUsage[]
    = "usage: kiket-workbench COMMAND [options]\n"
      "\n"
      "Commands:\n"
      "  serve    run the sandbox platform and the listener for an extension folder\n"
      "  send     send a delivery as the platform does\n"
      "  replay   send a captured delivery again, in a replay mode\n"
      "  export   write captured exchanges as HAR, NDJSON, a curl command or a fixture\n"
      "  diff     compare two captured exchanges\n"
      "  verify   check an HMAC signature and explain the verdict\n"
      "  token    mint a runtime token with the folder's sandbox key, or decode one\n"
      "\n"
      "Run 'kiket-workbench COMMAND --help' for a command's options.\n";

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("kiket-workbench"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList arguments = app.arguments();
    arguments.removeFirst(); // the program; each command parses "COMMAND options…"
    const QString command = arguments.value(0);
    using Command = int (*)(const QStringList &, QTextStream &, QTextStream &);
    static const QHash<QString, Command> commands { { QStringLiteral("serve"), runServe },
        { QStringLiteral("send"), runSend }, { QStringLiteral("replay"), runReplay },
        { QStringLiteral("export"), runExport }, { QStringLiteral("diff"), runDiff },
        { QStringLiteral("verify"), runVerify }, { QStringLiteral("token"), runToken } };
    if (const Command run = commands.value(command))
        return run(arguments, out, err);
    if (command == QLatin1String("--help") || command == QLatin1String("-h")
        || command == QLatin1String("help")) {
        out << kUsage;
        return ExitOk;
    }
    err << (command.isEmpty()
            ? QStringLiteral("kiket-workbench: no command given (try --help)")
            : QStringLiteral("kiket-workbench: unknown command '%1' (try --help)").arg(command))
        << Qt::endl;
    return ExitUsage;
}
