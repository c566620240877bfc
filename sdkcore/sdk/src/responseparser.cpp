#include "responseparser.h"

#include "chunkeddecoder.h"

namespace kiket {

AnswerState parseResponse(const QByteArray &data, bool closed, HttpResponse *out, QString *error)
{
    const auto malformed = [error](const QString &why) {
        if (error)
            *error = why;
        return AnswerState::Malformed;
    };
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return AnswerState::Incomplete;
    const QByteArrayView head = QByteArrayView(data).first(headEnd);
    qsizetype lineEnd = head.indexOf('\n');
    const QByteArrayView statusLine = head.first(lineEnd < 0 ? head.size() : lineEnd).trimmed();
    const qsizetype space = statusLine.indexOf(' ');
    QByteArrayView code = space < 0 ? QByteArrayView() : statusLine.sliced(space + 1).trimmed();
    if (const qsizetype end = code.indexOf(' '); end >= 0)
        code = code.first(end);
    out->status = code.toInt(); // 0 when it is not a number
    out->headers.clear();
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
    const qsizetype bodyStart = headEnd + 4;
    out->body.clear();
    if (out->status == 204 || out->status == 304 || out->status / 100 == 1)
        return AnswerState::Complete;
    if (headerValue(out->headers, "transfer-encoding").toLower().contains("chunked")) {
        ChunkedDecoder decoder(kMaxAnswerBytes, 16 * 1024, true);
        QByteArrayView rest = QByteArrayView(data).sliced(bodyStart);
        switch (decoder.feed(&rest, &out->body)) {
        case ChunkedDecoder::Status::Done:
            return AnswerState::Complete;
        case ChunkedDecoder::Status::NeedMore:
            return AnswerState::Incomplete;
        case ChunkedDecoder::Status::Malformed:
            return malformed(decoder.error());
        case ChunkedDecoder::Status::TooLarge:
            return malformed(
                QStringLiteral("The answer is larger than %1 MiB").arg(kMaxAnswerBytes >> 20));
        }
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
        if (data.size() - bodyStart < n)
            return AnswerState::Incomplete;
        out->body = data.mid(bodyStart, n);
        return AnswerState::Complete;
    }
    out->body = data.mid(bodyStart);
    return closed ? AnswerState::Complete : AnswerState::Incomplete;
}

} // namespace kiket
