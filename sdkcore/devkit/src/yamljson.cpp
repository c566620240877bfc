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

} // namespace kiket::devkit
