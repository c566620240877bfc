// Delivery suites: results as JSON and as JUnit XML.
#include "kiket/devkit/suite/suitereport.h"

#include <QDateTime>
#include <QSysInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QXmlStreamWriter>

namespace kiket::devkit {

namespace {

QString jsonText(const QJsonValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("(nothing)");
    return QString::fromUtf8(
        QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact).chopped(1).mid(1));
}

QString location(const CaseResult &r, const CheckFailure &f)
{
    return f.line > 0 ? QStringLiteral("%1:%2:%3").arg(r.testCase.file).arg(f.line).arg(f.column)
                      : r.testCase.file;
}

} // namespace

QString caseLabel(const CaseResult &result)
{
    return result.suite.isEmpty() ? result.testCase.name
                                  : result.suite + QLatin1Char('/') + result.testCase.name;
}

QStringList failureLines(const CaseResult &result, const QDir &relativeTo)
{
    QStringList lines;
    if (!result.error.isEmpty())
        lines.append(QStringLiteral("%1: %2").arg(
            relativeTo.relativeFilePath(result.testCase.file), result.error));
    for (const CheckFailure &f : result.failures) {
        const QString where = f.line > 0
            ? QStringLiteral("%1:%2:%3")
                  .arg(relativeTo.relativeFilePath(result.testCase.file))
                  .arg(f.line)
                  .arg(f.column)
            : relativeTo.relativeFilePath(result.testCase.file);
        lines.append(QStringLiteral("%1: %2: %3").arg(where, f.what, f.message));
    }
    return lines;
}

std::pair<QJsonObject, QJsonObject> expectedAndActual(const CaseResult &result)
{
    QJsonObject expected;
    QJsonObject actual;
    for (const CheckFailure &f : result.failures) {
        QString key = f.what;
        for (int n = 2; expected.contains(key); ++n)
            key = QStringLiteral("%1 (%2)").arg(f.what).arg(n);
        expected.insert(key, f.expected);
        if (!f.actual.isUndefined())
            actual.insert(key, f.actual);
    }
    return { expected, actual };
}

QJsonObject suiteResultsJson(const QList<CaseResult> &results)
{
    QJsonArray cases;
    int passed = 0;
    for (const CaseResult &r : results) {
        passed += r.passed() ? 1 : 0;
        QJsonArray failures;
        for (const CheckFailure &f : r.failures) {
            QJsonObject o { { QStringLiteral("what"), f.what },
                { QStringLiteral("message"), f.message },
                { QStringLiteral("expected"), f.expected }, { QStringLiteral("line"), f.line },
                { QStringLiteral("column"), f.column } };
            if (!f.actual.isUndefined())
                o.insert(QStringLiteral("actual"), f.actual);
            failures.append(o);
        }
        QJsonObject c { { QStringLiteral("suite"), r.suite },
            { QStringLiteral("name"), r.testCase.name }, { QStringLiteral("file"), r.testCase.file },
            { QStringLiteral("passed"), r.passed() },
            { QStringLiteral("duration_ms"), r.outcome.durationMs },
            { QStringLiteral("status"), r.outcome.response.status },
            { QStringLiteral("failures"), failures } };
        if (!r.error.isEmpty())
            c.insert(QStringLiteral("error"), r.error);
        cases.append(c);
    }
    return { { QStringLiteral("passed"), passed },
        { QStringLiteral("failed"), int(results.size()) - passed },
        { QStringLiteral("cases"), cases } };
}

QByteArray suiteResultsJUnit(const QList<CaseResult> &results, const QDateTime &started)
{
    // The Ant/Jenkins form: <testsuites> of <testsuite>, each with its counts, time, timestamp
    // and hostname; a <failure> per failed case, an <error> per case that could not run.
    QList<QString> order;
    QHash<QString, QList<const CaseResult *>> bySuite;
    for (const CaseResult &r : results) {
        if (!bySuite.contains(r.suite))
            order.append(r.suite);
        bySuite[r.suite].append(&r);
    }
    QByteArray xml;
    QXmlStreamWriter w(&xml);
    w.setAutoFormatting(true);
    w.writeStartDocument();
    w.writeStartElement(QStringLiteral("testsuites"));
    const QString host = QSysInfo::machineHostName();
    int id = 0;
    for (const QString &suite : order) {
        const auto &cases = bySuite[suite];
        int failures = 0;
        int errors = 0;
        double seconds = 0;
        for (const CaseResult *r : cases) {
            errors += r->error.isEmpty() ? 0 : 1;
            failures += r->error.isEmpty() && !r->failures.isEmpty() ? 1 : 0;
            seconds += r->outcome.durationMs / 1000.0;
        }
        w.writeStartElement(QStringLiteral("testsuite"));
        w.writeAttribute(QStringLiteral("name"), suite.isEmpty() ? QStringLiteral("cases") : suite);
        w.writeAttribute(QStringLiteral("package"), QStringLiteral("kiket"));
        w.writeAttribute(QStringLiteral("id"), QString::number(id++));
        w.writeAttribute(QStringLiteral("timestamp"),
            started.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")));
        w.writeAttribute(QStringLiteral("hostname"), host.isEmpty() ? QStringLiteral("localhost") : host);
        w.writeAttribute(QStringLiteral("tests"), QString::number(cases.size()));
        w.writeAttribute(QStringLiteral("failures"), QString::number(failures));
        w.writeAttribute(QStringLiteral("errors"), QString::number(errors));
        w.writeAttribute(QStringLiteral("time"), QString::number(seconds, 'f', 3));
        w.writeEmptyElement(QStringLiteral("properties"));
        for (const CaseResult *r : cases) {
            w.writeStartElement(QStringLiteral("testcase"));
            w.writeAttribute(QStringLiteral("name"), r->testCase.name);
            w.writeAttribute(QStringLiteral("classname"), QStringLiteral("kiket.") + suite);
            w.writeAttribute(
                QStringLiteral("time"), QString::number(r->outcome.durationMs / 1000.0, 'f', 3));
            if (!r->error.isEmpty()) {
                w.writeStartElement(QStringLiteral("error"));
                w.writeAttribute(QStringLiteral("message"), r->error);
                w.writeAttribute(QStringLiteral("type"), QStringLiteral("case"));
                w.writeCharacters(r->testCase.file);
                w.writeEndElement();
            } else if (!r->failures.isEmpty()) {
                const CheckFailure &first = r->failures.first();
                QStringList details;
                for (const CheckFailure &f : r->failures)
                    details.append(QStringLiteral("%1: %2: %3 (expected %4, actual %5)")
                                       .arg(location(*r, f), f.what, f.message,
                                           jsonText(f.expected), jsonText(f.actual)));
                w.writeStartElement(QStringLiteral("failure"));
                w.writeAttribute(QStringLiteral("message"), first.what + QStringLiteral(": ") + first.message);
                w.writeAttribute(QStringLiteral("type"), QStringLiteral("expectation"));
                w.writeCharacters(details.join(QLatin1Char('\n')));
                w.writeEndElement();
            }
            w.writeEndElement();
        }
        w.writeTextElement(QStringLiteral("system-out"), QString());
        w.writeTextElement(QStringLiteral("system-err"), QString());
        w.writeEndElement();
    }
    w.writeEndElement();
    w.writeEndDocument();
    return xml;
}

} // namespace kiket::devkit
