#include "jsontext.h"

#include <QJsonDocument>

namespace kiket {

QByteArray minifyJson(const QByteArray &json)
{
    QByteArray out;
    out.reserve(json.size());
    bool inString = false;
    bool escaped = false;
    for (char c : json) {
        if (inString) {
            out.append(c);
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
            out.append(c);
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            out.append(c);
        }
    }
    return out;
}

QList<QByteArray> jsonSerialisations(const QByteArray &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (doc.isNull())
        return {};
    return { minifyJson(json), doc.toJson(QJsonDocument::Compact),
        doc.toJson(QJsonDocument::Indented) };
}

QByteArray toJsonBytes(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray errorBody(const QString &message)
{
    return toJsonBytes(QJsonObject { { QStringLiteral("error"), message } });
}

} // namespace kiket
