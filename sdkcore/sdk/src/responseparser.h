#pragma once

#include "chunkeddecoder.h"
#include "kiket/http.h"

#include <optional>

namespace kiket {

/// An answer is read into memory; past this it is refused.
constexpr qint64 kMaxAnswerBytes = 64 * 1024 * 1024;
/// An answer's head (status line and header fields) larger than this is refused.
constexpr qint64 kMaxAnswerHeadBytes = 64 * 1024;

/// How much of an HTTP answer has arrived.
enum class AnswerState { Incomplete, Complete, Malformed };

/// What parseResponse() has read of one answer, so the next call reads only the bytes that came
/// since: an answer arriving in many pieces costs its size once, not once per piece. One per
/// answer; start a new one when bytes are dropped from the front of the data.
struct AnswerProgress
{
    qsizetype headSearched = 0; ///< No blank line ends the head before this offset.
    qsizetype bodyStart = -1; ///< Set once the head has been read.
    HttpResponse head; ///< Status and headers, once read.
    std::optional<ChunkedDecoder> chunked; ///< A chunked body's decoder, once the head says so.
    qsizetype fed = 0; ///< Bytes after the head that the decoder has taken.
    QByteArray body; ///< A chunked body decoded so far.
    AnswerState chunkedEnd = AnswerState::Incomplete; ///< How the chunked body ended, once it did.
    QString chunkedError; ///< Why, when it ended Malformed.
};

/// Parses one HTTP/1.1 response from the start of data (closed: the peer has closed, so a body
/// without length ends here). Malformed: *error says why (a bad chunk size or Content-Length).
/// With progress, data must be what the last call saw plus what came since. The body is set only
/// when the answer is complete. Used by the forwarder for an extension's answers and by the
/// blocking client for the platform's.
AnswerState parseResponse(const QByteArray &data, bool closed, HttpResponse *out,
    QString *error = nullptr, AnswerProgress *progress = nullptr);

} // namespace kiket
