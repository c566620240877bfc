#pragma once

#include <QStringList>

class QTextStream;
class QCommandLineParser;

namespace kiket {
struct HttpRequest;
struct HttpResponse;
} // namespace kiket

/// Parses a command's arguments (the first is its name); prints help or the error. False: stop with
/// *exitCode.
bool parse(QCommandLineParser &parser, const QStringList &arguments, QTextStream &out,
    QTextStream &err, int *exitCode);

/// Reads a file, or standard input for "-" or an empty name; false (and a message) on failure.
bool readInput(const QString &name, QByteArray *data, QTextStream &err);
/// --secret when given, else $KIKET_WEBHOOK_SECRET (the parser must have a "secret" option).
QByteArray webhookSecret(const QCommandLineParser &parser);
/// Prints a delivery's answer ("HTTP 200 OK  <delivery id>" and the body); the exit code for it.
int printAnswer(const QString &to, const kiket::HttpRequest &request,
    const kiket::HttpResponse &response, QTextStream &out, QTextStream &err);

/// Exit codes of the command line: success, a negative answer (e.g. an invalid signature), a usage
/// error.
enum ExitCode { ExitOk = 0, ExitFailed = 1, ExitUsage = 2 };

/// `verify --secret S --timestamp T --signature X [FILE|-]`: explains an HMAC signature.
int runVerify(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `send EVENT [--version V] [--payload FILE|-] [--scopes a,b] [--secret S] [--to URL] [--mode
/// MODE]`.
int runSend(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `serve [FOLDER] --plugin FILE [--port P] [--sandbox-port Q] [--auth MODE]`: sandbox + listener.
int runServe(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `token mint [--scopes a,b] [--folder DIR] [--lifetime S]` and `token decode [TOKEN|-]`.
int runToken(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `replay ID [--mode MODE] [--secret S] [--to URL] [--folder DIR]`.
int runReplay(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `export --har|--ndjson|--curl|--fixture FILE [--id N]… [--last N] [--reveal-secrets]`.
int runExport(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `diff ID ID [--folder DIR]`: exit 0 when the same, 1 when they differ, 2 on an error.
int runDiff(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `lint [FOLDER|MANIFEST] [--json]`: exit 0 without errors, 1 with errors, 2 on a usage error.
int runLint(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `test [FOLDER] [--suite NAME] [--junit FILE] [--json]`: exit 0 when every case passes, 1 when
/// one fails, 2 on a usage error or a broken case file.
int runTest(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `new FOLDER --language cpp|python|node|ruby [--id ID] [--name N] [--events a,b]`.
int runNew(const QStringList &arguments, QTextStream &out, QTextStream &err);
/// `[open] [FOLDER] [--plugin FILE] [--port P] [--sandbox-port Q]`: the workbench window.
int runWindow(int argc, char *argv[]);
