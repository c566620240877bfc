// The differential HTTP check as a fuzz target: any stream, read by the SDK and by the reference
// parser, must be framed alike (see httpdiff.h for where they may differ).
#include "fuzzing.h"
#include "httpdiff.h"

using namespace kiket::fuzz;

KIKET_FUZZ_TARGET(data, size)
{
    const QByteArray stream(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString difference = disagreement(frameWithSdk(stream), frameWithReference(stream));
    check(difference.isEmpty(), "the SDK and the reference parser frame the stream differently",
        difference.toUtf8());
    return 0;
}
