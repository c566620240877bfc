// kiket-workbench: the command line of the workbench (the window arrives in a later version).
#include "commands.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

const char kUsage[]
    = "usage: kiket-workbench COMMAND [options]\n"
      "\n"
      "Commands:\n"
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
    if (command == QLatin1String("verify"))
        return runVerify(arguments, out, err);
    if (command == QLatin1String("serve"))
        return runServe(arguments, out, err);
    if (command == QLatin1String("send"))
        return runSend(arguments, out, err);
    if (command == QLatin1String("token"))
        return runToken(arguments, out, err);
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
