#include "kiket/manifest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>

#include <yaml-cpp/yaml.h>

namespace kiket {

namespace {

// yaml-cpp marks are 0-based; ours are 1-based.
Error errorAt(const YAML::Mark &mark, const QString &message)
{
    return Error { QStringLiteral("manifest.invalid"), message, mark.line + 1, mark.column + 1 };
}

// The walk of checkYamlTree(): throws the first problem it meets.
void checkNode(const YAML::Node &node, const QString &prefix, int &budget)
{
    if (--budget < 0)
        throw Error { prefix + QStringLiteral(".too-large"),
            QStringLiteral("the file expands to too many values (aliases?)"),
            node.Mark().line + 1, node.Mark().column + 1 };
    if (node.IsSequence()) {
        for (const YAML::Node &item : node)
            checkNode(item, prefix, budget);
        return;
    }
    if (!node.IsMap())
        return;
    QHash<QString, int> lines;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (it->first.IsScalar()) {
            const QString key = QString::fromStdString(it->first.Scalar());
            const YAML::Mark mark = it->first.Mark();
            if (lines.contains(key))
                throw Error { prefix + QStringLiteral(".duplicate-key"),
                    QStringLiteral("'%1' is given twice (first on line %2)").arg(key).arg(lines[key]),
                    mark.line + 1, mark.column + 1 };
            lines.insert(key, mark.line + 1);
        }
        checkNode(it->second, prefix, budget);
    }
}

struct Reader
{
    const QProcessEnvironment &env;
    Manifest m;

    QString text(const YAML::Node &node, const char *field)
    {
        if (!node.IsScalar())
            throw errorAt(
                node.Mark(), QStringLiteral("'%1' must be a text value").arg(QLatin1String(field)));
        const QString value = QString::fromStdString(node.Scalar());
        if (value.startsWith(QLatin1String("env:")))
            return env.value(value.mid(4).trimmed());
        return value;
    }

    QStringList textList(const YAML::Node &node, const char *field)
    {
        if (!node.IsSequence())
            throw errorAt(
                node.Mark(), QStringLiteral("'%1' must be a list").arg(QLatin1String(field)));
        QStringList out;
        for (const YAML::Node &item : node)
            out << text(item, field);
        return out;
    }

    static QJsonValue scalarValue(const YAML::Node &node)
    {
        if (!node.IsScalar())
            return QJsonValue();
        const QString s = QString::fromStdString(node.Scalar());
        if (node.Tag() == "!")
            return s; // quoted in the file
        bool ok = false;
        const qlonglong i = s.toLongLong(&ok);
        if (ok)
            return i;
        const double d = s.toDouble(&ok);
        if (ok)
            return d;
        if (s == QLatin1String("true") || s == QLatin1String("false"))
            return s == QLatin1String("true");
        return s;
    }

    void settings(const YAML::Node &node)
    {
        if (!node.IsSequence())
            throw errorAt(
                node.Mark(), QStringLiteral("'settings' must be a list of {key, default, secret}"));
        for (const YAML::Node &item : node) {
            if (!item.IsMap() || !item["key"])
                throw errorAt(item.Mark(), QStringLiteral("each setting needs a 'key'"));
            SettingSpec spec;
            spec.key = text(item["key"], "key");
            if (item["default"])
                spec.defaultValue = scalarValue(item["default"]);
            if (const YAML::Node secret = item["secret"]) {
                if (!secret.IsScalar() || (secret.Scalar() != "true" && secret.Scalar() != "false"))
                    throw errorAt(secret.Mark(), QStringLiteral("'secret' must be true or false"));
                spec.secret = secret.Scalar() == "true";
            }
            m.settings << spec;
        }
    }

    void customData(const YAML::Node &node)
    {
        const YAML::Node permissions = node.IsMap() ? node["permissions"] : YAML::Node();
        if (!permissions)
            return;
        if (!permissions.IsSequence())
            throw errorAt(
                permissions.Mark(), QStringLiteral("'custom_data.permissions' must be a list"));
        static const QStringList known { QStringLiteral("read"), QStringLiteral("write"),
            QStringLiteral("delete"), QStringLiteral("admin") };
        for (const YAML::Node &item : permissions) {
            if (!item.IsMap() || !item["module"])
                throw errorAt(item.Mark(), QStringLiteral("each permission needs a 'module'"));
            CustomDataPermission p;
            p.module = text(item["module"], "module");
            if (item["operations"]) {
                for (const YAML::Node &op : item["operations"]) {
                    const QString name = text(op, "operations");
                    if (!known.contains(name))
                        throw errorAt(op.Mark(),
                            QStringLiteral("unknown operation '%1' (read, write, delete, admin)")
                                .arg(name));
                    p.operations << name;
                }
            }
            m.customDataPermissions << p;
        }
    }

