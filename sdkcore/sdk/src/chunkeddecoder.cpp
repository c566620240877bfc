#include "chunkeddecoder.h"

#include "httpsyntax.h"

namespace kiket {

namespace {

constexpr qint64 kMaxSizeLine = 4096; // hex digits plus chunk extensions
const QString kBadLineEnd = QStringLiteral(
    "Bad line ending in the chunked body: LF alone or a CR alone; HTTP/1.1 needs CRLF");

// "1a;name=value" -> 26; -1 when it is not a chunk size. Strictly, the hex digits stand alone
// before the ';' (no whitespace: RFC 9112 lets a reader skip some, Node's parser refuses it, and
// two readers that differ on it read different chunks); the extensions hold no control character.
qint64 chunkSize(QByteArrayView line, bool strict)
{
    const qsizetype semicolon = line.indexOf(';');
    if (semicolon >= 0) {
        if (strict && http::hasControl(line.sliced(semicolon + 1), true))
            return -1;
        line = line.first(semicolon);
    }
    if (!strict)
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

// Fields that frame a message have no place in a trailer (RFC 9110 §6.5.1): a parser that
// merged them would read the message differently.
bool framesTheMessage(QByteArrayView fieldLine)
{
    const QByteArray name = fieldLine.first(fieldLine.indexOf(':')).toByteArray().toLower();
    return name == "content-length" || name == "transfer-encoding";
}

} // namespace

ChunkedDecoder::ChunkedDecoder(qint64 maxBody, qint64 maxTrailer, bool lenientLineEnds)
    : m_maxBody(maxBody)
    , m_maxTrailer(maxTrailer)
    , m_lenient(lenientLineEnds)
{ }

// Takes one line (without its CRLF, or LF when lenient) when it is complete; keeps a partial one
// for later. A line is too long when more than cap bytes precede its LF, however they arrive.
ChunkedDecoder::Line ChunkedDecoder::takeLine(QByteArrayView *data, qint64 cap, QByteArrayView *line)
{
    const qsizetype newline = data->indexOf('\n');
    const qsizetype taken = newline < 0 ? data->size() : newline;
    if (!m_lenient) {
        // CR must come just before LF, and LF just after CR: judged byte by byte, as they came,
        // up to the byte that passes the cap.
        const qsizetype judged = qMin<qsizetype>(
            newline < 0 ? data->size() : newline + 1, cap + 1 - m_partial.size());
        for (qsizetype i = 0; i < judged; ++i) {
            const char previous = i > 0 ? data->at(i - 1) : m_partial.isEmpty() ? '\0' : m_partial.back();
            if (http::breaksCrlf(previous, data->at(i)))
                return Line::BadEnd;
        }
    }
    if (m_partial.size() + taken > cap)
        return Line::TooLong;
    if (newline < 0) {
        m_partial.append(*data);
        *data = {};
        return Line::NeedMore;
    }
    if (m_partial.isEmpty()) {
        *line = data->first(newline);
    } else {
        m_partial.append(data->first(newline));
        *line = m_partial;
    }
    *data = data->sliced(newline + 1);
    const bool crlf = line->endsWith('\r');
    if (crlf)
        line->chop(1);
    return Line::Complete;
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
            const Line taken = takeLine(data, kMaxSizeLine, &line);
            if (taken != Line::Complete)
                return notALine(taken, QStringLiteral("Chunk size line too long"));
            const qint64 size = chunkSize(line, !m_lenient);
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
        case Step::DataEnd: { // exactly CRLF after the data (or LF alone, when lenient)
            const char c = data->front();
            *data = data->sliced(1);
            if (m_dataCr || c == '\n') {
                if (c != '\n')
                    return fail(QStringLiteral("Chunk data longer than its size"));
                if (!m_dataCr && !m_lenient)
                    return fail(kBadLineEnd);
                m_dataCr = false;
                m_step = Step::Size;
            } else if (c == '\r') {
                m_dataCr = true;
            } else {
                return fail(QStringLiteral("Chunk data longer than its size"));
            }
            break;
        }
        case Step::Trailer: {
            const Line taken = takeLine(data, m_maxTrailer - m_trailerBytes, &line);
            if (taken != Line::Complete)
                return notALine(taken, QStringLiteral("Chunked trailer too large"));
            const bool end = line.isEmpty();
            if (!end && !m_lenient && !http::isFieldLine(line))
                return fail(QStringLiteral("Malformed trailer line in the chunked body"));
            if (!end && !m_lenient && framesTheMessage(line))
                return fail(QStringLiteral("A trailer may not carry Content-Length or Transfer-Encoding"));
            m_trailerBytes += line.size() + 2;
            m_partial.clear();
            if (end)
                return Status::Done;
            break;
        }
        }
    }
    return Status::NeedMore;
}

ChunkedDecoder::Status ChunkedDecoder::notALine(Line line, const QString &tooLong)
{
    return line == Line::NeedMore ? Status::NeedMore
        : line == Line::TooLong  ? fail(tooLong)
                                 : fail(kBadLineEnd);
}

} // namespace kiket
