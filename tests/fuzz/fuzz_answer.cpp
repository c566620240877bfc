// The answer parser (the forwarder's and the blocking client's) reads an HTTP answer as it
// arrives: any bytes, cut anywhere, give "incomplete", "malformed" with a reason, or an answer
// whose body lies within what arrived; once complete or malformed, more bytes do not change that.
#include "fuzzing.h"
#include "responseparser.h"

using namespace kiket::fuzz;
using kiket::AnswerState;

KIKET_FUZZ_TARGET(data, size)
{
    StreamInput in(data, size);
    kiket::HttpResponse answer;
    QString why;
    AnswerState first = AnswerState::Incomplete;
    for (qsizetype at = 0; at < in.stream.size() && first == AnswerState::Incomplete;
         at += in.cut(64)) {
        first = kiket::parseResponse(in.stream.first(at), false, &answer, &why);
        if (first == AnswerState::Complete)
            check(answer.body.size() <= at, "a body longer than what arrived");
        if (first == AnswerState::Malformed)
            check(!why.isEmpty(), "malformed without a reason");
    }
    const AnswerState last = kiket::parseResponse(in.stream, true, &answer, &why);
    check(answer.body.size() <= in.stream.size(), "a body longer than what arrived");
    if (first != AnswerState::Incomplete)
        check(last == first, "more bytes changed a finished answer");
    return 0;
}
