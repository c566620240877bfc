#include "kiket/devkit/folder/manifestlint.h"

#include "kiket/devkit/sandbox/apiroute.h"
#include "kiket/devkit/delivery/eventcatalogue.h"
#include "manifestlint_p.h"

#include <kiket/manifest.h>

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <tuple>

namespace kiket::devkit {

namespace {

using Severity = LintFinding::Severity;

// The event names of PROTOCOL.md §5; `external.webhook.<action>` is matched by prefix.
const QStringList &protocolEvents()
{
    static const QStringList names { "issue.created", "issue.updated", "issue.transitioned",
        "issue.assigned", "issue.commented", "issue.closed", "comment.created", "case.created",
        "workflow.before_transition", "workflow.after_transition", "workflow.triggered",
        "workflow.sla_status", "sla.warning", "sla.breach", "approval.requested",
        "approval.granted", "approval.denied", "automation.dispatch", "schedule.cron",
        "extension.testConnection" };
    return names;
}

int editDistance(const QString &a, const QString &b)
{
    QList<int> row(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] = std::min({ row[j] + 1, row[j - 1] + 1,
                diagonal + (a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1) });
            diagonal = above;
        }
    }
    return row[b.size()];
}

QString nearest(const QString &word, const QStringList &candidates)
{
    QString best;
    int bestDistance = std::max<int>(3, word.size() / 3) + 1;
    for (const QString &c : candidates) {
        const int d = editDistance(word, c);
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    return best;
}


class Linter
{
public:
    explicit Linter(QString folder)
        : m_folder(std::move(folder))
    { }

    QList<LintFinding> findings;

    void lint(const YAML::Node &root)
    {
        if (!root.IsMap()) {
            add(Severity::Error, root, "manifest-shape", "the manifest must be a YAML mapping",
                "start with `extension:` (the CLI's form) or `id:` (the SDK's flat form)");
            return;
        }
        if (const YAML::Node extension = root["extension"]) {
            if (!extension.IsMap()) {
                add(Severity::Error, extension, "extension-map", "'extension' must be a mapping",
                    "indent id, name, version… under `extension:`");
                return;
            }
            nested(root, extension);
        } else {
            flat(root);
        }
        folderFiles();
    }

private:
    QString m_folder;
    QString m_file; // the file being read, relative to the folder; empty for the manifest

    void add(Severity severity, const YAML::Node &at, const QString &rule, const QString &message,
        const QString &hint = QString())
    {
        const YAML::Mark mark = at.Mark();
        findings << LintFinding { severity, rule, message, hint, m_file,
            mark.line >= 0 ? mark.line + 1 : 1, mark.column >= 0 ? mark.column + 1 : 1 };
    }

    // The node at `key`, or an error placed at the map when it is missing.
    YAML::Node required(const YAML::Node &map, const char *key, const QString &where,
        Severity severity = Severity::Error)
    {
        const YAML::Node node = map[key];
        if (!node)
            add(severity, map, "required-key",
                QStringLiteral("'%1%2' is missing").arg(where, QLatin1String(key)),
                QStringLiteral("add `%1:` to %2").arg(QLatin1String(key),
                    where.isEmpty() ? QStringLiteral("the manifest") : where.chopped(1)));
        return node;
    }

    bool isText(const YAML::Node &node, const QString &name)
    {
        if (node.IsScalar())
            return true;
        add(Severity::Error, node, "value-type", QStringLiteral("'%1' must be a text value").arg(name));
        return false;
    }

    void nested(const YAML::Node &root, const YAML::Node &ext)
    {
        if (!root["model_version"])
            add(Severity::Warning, root, "model-version", "no 'model_version'",
                "add `model_version: \"1.0\"` at the top level");
        common(ext, "extension.");
        required(ext, "name", "extension.");
        if (!ext["version"])
            add(Severity::Warning, ext, "required-key", "'extension.version' is missing",
                "add `version: 1.0.0` (semantic versioning)");
        delivery(ext);
        if (const YAML::Node sdk = ext["sdk"]) {
            static const QStringList sdks { "ruby", "python", "node", "java", "dotnet", "go" };
            if (isText(sdk, "extension.sdk") && !sdks.contains(text(sdk)))
                add(text(sdk) == QLatin1String("cpp") ? Severity::Warning : Severity::Error, sdk,
                    "sdk", QStringLiteral("'extension.sdk' is '%1'; the CLI knows %2").arg(text(sdk), sdks.join(", ")),
                    "the CLI picks its Dockerfile template by this value");
        } else {
            add(Severity::Warning, ext, "sdk", "no 'extension.sdk'",
                "add `sdk:` (ruby, python, node, java, dotnet or go): the CLI picks its Dockerfile template by it");
        }
        if (const YAML::Node api = ext["api_version"]) {
            if (isText(api, "extension.api_version") && !matches("v[0-9]+", text(api)))
                add(Severity::Error, api, "api-version",
                    QStringLiteral("'extension.api_version' is '%1'; it must be v followed by digits").arg(text(api)),
                    "use `api_version: v1`");
        }
        LintSink sink { [this](Severity severity, const YAML::Node &at, const QString &rule,
                            const QString &message,
                            const QString &hint) { add(severity, at, rule, message, hint); } };
        if (const YAML::Node fields = ext["output_fields"])
            lintOutputFields(sink, fields);
        if (const YAML::Node setup = ext["setup"])
            lintSetup(sink, setup, ext["configuration"]);
    }

    void flat(const YAML::Node &map) { common(map, QString()); }

    // The rules both forms share.
    void common(const YAML::Node &map, const QString &where)
    {
        if (const YAML::Node id = required(map, "id", where); id && isText(id, where + "id")
            && !matches("[a-z][a-z0-9.-]+", text(id)))
            add(Severity::Warning, id, "id-format",
                QStringLiteral("the id '%1' is not lower-case letters, digits, dots and dashes").arg(text(id)),
                "e.g. `com.example.my-extension`");
        const YAML::Node version = where.isEmpty() ? required(map, "version", where) : map["version"];
        if (version && isText(version, where + "version")
            && !matches(R"((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)",
                text(version)))
            add(Severity::Error, version, "version-semver",
                QStringLiteral("the version '%1' is not a semantic version").arg(text(version)),
                "use MAJOR.MINOR.PATCH, e.g. `1.0.0`");
        if (const YAML::Node events = map["events"])
            eventList(events);
        if (const YAML::Node scopes = map["scopes"])
            scopeList(scopes);
        if (const YAML::Node settings = map["settings"])
            settingList(settings);
        literalSecret(map["delivery_secret"], where + "delivery_secret");
        for (const char *key : { "callback", "delivery" }) {
            if (const YAML::Node node = map[key]; node && node.IsMap())
                literalSecret(node["secret"], where + QLatin1String(key) + QLatin1String(".secret"));
        }
        if (const YAML::Node custom = map["custom_data"]; custom && custom.IsMap())
            permissions(custom["permissions"]);
    }

    void delivery(const YAML::Node &ext)
    {
        const YAML::Node delivery = required(ext, "delivery", "extension.");
        if (!delivery)
            return;
        if (!delivery.IsScalar()) {
            add(Severity::Error, delivery, "delivery-type",
                "'extension.delivery' must be a string (http or internal), not a mapping",
                "write `delivery: http` and move a secret to `callback.secret`");
            return;
        }
        if (text(delivery) != QLatin1String("http") && text(delivery) != QLatin1String("internal")) {
            add(Severity::Error, delivery, "delivery-type",
                QStringLiteral("'extension.delivery' is '%1'; it must be http or internal").arg(text(delivery)));
            return;
        }
        if (text(delivery) != QLatin1String("http"))
            return;
        const YAML::Node callback = ext["callback"];
        if (!callback || !callback.IsMap() || !callback["url"]) {
            add(Severity::Error, callback ? callback : ext, "callback-url",
                "an http delivery needs 'extension.callback.url'",
                "add `callback: {url: https://…/webhooks}`");
            return;
        }
        if (const YAML::Node timeout = callback["timeout"]) {
            bool ok = false;
            const int ms = timeout.IsScalar() ? text(timeout).toInt(&ok) : 0;
            if (!ok || ms < 100 || ms > 60000)
                add(Severity::Error, timeout, "callback-timeout",
                    QStringLiteral("'callback.timeout' must be 100 to 60000 ms"),
                    "the platform's default is 5000");
        }
    }

    void eventList(const YAML::Node &events)
    {
        nameList(events, "events", knownEventNames(), "unknown-event", "'%1' is not a Kiket event",
            "known events: %1", "external.webhook.");
    }

    void scopeList(const YAML::Node &scopes)
    {
        // The extension API's scopes, and those Kiket's SDK README has handlers require.
        const QStringList known = knownScopes()
            + QStringList { "issues.read", "issues.write", "workflows.execute" };
        nameList(scopes, "scopes", known, "unknown-scope",
            "'%1' is not a scope Kiket is known to grant", "scopes: %1");
    }

    // A list of names, each expected among `known`; an unknown one is a warning whose hint names
    // the nearest known name, or all of them. Names starting with `prefix` (when given) pass.
    void nameList(const YAML::Node &list, const char *field, const QStringList &known,
        const char *rule, const char *message, const char *listHint, const char *prefix = nullptr)
    {
        if (!list.IsSequence()) {
            add(Severity::Error, list, "value-type", QStringLiteral("'%1' must be a list").arg(QLatin1String(field)));
            return;
        }
        for (const YAML::Node &item : list) {
            if (!isText(item, QLatin1String(field)))
                continue;
            const QString name = text(item);
            if (known.contains(name) || (prefix && name.startsWith(QLatin1String(prefix))))
                continue;
            const QString guess = nearest(name, known);
            add(Severity::Warning, item, QLatin1String(rule), QString::fromLatin1(message).arg(name),
                guess.isEmpty() ? QString::fromLatin1(listHint).arg(known.join(", "))
                                : QStringLiteral("did you mean '%1'?").arg(guess));
        }
    }

    void settingList(const YAML::Node &settings)
    {
        if (!settings.IsSequence()) {
            add(Severity::Error, settings, "value-type", "'settings' must be a list of {key, default, secret}");
            return;
        }
        QStringList keys;
        for (const YAML::Node &item : settings) {
            if (!item.IsMap() || !item["key"] || !item["key"].IsScalar()) {
                add(Severity::Error, item, "setting-key", "each setting needs a 'key'");
                continue;
            }
            const QString key = text(item["key"]);
            if (keys.contains(key))
                add(Severity::Error, item["key"], "setting-duplicate",
                    QStringLiteral("the setting '%1' is declared twice").arg(key));
            keys << key;
            const YAML::Node secret = item["secret"];
            if (secret && (!secret.IsScalar() || (text(secret) != "true" && text(secret) != "false")))
                add(Severity::Error, secret, "value-type", "'secret' must be true or false");
            if (secret && secret.IsScalar() && text(secret) == QLatin1String("true") && item["default"])
                add(Severity::Error, item["default"], "secret-default",
                    QStringLiteral("the secret setting '%1' has a value in the manifest").arg(key),
                    QStringLiteral("remove `default:`; set the value in the Secrets panel or as KIKET_SECRET_%1")
                        .arg(key.toUpper().replace(QRegularExpression("[^A-Z0-9]+"), "_")));
        }
    }

    void literalSecret(const YAML::Node &secret, const QString &name)
    {
        if (secret && secret.IsScalar() && !text(secret).startsWith(QLatin1String("env:")))
            add(Severity::Warning, secret, "literal-secret",
                QStringLiteral("'%1' holds the secret itself").arg(name),
                "write `env:KIKET_WEBHOOK_SECRET` and keep the value out of the file");
    }

    void permissions(const YAML::Node &list)
    {
        if (!list)
            return;
        if (!list.IsSequence()) {
            add(Severity::Error, list, "value-type", "'custom_data.permissions' must be a list");
            return;
        }
        const QStringList declared = moduleSchemas();
        static const QStringList operations { "read", "write", "delete", "admin" };
        for (const YAML::Node &item : list) {
            if (!item.IsMap() || !item["module"] || !item["module"].IsScalar()) {
                add(Severity::Error, item, "permission-module", "each permission needs a 'module'");
                continue;
            }
            if (!declared.contains(text(item["module"])))
                add(Severity::Warning, item["module"], "undeclared-module",
                    QStringLiteral("no schema declares the module '%1'").arg(text(item["module"])),
                    QStringLiteral("add .kiket/modules/<name>/schema.yaml with `module: %1` and its tables")
                        .arg(text(item["module"])));
            const YAML::Node ops = item["operations"];
            if (ops && !ops.IsSequence()) {
                add(Severity::Error, ops, "value-type", "'operations' must be a list");
                continue;
            }
            for (const YAML::Node &op : ops) {
                if (!op.IsScalar() || !operations.contains(text(op)))
                    add(Severity::Error, op, "permission-operation",
                        QStringLiteral("unknown operation '%1'").arg(op.IsScalar() ? text(op) : QString()),
                        "read, write, delete or admin");
            }
        }
    }

    // The module ids of .kiket/modules/*/schema.(yml|yaml); each schema is checked on the way.
    QStringList moduleSchemas()
    {
        QStringList ids;
        if (m_folder.isEmpty())
            return ids;
        const QDir modules(QDir(m_folder).filePath(QStringLiteral(".kiket/modules")));
        for (const QString &name : modules.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            for (const char *file : { "schema.yaml", "schema.yml" }) {
                QFile schema(modules.filePath(name + '/' + QLatin1String(file)));
                if (!schema.open(QIODevice::ReadOnly))
                    continue;
                m_file = QStringLiteral(".kiket/modules/%1/%2").arg(name, QLatin1String(file));
                ids << moduleSchema(schema.readAll());
                m_file.clear();
                break;
            }
        }
        return ids;
    }

    QString moduleSchema(const QByteArray &yaml)
    {
        try {
            const YAML::Node root = YAML::Load(yaml.toStdString());
            if (!root.IsMap() || !root["module"] || !root["module"].IsScalar()) {
                add(Severity::Error, root, "module-schema", "a module schema needs `module: <id>`");
                return QString();
            }
            const YAML::Node tables = root["tables"];
            if (!tables || tables.size() == 0)
                add(Severity::Error, tables ? tables : root, "module-schema",
                    QStringLiteral("the module '%1' declares no tables").arg(text(root["module"])));
            return text(root["module"]);
        } catch (const YAML::Exception &e) {
            findings << LintFinding { Severity::Error, QStringLiteral("yaml-syntax"),
                QString::fromStdString(e.msg), QString(), m_file, e.mark.line + 1, e.mark.column + 1 };
            return QString();
        }
    }

    void folderFiles()
    {
        if (m_folder.isEmpty())
            return;
        const QDir dir(m_folder);
        const QStringList entries = dir.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        const auto has = [&entries](const QString &pattern) {
            return !entries.filter(QRegularExpression(pattern, QRegularExpression::CaseInsensitiveOption)).isEmpty();
        };
        if (!has("^readme(\\..*)?$"))
            findings << LintFinding { Severity::Warning, QStringLiteral("readme"),
                QStringLiteral("the folder has no README"), QStringLiteral("add README.md"), {}, 0, 0 };
        if (!has("^(tests?|spec|__tests__)$") && !dir.exists(QStringLiteral(".kiket/suites")))
            findings << LintFinding { Severity::Warning, QStringLiteral("tests"),
                QStringLiteral("the folder has no tests"),
                QStringLiteral("add a tests/ (or spec/) folder, or a delivery suite in .kiket/suites"), {}, 0, 0 };
    }
};

} // namespace

