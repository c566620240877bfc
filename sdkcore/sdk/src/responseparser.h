#pragma once

#include "kiket/http.h"

namespace kiket {

/// An answer is read into memory; past this it is refused.
constexpr qint64 kMaxAnswerBytes = 64 * 1024 * 1024;

/// How much of an HTTP answer has arrived.
enum class AnswerState { Incomplete, Complete, Malformed };

/// Parses one HTTP/1.1 response from the start of data (closed: the peer has closed, so a body
/// without length ends here). Malformed: *error says why (a bad chunk size or Content-Length).
/// Used by the forwarder for an extension's answers and by the blocking client for the platform's.
AnswerState parseResponse(
    const QByteArray &data, bool closed, HttpResponse *out, QString *error = nullptr);

} // namespace kiket
