// Delivery suite cases: reading them (with the place of every mistake) and judging outcomes.
#include <kiket/devkit/suite/suite.h>

#include <kiket/devkit/suite/suitereport.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket::devkit;

namespace {

SuiteCase parsed(const QByteArray &yaml)
{
    auto c = parseSuiteCase(yaml, QStringLiteral("/suite/case.yaml"));
    if (!c)
        qFatal("%s", qPrintable(c.error().toString()));
    return c.value();
}

CaseOutcome answered(int status, const QByteArray &body, QList<CaseOutcome::ApiCall> calls = {})
{
    CaseOutcome o;
    o.response.status = status;
    o.response.headers = { { "Content-Type", "application/json; charset=utf-8" } };
    o.response.body = body;
    o.apiCalls = calls;
    o.durationMs = 12;
    return o;
}

const QList<CaseOutcome::ApiCall> kCalls {
    { QStringLiteral("events.log"), "POST", "/api/v1/extensions/x/events",
        R"({"event":"issue.created","data":{"summary":"Launch"}})", 201 },
    { QStringLiteral("secrets.set"), "PUT", "/api/v1/extensions/x/secrets/T", R"({"value":"v"})",
        200 },
};

} // namespace

class TestSuite : public QObject
{
    Q_OBJECT

private slots:
    void readsEveryKind()
    {
        QTemporaryDir dir;
        QFile payload(dir.filePath("payload.json"));
        QVERIFY(payload.open(QIODevice::WriteOnly));
        payload.write(R"({"issue": {"title": "From a file"}})");
        payload.close();
        auto read = parseSuiteCase(R"(
name: everything
event: issue.created
version: v2
payload_file: payload.json
signing: stale
token: {scopes: [issues.read]}
secrets: [API_KEY]
expect:
  status: 201
  headers: {content-type: {matches: json}}
  body:
    ok: true
    items[0].id: {exists: true, matches: "^i"}
    state: {any_of: [a, b]}
  api_calls:
    - {endpoint: secrets.set, method: put, count: 2, body: {value: {exists: true}}}
    - {endpoint: notify, absent: true}
  max_duration_ms: 250
)",
            dir.filePath("case.yaml"));
        QVERIFY2(read, read ? "" : qPrintable(read.error().toString()));
        const SuiteCase &c = read.value();
        QCOMPARE(c.name, QStringLiteral("everything"));
        QCOMPARE(c.payload->value("issue")["title"].toString(), QStringLiteral("From a file"));
        QCOMPARE(c.signing, CaseSigning::Stale);
        QCOMPARE(*c.scopes, QStringList { QStringLiteral("issues.read") });
        QCOMPARE(c.secrets, QStringList { QStringLiteral("API_KEY") });
        QCOMPARE(*c.status, 201);
        QCOMPARE(c.body.size(), 3);
        QCOMPARE(c.body[1].path, QStringLiteral("items[0].id"));
        QCOMPARE(c.body[1].line, 14);
        QCOMPARE(c.body[1].column, 5);
        QCOMPARE(*c.body[1].exists, true);
        QCOMPARE(c.body[2].anyOf->size(), 2);
        QCOMPARE(c.apiCalls[0].method, QStringLiteral("PUT"));
        QCOMPARE(*c.apiCalls[0].count, 2);
        QVERIFY(c.apiCalls[1].absent);
        QCOMPARE(*c.maxDurationMs, 250);

