// Delivery suites: checking a case's expectations against what came back.
#include "kiket/devkit/suite/suite.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace kiket::devkit {

namespace {

QString shown(const QJsonValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("nothing");
    if (value.isString())
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    return QString::fromUtf8(QJsonDocument(QJsonArray { value })
                                 .toJson(QJsonDocument::Compact)
                                 .chopped(1)
                                 .mid(1));
}

// The text a pattern is searched in: a string itself, anything else as compact JSON.
QString textOf(const QJsonValue &value)
{
    return value.isString() ? value.toString() : shown(value);
}

QJsonValue parsedBody(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError)
        return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    return QString::fromUtf8(body);
}

CheckFailure failure(const ValueCheck &check, const QString &what, const QString &message,
    const QJsonValue &expected, const QJsonValue &actual)
{
    return { what, message, expected, actual, check.line, check.column };
}

} // namespace

QJsonValue valueAtPath(const QJsonValue &root, const QString &path)
{
    QString rest = path;
    if (rest == QLatin1String("$"))
        return root;
    if (rest.startsWith(QLatin1String("$.")))
        rest = rest.mid(2);
    QJsonValue at = root;
    static const QRegularExpression segment(QStringLiteral(R"(^([^.\[]*)((?:\[\d+\])*)\.?)"));
    while (!rest.isEmpty()) {
        const QRegularExpressionMatch m = segment.match(rest);
        if (!m.hasMatch() || m.capturedLength() == 0)
            return QJsonValue::Undefined;
        if (!m.captured(1).isEmpty()) {
            if (!at.isObject() || !at.toObject().contains(m.captured(1)))
                return QJsonValue::Undefined;
            at = at.toObject().value(m.captured(1));
        }
        static const QRegularExpression index(QStringLiteral(R"(\[(\d+)\])"));
        for (auto it = index.globalMatch(m.captured(2)); it.hasNext();) {
            const qsizetype i = it.next().captured(1).toLongLong();
            if (!at.isArray() || i >= at.toArray().size())
                return QJsonValue::Undefined;
            at = at.toArray().at(i);
        }
        rest = rest.mid(m.capturedLength());
    }
    return at;
}

QList<CheckFailure> checkValue(const ValueCheck &check, const QJsonValue &actual,
    const QString &what)
{
    QList<CheckFailure> out;
    const bool present = !actual.isUndefined();
    if (check.exists && *check.exists != present) {
        out.append(failure(check, what,
            present ? QStringLiteral("expected no value, got %1").arg(shown(actual))
                    : QStringLiteral("expected a value, got nothing"),
            *check.exists, actual));
    }
    if (check.equals && *check.equals != actual) {
        out.append(failure(check, what,
            QStringLiteral("expected %1, got %2").arg(shown(*check.equals), shown(actual)),
            *check.equals, actual));
    }
    if (!check.matches.isEmpty()) {
        const QRegularExpression re(check.matches);
        if (!present || !re.match(textOf(actual)).hasMatch())
            out.append(failure(check, what,
                QStringLiteral("expected a match of /%1/, got %2").arg(check.matches, shown(actual)),
                QStringLiteral("/%1/").arg(check.matches), actual));
    }
    if (check.anyOf && !check.anyOf->contains(actual)) {
        out.append(failure(check, what,
            QStringLiteral("expected one of %1, got %2").arg(shown(*check.anyOf), shown(actual)),
            *check.anyOf, actual));
    }
    return out;
}

namespace {

QJsonValue headerAt(const HeaderList &headers, const QString &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name.toLatin1(), Qt::CaseInsensitive) == 0)
            return QString::fromLatin1(value);
    }
    return QJsonValue::Undefined;
}

// The failures of one call against the expectation's method and body (empty: it matches).
QList<CheckFailure> callMismatch(const ApiCallExpectation &e, const CaseOutcome::ApiCall &call,
    const QString &what)
{
    QList<CheckFailure> out;
    if (!e.method.isEmpty() && call.method != e.method.toLatin1())
        out.append({ what + QStringLiteral(".method"),
            QStringLiteral("expected %1, got %2").arg(e.method, QString::fromLatin1(call.method)),
            e.method, QString::fromLatin1(call.method), e.line, e.column });
    const QJsonValue body = parsedBody(call.body);
    for (const ValueCheck &check : e.body)
        out += checkValue(check, valueAtPath(body, check.path),
            what + QStringLiteral(".body.") + check.path);
    return out;
}

QList<CheckFailure> checkApiCall(
    const ApiCallExpectation &e, int index, const QList<CaseOutcome::ApiCall> &calls)
{
    const QString what = QStringLiteral("api_calls[%1] %2").arg(index).arg(e.endpoint);
    int matching = 0;
    QList<CheckFailure> nearest; // why the first call to the endpoint did not match
    QStringList made;
    for (const CaseOutcome::ApiCall &call : calls) {
        made.append(call.endpoint);
        if (call.endpoint != e.endpoint)
            continue;
        const QList<CheckFailure> mismatch = callMismatch(e, call, what);
        if (mismatch.isEmpty())
            ++matching;
        else if (nearest.isEmpty())
            nearest = mismatch;
    }
    const auto one = [&](const QString &message, int expected) {
        return QList<CheckFailure> { { what, message, expected, matching, e.line, e.column } };
    };
    if (e.absent && matching > 0)
        return one(QStringLiteral("expected no such call, got %1").arg(matching), 0);
    if (e.count && matching != *e.count)
        return one(QStringLiteral("expected %1 such calls, got %2").arg(*e.count).arg(matching),
            *e.count);
    if (e.absent || e.count || matching > 0)
        return {};
    if (!nearest.isEmpty())
        return nearest;
    return one(QStringLiteral("expected a call, got none (calls made: %1)")
                   .arg(made.isEmpty() ? QStringLiteral("none") : made.join(QStringLiteral(", "))),
        1);
}

} // namespace

QList<CheckFailure> evaluateCase(const SuiteCase &c, const CaseOutcome &outcome)
{
    QList<CheckFailure> out;
    const int status = outcome.response.status;
    if (status == 0) {
        out.append({ QStringLiteral("status"),
            QStringLiteral("no answer: %1").arg(outcome.transportError), c.status.value_or(200),
            QJsonValue::Undefined, c.statusLine, 1 });
        return out;
    }
    if (c.status && *c.status != status)
        out.append({ QStringLiteral("status"),
            QStringLiteral("expected %1, got %2").arg(*c.status).arg(status), *c.status, status,
            c.statusLine, 1 });
    const QJsonValue body = parsedBody(outcome.response.body);
    for (const ValueCheck &check : c.body)
        out += checkValue(
            check, valueAtPath(body, check.path), QStringLiteral("body.") + check.path);
    for (const ValueCheck &check : c.headers)
        out += checkValue(check, headerAt(outcome.response.headers, check.path),
            QStringLiteral("headers.") + check.path.toLower());
    for (int i = 0; i < c.apiCalls.size(); ++i)
        out += checkApiCall(c.apiCalls[i], i, outcome.apiCalls);
    if (c.maxDurationMs && outcome.durationMs > *c.maxDurationMs)
        out.append({ QStringLiteral("max_duration_ms"),
            QStringLiteral("expected at most %1 ms, took %2 ms")
                .arg(*c.maxDurationMs)
                .arg(outcome.durationMs, 0, 'f', 1),
            *c.maxDurationMs, outcome.durationMs, c.maxDurationLine, 1 });
    return out;
}

} // namespace kiket::devkit
