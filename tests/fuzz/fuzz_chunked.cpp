// ChunkedDecoder, strict (requests) and lenient (answers): the same body fed whole and in random
// pieces decodes alike, stops at the same byte and never passes the cap.
#include "chunkeddecoder.h"
#include "fuzzing.h"

using kiket::ChunkedDecoder;
using namespace kiket::fuzz;

namespace {

QByteArray decode(qint64 maxBody, qint64 maxTrailer, bool lenient, const QByteArray &stream,
    StreamInput *cuts)
{
    ChunkedDecoder decoder(maxBody, maxTrailer, lenient);
    QByteArray body;
    qsizetype at = 0;
    ChunkedDecoder::Status status = ChunkedDecoder::Status::NeedMore;
    while (at < stream.size() && status == ChunkedDecoder::Status::NeedMore) {
        const qsizetype piece = cuts ? cuts->cut(32) : stream.size() - at;
        QByteArrayView data = QByteArrayView(stream).sliced(at, qMin(piece, stream.size() - at));
        status = decoder.feed(&data, &body);
        check(body.size() <= maxBody, "a body passed the cap");
        if (status == ChunkedDecoder::Status::NeedMore)
            check(data.isEmpty(), "NeedMore left bytes untaken");
        at += (qMin(piece, stream.size() - at) - data.size());
    }
    const QByteArray verdict = status == ChunkedDecoder::Status::Done ? "done at " + QByteArray::number(at)
        : status == ChunkedDecoder::Status::TooLarge                 ? QByteArray("too large")
        : status == ChunkedDecoder::Status::Malformed                ? "malformed " + decoder.error().toUtf8()
                                                                     : QByteArray("need more");
    // A failure may come a few bytes later when split; what was decoded before it must agree.
    return status == ChunkedDecoder::Status::Done ? verdict + ' ' + body.toHex() : verdict;
}

} // namespace

KIKET_FUZZ_TARGET(data, size)
{
    StreamInput in(data, size);
    const qint64 maxBody = in.pick<qint64>({ 0, 8, 1024, 1024 * 1024 });
    const qint64 maxTrailer = in.pick<qint64>({ 2, 64, 16 * 1024 });
    const bool lenient = in.pick({ false, true });
    const QByteArray whole = decode(maxBody, maxTrailer, lenient, in.stream, nullptr);
    const QByteArray pieces = decode(maxBody, maxTrailer, lenient, in.stream, &in);
    check(whole == pieces, "whole and split bodies decoded differently", whole + "\n" + pieces);
    return 0;
}
