#include "chunkeddecoder.h"

namespace kiket {

namespace {

constexpr qint64 kMaxSizeLine = 4096; // hex digits plus chunk extensions

// "1a;name=value" -> 26; -1 when it is not a chunk size.
qint64 chunkSize(QByteArrayView line)
{
    const qsizetype semicolon = line.indexOf(';');
    if (semicolon >= 0)
        line = line.first(semicolon);
    line = line.trimmed();
    if (line.isEmpty() || line.size() > 15)
        return -1;
    qint64 size = 0;
    for (char c : line) {
        const int digit = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f'             ? c - 'a' + 10
            : c >= 'A' && c <= 'F'             ? c - 'A' + 10
                                               : -1;
        if (digit < 0)
            return -1;
        size = size * 16 + digit;
    }
    return size;
}

} // namespace

ChunkedDecoder::ChunkedDecoder(qint64 maxBody, qint64 maxTrailer)
    : m_maxBody(maxBody)
    , m_maxTrailer(maxTrailer)
{ }

// Takes one line (without its CRLF or LF) when it is complete; keeps a partial one for later.
bool ChunkedDecoder::takeLine(QByteArrayView *data, qint64 cap, QByteArrayView *line)
{
    const qsizetype newline = data->indexOf('\n');
    if (newline < 0) {
        m_partial.append(*data);
        *data = {};
        if (m_partial.size() > cap)
            m_partial.truncate(cap + 1); // enough to say it is too long
        return false;
    }
    if (m_partial.isEmpty()) {
        *line = data->first(newline);
    } else {
        m_partial.append(data->first(newline));
        *line = m_partial;
    }
    *data = data->sliced(newline + 1);
    if (line->endsWith('\r'))
        line->chop(1);
    return true;
}

ChunkedDecoder::Status ChunkedDecoder::fail(const QString &message)
{
    m_error = message;
    return Status::Malformed;
}

ChunkedDecoder::Status ChunkedDecoder::feed(QByteArrayView *data, QByteArray *body)
{
    while (!data->isEmpty()) {
        QByteArrayView line;
        switch (m_step) {
        case Step::Size: {
            if (!takeLine(data, kMaxSizeLine, &line))
                return m_partial.size() > kMaxSizeLine
                    ? fail(QStringLiteral("Chunk size line too long"))
                    : Status::NeedMore;
            const qint64 size = chunkSize(line);
            m_partial.clear();
            if (size < 0)
                return fail(QStringLiteral("Invalid chunk size"));
            if (body->size() + size > m_maxBody)
                return Status::TooLarge;
            m_chunkLeft = size;
            m_step = size == 0 ? Step::Trailer : Step::Data;
            break;
        }
        case Step::Data: {
            const qsizetype take = qsizetype(qMin<qint64>(m_chunkLeft, data->size()));
            body->append(data->first(take));
            *data = data->sliced(take);
            m_chunkLeft -= take;
            if (m_chunkLeft == 0)
                m_step = Step::DataEnd;
            break;
        }
        case Step::DataEnd: {
            if (!takeLine(data, 2, &line))
                return m_partial.size() > 2
                    ? fail(QStringLiteral("Chunk data longer than its size"))
                    : Status::NeedMore;
            const bool empty = line.isEmpty();
            m_partial.clear();
            if (!empty)
                return fail(QStringLiteral("Chunk data longer than its size"));
            m_step = Step::Size;
            break;
        }
        case Step::Trailer: {
            const qint64 room = m_maxTrailer - m_trailerBytes;
            if (!takeLine(data, room, &line))
                return m_partial.size() > room ? fail(QStringLiteral("Chunked trailer too large"))
                                               : Status::NeedMore;
            const bool end = line.isEmpty();
            m_trailerBytes += line.size() + 2;
            m_partial.clear();
            if (end)
                return Status::Done;
            if (m_trailerBytes > m_maxTrailer)
                return fail(QStringLiteral("Chunked trailer too large"));
            break;
        }
        }
    }
    return Status::NeedMore;
}

} // namespace kiket
