#include "kiket/devkit/folder/folderconfig.h"

#include "common/yamljson.h"

#include <kiket/manifest.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace kiket::devkit {

namespace {

const char *const kHandlerNames[] = { "in-process", "forward", "canned" };

const QStringList kKeys { QStringLiteral("handler"), QStringLiteral("command"),
    QStringLiteral("build"), QStringLiteral("working_dir"), QStringLiteral("port"),
    QStringLiteral("env"), QStringLiteral("health_path"), QStringLiteral("plugin"),
    QStringLiteral("listener_port"), QStringLiteral("sandbox_port"), QStringLiteral("auth"),
    QStringLiteral("canned") };

[[noreturn]] void fail(const YAML::Node &node, const QString &message)
{
    throw yamlErrorAt(QStringLiteral("workbench.invalid"), node.Mark(), message);
}

QString text(const YAML::Node &node, const char *key)
{
    if (!node.IsScalar())
        fail(node, QStringLiteral("'%1' must be a single value").arg(QLatin1String(key)));
    return QString::fromStdString(node.Scalar());
}

int number(const YAML::Node &node, const char *key, int min, int max)
{
    bool ok = false;
    const int value = text(node, key).toInt(&ok);
    if (!ok || value < min || value > max)
        fail(node,
            QStringLiteral("'%1' must be a whole number from %2 to %3")
                .arg(QLatin1String(key))
                .arg(min)
                .arg(max));
    return value;
}

// A command as a list of words, or one string split like a shell would (no shell runs it).
QStringList command(const YAML::Node &node, const char *key)
{
    QStringList words;
    if (node.IsSequence()) {
        for (const YAML::Node &word : node)
            words << text(word, key);
    } else {
        words = QProcess::splitCommand(text(node, key));
    }
    if (words.isEmpty())
        fail(node, QStringLiteral("'%1' is empty").arg(QLatin1String(key)));
    return words;
}

QString path(const QString &base, const QString &value)
{
    return QDir::cleanPath(QDir(base).absoluteFilePath(value));
}

CannedAnswer cannedAnswer(const YAML::Node &node)
{
    if (!node.IsMap())
        fail(node, QStringLiteral("each canned answer is a mapping with event, status, body, …"));
    static const QStringList keys { QStringLiteral("event"), QStringLiteral("version"),
        QStringLiteral("status"), QStringLiteral("headers"), QStringLiteral("body"),
        QStringLiteral("delay_ms") };
    CannedAnswer a;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const QString key = QString::fromStdString(it->first.Scalar());
        if (!keys.contains(key))
            fail(it->first,
                QStringLiteral("unknown key '%1' in a canned answer (known: %2)")
                    .arg(key, keys.join(QStringLiteral(", "))));
    }
    if (!node["event"])
        fail(node, QStringLiteral("a canned answer needs an event"));
    a.event = text(node["event"], "event");
    if (node["version"])
        a.version = text(node["version"], "version");
    if (node["status"])
        a.status = number(node["status"], "status", 100, 599);
    if (node["delay_ms"])
        a.delayMs = number(node["delay_ms"], "delay_ms", 0, 60000);
    if (const YAML::Node headers = node["headers"]) {
        if (!headers.IsMap())
            fail(headers, QStringLiteral("'headers' must be a mapping of names to values"));
        for (auto it = headers.begin(); it != headers.end(); ++it)
            a.headers.append({ QByteArray::fromStdString(it->first.Scalar()),
                text(it->second, "headers").toUtf8() });
    }
    if (const YAML::Node body = node["body"]) {
        // A mapping or list is sent as JSON; a string as it is.
        if (body.IsScalar()) {
            a.body = QByteArray::fromStdString(body.Scalar());
        } else {
            const QJsonValue json = yamlToJson(body);
            a.body = json.isArray() ? QJsonDocument(json.toArray()).toJson(QJsonDocument::Compact)
                                    : QJsonDocument(json.toObject()).toJson(QJsonDocument::Compact);
            if (!headerValue(a.headers, "content-type").size())
                a.headers.emplaceBack("Content-Type", "application/json");
        }
    }
    return a;
}

} // namespace

QString handlerKindName(HandlerKind kind)
{
    return QLatin1String(kHandlerNames[int(kind)]);
}

std::optional<HandlerKind> handlerKindFromName(const QString &name)
{
    for (int i = 0; i < int(std::size(kHandlerNames)); ++i) {
        if (name == QLatin1String(kHandlerNames[i]))
            return HandlerKind(i);
    }
    return std::nullopt;
}

