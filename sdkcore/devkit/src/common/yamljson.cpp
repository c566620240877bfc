#include "yamljson.h"

#include <QJsonArray>
#include <QJsonObject>

namespace kiket::devkit {

Error yamlErrorAt(const QString &code, const YAML::Mark &mark, const QString &message)
{
    return Error { code, message, mark.line + 1, mark.column + 1 };
}

QJsonValue yamlToJson(const YAML::Node &node)
{
    if (node.IsMap()) {
        QJsonObject o;
        for (auto it = node.begin(); it != node.end(); ++it)
            o.insert(QString::fromStdString(it->first.Scalar()), yamlToJson(it->second));
        return o;
    }
    if (node.IsSequence()) {
        QJsonArray a;
        for (const YAML::Node &item : node)
            a.append(yamlToJson(item));
        return a;
    }
    if (!node.IsScalar())
        return QJsonValue::Null;
    const QString s = QString::fromStdString(node.Scalar());
    if (node.Tag() == "!")
        return s;
    if (s == QLatin1String("null") || s == QLatin1String("~"))
        return QJsonValue::Null;
    if (s == QLatin1String("true") || s == QLatin1String("false"))
        return s == QLatin1String("true");
    bool ok = false;
    const qlonglong i = s.toLongLong(&ok);
    if (ok)
        return i;
    const double d = s.toDouble(&ok);
    return ok ? QJsonValue(d) : QJsonValue(s);
}

void emitJson(YAML::Emitter &out, const QJsonValue &value)
{
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        if (o.isEmpty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            return;
        }
        out << YAML::BeginMap;
        for (auto it = o.begin(); it != o.end(); ++it) {
            out << YAML::Key << it.key().toStdString() << YAML::Value;
            emitJson(out, it.value());
        }
        out << YAML::EndMap;
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        if (a.isEmpty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        out << YAML::BeginSeq;
        for (const QJsonValue &item : a)
            emitJson(out, item);
        out << YAML::EndSeq;
    } else if (value.isString()) {
        const std::string s = value.toString().toStdString();
        const bool plainReadsBack = !s.empty() && yamlToJson(YAML::Node(s)).isString();
        if (!plainReadsBack)
            out << YAML::DoubleQuoted;
        out << s;
    } else if (value.isBool()) {
        out << (value.toBool() ? "true" : "false");
    } else if (value.isDouble()) {
        const double d = value.toDouble();
        if (d == double(qint64(d)) && qAbs(d) < 9e15)
            out << qint64(d);
        else
            out << QByteArray::number(d, 'g', 17).toStdString();
    } else {
        out << YAML::Null;
    }
}

} // namespace kiket::devkit
