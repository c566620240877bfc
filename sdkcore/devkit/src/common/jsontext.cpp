#include "jsontext.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace kiket::devkit {

namespace {

// Bytes written for each input byte, for UTF-8 and for Latin-1 input.
struct EscapedSizes
{
    unsigned char utf8[256];
    unsigned char latin1[256];

    constexpr EscapedSizes()
        : utf8()
        , latin1()
    {
        for (int u = 0; u < 256; ++u) {
            utf8[u] = u == '"' || u == '\\' ? 2 : u < 0x20 ? 6 : 1; // 6: \u00XX
            latin1[u] = u >= 0x80 ? 2 : utf8[u];
        }
    }
};

constexpr EscapedSizes kEscapedSizes;

} // namespace

qsizetype jsonStringSize(QByteArrayView bytes, TextBytes encoding)
{
    const unsigned char *sizes
        = encoding == TextBytes::Latin1 ? kEscapedSizes.latin1 : kEscapedSizes.utf8;
    qsizetype size = 2;
    for (const char c : bytes)
        size += sizes[static_cast<unsigned char>(c)];
    return size;
}

char *writeJsonString(char *w, QByteArrayView bytes, TextBytes encoding, qsizetype size)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *sizes
        = encoding == TextBytes::Latin1 ? kEscapedSizes.latin1 : kEscapedSizes.utf8;
    *w++ = '"';
    if (size == bytes.size() + 2) { // nothing to escape
        if (!bytes.isEmpty()) // a null array's data() is null, which memcpy may not take
            std::memcpy(w, bytes.data(), size_t(bytes.size()));
        w += bytes.size();
    } else {
        for (const char c : bytes) {
            const auto u = static_cast<unsigned char>(c);
            switch (sizes[u]) {
            case 1:
                *w++ = c;
                break;
            case 2:
                if (u >= 0x80) { // a Latin-1 byte as two UTF-8 bytes
                    *w++ = char(0xc0 | (u >> 6));
                    *w++ = char(0x80 | (u & 0x3f));
                } else {
                    *w++ = '\\';
                    *w++ = c;
                }
                break;
            default:
                std::memcpy(w, "\\u00", 4);
                w[4] = hex[u >> 4];
                w[5] = hex[u & 15];
                w += 6;
            }
        }
    }
    *w++ = '"';
    return w;
}

void appendJsonString(QByteArray &out, QByteArrayView bytes, TextBytes encoding)
{
    // Measured first, then written in place: one allocation however many escapes there are.
    const qsizetype size = jsonStringSize(bytes, encoding);
    const qsizetype at = out.size();
    out.resize(at + size);
    writeJsonString(out.data() + at, bytes, encoding, size);
}

void appendJsonNumber(QByteArray &out, double number)
{
    const double size = std::abs(number);
    const bool integral = std::trunc(number) == number;
    char text[32];
    const auto put = [&](std::to_chars_result written) { out.append(text, written.ptr - text); };
    if (!std::isfinite(number))
        out += "null";
    else if (integral && size <= 0x1p53) // exact: the digits 'f' would write
        put(std::to_chars(text, std::end(text), qint64(number)));
    else if (!integral && size >= 1e-3 && size < 1e15) // a stage's milliseconds
        put(std::to_chars(text, std::end(text), number, std::chars_format::fixed));
    else if (!integral || size >= 0x1p63)
        out += QByteArray::number(number, 'g', QLocale::FloatingPointShortest);
    else // QJsonDocument writes the rest of qint64's range without an exponent
        out += QByteArray::number(number, 'f', QLocale::FloatingPointShortest);
}

void appendIsoUtc(QByteArray &out, const QDateTime &time)
{
    if (!time.isValid())
        return;
    const qint64 ms = time.toMSecsSinceEpoch();
    const qint64 dayMs = 86400000;
    const qint64 days = ms >= 0 ? ms / dayMs : (ms - dayMs + 1) / dayMs;
    const qint64 inDay = ms - days * dayMs;
    const QDate date = QDate::fromJulianDay(2440588 + days); // 1970-01-01
    if (date.year() < 1 || date.year() > 9999)
        return;
    char text[24];
    const auto digits = [&text](int at, qint64 value, int count) {
        for (int i = count - 1; i >= 0; --i, value /= 10)
            text[at + i] = char('0' + value % 10);
    };
    digits(0, date.year(), 4);
    text[4] = '-';
    digits(5, date.month(), 2);
    text[7] = '-';
    digits(8, date.day(), 2);
    text[10] = 'T';
    digits(11, inDay / 3600000, 2);
    text[13] = ':';
    digits(14, inDay / 60000 % 60, 2);
    text[16] = ':';
    digits(17, inDay / 1000 % 60, 2);
    text[19] = '.';
    digits(20, inDay % 1000, 3);
    text[23] = 'Z';
    out.append(text, sizeof text);
}

} // namespace kiket::devkit
