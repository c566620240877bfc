// `new`: a new extension folder from a template, ready to open, serve and test.
#include "commands.h"

#include <kiket/devkit/folder/scaffold.h>

#include <QCommandLineParser>
#include <QDir>
#include <QTextStream>

int runNew(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    using namespace kiket::devkit;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Creates an extension folder: a manifest, a handler per event, a README, a .gitignore,\n"
        ".kiket/workbench.yaml with canned answers, a starter suite and a CI workflow.\n"
        "Exit 0 when written; 2 for a usage error (nothing is written then)."));
    parser.addPositionalArgument(
        QStringLiteral("folder"), QStringLiteral("The new folder (it may exist if empty)."));
    parser.addOptions({
        { QStringLiteral("language"), QStringLiteral("cpp, python, node or ruby."),
            QStringLiteral("language") },
        { QStringLiteral("id"), QStringLiteral("The extension id (default com.example.FOLDER)."),
            QStringLiteral("id") },
        { QStringLiteral("name"), QStringLiteral("Its name (default: the folder's, in words)."),
            QStringLiteral("name") },
        { QStringLiteral("events"),
            QStringLiteral("Events to handle, comma-separated (default issue.created)."),
            QStringLiteral("list") },
    });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    if (parser.positionalArguments().size() != 1 || !parser.isSet(QStringLiteral("language"))) {
        err << "kiket-workbench: new takes a folder and --language "
            << scaffoldLanguages().join(QLatin1Char('|')) << Qt::endl;
        return ExitUsage;
    }
    ScaffoldOptions options;
    options.folder = parser.positionalArguments().first();
    options.language = parser.value(QStringLiteral("language"));
    options.id = parser.value(QStringLiteral("id"));
    options.name = parser.value(QStringLiteral("name"));
    options.events = parser.value(QStringLiteral("events")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    const auto written = createExtension(options);
    if (!written) {
        err << "kiket-workbench: " << written.error().message << Qt::endl;
        return ExitUsage;
    }
    const QString folder = QDir::toNativeSeparators(options.folder);
    out << "Created " << folder << ":\n";
    for (const QString &file : written.value())
        out << "  " << file << '\n';
    out << "\nNext:\n"
        << "  kiket-workbench open " << folder << "    # the window (or serve, headless)\n"
        << "  kiket-workbench test " << folder << "    # the starter suite\n";
    return ExitOk;
}
