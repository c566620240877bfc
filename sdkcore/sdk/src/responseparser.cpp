#include "responseparser.h"

#include "httpsyntax.h"

#include <algorithm>

namespace kiket {

namespace {

// The status line and header fields of a head (without its blank line).
void readHead(QByteArrayView head, HttpResponse *out)
{
    qsizetype lineEnd = head.indexOf('\n');
    const QByteArrayView statusLine = head.first(lineEnd < 0 ? head.size() : lineEnd).trimmed();
    const qsizetype space = statusLine.indexOf(' ');
    QByteArrayView code = space < 0 ? QByteArrayView() : statusLine.sliced(space + 1).trimmed();
    if (const qsizetype end = code.indexOf(' '); end >= 0)
        code = code.first(end);
    out->status = code.toInt(); // 0 when it is not a number
    out->headers.clear();
    out->headers.reserve(std::count(head.begin(), head.end(), '\n')); // one per line at most
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 1;
        lineEnd = head.indexOf('\n', start);
        const QByteArrayView line
            = head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            out->headers.append({ line.first(colon).trimmed().toByteArray(),
                line.sliced(colon + 1).trimmed().toByteArray() });
    }
}

QString tooLarge()
{
    return QStringLiteral("The answer is larger than %1 MiB").arg(kMaxAnswerBytes >> 20);
}

} // namespace

AnswerState parseResponse(const QByteArray &data, bool closed, HttpResponse *out, QString *error,
    AnswerProgress *progress)
{
    const auto malformed = [error](const QString &why) {
        if (error)
            *error = why;
        return AnswerState::Malformed;
    };
    AnswerProgress fresh;
    AnswerProgress &p = progress ? *progress : fresh;
    if (p.bodyStart < 0) {
        // Search only the bytes that came since, and the three before them ("\r\n\r" + "\n").
        const qsizetype headEnd = http::findHeadEnd(data, p.headSearched - 3);
        if (headEnd < 0) {
            p.headSearched = data.size();
            if (data.size() > kMaxAnswerHeadBytes)
                return malformed(QStringLiteral("The answer's head is larger than %1 KiB")
                                     .arg(kMaxAnswerHeadBytes >> 10));
            return AnswerState::Incomplete;
        }
        readHead(QByteArrayView(data).first(headEnd), &p.head);
        p.bodyStart = headEnd + 4;
        if (headerValue(p.head.headers, "transfer-encoding").toLower().contains("chunked"))
            p.chunked.emplace(kMaxAnswerBytes, 16 * 1024, true);
    }
    out->status = p.head.status;
    out->headers = p.head.headers;
    out->body.clear();
    if (out->status == 204 || out->status == 304 || out->status / 100 == 1)
        return AnswerState::Complete;
    if (p.chunked) {
        if (p.chunkedEnd == AnswerState::Incomplete) { // what came since goes to the decoder
            QByteArrayView rest = QByteArrayView(data).sliced(p.bodyStart + p.fed);
            const qsizetype before = rest.size();
            const ChunkedDecoder::Status status = p.chunked->feed(&rest, &p.body);
            p.fed += before - rest.size();
            if (status == ChunkedDecoder::Status::Done) {
                p.chunkedEnd = AnswerState::Complete;
            } else if (status == ChunkedDecoder::Status::Malformed) {
                p.chunkedEnd = AnswerState::Malformed;
                p.chunkedError = p.chunked->error();
            } else if (status == ChunkedDecoder::Status::TooLarge) {
                p.chunkedEnd = AnswerState::Malformed;
                p.chunkedError = tooLarge();
            }
        }
        if (p.chunkedEnd == AnswerState::Complete)
            out->body = p.body;
        return p.chunkedEnd == AnswerState::Malformed ? malformed(p.chunkedError) : p.chunkedEnd;
    }
    const QByteArray length = headerValue(out->headers, "content-length").trimmed();
    if (!length.isEmpty()) {
        bool ok = length.size() <= 15;
        for (char c : length)
            ok = ok && c >= '0' && c <= '9';
        if (!ok)
            return malformed(QStringLiteral("Invalid Content-Length in the answer: %1")
                                 .arg(QString::fromLatin1(length.left(40))));
        const qint64 n = length.toLongLong();
        if (n > kMaxAnswerBytes)
            return malformed(tooLarge());
        if (data.size() - p.bodyStart < n)
            return AnswerState::Incomplete;
        out->body = data.mid(p.bodyStart, n);
        return AnswerState::Complete;
    }
    if (data.size() - p.bodyStart > kMaxAnswerBytes)
        return malformed(tooLarge());
    if (!closed)
        return AnswerState::Incomplete; // the body ends when the peer closes
    out->body = data.mid(p.bodyStart);
    return AnswerState::Complete;
}

} // namespace kiket
