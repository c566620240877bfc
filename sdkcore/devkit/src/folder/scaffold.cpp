// New extension folders from the templates compiled in as :/kiket/templates/<language>/.
#include "kiket/devkit/folder/scaffold.h"

#include "kiket/devkit/folder/manifestlint.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QSaveFile>

namespace kiket::devkit {

namespace {

using Vars = QMap<QString, QString>;

QByteArray resource(const QString &path)
{
    QFile file(QStringLiteral(":/kiket/templates/") + path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing template %s", qPrintable(path)); // compiled in: a build mistake
    return file.readAll();
}

// The template with each {{key}} of vars replaced.
QString fill(const QString &path, const Vars &vars)
{
    QString text = QString::fromUtf8(resource(path));
    for (auto it = vars.begin(); it != vars.end(); ++it)
        text.replace(QStringLiteral("{{%1}}").arg(it.key()), it.value());
    return text;
}

// Lower case, runs of anything else as one dash: "My CRM_sync" -> "my-crm-sync".
QString slugOf(const QString &text)
{
    static const QRegularExpression other(QStringLiteral("[^a-z0-9]+"));
    QString slug = text.toLower().replace(other, QStringLiteral("-"));
    while (slug.startsWith(QLatin1Char('-')))
        slug.remove(0, 1);
    while (slug.endsWith(QLatin1Char('-')))
        slug.chop(1);
    if (slug.isEmpty() || !slug.front().isLetter())
        slug.prepend(QStringLiteral("ext-"));
    return slug;
}

QString wordsOf(const QString &slug)
{
    QString words = QString(slug).replace(QLatin1Char('-'), QLatin1Char(' '));
    words[0] = words[0].toUpper();
    return words;
}

QString functionOf(const QString &event)
{
    static const QRegularExpression other(QStringLiteral("[^a-z0-9]+"));
    return event.toLower().replace(other, QStringLiteral("_")) + QStringLiteral("_v1");
}

const QMap<QString, QString> &languageNames()
{
    static const QMap<QString, QString> names { { QStringLiteral("cpp"), QStringLiteral("C++") },
        { QStringLiteral("python"), QStringLiteral("Python") },
        { QStringLiteral("node"), QStringLiteral("Node.js") },
        { QStringLiteral("ruby"), QStringLiteral("Ruby") } };
    return names;
}

// Template file -> file written, for each language; "handler" snippets are filled per event.
const QMap<QString, QList<std::pair<QString, QString>>> &languageFiles()
{
    static const QMap<QString, QList<std::pair<QString, QString>>> files {
        { QStringLiteral("cpp"),
            { { "cpp/CMakeLists.txt", "CMakeLists.txt" }, { "cpp/handlers.cpp", "handlers.cpp" },
                { "cpp/main.cpp", "main.cpp" }, { "cpp/workbench.yaml", ".kiket/workbench.yaml" } } },
        { QStringLiteral("python"),
            { { "python/extension.py", "extension.py" },
                { "python/requirements.txt", "requirements.txt" },
                { "python/workbench.yaml", ".kiket/workbench.yaml" } } },
        { QStringLiteral("node"),
            { { "node/package.json", "package.json" }, { "node/npmrc", ".npmrc" },
                { "node/index.js", "index.js" }, { "node/workbench.yaml", ".kiket/workbench.yaml" } } },
        { QStringLiteral("ruby"),
            { { "ruby/Gemfile", "Gemfile" }, { "ruby/main.rb", "main.rb" },
                { "ruby/workbench.yaml", ".kiket/workbench.yaml" } } },
    };
    return files;
}

const char *handlerTemplate(const QString &language)
{
    return language == QLatin1String("cpp") ? "cpp/handler.cpp"
        : language == QLatin1String("python") ? "python/handler.py"
        : language == QLatin1String("node")   ? "node/handler.js"
                                              : "ruby/handler.rb";
}

Result<QStringList> checkedEvents(const QStringList &asked)
{
    QStringList events;
    for (const QString &raw : asked) {
        const QString event = raw.trimmed();
        if (event.isEmpty() || events.contains(event))
            continue;
        static const QRegularExpression external(QStringLiteral("^external\\.webhook\\.[A-Za-z0-9_.-]+$"));
        if (!knownEventNames().contains(event) && !external.match(event).hasMatch()) {
            const QString guess = nearestName(event, knownEventNames());
            return Error { QStringLiteral("scaffold.event"),
                QStringLiteral("'%1' is not a Kiket event%2").arg(event,
                    guess.isEmpty() ? QStringLiteral(" (known: %1)").arg(knownEventNames().join(", "))
                                    : QStringLiteral(": did you mean '%1'?").arg(guess)) };
        }
        events << event;
    }
    if (events.isEmpty())
        events << QStringLiteral("issue.created");
    return events;
}

Vars variablesFor(const ScaffoldOptions &options, const QStringList &events)
{
    const QString slug = slugOf(QFileInfo(QDir::cleanPath(options.folder)).fileName());
    Vars vars { { "id", options.id.isEmpty() ? QStringLiteral("com.example.") + slug : options.id },
        { "name", options.name.isEmpty() ? wordsOf(slug) : options.name },
        { "language", languageNames().value(options.language) }, { "sdk", options.language },
        { "slug", slug }, { "target", slug }, { "first_event", events.first() },
        { "event_list", events.join(QStringLiteral(", ")) } };
    QStringList quoted;
    for (const QString &event : events)
        quoted << QLatin1Char('`') + event + QLatin1Char('`');
    vars.insert("event_words", quoted.size() > 1
            ? quoted.mid(0, quoted.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ")
                + quoted.last()
            : quoted.first());
    QString handlers;
    QString table;
    QString canned;
    for (const QString &event : events) {
        const Vars one { { "event", event }, { "function", functionOf(event) } };
        handlers += fill(QString::fromLatin1(handlerTemplate(options.language)), one);
        if (options.language == QLatin1String("python"))
            table += fill(QStringLiteral("python/handler-entry.py"), one);
        canned += QStringLiteral("  - {event: %1, status: 200, body: {ok: true, event: %1, canned: "
                                 "true}}\n")
                      .arg(event);
    }
    vars.insert("handlers", handlers);
    vars.insert("handler_table", table);
    canned.chop(1);
    vars.insert("canned", canned);
    for (const char *notes : { "run-notes.md", "file-notes.md", "ci-steps.yml" }) {
        QString text = fill(options.language + QLatin1Char('/') + QLatin1String(notes), vars);
        if (QLatin1String(notes) != QLatin1String("ci-steps.yml"))
            text = text.trimmed();
        vars.insert(QString::fromLatin1(notes).section(QLatin1Char('.'), 0, 0).replace('-', '_'),
            text);
    }
    return vars;
}

} // namespace

QStringList scaffoldLanguages()
{
    return languageNames().keys();
}

Result<QStringList> createExtension(const ScaffoldOptions &options)
{
    if (!languageNames().contains(options.language))
        return Error { QStringLiteral("scaffold.language"),
            QStringLiteral("unknown language '%1': choose cpp, python, node or ruby")
                .arg(options.language) };
    static const QRegularExpression idFormat(QStringLiteral("^[a-z][a-z0-9.-]+$"));
    if (!options.id.isEmpty() && !idFormat.match(options.id).hasMatch())
        return Error { QStringLiteral("scaffold.id"),
            QStringLiteral("the id '%1' does not match ^[a-z][a-z0-9.-]+$ (e.g. com.example.crm)")
                .arg(options.id) };
    const auto events = checkedEvents(options.events);
    if (!events)
        return events.error();
    const QDir dir(options.folder);
    if (options.folder.isEmpty()
        || (dir.exists() && !dir.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)))
        return Error { QStringLiteral("scaffold.folder"),
            QStringLiteral("%1 is not empty: a new extension goes into a new or empty folder")
                .arg(options.folder.isEmpty() ? QStringLiteral("''") : options.folder) };

    const Vars vars = variablesFor(options, events.value());
    QList<std::pair<QString, QString>> files { { "common/extension.yaml", "extension.yaml" },
        { "common/README.md", "README.md" }, { "common/gitignore", ".gitignore" },
        { "common/kiket.yml", ".github/workflows/kiket.yml" },
        { "common/wrong-secret.yaml", ".kiket/suites/starter/wrong-secret.yaml" } };
    files += languageFiles().value(options.language);
    QList<std::pair<QString, QString>> texts; // file written -> text
    for (const auto &[from, to] : files)
        texts.append({ to, fill(from, vars) });
    for (const QString &event : events.value()) {
        Vars one = vars;
        one.insert("event", event);
        texts.append({ QStringLiteral(".kiket/suites/starter/%1.yaml").arg(event),
            fill(QStringLiteral("common/case.yaml"), one) });
    }
    QStringList written;
    for (const auto &[path, text] : texts) {
        const QString full = dir.filePath(path);
        QSaveFile file(full);
        const QByteArray bytes = text.toUtf8();
        if (!QDir().mkpath(QFileInfo(full).path()) || !file.open(QIODevice::WriteOnly)
            || file.write(bytes) != bytes.size() || !file.commit())
            return Error { QStringLiteral("scaffold.write"),
                QStringLiteral("cannot write %1: %2").arg(full, file.errorString()) };
        written << path;
    }
    return written;
}

} // namespace kiket::devkit
