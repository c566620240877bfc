#pragma once

#include <kiket/devkit/capture/exchange.h>

#include <QHash>
#include <QJsonValue>
#include <QList>

namespace kiket::devkit {

/// One difference between two JSON documents, at a path such as `issue.title` or `items[2].id`.
struct JsonChange
{
    enum Kind { Added, Removed, Changed };
    Kind kind;
    QString path;
    QJsonValue before; ///< Undefined for Added.
    QJsonValue after; ///< Undefined for Removed.
};

/// Differences from a to b; object key order never matters, array elements compare by position.
QList<JsonChange> diffJson(const QJsonValue &a, const QJsonValue &b);

/// One header name with its values on each side (case-insensitive names, first-seen order).
struct HeaderRow
{
    QByteArray name;
    QList<QByteArray> left;
    QList<QByteArray> right;
    bool same() const { return left == right; }
};

/// Both sides' headers lined up by name.
QList<HeaderRow> alignHeaders(const HeaderList &left, const HeaderList &right);

/// How two bodies differ: as JSON when both parse, else only whether the bytes are equal.
struct BodyDiff
{
    bool json = false;
    bool equal = true;
    QList<JsonChange> changes;
};

/// The comparison of two exchanges.
struct ExchangeDiff
{
    QList<HeaderRow> requestHeaders;
    QList<HeaderRow> responseHeaders;
    BodyDiff requestBody;
    BodyDiff responseBody;
    bool sameTarget = true;
    bool sameStatus = true;
};

/// JSON pretty-printed (keys sorted, 2-space indent) with the line (from 0) each path starts on,
/// using the paths of JsonChange ("" is the whole document).
struct PrettyJson
{
    QString text;
    QHash<QString, int> lines;
};
PrettyJson prettyJson(const QJsonValue &value);

BodyDiff diffBodies(const QByteArray &left, const QByteArray &right);
ExchangeDiff diffExchanges(const Exchange &left, const Exchange &right);

} // namespace kiket::devkit