        // JSON reads as well; the file name is the default name, the catalogue the default payload.
        auto json = parseSuiteCase(R"({"event": "issue.created", "expect": {"status": 200}})",
            QStringLiteral("/s/from-json.json"));
        QVERIFY(json);
        QCOMPARE(json.value().name, QStringLiteral("from-json"));
        QVERIFY(!json.value().payload);
        QVERIFY(json.value().runtimeToken);
        QVERIFY(!parsed("event: e\ntoken: false\n").runtimeToken);
    }

    void brokenCaseIsPlaced_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("message");
        QTest::newRow("syntax") << QByteArray("event: [a\nexpect: {}\n") << 2 << 7 << "end of sequence";
        QTest::newRow("a key twice") << QByteArray("event: a\nexpect:\n  status: 200\n  status: 201\n")
                                     << 4 << 3 << "'status' is given twice (first on line 3)";
        QTest::newRow("json syntax") << QByteArray("{\"event\": \"a\",\n \"expect\": {\"status\": 200}\n")
                                     << 3 << 1 << "end of map flow";
        QTest::newRow("not a mapping") << QByteArray("- a\n") << 1 << 1 << "must be a mapping";
        QTest::newRow("no event") << QByteArray("expect: {status: 200}\n") << 1 << 1
                                  << "needs 'event'";
        QTest::newRow("unknown key") << QByteArray("event: a\nexpcet: {}\n") << 2 << 1
                                     << "unknown key 'expcet'";
        QTest::newRow("unknown expect key") << QByteArray("event: a\nexpect:\n  stauts: 200\n") << 3
                                            << 3 << "unknown key 'stauts'";
        QTest::newRow("status") << QByteArray("event: a\nexpect:\n  status: ok\n") << 3 << 11
                                << "whole number";
        QTest::newRow("signing") << QByteArray("event: a\nsigning: loud\n") << 2 << 10
                                 << "'signing' takes";
        QTest::newRow("pattern") << QByteArray("event: a\nexpect:\n  body:\n    x: {matches: \"(\"}\n")
                                 << 4 << 18 << "not a valid pattern";
        QTest::newRow("endpoint") << QByteArray("event: a\nexpect:\n  api_calls:\n    - endpoint: secret.set\n")
                                  << 4 << 17 << "unknown endpoint 'secret.set'";
        QTest::newRow("call without endpoint") << QByteArray("event: a\nexpect:\n  api_calls:\n    - absent: true\n")
                                               << 4 << 7 << "needs 'endpoint'";
        QTest::newRow("secret values") << QByteArray("event: a\nsecrets:\n  API_KEY: hunter2\n") << 3
                                       << 3 << "values never go into suite files";
        QTest::newRow("payload file") << QByteArray("event: a\npayload_file: missing.json\n") << 2
                                      << 15 << "cannot read";
        QTest::newRow("exists") << QByteArray("event: a\nexpect:\n  body:\n    x: {exists: maybe}\n")
                                << 4 << 17 << "true or false";
    }

    void brokenCaseIsPlaced()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, message);
        auto c = parseSuiteCase(yaml, QStringLiteral("/nowhere/case.yaml"));
        QVERIFY(!c);
        QVERIFY2(c.error().message.contains(message), qPrintable(c.error().message));
        QCOMPARE(c.error().line, line);
        QCOMPARE(c.error().column, column);
    }

    void paths()
    {
        const QJsonValue doc = QJsonDocument::fromJson(
            R"({"a": {"b": [1, {"c": "x"}]}, "d.e": 1, "list": [[5]]})").object();
        QCOMPARE(valueAtPath(doc, "a.b[1].c"), QJsonValue("x"));
        QCOMPARE(valueAtPath(doc, "$.a.b[0]"), QJsonValue(1));
        QCOMPARE(valueAtPath(doc, "list[0][0]"), QJsonValue(5));
        QCOMPARE(valueAtPath(doc, "$"), doc);
        QVERIFY(valueAtPath(doc, "a.b[2]").isUndefined());
        QVERIFY(valueAtPath(doc, "a.x").isUndefined());
        QVERIFY(valueAtPath(doc, "a.b.c").isUndefined());
        QVERIFY(valueAtPath(QJsonValue("text"), "a").isUndefined());
    }

    // Every kind of expectation, once holding and once not.
    void expectations_data()
    {
        QTest::addColumn<QByteArray>("expect");
        QTest::addColumn<QString>("failsAs"); // empty: passes
        const QList<std::tuple<const char *, const char *, const char *>> rows {
            { "status", "status: 200", "" },
            { "status wrong", "status: 201", "status: expected 201, got 200" },
            { "equals", "body: {ok: true}", "" },
            { "equals wrong", "body: {ok: false}", "body.ok: expected false, got true" },
            { "equals object", "body: {issue: {id: 7}}", "" },
            { "equals missing", "body: {nope: 1}", "body.nope: expected 1, got nothing" },
            { "exists", "body: {issue.id: {exists: true}}", "" },
            { "exists wrong", "body: {issue.key: {exists: true}}",
                "body.issue.key: expected a value, got nothing" },
            { "absent", "body: {error: {exists: false}}", "" },
            { "absent wrong", "body: {ok: {exists: false}}", "body.ok: expected no value, got true" },
            { "matches", "body: {message: {matches: '^Con.*works$'}}", "" },
            { "matches number", "body: {issue.id: {matches: '^7$'}}", "" },
            { "matches wrong", "body: {message: {matches: fails}}",
                "body.message: expected a match of /fails/" },
            { "any of", "body: {state: {any_of: [queued, done]}}", "" },
            { "any of wrong", "body: {state: {any_of: [queued, failed]}}",
                "body.state: expected one of [\"queued\",\"failed\"], got \"done\"" },
            { "whole body", "body: {$: {matches: Connection}}", "" },
            { "header", "headers: {Content-Type: {matches: ^application/json}}", "" },
            { "header equals", "headers: {content-type: text/plain}",
                "headers.content-type: expected \"text/plain\"" },
            { "header absent", "headers: {x-missing: {exists: false}}", "" },
            { "call", "api_calls: [{endpoint: events.log, body: {data.summary: Launch}}]", "" },
            { "call body wrong", "api_calls: [{endpoint: events.log, body: {data.summary: Other}}]",
                "api_calls[0] events.log.body.data.summary: expected \"Other\", got \"Launch\"" },
            { "call missing", "api_calls: [{endpoint: notify}]",
                "api_calls[0] notify: expected a call, got none (calls made: events.log, "
                "secrets.set)" },
            { "call method", "api_calls: [{endpoint: secrets.set, method: PUT}]", "" },
            { "call method wrong", "api_calls: [{endpoint: secrets.set, method: DELETE}]",
                "api_calls[0] secrets.set.method: expected DELETE, got PUT" },
            { "call absent", "api_calls: [{endpoint: notify, absent: true}]", "" },
            { "call absent wrong", "api_calls: [{endpoint: secrets.set, absent: true}]",
                "api_calls[0] secrets.set: expected no such call, got 1" },
            { "call count", "api_calls: [{endpoint: events.log, count: 1}]", "" },
            { "call count wrong", "api_calls: [{endpoint: events.log, count: 2}]",
                "api_calls[0] events.log: expected 2 such calls, got 1" },
            { "duration", "max_duration_ms: 50", "" },
            { "duration wrong", "max_duration_ms: 5", "max_duration_ms: expected at most 5 ms, took 12.0 ms" },
        };
        for (const auto &[name, expect, failsAs] : rows)
            QTest::newRow(name) << QByteArray(expect) << QString::fromUtf8(failsAs);
    }

    void expectations()
    {
        QFETCH(QByteArray, expect);
        QFETCH(QString, failsAs);
        QByteArray yaml = "event: issue.created\nexpect:\n  ";
        const SuiteCase c = parsed(yaml + expect + '\n');
        const CaseOutcome outcome = answered(200,
            R"({"ok": true, "issue": {"id": 7}, "message": "Connection works", "state": "done"})",
            kCalls);
        const QList<CheckFailure> failures = evaluateCase(c, outcome);
        if (failsAs.isEmpty()) {
            QVERIFY2(failures.isEmpty(),
                qPrintable(failures.value(0).what + ": " + failures.value(0).message));
            return;
        }
        QCOMPARE(failures.size(), 1);
        const QString text = failures[0].what + QStringLiteral(": ") + failures[0].message;
        QVERIFY2(text.startsWith(failsAs), qPrintable(text));
        QCOMPARE(failures[0].line, 3); // where the expectation is written
    }

    void noAnswerFailsTheStatus()
    {
        CaseOutcome o;
        o.response.status = 0;
        o.transportError = QStringLiteral("connection refused");
        const auto failures = evaluateCase(parsed("event: a\nexpect:\n  body: {ok: true}\n"), o);
        QCOMPARE(failures.size(), 1);
        QCOMPARE(failures[0].message, QStringLiteral("no answer: connection refused"));
    }

    void textBodies()
    {
        const SuiteCase c = parsed("event: a\nexpect:\n  body:\n    $: {matches: '^pong'}\n");
        QVERIFY(evaluateCase(c, answered(200, "pong\n")).isEmpty());
        QCOMPARE(evaluateCase(c, answered(200, "ping")).size(), 1);
    }

    void failuresSideBySide()
    {
        CaseResult r;
        r.testCase = parsed("event: a\nexpect:\n  status: 200\n  body:\n"
                            "    n: {equals: 1, any_of: [1, 2]}\n    gone: {exists: true}\n");
        r.failures = evaluateCase(r.testCase, answered(500, R"({"n":3})"));
        const auto [expected, actual] = expectedAndActual(r);
        QCOMPARE(expected.keys(),
            (QStringList { "body.gone", "body.n", "body.n (2)", "status" }));
        QCOMPARE(expected.value("status"), 200);
        QCOMPARE(actual.value("status"), 500);
        QCOMPARE(expected.value("body.n"), 1);
        QCOMPARE(expected.value("body.n (2)"), QJsonArray({ 1, 2 }));
        QCOMPARE(actual.value("body.n (2)"), 3);
        QVERIFY(!actual.contains("body.gone")); // nothing came
        r.failures.clear();
        QVERIFY(expectedAndActual(r).first.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSuite)
#include "tst_suite.moc"
