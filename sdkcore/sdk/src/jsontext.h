#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace kiket {

/// Removes insignificant whitespace from JSON text, keeping key order and string contents.
QByteArray minifyJson(const QByteArray &json);

/// Other common serialisations of the same JSON document (minified, sorted compact, indented).
QList<QByteArray> jsonSerialisations(const QByteArray &json);

/// Compact JSON bytes of an object.
QByteArray toJsonBytes(const QJsonObject &object);

/// `{"error": message}` as compact JSON bytes.
QByteArray errorBody(const QString &message);

} // namespace kiket
