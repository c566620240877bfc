// Delivery suites: reading case files, with the line and column of every mistake.
#include "kiket/devkit/suite/suite.h"

#include "kiket/devkit/sandbox/apiroute.h"
#include "common/yamljson.h"

#include <kiket/manifest.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace kiket::devkit {

namespace {

constexpr qint64 kMaxCaseBytes = 4 * 1024 * 1024;

const QStringList kOperators { QStringLiteral("equals"), QStringLiteral("exists"),
    QStringLiteral("matches"), QStringLiteral("any_of") };

// Thrown inside the parser, turned into an Error at its edge.
struct CaseError
{
    YAML::Mark mark;
    QString message;
};

[[noreturn]] void fail(const YAML::Node &at, const QString &message)
{
    throw CaseError { at.Mark(), message };
}

QString text(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

QString scalar(const YAML::Node &node, const QString &key)
{
    if (!node.IsScalar() || text(node).isEmpty())
        fail(node, QStringLiteral("'%1' must be a non-empty text").arg(key));
    return text(node);
}

int number(const YAML::Node &node, const QString &key, int min)
{
    bool ok = false;
    const int value = node.IsScalar() ? text(node).toInt(&ok) : 0;
    if (!ok || value < min)
        fail(node, QStringLiteral("'%1' must be a whole number of at least %2").arg(key).arg(min));
    return value;
}

bool boolean(const YAML::Node &node, const QString &key)
{
    const QJsonValue value = node.IsScalar() ? yamlToJson(node) : QJsonValue();
    if (!value.isBool())
        fail(node, QStringLiteral("'%1' must be true or false").arg(key));
    return value.toBool();
}

QStringList textList(const YAML::Node &node, const QString &key)
{
    if (!node.IsSequence())
        fail(node, QStringLiteral("'%1' must be a list").arg(key));
    QStringList out;
    for (const YAML::Node &item : node)
        out.append(scalar(item, key));
    return out;
}

// Calls `use` with each key of a mapping, rejecting keys not in `known`.
template<typename Use>
void eachKey(const YAML::Node &map, const QString &what, const QStringList &known, Use use)
{
    if (!map.IsMap())
        fail(map, QStringLiteral("'%1' must be a mapping").arg(what));
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString key = text(it->first);
        if (!known.isEmpty() && !known.contains(key))
            fail(it->first,
                QStringLiteral("unknown key '%1' in %2 (known: %3)")
                    .arg(key, what, known.join(QStringLiteral(", "))));
        use(key, it->first, it->second);
    }
}

// `{equals|exists|matches|any_of: …}`, or any other value, which must be equal.
ValueCheck valueCheck(const QString &path, const YAML::Node &key, const YAML::Node &value)
{
    ValueCheck check;
    check.path = path;
    check.line = key.Mark().line + 1;
    check.column = key.Mark().column + 1;
    bool operators = value.IsMap() && value.size() > 0;
    if (operators) {
        for (auto it = value.begin(); it != value.end(); ++it)
            operators = operators && kOperators.contains(text(it->first));
    }
    if (!operators) {
        check.equals = yamlToJson(value);
        return check;
    }
    eachKey(value, path, kOperators, [&](const QString &op, const YAML::Node &, const YAML::Node &v) {
        if (op == QLatin1String("equals")) {
            check.equals = yamlToJson(v);
        } else if (op == QLatin1String("exists")) {
            check.exists = boolean(v, op);
        } else if (op == QLatin1String("matches")) {
            check.matches = scalar(v, op);
            const QRegularExpression re(check.matches);
            if (!re.isValid())
                fail(v, QStringLiteral("'matches' is not a valid pattern: %1").arg(re.errorString()));
        } else {
            if (!v.IsSequence())
                fail(v, QStringLiteral("'any_of' must be a list"));
            check.anyOf = yamlToJson(v).toArray();
        }
    });
    return check;
}

QList<ValueCheck> valueChecks(const YAML::Node &map, const QString &what)
{
    QList<ValueCheck> checks;
    eachKey(map, what, {}, [&](const QString &path, const YAML::Node &key, const YAML::Node &v) {
        if (path.isEmpty())
            fail(key, QStringLiteral("an empty path in '%1'").arg(what));
        checks.append(valueCheck(path, key, v));
    });
    return checks;
}

QStringList endpointNames()
{
    QStringList names;
    for (int e = int(ApiEndpoint::Jwks); e <= int(ApiEndpoint::Metrics); ++e)
        names.append(endpointName(ApiEndpoint(e)));
    return names;
}

ApiCallExpectation apiCall(const YAML::Node &node)
{
    ApiCallExpectation call;
    call.line = node.Mark().line + 1;
    call.column = node.Mark().column + 1;
    static const QStringList keys { QStringLiteral("endpoint"), QStringLiteral("method"),
        QStringLiteral("absent"), QStringLiteral("count"), QStringLiteral("body") };
    eachKey(node, QStringLiteral("an API call"), keys,
        [&](const QString &key, const YAML::Node &, const YAML::Node &v) {
            if (key == QLatin1String("endpoint")) {
                call.endpoint = scalar(v, key);
                static const QStringList known = endpointNames();
                if (!known.contains(call.endpoint))
                    fail(v, QStringLiteral("unknown endpoint '%1' (known: %2)")
                                .arg(call.endpoint, known.join(QStringLiteral(", "))));
            } else if (key == QLatin1String("method")) {
                call.method = scalar(v, key).toUpper();
            } else if (key == QLatin1String("absent")) {
                call.absent = boolean(v, key);
            } else if (key == QLatin1String("count")) {
                call.count = number(v, key, 0);
            } else {
                call.body = valueChecks(v, QStringLiteral("body"));
            }
        });
    if (call.endpoint.isEmpty())
        fail(node, QStringLiteral("an API call needs 'endpoint'"));
    return call;
}

void parseExpect(const YAML::Node &node, SuiteCase &c)
{
    static const QStringList keys { QStringLiteral("status"), QStringLiteral("body"),
        QStringLiteral("headers"), QStringLiteral("api_calls"),
        QStringLiteral("max_duration_ms") };
    eachKey(node, QStringLiteral("expect"), keys,
        [&](const QString &key, const YAML::Node &k, const YAML::Node &v) {
            if (key == QLatin1String("status")) {
                c.status = number(v, key, 100);
                c.statusLine = k.Mark().line + 1;
            } else if (key == QLatin1String("body")) {
                c.body = valueChecks(v, key);
            } else if (key == QLatin1String("headers")) {
                c.headers = valueChecks(v, key);
            } else if (key == QLatin1String("max_duration_ms")) {
                c.maxDurationMs = number(v, key, 1);
                c.maxDurationLine = k.Mark().line + 1;
            } else {
                if (!v.IsSequence())
                    fail(v, QStringLiteral("'api_calls' must be a list"));
                for (const YAML::Node &item : v)
                    c.apiCalls.append(apiCall(item));
            }
        });
}

QJsonObject payloadFile(const YAML::Node &node, const QString &caseFile)
{
    const QString name = scalar(node, QStringLiteral("payload_file"));
    const QString path = QFileInfo(caseFile).dir().filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(node, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(kMaxCaseBytes), &error);
    if (!doc.isObject())
        fail(node, QStringLiteral("%1 is not a JSON object: %2").arg(path, error.errorString()));
    return doc.object();
}

void parseToken(const YAML::Node &node, SuiteCase &c)
{
    if (node.IsScalar()) {
        c.runtimeToken = boolean(node, QStringLiteral("token"));
        return;
    }
    eachKey(node, QStringLiteral("token"), { QStringLiteral("scopes") },
        [&](const QString &key, const YAML::Node &, const YAML::Node &v) {
            c.scopes = textList(v, key);
        });
}

void parseCase(const YAML::Node &root, SuiteCase &c)
{
    static const QStringList keys { QStringLiteral("name"), QStringLiteral("event"),
        QStringLiteral("version"), QStringLiteral("payload"), QStringLiteral("payload_file"),
        QStringLiteral("signing"), QStringLiteral("token"), QStringLiteral("secrets"),
        QStringLiteral("expect") };
    if (!root.IsMap())
        fail(root, QStringLiteral("a case must be a mapping with 'event' and 'expect'"));
    eachKey(root, QStringLiteral("a case"), keys,
        [&](const QString &key, const YAML::Node &, const YAML::Node &v) {
            if (key == QLatin1String("name")) {
                c.name = scalar(v, key);
            } else if (key == QLatin1String("event")) {
                c.event = scalar(v, key);
            } else if (key == QLatin1String("version")) {
                c.version = scalar(v, key);
            } else if (key == QLatin1String("payload")) {
                if (!v.IsMap())
                    fail(v, QStringLiteral("'payload' must be a mapping (the event's data)"));
                c.payload = yamlToJson(v).toObject();
            } else if (key == QLatin1String("payload_file")) {
                c.payload = payloadFile(v, c.file);
            } else if (key == QLatin1String("signing")) {
                const auto signing = caseSigningFromName(scalar(v, key));
                if (!signing)
                    fail(v, QStringLiteral("'signing' takes signed, wrong-secret, unsigned, "
                                           "stale or body-only"));
                c.signing = *signing;
            } else if (key == QLatin1String("token")) {
                parseToken(v, c);
            } else if (key == QLatin1String("secrets")) {
                if (v.IsMap())
                    fail(v, QStringLiteral("'secrets' lists keys only; values never go into "
                                           "suite files (they come from KIKET_SECRET_<KEY>)"));
                c.secrets = textList(v, key);
            } else {
                parseExpect(v, c);
            }
        });
    if (c.event.isEmpty())
        fail(root, QStringLiteral("a case needs 'event'"));
}

} // namespace

