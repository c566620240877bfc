// Delivery suites end to end: `kiket-workbench test` against the Python example (forward mode),
// its exit codes, JUnit and JSON, and a fresh sandbox per run. The examples' own suites run as
// examples/*_suite.
#include "cliprocess.h"

#include <kiket/devkit/suite/suiterunner.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace kiket::devkit;

namespace {

// A copy of an example folder without what runs left behind.
bool copyExample(const QString &from, const QString &to)
{
    const QDir source(from);
    for (const QString &name : source.entryList(QDir::Files))
        if (!QFile::copy(source.filePath(name), QDir(to).filePath(name)))
            return false;
    QDir().mkpath(to + QStringLiteral("/.kiket"));
    QFile::copy(from + QStringLiteral("/.kiket/workbench.yaml"),
        to + QStringLiteral("/.kiket/workbench.yaml"));
    return true;
}

void writeCase(const QString &folder, const QString &name, const QByteArray &text)
{
    const QString path = folder + QStringLiteral("/.kiket/suites/") + name;
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

const QByteArray kUpdated = "event: issue.updated\npayload: {issue: {project_id: p1}}\n"
                            "expect:\n  status: 200\n  body: {synced: 1}\n";

} // namespace

class TestSuites : public QObject
{
    Q_OBJECT

private slots:
    void pythonSuiteForwardMode()
    {
        QTemporaryDir dir;
        QVERIFY(copyExample(PYTHON_EXAMPLE, dir.path()));
        writeCase(dir.path(), "main/a-updated.yaml", kUpdated);
        writeCase(dir.path(), "main/b-created.yaml",
            "event: issue.created\nexpect:\n  status: 200\n  body: {ok: false}\n  api_calls:\n"
            "    - {endpoint: notify}\n");
        const QString junit = dir.filePath("junit.xml");
        Run r = runWorkbench({ "test", dir.path(), "--junit", junit });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains("PASS main/a-updated"), r.out);
        QVERIFY2(r.out.contains("FAIL main/b-created"), r.out);
        // Each failure at the place of its expectation, with what was expected and what came.
        QVERIFY2(r.out.contains("b-created.yaml:4:10: body.ok: expected false, got true"), r.out);
        QVERIFY2(r.out.contains("b-created.yaml:6:7: api_calls[0] notify: expected a call, got "
                                "none (calls made: events.log)"),
            r.out);
        QVERIFY2(r.out.trimmed().endsWith("1 passed, 1 failed"), r.out);

        QFile xml(junit);
        QVERIFY(xml.open(QIODevice::ReadOnly));
        const QByteArray report = xml.readAll();
        QVERIFY2(report.contains(R"(<testsuite name="main")") && report.contains(R"(tests="2")")
                && report.contains(R"(failures="1")") && report.contains("<failure message=\"body.ok"),
            report);
        const QString xmllint = QStandardPaths::findExecutable(QStringLiteral("xmllint"));
        if (!xmllint.isEmpty()) {
            QProcess lint;
            lint.start(xmllint, { "--noout", "--schema", JUNIT_SCHEMA, junit });
            QVERIFY(lint.waitForFinished());
            QVERIFY2(lint.exitCode() == 0, lint.readAllStandardError());
        } else {
            QFAIL("xmllint is not installed (./dev installs libxml2-utils)");
        }

        // --suite picks one, --json reports the same in one document.
        writeCase(dir.path(), "other/c.yaml", "event: issue.created\nexpect: {status: 200}\n");
        r = runWorkbench({ "test", dir.path(), "--suite", "other", "--json" });
        QCOMPARE(r.code, 0);
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json["passed"].toInt(), 1);
        QCOMPARE(json["cases"].toArray()[0].toObject()["suite"].toString(), QStringLiteral("other"));
    }

    void brokenCaseIsAUsageErrorWithItsPlace()
    {
        QTemporaryDir dir;
        QVERIFY(copyExample(PYTHON_EXAMPLE, dir.path()));
        writeCase(dir.path(), "main/ok.yaml", "event: issue.created\n");
        writeCase(dir.path(), "main/zz-broken.yaml", "event: issue.created\nexpect:\n  stauts: 200\n");
        Run r = runWorkbench({ "test", dir.path() });
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("zz-broken.yaml:3:3: unknown key 'stauts' in expect"), r.err);
        QVERIFY2(r.out.isEmpty(), r.out); // nothing ran

        QCOMPARE(runWorkbench({ "test", dir.path(), "--suite", "nope" }).code, 2);
        QCOMPARE(runWorkbench({ "test", dir.filePath("missing") }).code, 2);
        QCOMPARE(runWorkbench({ "test", dir.path(), "--timeout", "5" }).code, 2);
        QTemporaryDir empty;
        r = runWorkbench({ "test", empty.path() });
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no cases in"), r.err);
    }

    // Every run starts from an empty sandbox; within a run, state carries from case to case. Nothing
    // of the run is left in the extension folder's own state.
    void freshSandboxEachRun()
    {
        QTemporaryDir dir;
        QVERIFY(copyExample(PYTHON_EXAMPLE, dir.path()));
        writeCase(dir.path(), "main/a.yaml", kUpdated);
        auto suites = loadSuites(dir.path());
        QVERIFY(suites);
        SuiteCase second = suites.value()[0].cases[0];
        second.body[0].equals = 2;
        for (int run = 0; run < 2; ++run) {
            auto runner = SuiteRunner::start(dir.path());
            QVERIFY2(runner, runner ? "" : qPrintable(runner.error().toString()));
            const CaseResult first = runner.value()->run(suites.value()[0].cases[0]);
            QVERIFY2(first.passed(), first.outcome.response.body);
            QCOMPARE(first.outcome.apiCalls.size(), 2);
            QCOMPARE(first.outcome.apiCalls[0].endpoint, QStringLiteral("custom_data.list"));
            QCOMPARE(first.outcome.verdict, QStringLiteral("ok"));
            QVERIFY2(runner.value()->run(second).passed(), "the record of the first case is there");
        }
        QVERIFY(!QFileInfo::exists(dir.filePath(".kiket/workbench/captures.sqlite")));
        QVERIFY(!QFileInfo::exists(dir.filePath(".kiket/workbench/sandbox.sqlite")));
    }

    void aFolderNamedLikeTheCommandIsNotOpened()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir("test"));
        QProcess p;
        p.setWorkingDirectory(dir.path());
        p.start(QStringLiteral(KIKET_WORKBENCH_BINARY), { "test", "--help" });
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY2(out.contains("Runs the delivery suites"), out.constData());
    }

    void eachCaseHasTheWholeRateBudget()
    {
        QTemporaryDir dir;
        QVERIFY(copyExample(PYTHON_EXAMPLE, dir.path()));
        writeCase(dir.path(), "main/a.yaml", kUpdated);
        auto suites = loadSuites(dir.path());
        QVERIFY(suites);
        SessionOverrides overrides;
        overrides.rateLimit = 2; // the case makes two calls: a second case would meet a 429
        auto runner = SuiteRunner::start(dir.path(), overrides);
        QVERIFY2(runner, runner ? "" : qPrintable(runner.error().toString()));
        SuiteCase testCase = suites.value()[0].cases[0];
        for (int i = 1; i <= 3; ++i) {
            testCase.body[0].equals = i;
            const CaseResult result = runner.value()->run(testCase);
            QVERIFY2(result.passed(), result.outcome.response.body);
            for (const CaseOutcome::ApiCall &call : result.outcome.apiCalls)
                QCOMPARE(call.status, 200);
        }
    }
};

QTEST_GUILESS_MAIN(TestSuites)
#include "tst_suites.moc"
