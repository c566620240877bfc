// `test`: runs an extension folder's delivery suites headless, for CI.
#include "commands.h"

#include <kiket/devkit/suite/suitereport.h>
#include <kiket/devkit/suite/suiterunner.h>

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QMutex>
#include <QSaveFile>
#include <QTextStream>

namespace {

using namespace kiket::devkit;

void printResult(const CaseResult &r, QTextStream &out)
{
    out << (r.passed() ? "PASS " : "FAIL ") << caseLabel(r) << "  ("
        << QString::number(r.outcome.durationMs, 'f', 1) << " ms";
    if (r.outcome.response.status)
        out << ", HTTP " << r.outcome.response.status;
    out << ")\n";
    for (const QString &line : failureLines(r, QDir::current()))
        out << "  " << line << '\n';
    if (!r.passed() && !r.outcome.response.body.isEmpty()) {
        const QByteArray body = r.outcome.response.body;
        out << "  the answer: " << QString::fromUtf8(body.left(400))
            << (body.size() > 400 ? "…" : "") << '\n';
    }
    if (!r.passed() && !r.log.isEmpty()) {
        out << "  the extension printed:\n";
        for (const QString &line : r.log)
            out << "    " << line << '\n';
    }
    out.flush();
}

bool writeFile(const QString &path, const QByteArray &data, QTextStream &err)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(data) == data.size() && file.commit())
        return true;
    err << "kiket-workbench: cannot write " << path << ": " << file.errorString() << Qt::endl;
    return false;
}

} // namespace

int runTest(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the delivery suites of an extension folder (.kiket/suites/NAME/*.yaml|json): starts "
        "the\nsandbox and the extension as 'serve' does, with a fresh sandbox seeded from "
        ".kiket/fixtures.yaml,\nsends each case and checks what it expects. Prints one line per "
        "case and 'N passed, M failed'.\nExit code 0 when all pass, 1 when one fails, 2 for a "
        "usage error or a broken case file."));
    parser.addPositionalArgument(
        QStringLiteral("folder"), QStringLiteral("Extension folder (default: .)"));
    parser.addOptions({
        { QStringLiteral("suite"), QStringLiteral("Run only this suite."), QStringLiteral("name") },
        { QStringLiteral("junit"), QStringLiteral("Also write JUnit XML to this file."),
            QStringLiteral("file") },
        { QStringLiteral("json"), QStringLiteral("Print the results as one JSON document.") },
        { QStringLiteral("plugin"),
            QStringLiteral("Load this C++ extension module in-process (skips the build)."),
            QStringLiteral("file") },
        { QStringLiteral("handler"), QStringLiteral("in-process, forward or canned."),
            QStringLiteral("kind") },
        { QStringLiteral("timeout"), QStringLiteral("Wait this long for each answer."),
            QStringLiteral("ms"), QStringLiteral("10000") },
    });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    const QString folder = parser.positionalArguments().value(0, QStringLiteral("."));
    if (!QFileInfo(folder).isDir()) {
        err << "kiket-workbench: no such folder: " << folder << Qt::endl;
        return ExitUsage;
    }
    bool timeoutOk = false;
    const int timeoutMs = parser.value(QStringLiteral("timeout")).toInt(&timeoutOk);
    SessionOverrides overrides;
    overrides.plugin = parser.value(QStringLiteral("plugin"));
    if (parser.isSet(QStringLiteral("handler"))) {
        overrides.handler = handlerKindFromName(parser.value(QStringLiteral("handler")));
        if (!overrides.handler) {
            err << "kiket-workbench: --handler takes in-process, forward or canned" << Qt::endl;
            return ExitUsage;
        }
    }
    if (!timeoutOk || timeoutMs < 100 || timeoutMs > 60000) {
        err << "kiket-workbench: --timeout takes 100–60000 ms" << Qt::endl;
        return ExitUsage;
    }

    const auto suites = loadSuites(folder, parser.value(QStringLiteral("suite")));
    if (!suites) {
        const kiket::Error &e = suites.error();
        // "FILE: message" from loadSuites becomes "FILE:LINE:COLUMN: message".
        const qsizetype colon = e.message.indexOf(QStringLiteral(": "));
        if (e.line > 0 && colon > 0)
            err << QDir::current().relativeFilePath(e.message.left(colon)) << ':' << e.line << ':'
                << e.column << ": " << e.message.mid(colon + 2) << Qt::endl;
        else
            err << "kiket-workbench: " << e.message << Qt::endl;
        return ExitUsage;
    }
    int cases = 0;
    for (const Suite &s : suites.value())
        cases += int(s.cases.size());
    if (cases == 0) {
        err << "kiket-workbench: no cases in " << suitesPath(folder)
            << " (one .yaml or .json file per case, in a folder per suite)" << Qt::endl;
        return ExitUsage;
    }

    const bool json = parser.isSet(QStringLiteral("json"));
    auto started = SuiteRunner::start(folder, overrides, [](const QString &message) {
        static QMutex mutex; // messages come from the session's thread
        QMutexLocker lock(&mutex);
        QTextStream(stderr) << "kiket-workbench: " << message << Qt::endl;
    });
    if (!started) {
        err << "kiket-workbench: " << started.error().toString() << Qt::endl;
        return ExitFailed;
    }
    std::unique_ptr<SuiteRunner> runner = std::move(started).value();
    runner->setTimeoutMs(timeoutMs);
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    const QList<CaseResult> results = runner->runAll(suites.value(), [&](const CaseResult &r) {
        if (!json)
            printResult(r, out);
    });
    runner.reset();
    const QJsonObject summary = suiteResultsJson(results);
    const int failed = summary.value(QStringLiteral("failed")).toInt();
    if (json)
        out << QJsonDocument(summary).toJson(QJsonDocument::Indented);
    else
        out << summary.value(QStringLiteral("passed")).toInt() << " passed, " << failed
            << " failed" << Qt::endl;
    if (parser.isSet(QStringLiteral("junit"))
        && !writeFile(parser.value(QStringLiteral("junit")),
            suiteResultsJUnit(results, startedAt), err))
        return ExitFailed;
    return failed == 0 ? ExitOk : ExitFailed;
}