QString caseSigningName(CaseSigning signing)
{
    static const char *const names[]
        = { "signed", "wrong-secret", "unsigned", "stale", "body-only" };
    return QString::fromLatin1(names[int(signing)]);
}

std::optional<CaseSigning> caseSigningFromName(const QString &name)
{
    for (int s = 0; s <= int(CaseSigning::BodyOnly); ++s) {
        if (caseSigningName(CaseSigning(s)) == name)
            return CaseSigning(s);
    }
    return std::nullopt;
}

Result<SuiteCase> parseSuiteCase(const QByteArray &text, const QString &file)
{
    SuiteCase c;
    c.file = file;
    c.name = QFileInfo(file).completeBaseName();
    if (text.size() > kMaxCaseBytes)
        return Error { QStringLiteral("suite.size"),
            QStringLiteral("a case file is limited to %1 bytes").arg(kMaxCaseBytes), 1, 1 };
    if (auto problem = checkYamlTree(text, QStringLiteral("suite")))
        return *problem;
    try {
        parseCase(YAML::Load(text.toStdString()), c);
    } catch (const CaseError &e) {
        return yamlErrorAt(QStringLiteral("suite.case"), e.mark, e.message);
    } catch (const YAML::Exception &e) {
        return yamlErrorAt(
            QStringLiteral("suite.syntax"), e.mark, QString::fromStdString(e.msg));
    }
    return c;
}

