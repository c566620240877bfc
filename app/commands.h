#pragma once

#include <QStringList>

class QTextStream;

class QCommandLineParser;

/// Parses a command's arguments (the first is its name); prints help or the error. False: stop with
/// *exitCode.
bool parse(QCommandLineParser &parser, const QStringList &arguments, QTextStream &out,
    QTextStream &err, int *exitCode);

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
