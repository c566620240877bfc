#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace kiket {

/// Decodes a chunked request body (RFC 9112 §7.1) as its bytes arrive, within a size cap.
class ChunkedDecoder
{
public:
    enum class Status { NeedMore, Done, Malformed, TooLarge };

    /// A decoder for bodies of at most maxBody decoded bytes and trailers of at most maxTrailer.
    /// Lines must end in CRLF unless lenient (an answer read by the forwarder may end them in LF).
    ChunkedDecoder(qint64 maxBody, qint64 maxTrailer, bool lenientLineEnds = false);

    /// Takes bytes from the front of data, never past the end of the body, and appends the
    /// decoded ones to body.
    Status feed(QByteArrayView *data, QByteArray *body);
    /// Why the last feed() said Malformed.
    QString error() const { return m_error; }

private:
    enum class Step { Size, Data, DataEnd, Trailer };
    enum class Line { Complete, NeedMore, TooLong, BadEnd };
    Line takeLine(QByteArrayView *data, qint64 cap, QByteArrayView *line);
    Status notALine(Line line, const QString &tooLong);
    Status fail(const QString &message);

    qint64 m_maxBody;
    qint64 m_maxTrailer;
    bool m_lenient;
    bool m_dataCr = false; ///< The CR after a chunk's data has come; its LF has not.
    Step m_step = Step::Size;
    QByteArray m_partial; ///< A line that arrived in pieces.
    qint64 m_chunkLeft = 0;
    qint64 m_trailerBytes = 0;
    QString m_error;
};

} // namespace kiket
