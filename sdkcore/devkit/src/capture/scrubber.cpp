#include "scrubber.h"

#include <algorithm>
#include <cstring>

namespace kiket::devkit {

namespace {

constexpr qsizetype kPrefix = 8;

quint64 prefixOf(const char *p)
{
    quint64 key;
    std::memcpy(&key, p, kPrefix);
    return key;
}

int pairOf(const char *p)
{
    return static_cast<unsigned char>(p[0]) << 8 | static_cast<unsigned char>(p[1]);
}

} // namespace

void longestFirst(QList<QByteArray> &values)
{
    std::sort(values.begin(), values.end(), [](const QByteArray &a, const QByteArray &b) {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    values.erase(std::unique(values.begin(), values.end()), values.end());
}

Scrubber::Scrubber(const QList<QByteArray> &values, const QByteArray &replacement)
    : m_firstPairs(65536 / 64, 0)
    , m_replacement(replacement)
{
    for (const QByteArray &value : values) {
        if (value.size() < kPrefix)
            continue;
        m_patterns << value;
        const QByteArray encoded = value.toPercentEncoding();
        if (encoded != value)
            m_patterns << encoded;
    }
    longestFirst(m_patterns);
    for (qsizetype i = 0; i < m_patterns.size(); ++i) {
        m_byPrefix[prefixOf(m_patterns[i].constData())].append(i);
        const int pair = pairOf(m_patterns[i].constData());
        m_firstPairs[pair >> 6] |= quint64(1) << (pair & 63);
    }
    if (!m_patterns.isEmpty())
        m_shortest = m_patterns.last().size();
}

bool Scrubber::scrub(QByteArray &text) const
{
    if (m_patterns.isEmpty() || text.size() < m_shortest)
        return false;
    const char *data = text.constData();
    const qsizetype size = text.size();
    QByteArray out;
    qsizetype copied = 0; // text before this is in out
    for (qsizetype at = 0; at + m_shortest <= size;) {
        const QByteArray *found = nullptr;
        const int pair = pairOf(data + at);
        if (m_firstPairs[pair >> 6] >> (pair & 63) & 1) {
            const auto candidates = m_byPrefix.constFind(prefixOf(data + at));
            if (candidates != m_byPrefix.constEnd()) {
                for (const qsizetype i : *candidates) {
                    const QByteArray &pattern = m_patterns[i];
                    if (pattern.size() <= size - at
                        && std::memcmp(data + at, pattern.constData(), pattern.size()) == 0) {
                        found = &pattern;
                        break;
                    }
                }
            }
        }
        if (!found) {
            ++at;
            continue;
        }
        out.append(data + copied, at - copied).append(m_replacement);
        at += found->size();
        copied = at;
    }
    if (copied == 0)
        return false;
    out.append(data + copied, size - copied);
    text = out;
    return true;
}

} // namespace kiket::devkit
