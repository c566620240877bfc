#pragma once
// The pieces of HTTP/1.1 syntax (RFC 9110 §5) that request heads and chunked trailers share.

#include <QByteArrayView>

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <string_view>

namespace kiket::http {

inline bool isTokenChar(char c)
{
    static constexpr auto table = [] {
        std::array<bool, 256> t {};
        for (int c = 0; c < 256; ++c)
            t[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
            t[static_cast<unsigned char>(c)] = true;
        return t;
    }();
    return table[static_cast<unsigned char>(c)];
}

inline bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Control characters (NUL among them) have no place in a target or a header value (RFC 9110
// §5.5); a server or log further on might cut or keep them. HTAB is allowed in values.
inline bool hasControl(QByteArrayView text, bool allowTab)
{
    return std::any_of(text.begin(), text.end(), [allowTab](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && !(allowTab && u == '\t')) || u == 0x7f;
    });
}

/// Whether two bytes in a row break CRLF line endings: a CR not followed by LF, or an LF not
/// preceded by CR (pass '\0' as previous at the start of a line).
inline bool breaksCrlf(char previous, char c)
{
    return (previous == '\r') != (c == '\n');
}

/// Whether two field names are the same (case-insensitive); lengths are compared first, since
/// most names differ in length from the one looked for.
inline bool sameFieldName(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

/// Whether a field name is one of these (case-insensitive).
inline bool isFieldNameIn(QByteArrayView name, std::initializer_list<QByteArrayView> names)
{
    return std::any_of(names.begin(), names.end(),
        [name](QByteArrayView other) { return sameFieldName(name, other); });
}

/// Where the first CRLF CRLF at or after `from` begins (the end of a head), or -1. Looking for
/// each CR with memchr is several times faster than QByteArrayView::indexOf's hashed search.
inline qsizetype findHeadEnd(QByteArrayView data, qsizetype from)
{
    const char *begin = data.data();
    const char *end = begin + data.size();
    for (const char *p = begin + std::max<qsizetype>(from, 0); end - p >= 4; ++p) {
        p = static_cast<const char *>(std::memchr(p, '\r', size_t(end - p - 3)));
        if (!p)
            return -1;
        if (p[1] == '\n' && p[2] == '\r' && p[3] == '\n')
            return p - begin;
    }
    return -1;
}

/// Copies a piece to w, which has room for it, and returns the end: for writing a message into a
/// buffer sized beforehand, instead of growing it with an append per piece.
inline char *put(char *w, QByteArrayView piece)
{
    if (!piece.isEmpty()) // memcpy from the null data of an empty piece is undefined
        std::memcpy(w, piece.data(), size_t(piece.size()));
    return w + piece.size();
}

/// Writes "name: value" and CRLF at w (name, value and 4 bytes of room); returns the end.
inline char *putField(char *w, QByteArrayView name, QByteArrayView value)
{
    return put(put(put(put(w, name), ": "), value), "\r\n");
}

/// "name: value" with a token for a name and no control character in the value.
inline bool isFieldLine(QByteArrayView line)
{
    const qsizetype colon = line.indexOf(':');
    return colon > 0 && isToken(line.first(colon)) && !hasControl(line.sliced(colon + 1), true);
}

} // namespace kiket::http
