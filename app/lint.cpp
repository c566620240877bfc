// `lint`: the manifest rules of Kiket's CLI, with line, column, rule and a fix hint.
#include "commands.h"

#include <kiket/devkit/folder/manifestlint.h>
#include <kiket/manifest.h>

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

int runLint(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Checks an extension's manifest against the rules of Kiket's CLI `extensions lint`.\n"
        "Exit 0: no errors (warnings may remain); 1: errors; 2: usage, or no manifest to read."));
    parser.addPositionalArgument(QStringLiteral("folder"),
        QStringLiteral("The extension folder, or a manifest file (default: .)."));
    parser.addOption({ QStringLiteral("json"), QStringLiteral("Print the findings as JSON.") });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    if (parser.positionalArguments().size() > 1) {
        err << "kiket-workbench: lint takes one folder or manifest" << Qt::endl;
        return ExitUsage;
    }
    const QFileInfo given(parser.positionalArguments().value(0, QStringLiteral(".")));
    const QString folder = given.isDir() ? given.absoluteFilePath() : given.absolutePath();
    const QString path = given.isDir() ? kiket::findManifest(folder) : given.absoluteFilePath();
    if (path.isEmpty()) {
        err << "kiket-workbench: no manifest in " << QDir::toNativeSeparators(folder) << " (tried "
            << kiket::manifestSearchOrder().join(QStringLiteral(", ")) << ')' << Qt::endl;
        return ExitUsage;
    }
    QByteArray yaml;
    if (!readInput(path, &yaml, err))
        return ExitUsage;

    const QList<kiket::devkit::LintFinding> findings = kiket::devkit::lintManifest(yaml, folder);
    const bool failed = std::any_of(findings.begin(), findings.end(),
        [](const kiket::devkit::LintFinding &f) { return f.isError(); });
    const QString shown = QDir(QDir::currentPath()).relativeFilePath(path);
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const auto &f : findings)
            list << f.toJson();
        out << QJsonDocument(QJsonObject { { "manifest", shown }, { "findings", list },
                                 { "ok", !failed } })
                   .toJson(QJsonDocument::Indented);
    } else {
        for (const auto &f : findings) {
            const QString file = f.file.isEmpty() ? shown
                                                  : QDir(QDir::currentPath()).relativeFilePath(
                                                      QDir(folder).filePath(f.file));
            out << (f.line > 0 ? QStringLiteral("%1:%2:%3").arg(file).arg(f.line).arg(f.column)
                               : QDir(QDir::currentPath()).relativeFilePath(folder))
                << ": " << (f.isError() ? "error" : "warning") << ": " << f.message << " ["
                << f.rule << "]\n";
            if (!f.hint.isEmpty())
                out << "    hint: " << f.hint << '\n';
        }
        out << shown << ": " << kiket::devkit::lintSummary(findings) << Qt::endl;
    }
    return failed ? ExitFailed : ExitOk;
}