QString suitesPath(const QString &extensionFolder)
{
    return QDir(extensionFolder).filePath(QStringLiteral(".kiket/suites"));
}

Result<QList<Suite>> loadSuites(const QString &extensionFolder, const QString &only)
{
    const QDir root(suitesPath(extensionFolder));
    QStringList names = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    if (!only.isEmpty()) {
        if (!names.contains(only))
            return Error { QStringLiteral("suite.missing"),
                QStringLiteral("no suite '%1' in %2").arg(only, root.path()) };
        names = { only };
    }
    QList<Suite> suites;
    for (const QString &name : names) {
        Suite suite { name, root.absoluteFilePath(name), {} };
        const QStringList files = QDir(suite.folder).entryList(
            { QStringLiteral("*.yaml"), QStringLiteral("*.yml"), QStringLiteral("*.json") },
            QDir::Files, QDir::Name);
        for (const QString &fileName : files) {
            const QString path = QDir(suite.folder).filePath(fileName);
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return Error { QStringLiteral("suite.read"),
                    QStringLiteral("%1: %2").arg(path, file.errorString()) };
            auto parsed = parseSuiteCase(file.read(kMaxCaseBytes + 1), path);
            if (!parsed)
                return Error { parsed.error().code,
                    QStringLiteral("%1: %2").arg(path, parsed.error().message),
                    parsed.error().line, parsed.error().column };
            suite.cases.append(parsed.value());
        }
        suites.append(suite);
    }
    return suites;
}

} // namespace kiket::devkit
