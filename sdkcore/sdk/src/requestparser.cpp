#include "requestparser.h"

#include "httpsyntax.h"

#include <algorithm>

namespace kiket {

namespace {

using http::hasControl;
using http::isToken;

// Whether the head holds a line ending other than CRLF: LF alone, or CR followed by anything but
// LF (a CR at the very end waits for the next byte). Lenient parsers accept these, each its own
// way, and strict ones wait for CRLF; answering at once says why instead of timing out.
bool hasBareLineEnd(QByteArrayView head, qsizetype from = 0)
{
    for (qsizetype i = from; i < head.size(); ++i) {
        if (http::breaksCrlf(i > 0 ? head[i - 1] : '\0', head[i]))
            return true;
    }
    return false;
}

const QString kBareLf = QStringLiteral("Bad line ending: a request line or header ends with LF "
                                       "alone or holds a CR alone; HTTP/1.1 needs CRLF");

QByteArrayView withoutCr(QByteArrayView line)
{
    return line.endsWith('\r') ? line.chopped(1) : line;
}

// A tab after the value of a header that frames the body. RFC 9110 counts it as whitespace
// around the value, but Node's parser and http-parser refuse it there, and a reader that takes it
// as part of the value ends the body elsewhere.
bool tabAfterFramingValue(QByteArrayView name, QByteArrayView value)
{
    if (!http::isFieldNameIn(name, { "content-length", "transfer-encoding" }))
        return false;
    qsizetype start = 0;
    while (start < value.size() && (value[start] == ' ' || value[start] == '\t'))
        ++start;
    return value.sliced(start).contains('\t');
}

// "METHOD target HTTP/1.x" into out; false when it is not one.
bool parseRequestLine(QByteArrayView line, RequestHead *out)
{
    const qsizetype first = line.indexOf(' ');
    const qsizetype second = first < 0 ? -1 : line.indexOf(' ', first + 1);
    if (second < 0 || line.indexOf(' ', second + 1) >= 0)
        return false;
    const QByteArrayView method = line.first(first);
    const QByteArrayView target = line.sliced(first + 1, second - first - 1);
    const QByteArrayView version = line.sliced(second + 1);
    if (!isToken(method) || !(target.startsWith('/') || target == "*")
        || !(version == "HTTP/1.1" || version == "HTTP/1.0") || hasControl(target, false)
        || target.contains("%00"))
        return false;
    out->method = method.toByteArray();
    out->target = target.toByteArray();
    out->version = version.toByteArray();
    return true;
}

bool parseHead(QByteArrayView head, RequestHead *out, QString *error)
{
    qsizetype lineEnd = head.indexOf('\n');
    const QByteArrayView requestLine = withoutCr(head.first(qMax<qsizetype>(lineEnd, 0)));
    if (!parseRequestLine(requestLine, out)) {
        *error = hasControl(requestLine, false) || requestLine.contains("%00")
            ? QStringLiteral("The request line holds a control character (such as NUL or %00)")
            : QStringLiteral("Malformed request line");
        return false;
    }
    out->headers.reserve(std::count(head.begin(), head.end(), '\n')); // one per line at most
    for (qsizetype start = lineEnd + 1; start < head.size(); start = lineEnd + 1) {
        lineEnd = head.indexOf('\n', start);
        if (lineEnd < 0)
            lineEnd = head.size();
        const QByteArrayView line = withoutCr(head.sliced(start, lineEnd - start));
        if (line.isEmpty())
            continue;
        if (line.startsWith(' ') || line.startsWith('\t')) {
            *error = QStringLiteral(
                "A header line continues the one before (obs-fold); send it on one line");
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon))) {
            *error = QStringLiteral("Malformed header line");
            return false;
        }
        if (hasControl(line.sliced(colon + 1), true)) {
            *error = QStringLiteral("A header value holds a control character (such as NUL)");
            return false;
        }
        if (tabAfterFramingValue(line.first(colon), line.sliced(colon + 1))) {
            *error = QStringLiteral("A tab in or after the value of Content-Length or "
                                    "Transfer-Encoding; only spaces may follow it");
            return false;
        }
        out->headers.emplaceBack(
            line.first(colon).toByteArray(), line.sliced(colon + 1).trimmed().toByteArray());
    }
    // Connection is a list of options (RFC 9110 §7.6.1), over one header or several.
    bool close = false;
    bool keepAlive = false;
    for (const QByteArray &value : headerValues(out->headers, "connection")) {
        for (const QByteArray &option : value.split(',')) {
            const QByteArray name = option.trimmed().toLower();
            close = close || name == "close";
            keepAlive = keepAlive || name == "keep-alive";
        }
    }
    out->keepAlive = !close && (out->version == "HTTP/1.1" || keepAlive);
    return true;
}

} // namespace

