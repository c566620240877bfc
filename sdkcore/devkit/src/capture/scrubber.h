#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>

#include <vector>

namespace kiket::devkit {

/// Replaces every occurrence of a set of secret values, and of their percent-encoded forms, in one
/// pass over a text, whatever the number of values: at each position the first eight bytes are
/// looked up among the values' first eight, and the longest value found there is replaced.
/// Values shorter than eight bytes are ignored.
class Scrubber
{
public:
    Scrubber(const QList<QByteArray> &values, const QByteArray &replacement);
    /// Whether it replaced anything; text is left as it was (and shared) when not.
    bool scrub(QByteArray &text) const;
    bool isEmpty() const { return m_patterns.isEmpty(); }

private:
    QList<QByteArray> m_patterns; // longest first
    QHash<quint64, QList<qsizetype>> m_byPrefix; // first eight bytes → patterns, longest first
    // The first two bytes of some pattern, one bit each: a cheap first test.
    std::vector<quint64> m_firstPairs;
    qsizetype m_shortest = 0; // a text shorter than this holds no pattern
    QByteArray m_replacement;
};

/// Sorts values longest first, so that a value holding another is replaced whole; each value once.
void longestFirst(QList<QByteArray> &values);

} // namespace kiket::devkit
