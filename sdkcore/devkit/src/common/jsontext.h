#pragma once

#include <QByteArray>
#include <QByteArrayView>

class QDateTime;
class QJsonObject;

namespace kiket::devkit {

/// How the bytes given to appendJsonString() are to be read.
enum class TextBytes { Utf8, Latin1 };

/// Appends bytes as a JSON string, quotes included: `"` and `\` escaped, control characters as
/// \u00XX. UTF-8 bytes (which must be valid) pass through; each Latin-1 byte becomes one character.
void appendJsonString(QByteArray &out, QByteArrayView bytes, TextBytes encoding);
/// The bytes appendJsonString() writes for these, quotes included.
qsizetype jsonStringSize(QByteArrayView bytes, TextBytes encoding);
/// Writes what appendJsonString() appends at w, which has room for `size` bytes (from
/// jsonStringSize()); returns the end.
char *writeJsonString(char *w, QByteArrayView bytes, TextBytes encoding, qsizetype size);

/// Appends an object as QJsonDocument's compact form writes it, without building that document
/// when every value is a number (an exchange's timings).
void appendJsonObject(QByteArray &out, const QJsonObject &object);

/// Appends a time as UTC in ISO 8601 with milliseconds ("2026-12-07T19:40:00.123Z"), the text
/// of toUTC().toString(Qt::ISODateWithMs); nothing for an invalid time or a year past 9999.
void appendIsoUtc(QByteArray &out, const QDateTime &time);

} // namespace kiket::devkit