RequestParser::RequestParser(const ServerLimits &limits)
    : m_limits(limits)
    , m_chunked(limits.maxBodyBytes, limits.maxHeaderBytes)
{ }

RequestParser::Status RequestParser::feed(QByteArrayView *data)
{
    while (!data->isEmpty()) {
        switch (m_step) {
        case Step::Head: {
            const Status status = readHead(data);
            if (status != Status::NeedMore)
                return status;
            break;
        }
        case Step::Body: {
            const qsizetype take = qsizetype(qMin<qint64>(m_bodyRemaining, data->size()));
            m_body.append(data->first(take));
            *data = data->sliced(take);
            m_bodyRemaining -= take;
            if (m_bodyRemaining == 0) {
                m_step = Step::Head;
                return Status::Complete;
            }
            break;
        }
        case Step::Chunked:
            switch (m_chunked.feed(data, &m_body)) {
            case ChunkedDecoder::Status::NeedMore:
                break;
            case ChunkedDecoder::Status::Done:
                m_step = Step::Head;
                return Status::Complete;
            case ChunkedDecoder::Status::Malformed:
                return refuse(400, m_chunked.error());
            case ChunkedDecoder::Status::TooLarge:
                // Drop up to one more cap's worth so the client can read the 413 before closing.
                return refuse(413, QStringLiteral("Request body too large"), m_limits.maxBodyBytes);
            }
            break;
        case Step::Refused:
            return Status::Refused;
        }
    }
    return Status::NeedMore;
}

RequestParser::Status RequestParser::readHead(QByteArrayView *data)
{
    if (m_headBuffer.isEmpty()) {
        // Empty lines before a request line are allowed (RFC 9112 §2.2).
        qsizetype skip = 0;
        while (skip < data->size() && (data->at(skip) == '\r' || data->at(skip) == '\n'))
            ++skip;
        *data = data->sliced(skip);
        if (data->isEmpty())
            return Status::NeedMore;
        ++m_begun;
    }
    // No more than the cap (and a final CRLF CRLF) is looked at, however the bytes arrive.
    const qsizetype before = m_headBuffer.size();
    const QByteArrayView window
        = data->first(qMin<qsizetype>(data->size(), m_limits.maxHeaderBytes + 4 - before));
    qsizetype end = -1;
    if (before == 0) { // usually the whole head is in this read: parse it where it lies
        const Status status = judgeHead(window, 0, &end);
        if (status == Status::Complete) {
            *data = data->sliced(end + 4);
            return headComplete(window.first(end + 4));
        }
        if (status == Status::NeedMore) {
            m_headBuffer = window.toByteArray();
            *data = {};
        }
        return status;
    }
    m_headBuffer.append(window);
    const Status status = judgeHead(m_headBuffer, before, &end);
    if (status == Status::NeedMore)
        *data = {};
    if (status != Status::Complete)
        return status;
    const QByteArray head = std::exchange(m_headBuffer, {}).left(end + 4);
    *data = data->sliced(end + 4 - before);
    return headComplete(head);
}