std::optional<CannedAnswer> findCanned(
    const QList<CannedAnswer> &answers, const QString &event, const QString &version)
{
    for (const CannedAnswer &a : answers) {
        if (a.event == event && (a.version.isEmpty() || a.version == version))
            return a;
    }
    return std::nullopt;
}

std::optional<CannedAnswer> FolderConfig::cannedFor(
    const QString &event, const QString &version) const
{
    return findCanned(canned, event, version);
}

QString workbenchYamlPath(const QString &folder)
{
    return QDir(folder).filePath(QStringLiteral(".kiket/workbench.yaml"));
}

Result<FolderConfig> applyWorkbenchYaml(FolderConfig c, const QByteArray &yaml)
{
    if (auto problem = checkYamlTree(yaml, QStringLiteral("workbench")))
        return *problem;
    // yaml-cpp reports problems by throwing; this is where they are caught.
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (root.IsNull())
            return c;
        if (!root.IsMap())
            fail(root, QStringLiteral("workbench.yaml must be a mapping of settings"));
        for (auto it = root.begin(); it != root.end(); ++it) {
            const QString key = QString::fromStdString(it->first.Scalar());
            if (!kKeys.contains(key))
                fail(it->first,
                    QStringLiteral("unknown setting '%1' (known: %2)")
                        .arg(key, kKeys.join(QStringLiteral(", "))));
        }
        if (const YAML::Node n = root["handler"]) {
            const auto kind = handlerKindFromName(text(n, "handler"));
            if (!kind)
                fail(n, QStringLiteral("handler must be in-process, forward or canned"));
            c.handler = *kind;
        }
        if (const YAML::Node n = root["working_dir"])
            c.workingDir = path(c.folder, text(n, "working_dir"));
        if (const YAML::Node n = root["command"])
            c.command = command(n, "command");
        if (const YAML::Node n = root["build"]) {
            if (!n.IsSequence())
                fail(n, QStringLiteral("'build' must be a list of commands"));
            c.build.clear();
            for (const YAML::Node &step : n)
                c.build << command(step, "build");
        }
        if (const YAML::Node n = root["port"])
            c.port = number(n, "port", 0, 65535);
        if (const YAML::Node n = root["listener_port"])
            c.listenerPort = number(n, "listener_port", 0, 65535);
        if (const YAML::Node n = root["sandbox_port"])
            c.sandboxPort = number(n, "sandbox_port", 0, 65535);
        if (const YAML::Node n = root["env"]) {
            if (!n.IsMap())
                fail(n, QStringLiteral("'env' must be a mapping of names to values"));
            for (auto it = n.begin(); it != n.end(); ++it)
                c.env.insert(QString::fromStdString(it->first.Scalar()), text(it->second, "env"));
        }
        if (const YAML::Node n = root["health_path"]) {
            c.healthPath = text(n, "health_path");
            if (!c.healthPath.startsWith(QLatin1Char('/')))
                fail(n, QStringLiteral("health_path must start with /"));
        }
        if (const YAML::Node n = root["plugin"])
            c.plugin = path(c.folder, text(n, "plugin"));
        if (const YAML::Node n = root["auth"]) {
            static const QStringList modes { QStringLiteral("auto"), QStringLiteral("hmac"),
                QStringLiteral("runtime-token"), QStringLiteral("both"), QStringLiteral("none") };
            c.auth = text(n, "auth");
            if (!modes.contains(c.auth))
                fail(n,
                    QStringLiteral("auth must be one of %1").arg(modes.join(QStringLiteral(", "))));
        }
        if (const YAML::Node n = root["canned"]) {
            if (!n.IsSequence())
                fail(n, QStringLiteral("'canned' must be a list of answers"));
            c.canned.clear();
            for (const YAML::Node &answer : n)
                c.canned << cannedAnswer(answer);
        }
        c.fromFile = true;
        return c;
    } catch (const Error &e) {
        return e;
    } catch (const YAML::Exception &e) {
        return yamlErrorAt(
            QStringLiteral("workbench.syntax"), e.mark, QString::fromStdString(e.msg));
    }
}

Result<FolderConfig> loadFolderConfig(const QString &folder)
{
    FolderConfig detected = detectFolder(folder);
    QFile file(workbenchYamlPath(folder));
    if (!file.exists())
        return detected;
    if (!file.open(QIODevice::ReadOnly))
        return Error { QStringLiteral("workbench.read"),
            QStringLiteral("Cannot read %1: %2").arg(file.fileName(), file.errorString()) };
    auto applied = applyWorkbenchYaml(detected, file.readAll());
    if (!applied)
        return Error { applied.error().code,
            QStringLiteral("%1: %2").arg(file.fileName(), applied.error().message),
            applied.error().line, applied.error().column };
    return applied;
}

} // namespace kiket::devkit