QJsonObject LintFinding::toJson() const
{
    QJsonObject o { { "severity", isError() ? "error" : "warning" }, { "rule", rule },
        { "message", message }, { "line", line }, { "column", column } };
    if (!hint.isEmpty())
        o.insert(QStringLiteral("hint"), hint);
    if (!file.isEmpty())
        o.insert(QStringLiteral("file"), file);
    return o;
}

QList<LintFinding> lintManifest(const QByteArray &yaml, const QString &folder)
{
    Linter linter(folder);
    // What the SDK refuses before reading any field (a key given twice, a tree too large).
    if (const auto parsed = parseManifest(yaml, QProcessEnvironment());
        !parsed && (parsed.error().code == QLatin1String("manifest.duplicate-key")
            || parsed.error().code == QLatin1String("manifest.too-large"))) {
        const bool duplicate = parsed.error().code == QLatin1String("manifest.duplicate-key");
        return { LintFinding { Severity::Error,
            duplicate ? QStringLiteral("duplicate-key") : QStringLiteral("too-large"),
            parsed.error().message,
            duplicate ? QStringLiteral("keep one; YAML readers differ on which one wins")
                      : QString(),
            QString(), parsed.error().line, parsed.error().column } };
    }
    try {
        linter.lint(YAML::Load(yaml.toStdString()));
    } catch (const YAML::Exception &e) {
        linter.findings << LintFinding { Severity::Error, QStringLiteral("yaml-syntax"),
            QString::fromStdString(e.msg), QString(), QString(), e.mark.line + 1, e.mark.column + 1 };
    }
    std::stable_sort(linter.findings.begin(), linter.findings.end(),
        [](const LintFinding &a, const LintFinding &b) {
            return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
        });
    return linter.findings;
}

QString lintSummary(const QList<LintFinding> &findings)
{
    const auto errors = std::count_if(findings.begin(), findings.end(),
        [](const LintFinding &f) { return f.isError(); });
    const auto warnings = findings.size() - errors;
    return QStringLiteral("%1 error%2, %3 warning%4")
        .arg(errors).arg(errors == 1 ? "" : "s").arg(warnings).arg(warnings == 1 ? "" : "s");
}

QStringList knownEventNames()
{
    QStringList known = protocolEvents();
    if (const auto catalogue = EventCatalogue::builtIn())
        known << catalogue.value().names();
    known.removeDuplicates();
    return known;
}

QString nearestName(const QString &word, const QStringList &candidates)
{
    return nearest(word, candidates);
}

} // namespace kiket::devkit
