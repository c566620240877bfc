#pragma once
// What every fuzz target shares: the libFuzzer entry point, input helpers and a loud failure.

#include <fuzzer/FuzzedDataProvider.h>

#include <QByteArray>
#include <QHash>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <random>

namespace kiket::fuzz {

/// Stops the run with a message: libFuzzer keeps the input that led here as a crash file.
[[noreturn]] inline void fail(const char *what, const QByteArray &detail = {})
{
    std::fprintf(stderr, "fuzz check failed: %s\n%s\n", what, detail.constData());
    std::abort();
}

inline void check(bool condition, const char *what, const QByteArray &detail = {})
{
    if (!condition)
        fail(what, detail);
}

/// Bytes of at most max length, taken from the front of the input.
inline QByteArray bytes(FuzzedDataProvider &in, size_t max)
{
    const std::string s = in.ConsumeRandomLengthString(max);
    return QByteArray(s.data(), qsizetype(s.size()));
}

/// A stream target's input is the raw stream, so its corpus holds real requests as they are; the
/// limits and the places it is cut at are drawn from a generator seeded by the stream's hash.
struct StreamInput
{
    explicit StreamInput(const uint8_t *data, size_t size)
        : stream(reinterpret_cast<const char *>(data), qsizetype(size))
        , random(uint32_t(qHash(stream)))
    { }
    /// One of the values, chosen by the stream.
    template <typename T> T pick(std::initializer_list<T> values)
    {
        return values.begin()[random() % values.size()];
    }
    int cut(int max) { return 1 + int(random() % uint32_t(max)); }

    QByteArray stream;
    std::minstd_rand random;
};

inline QByteArray rest(FuzzedDataProvider &in)
{
    const std::string s = in.ConsumeRemainingBytesAsString();
    return QByteArray(s.data(), qsizetype(s.size()));
}

} // namespace kiket::fuzz

#define KIKET_FUZZ_TARGET(data, size) \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
