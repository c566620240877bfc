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
    ChunkedDecoder(qint64 maxBody, qint64 maxTrailer);

    /// Takes bytes from the front of data, never past the end of the body, and appends the
    /// decoded ones to body.
    Status feed(QByteArrayView *data, QByteArray *body);
    /// Why the last feed() said Malformed.
    QString error() const { return m_error; }

private:
    enum class Step { Size, Data, DataEnd, Trailer };
    bool takeLine(QByteArrayView *data, qint64 cap, QByteArrayView *line);
    Status fail(const QString &message);

    qint64 m_maxBody;
    qint64 m_maxTrailer;
    Step m_step = Step::Size;
    QByteArray m_partial; ///< A line that arrived in pieces.
    qint64 m_chunkLeft = 0;
    qint64 m_trailerBytes = 0;
    QString m_error;
};

} // namespace kiket
