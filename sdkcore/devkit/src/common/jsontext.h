#pragma once

#include <QByteArray>
#include <QByteArrayView>

class QDateTime;

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

/// Appends a number as QJsonDocument writes it: integral values up to 2^63 without a fraction or an
/// exponent, the rest in the shortest form that reads back exactly, null when not finite.
void appendJsonNumber(QByteArray &out, double number);

/// Appends a time as UTC in ISO 8601 with milliseconds ("2026-12-07T19:40:00.123Z"), the text
/// of toUTC().toString(Qt::ISODateWithMs); nothing for an invalid time or a year past 9999.
void appendIsoUtc(QByteArray &out, const QDateTime &time);

} // namespace kiket::devkit
