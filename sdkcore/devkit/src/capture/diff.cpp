#include "kiket/devkit/capture/diff.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace kiket::devkit {

namespace {

QString child(const QString &path, const QString &key)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]*$"));
    if (plain.match(key).hasMatch())
        return path.isEmpty() ? key : path + QLatin1Char('.') + key;
    const QString quoted
        = QString::fromUtf8(QJsonDocument(QJsonArray { key }).toJson(QJsonDocument::Compact))
              .mid(1)
              .chopped(1);
    return path + QLatin1Char('[') + quoted + QLatin1Char(']');
}

void walk(const QString &path, const QJsonValue &a, const QJsonValue &b, QList<JsonChange> *out)
{
    if (a.isObject() && b.isObject()) {
        const QJsonObject ao = a.toObject();
        const QJsonObject bo = b.toObject();
        for (auto it = ao.begin(); it != ao.end(); ++it) {
            if (!bo.contains(it.key()))
                out->append({ JsonChange::Removed, child(path, it.key()), it.value(),
                    QJsonValue::Undefined });
            else
                walk(child(path, it.key()), it.value(), bo.value(it.key()), out);
        }
        for (auto it = bo.begin(); it != bo.end(); ++it) {
            if (!ao.contains(it.key()))
                out->append({ JsonChange::Added, child(path, it.key()), QJsonValue::Undefined,
                    it.value() });
        }
        return;
    }
    if (a.isArray() && b.isArray()) {
        const QJsonArray aa = a.toArray();
        const QJsonArray ba = b.toArray();
        for (qsizetype i = 0; i < qMax(aa.size(), ba.size()); ++i) {
            const QString at = path + QStringLiteral("[%1]").arg(i);
            if (i >= ba.size())
                out->append({ JsonChange::Removed, at, aa.at(i), QJsonValue::Undefined });
            else if (i >= aa.size())
                out->append({ JsonChange::Added, at, QJsonValue::Undefined, ba.at(i) });
            else
                walk(at, aa.at(i), ba.at(i), out);
        }
        return;
    }
    if (a != b)
        out->append({ JsonChange::Changed, path, a, b });
}

QString scalarText(const QJsonValue &v)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

// Writes value at the current line; `lead` is what precedes it on its line ("key": or nothing).
void pretty(const QString &path, const QJsonValue &value, int depth, const QString &lead,
    bool comma, QStringList *lines, QHash<QString, int> *at)
{
    const QString indent(depth * 2, QLatin1Char(' '));
    const QString tail = comma ? QStringLiteral(",") : QString();
    at->insert(path, int(lines->size()));
    if (value.isObject() && !value.toObject().isEmpty()) {
        const QJsonObject o = value.toObject();
        lines->append(indent + lead + QLatin1Char('{'));
        qsizetype i = 0;
        for (auto it = o.begin(); it != o.end(); ++it, ++i)
            pretty(child(path, it.key()), it.value(), depth + 1,
                scalarText(it.key()) + QStringLiteral(": "), i + 1 < o.size(), lines, at);
        lines->append(indent + QLatin1Char('}') + tail);
    } else if (value.isArray() && !value.toArray().isEmpty()) {
        const QJsonArray a = value.toArray();
        lines->append(indent + lead + QLatin1Char('['));
        for (qsizetype i = 0; i < a.size(); ++i)
            pretty(path + QStringLiteral("[%1]").arg(i), a.at(i), depth + 1, QString(),
                i + 1 < a.size(), lines, at);
        lines->append(indent + QLatin1Char(']') + tail);
    } else {
        const QString text = value.isObject() ? QStringLiteral("{}")
            : value.isArray()                 ? QStringLiteral("[]")
                                              : scalarText(value);
        lines->append(indent + lead + text + tail);
    }
}

std::optional<QJsonValue> parse(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return std::nullopt;
    return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
}

} // namespace

QList<JsonChange> diffJson(const QJsonValue &a, const QJsonValue &b)
{
    QList<JsonChange> out;
    walk({}, a, b, &out);
    return out;
}

QList<HeaderRow> alignHeaders(const HeaderList &left, const HeaderList &right)
{
    QList<HeaderRow> rows;
    auto rowFor = [&rows](const QByteArray &name) -> HeaderRow & {
        for (HeaderRow &r : rows) {
            if (r.name.compare(name, Qt::CaseInsensitive) == 0)
                return r;
        }
        rows.append({ name, {}, {} });
        return rows.last();
    };
    for (const auto &h : left)
        rowFor(h.first).left.append(h.second);
    for (const auto &h : right)
        rowFor(h.first).right.append(h.second);
    return rows;
}

PrettyJson prettyJson(const QJsonValue &value)
{
    QStringList lines;
    PrettyJson out;
    pretty(QString(), value, 0, QString(), false, &lines, &out.lines);
    out.text = lines.join(QLatin1Char('\n'));
    return out;
}

BodyDiff diffBodies(const QByteArray &left, const QByteArray &right)
{
    BodyDiff d;
    const auto a = parse(left);
    const auto b = parse(right);
    if (a && b) {
        d.json = true;
        d.changes = diffJson(*a, *b);
        d.equal = d.changes.isEmpty();
    } else {
        d.equal = left == right;
    }
    return d;
}

ExchangeDiff diffExchanges(const Exchange &left, const Exchange &right)
{
    ExchangeDiff d;
    d.requestHeaders = alignHeaders(left.requestHeaders, right.requestHeaders);
    d.responseHeaders = alignHeaders(left.responseHeaders, right.responseHeaders);
    d.requestBody = diffBodies(left.requestBody, right.requestBody);
    d.responseBody = diffBodies(left.responseBody, right.responseBody);
    d.sameTarget = left.method == right.method && left.target == right.target;
    d.sameStatus = left.status == right.status;
    return d;
}

} // namespace kiket::devkit
