#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace kiket::devkit {

/// How the bytes given to appendJsonString() are to be read.
enum class TextBytes { Utf8, Latin1 };

/// Appends bytes as a JSON string, quotes included: `"` and `\` escaped, control characters as
/// \u00XX. UTF-8 bytes (which must be valid) pass through; each Latin-1 byte becomes one character.
void appendJsonString(QByteArray &out, QByteArrayView bytes, TextBytes encoding);

} // namespace kiket::devkit