// What the bytes of a head so far (new ones from `from` on) say, judged in the order they came:
// a bad line ending or the cap passed, whichever comes first, refuses; CRLF CRLF within the cap
// completes the head (its end in *end).
RequestParser::Status RequestParser::judgeHead(QByteArrayView seen, qsizetype from, qsizetype *end)
{
    const qint64 cap = m_limits.maxHeaderBytes;
    const qsizetype found = http::findHeadEnd(seen, from - 3);
    const bool fits = found >= 0 && found + 4 <= cap;
    // Up to the CRLF that ends the last line, so a CR just before it is judged too; past the cap,
    // up to the byte that passes it.
    const qsizetype judged = fits ? found + 2 : qMin<qsizetype>(seen.size(), cap + 1);
    if (hasBareLineEnd(seen.first(judged), from))
        return refuse(400, kBareLf, 0, seen);
    if (fits) {
        *end = found;
        return Status::Complete;
    }
    if (seen.size() > cap)
        return refuse(431, QStringLiteral("Request header too large"), 0, seen);
    return Status::NeedMore;
}

RequestParser::Status RequestParser::headComplete(QByteArrayView head)
{
    m_head = RequestHead();
    m_body = QByteArray();
    QString error;
    if (!parseHead(head, &m_head, &error))
        return refuse(400, error, 0, head);
    // Where a request's body ends must be read one way only (RFC 9112 §6.3): anything two
    // parsers could read differently is refused rather than guessed at.
    // The framing fields and Expect, in one pass: each repeat counted, the first value kept.
    struct Field
    {
        int count = 0;
        const QByteArray *first = nullptr;
    } lengths, encodings, expect;
    for (const auto &[name, value] : m_head.headers) {
        Field *field = http::sameFieldName(name, "content-length") ? &lengths
            : http::sameFieldName(name, "transfer-encoding")       ? &encodings
            : http::sameFieldName(name, "expect")                  ? &expect
                                                                   : nullptr;
        if (field && field->count++ == 0)
            field->first = &value;
    }
    if (lengths.count > 0 && encodings.count > 0)
        return refuse(400, QStringLiteral("Content-Length and Transfer-Encoding together"));
    // Node's parser refuses a repeated Content-Length even of the same value, and a delivery
    // Node would refuse must not pass here.
    if (lengths.count > 1)
        return refuse(400, QStringLiteral("Content-Length sent more than once"));
    if (encodings.count > 1
        || (encodings.count == 1 && !http::sameFieldName(*encodings.first, "chunked")))
        return refuse(400, QStringLiteral("Unsupported Transfer-Encoding: only one, chunked"));
    const bool chunked = encodings.count > 0;
    qint64 length = 0;
    if (lengths.count > 0) {
        const QByteArray &value = *lengths.first;
        bool ok = !value.isEmpty() && value.size() <= 15;
        for (char c : value)
            ok = ok && c >= '0' && c <= '9';
        if (!ok)
            return refuse(400, QStringLiteral("Invalid Content-Length header: digits only"));
        length = value.toLongLong();
    }
    if (length > m_limits.maxBodyBytes)
        return refuse(413, QStringLiteral("Request body too large"), length);
    if (!chunked && length == 0)
        return Status::Complete;
    if (chunked) {
        m_chunked = ChunkedDecoder(m_limits.maxBodyBytes, m_limits.maxHeaderBytes);
        m_step = Step::Chunked;
    } else {
        m_body.reserve(length);
        m_bodyRemaining = length;
        m_step = Step::Body;
    }
    return expect.first && http::sameFieldName(*expect.first, "100-continue") ? Status::Continue
                                                                              : Status::NeedMore;
}

RequestParser::Status RequestParser::refuse(
    int status, const QString &message, qint64 discard, QByteArrayView head)
{
    m_step = Step::Refused;
    m_refusal = { status, message, discard,
        head.first(qMin<qsizetype>(head.size(), 1024)).toByteArray() };
    m_headBuffer.clear();
    m_body.clear();
    return Status::Refused;
}

} // namespace kiket
