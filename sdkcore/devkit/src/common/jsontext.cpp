#include "jsontext.h"

namespace kiket::devkit {

void appendJsonString(QByteArray &out, QByteArrayView bytes, TextBytes encoding)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    qsizetype plain = 0; // where the bytes not yet appended start: they need no escape
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto u = static_cast<unsigned char>(bytes[i]);
        const bool latin1High = u >= 0x80 && encoding == TextBytes::Latin1;
        if (u >= 0x20 && u != '"' && u != '\\' && !latin1High)
            continue;
        out.append(bytes.sliced(plain, i - plain));
        plain = i + 1;
        if (u == '"' || u == '\\') {
            out += '\\';
            out += char(u);
        } else if (latin1High) { // two UTF-8 bytes
            out += char(0xc0 | (u >> 6));
            out += char(0x80 | (u & 0x3f));
        } else {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    out.append(bytes.sliced(plain));
    out += '"';
}

} // namespace kiket::devkit