    void secretFrom(const YAML::Node &node, const char *field)
    {
        if (node && node.IsMap() && node["secret"])
            m.deliverySecret = text(node["secret"], field);
    }

    void read(const YAML::Node &map)
    {
        static const QStringList known { "id", "version", "name", "description", "delivery_secret",
            "settings", "events", "scopes", "custom_data", "delivery", "callback" };
        for (auto it = map.begin(); it != map.end(); ++it) {
            const QString key = QString::fromStdString(it->first.Scalar());
            if (!known.contains(key))
                m.warnings << ManifestWarning { QStringLiteral("unknown key '%1' ignored").arg(key),
                    it->first.Mark().line + 1, it->first.Mark().column + 1 };
        }
        if (map["id"])
            m.id = text(map["id"], "id");
        if (map["version"])
            m.version = text(map["version"], "version");
        if (map["name"])
            m.name = text(map["name"], "name");
        if (map["description"])
            m.description = text(map["description"], "description");
        secretFrom(map["callback"], "callback.secret");
        secretFrom(map["delivery"], "delivery.secret");
        if (map["delivery_secret"])
            m.deliverySecret = text(map["delivery_secret"], "delivery_secret");
        if (map["settings"])
            settings(map["settings"]);
        if (map["events"])
            m.events = textList(map["events"], "events");
        if (map["scopes"])
            m.scopes = textList(map["scopes"], "scopes");
        if (map["custom_data"])
            customData(map["custom_data"]);
    }
};

} // namespace

QStringList manifestSearchOrder()
{
    return { QStringLiteral("extension.yaml"), QStringLiteral("manifest.yaml"),
        QStringLiteral("extension.yml"), QStringLiteral("manifest.yml"),
        QStringLiteral(".kiket/manifest.yaml") };
}

QString findManifest(const QString &folder)
{
    const QDir dir(folder);
    for (const QString &name : manifestSearchOrder()) {
        if (QFileInfo(dir.filePath(name)).isFile())
            return dir.filePath(name);
    }
    return {};
}

std::optional<Error> checkYamlTree(const QByteArray &yaml, const QString &codePrefix, int maxValues)
{
    try {
        checkNode(YAML::Load(yaml.toStdString()), codePrefix, maxValues);
    } catch (const Error &e) {
        return e;
    } catch (const YAML::Exception &) {
        // the reader reports it with its own words
    }
    return std::nullopt;
}

Result<Manifest> parseManifest(const QByteArray &yaml, const QProcessEnvironment &env)
{
    // yaml-cpp reports problems by throwing; this is the one place that catches.
    try {
        if (auto problem = checkYamlTree(yaml, QStringLiteral("manifest")))
            return *problem;
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (!root.IsMap())
            return Error { QStringLiteral("manifest.invalid"),
                QStringLiteral("the manifest must be a YAML mapping"), root.Mark().line + 1,
                root.Mark().column + 1 };
        Reader reader { env, {} };
        if (root["extension"]) {
            if (!root["extension"].IsMap())
                return errorAt(
                    root["extension"].Mark(), QStringLiteral("'extension' must be a mapping"));
            reader.m.nested = true;
            reader.read(root["extension"]);
        } else {
            reader.read(root);
        }
        return reader.m;
    } catch (const Error &e) {
        return e;
    } catch (const YAML::Exception &e) {
        return Error { QStringLiteral("manifest.syntax"), QString::fromStdString(e.msg),
            e.mark.line + 1, e.mark.column + 1 };
    }
}

Result<Manifest> loadManifest(const QString &path, const QProcessEnvironment &env)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error { QStringLiteral("manifest.read"),
            QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()) };
    auto result = parseManifest(file.readAll(), env);
    if (!result)
        return Error { result.error().code,
            QStringLiteral("%1: %2").arg(path, result.error().message), result.error().line,
            result.error().column };
    Manifest m = std::move(result).value();
    m.path = path;
    return m;
}

} // namespace kiket
