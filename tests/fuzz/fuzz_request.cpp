// Request framing: the same stream fed whole and in random pieces must frame the same requests
// and end the same way, and no body may pass the limit.
#include "fuzzing.h"
#include "requestparser.h"

using kiket::RequestParser;
using namespace kiket::fuzz;

namespace {

// What a parser made of a stream, as text to compare.
QByteArray frame(const kiket::ServerLimits &limits, const QByteArray &stream, StreamInput *cuts)
{
    RequestParser parser(limits);
    QByteArray out;
    qsizetype at = 0;
    while (at < stream.size()) {
        const qsizetype piece = cuts ? cuts->cut(64) : stream.size() - at;
        QByteArrayView data = QByteArrayView(stream).sliced(at, qMin(piece, stream.size() - at));
        at += data.size();
        while (!data.isEmpty()) {
            const qsizetype before = data.size();
            const RequestParser::Status status = parser.feed(&data);
            check(data.size() <= before, "feed grew its input");
            if (status == RequestParser::Status::Continue) {
                out += "100-continue\n";
            } else if (status == RequestParser::Status::Complete) {
                const kiket::RequestHead head = parser.takeHead();
                const QByteArray body = parser.takeBody();
                check(body.size() <= limits.maxBodyBytes, "a body passed the limit");
                out += head.method + ' ' + head.target + ' ' + head.version + '\n';
                for (const auto &h : head.headers)
                    out += h.first + ": " + h.second + '\n';
                out += "body " + QByteArray::number(body.size()) + ' ' + body.toHex() + '\n';
            } else if (status == RequestParser::Status::Refused) {
                return out + "refused " + QByteArray::number(parser.refusal().status) + ' '
                    + parser.refusal().message.toUtf8() + '\n';
            } else {
                check(data.isEmpty(), "NeedMore left bytes untaken");
            }
        }
    }
    return out + (parser.midRequest() ? "incomplete\n" : "idle\n");
}

} // namespace

KIKET_FUZZ_TARGET(data, size)
{
    StreamInput in(data, size);
    kiket::ServerLimits limits;
    limits.maxHeaderBytes = in.pick<qint64>({ 64, 512, 16 * 1024 });
    limits.maxBodyBytes = in.pick<qint64>({ 0, 16, 1024, 1024 * 1024 });
    const QByteArray whole = frame(limits, in.stream, nullptr);
    const QByteArray pieces = frame(limits, in.stream, &in);
    check(whole == pieces, "whole and split streams framed differently",
        "whole:\n" + whole + "pieces:\n" + pieces);
    return 0;
}
