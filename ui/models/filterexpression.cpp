#include "filterexpression.h"

#include <QRegularExpression>

namespace kiket::ui {

using devkit::ExchangeSummary;

namespace {

const QStringList kFields { QStringLiteral("event"), QStringLiteral("status"),
    QStringLiteral("auth"), QStringLiteral("kind"), QStringLiteral("version"),
    QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("handler"),
    QStringLiteral("duration") };

// One piece of the text: an optional "-", an optional "field:", a value (quotes removed).
struct Token
{
    bool negated = false;
    QString field;
    QString value;
    int column = 1; ///< Where the token starts, 1-based.
    int valueColumn = 1;
};

Result<QList<Token>> tokenize(const QString &text)
{
    QList<Token> tokens;
    qsizetype i = 0;
    while (i < text.size()) {
        if (text[i].isSpace()) {
            ++i;
            continue;
        }
        Token t;
        t.column = int(i + 1);
        if (text[i] == QLatin1Char('-') || text[i] == QLatin1Char('!')) {
            t.negated = true;
            ++i;
        }
        const qsizetype wordStart = i;
        while (i < text.size() && !text[i].isSpace() && text[i] != QLatin1Char(':')
            && text[i] != QLatin1Char('"'))
            ++i;
        if (i < text.size() && text[i] == QLatin1Char(':')) {
            t.field = text.mid(wordStart, i - wordStart).toLower();
            ++i;
        } else {
            i = wordStart; // a bare word or phrase
        }
        t.valueColumn = int(i + 1);
        if (i < text.size() && text[i] == QLatin1Char('"')) {
            const qsizetype close = text.indexOf(QLatin1Char('"'), i + 1);
            if (close < 0)
                return Error { QStringLiteral("filter.quote"),
                    QStringLiteral("the quote opened here is not closed"), 1, int(i + 1) };
            t.value = text.mid(i + 1, close - i - 1);
            i = close + 1;
        } else {
            const qsizetype start = i;
            while (i < text.size() && !text[i].isSpace())
                ++i;
            t.value = text.mid(start, i - start);
        }
        tokens << t;
    }
    return tokens;
}

QRegularExpression glob(const QString &pattern)
{
    return QRegularExpression(QRegularExpression::wildcardToRegularExpression(
                                  pattern, QRegularExpression::UnanchoredWildcardConversion)
                                  .prepend(QLatin1Char('^'))
                                  .append(QLatin1Char('$')),
        QRegularExpression::CaseInsensitiveOption);
}

// A number test: "=200", ">=400", "<5", "400-499", "4xx", "200".
Result<std::function<bool(qint64)>> numberTest(const QString &value, bool allowClass, int column)
{
    static const QRegularExpression compare(QStringLiteral("^(<=|>=|<|>|=)?(\\d+)$"));
    static const QRegularExpression range(QStringLiteral("^(\\d+)-(\\d+)$"));
    static const QRegularExpression statusClass(
        QStringLiteral("^([1-5])xx$"), QRegularExpression::CaseInsensitiveOption);
    if (const auto m = compare.match(value); m.hasMatch()) {
        const QString op = m.captured(1);
        const qint64 n = m.captured(2).toLongLong();
        if (op == QLatin1String("<"))
            return std::function<bool(qint64)>([n](qint64 v) { return v < n; });
        if (op == QLatin1String("<="))
            return std::function<bool(qint64)>([n](qint64 v) { return v <= n; });
        if (op == QLatin1String(">"))
            return std::function<bool(qint64)>([n](qint64 v) { return v > n; });
        if (op == QLatin1String(">="))
            return std::function<bool(qint64)>([n](qint64 v) { return v >= n; });
        return std::function<bool(qint64)>([n](qint64 v) { return v == n; });
    }
    if (const auto m = range.match(value); m.hasMatch()) {
        const qint64 low = m.captured(1).toLongLong();
        const qint64 high = m.captured(2).toLongLong();
        return std::function<bool(qint64)>([low, high](qint64 v) { return v >= low && v <= high; });
    }
    if (const auto m = statusClass.match(value); allowClass && m.hasMatch()) {
        const int cls = m.captured(1).toInt();
        return std::function<bool(qint64)>([cls](qint64 v) { return v / 100 == cls; });
    }
    return Error { QStringLiteral("filter.number"),
        QStringLiteral("'%1' is not a number test (try 200, >=400, 400-499%2)")
            .arg(value, allowClass ? QStringLiteral(", 4xx") : QString()),
        1, column };
}

QString kindText(devkit::ExchangeKind kind)
{
    return devkit::exchangeKindName(kind);
}

} // namespace

QStringList FilterExpression::fieldNames()
{
    return kFields;
}

Result<FilterExpression> FilterExpression::parse(const QString &text)
{
    auto tokens = tokenize(text);
    if (!tokens)
        return tokens.error();
    FilterExpression out;
    for (const Token &t : tokens.value()) {
        if (t.value.isEmpty())
            return Error { QStringLiteral("filter.empty"),
                t.field.isEmpty() ? QStringLiteral("a lone '-' filters nothing")
                                  : QStringLiteral("'%1:' needs a value").arg(t.field),
                1, t.valueColumn };
        Term term;
        if (t.field.isEmpty()) {
            const QString needle = t.value;
            term = [needle](const ExchangeSummary &s) {
                for (const QString &hay : { s.event, QString::fromLatin1(s.target),
                         QString::fromLatin1(s.method), s.version, s.authCause }) {
                    if (hay.contains(needle, Qt::CaseInsensitive))
                        return true;
                }
                return false;
            };
        } else if (t.field == QLatin1String("status") || t.field == QLatin1String("duration")) {
            const bool status = t.field == QLatin1String("status");
            auto test = numberTest(t.value, status, t.valueColumn);
            if (!test)
                return test.error();
            term = [status, test = test.value()](
                       const ExchangeSummary &s) { return test(status ? s.status : s.durationMs); };
        } else if (kFields.contains(t.field)) {
            QString pattern = t.value;
            if (t.field == QLatin1String("kind")
                && pattern.compare(QLatin1String("api"), Qt::CaseInsensitive) == 0)
                pattern = QStringLiteral("api-call");
            const QRegularExpression re = glob(pattern);
            const QString field = t.field;
            term = [re, field](const ExchangeSummary &s) {
                const QString value = field == QLatin1String("event") ? s.event
                    : field == QLatin1String("version")               ? s.version
                    : field == QLatin1String("auth")                  ? s.authCause
                    : field == QLatin1String("kind")                  ? kindText(s.kind)
                    : field == QLatin1String("method") ? QString::fromLatin1(s.method)
                    : field == QLatin1String("path")   ? QString::fromLatin1(s.target.left(
                            s.target.indexOf('?') < 0 ? s.target.size() : s.target.indexOf('?')))
                                                       : s.handlerKind;
                return re.match(value).hasMatch();
            };
        } else {
            return Error { QStringLiteral("filter.field"),
                QStringLiteral("unknown field '%1' (known: %2)")
                    .arg(t.field, kFields.join(QStringLiteral(", "))),
                1, t.column + (t.negated ? 1 : 0) };
        }
        if (t.negated)
            term = [inner = std::move(term)](const ExchangeSummary &s) { return !inner(s); };
        out.m_terms.push_back(std::move(term));
    }
    return out;
}

bool FilterExpression::matches(const ExchangeSummary &exchange) const
{
    for (const Term &term : m_terms) {
        if (!term(exchange))
            return false;
    }
    return true;
}

} // namespace kiket::ui
