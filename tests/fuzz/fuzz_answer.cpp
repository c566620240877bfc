// The answer parser (the forwarder's and the blocking client's) reads an HTTP answer as it
// arrives: any bytes, cut anywhere, give "incomplete", "malformed" with a reason, or an answer
// whose body lies within what arrived; once complete or malformed, more bytes do not change that.
// Read in pieces with its progress kept, as the callers do, it finds what one read of the same
// bytes finds.
#include "fuzzing.h"
#include "responseparser.h"

using namespace kiket::fuzz;
using kiket::AnswerState;

namespace {

void checkSame(
    AnswerState pieces, const kiket::HttpResponse &a, const QByteArray &bytes, bool closed)
{
    kiket::HttpResponse b;
    const AnswerState once = kiket::parseResponse(bytes, closed, &b);
    check(once == pieces, "read in pieces, the answer ends otherwise than read at once");
    if (once == AnswerState::Complete)
        check(a.status == b.status && a.headers == b.headers && a.body == b.body,
            "read in pieces, the answer differs from the one read at once");
}

} // namespace

KIKET_FUZZ_TARGET(data, size)
{
    StreamInput in(data, size);
    kiket::HttpResponse answer;
    kiket::AnswerProgress progress;
    QString why;
    AnswerState first = AnswerState::Incomplete;
    qsizetype at = 0;
    while (at < in.stream.size() && first == AnswerState::Incomplete) {
        at += in.cut(64);
        at = qMin(at, in.stream.size());
        first = kiket::parseResponse(in.stream.first(at), false, &answer, &why, &progress);
        if (first == AnswerState::Complete)
            check(answer.body.size() <= at, "a body longer than what arrived");
        if (first == AnswerState::Malformed)
            check(!why.isEmpty(), "malformed without a reason");
    }
    checkSame(first, answer, in.stream.first(at), false);
    const AnswerState last = kiket::parseResponse(in.stream, true, &answer, &why, &progress);
    check(answer.body.size() <= in.stream.size(), "a body longer than what arrived");
    if (first != AnswerState::Incomplete)
        check(last == first, "more bytes changed a finished answer");
    else
        checkSame(last, answer, in.stream, true);
    return 0;
}
