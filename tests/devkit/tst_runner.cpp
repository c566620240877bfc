// The runner with a real extension process (a small Python server): environment, output, health,
// crash restarts with backoff, restarts on file changes, and stopping without leftovers.
#include <kiket/devkit/common/batchwork.h>
#include <kiket/devkit/runner/runner.h>
#include <kiket/http.h>

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "../support.h"

#include <csignal>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

using namespace kiket::devkit;

namespace {

RunnerOptions tiny(const QStringList &extra = {})
{
    RunnerOptions o;
    o.command = QStringList { "python3", TINY_EXTENSION } + extra;
    o.workingDir = QDir::tempPath();
    o.backoffStartMs = 50;
    o.backoffMaxMs = 400;
    o.graceMs = 2000;
    return o;
}

QByteArray get(const Runner &runner, const char *path)
{
    return kiket::sendHttp(
        QStringLiteral("http://127.0.0.1:%1").arg(runner.port()), { "GET", path, {}, {}, {} }, 5000)
        .body;
}

// Alive and not a zombie.

QStringList texts(const Runner &runner)
{
    QStringList out;
    for (const LogLine &line : runner.logLines())
        out << line.text;
    return out;
}

} // namespace

class TestRunner : public QObject
{
    Q_OBJECT

private slots:
    void startsWithItsEnvironmentAndBecomesReady()
    {
        RunnerOptions o = tiny();
        o.env.insert("KIKET_SECRET_API_KEY", "s3cr3t");
        Runner runner(o);
        QSignalSpy states(&runner, &Runner::stateChanged);
        runner.start();
        QCOMPARE(runner.state(), RunState::Starting);
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        QVERIFY(runner.port() > 0);
        QCOMPARE(get(runner, "/health"), QByteArray("ok"));
        QTRY_VERIFY(texts(runner).contains("to stderr"));
        const QStringList lines = texts(runner);
        QVERIFY(lines.contains(QStringLiteral("listening on %1").arg(runner.port())));
        QVERIFY(lines.contains("secret present"));
        for (const LogLine &line : runner.logLines()) {
            QCOMPARE(line.fromStderr, line.text == QLatin1String("to stderr"));
            QVERIFY(line.at.isValid());
        }
        QCOMPARE(states.first().at(0).value<RunState>(), RunState::Starting);
        // The secret is in the environment only, never on the command line.
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(runner.processId()));
        QVERIFY(cmdline.open(QIODevice::ReadOnly));
        QVERIFY(!cmdline.readAll().contains("s3cr3t"));
        runner.stop();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Stopped, 10000);
        QVERIFY(texts(runner).contains("bye")); // it got SIGTERM first
    }

    void startedFromBatchWorkItRunsInTheNormalClass()
    {
        QVERIFY(runAsBatchWork()); // as the workbench's own threads are
        Runner runner(tiny());
        runner.start();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        QCOMPARE(threadPolicies(runner.processId()).value("python3", -1), SCHED_OTHER);
        runner.stop();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Stopped, 10000);
        const sched_param normal {};
        QCOMPARE(sched_setscheduler(0, SCHED_OTHER, &normal), 0);
    }

    void crashesAreRestartedWithBackoff()
    {
        Runner runner(tiny());
        QStringList details;
        connect(
            &runner, &Runner::stateChanged, this, [&details](RunState s, const QString &detail) {
                if (s == RunState::Crashed)
                    details << detail;
            });
        runner.start();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        const qint64 first = runner.processId();
        get(runner, "/crash");
        QTRY_COMPARE_WITH_TIMEOUT(details.size(), 1, 10000);
        QCOMPARE(details.last(), QStringLiteral("exited with code 3; restarting in 0.05 s"));
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        QCOMPARE(runner.restarts(), 1);
        QVERIFY(runner.processId() != first);
        QCOMPARE(get(runner, "/health"), QByteArray("ok")); // on the same port as before
        get(runner, "/crash"); // again, soon after: the wait doubles
        QTRY_COMPARE_WITH_TIMEOUT(details.size(), 2, 10000);
        QCOMPARE(details.last(), QStringLiteral("exited with code 3; restarting in 0.1 s"));
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        QCOMPARE(runner.lastProblem(), QString()); // cleared by the new start
    }

    void stoppingLeavesNothingBehind()
    {
        Runner runner(tiny());
        runner.start();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        const qint64 extension = runner.processId();
        const qint64 child = get(runner, "/spawn").toLongLong();
        QVERIFY(child > 0 && processRunning(child));
        runner.stop();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Stopped, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!processRunning(extension) && !processRunning(child), 5000);
        QCOMPARE(runner.restarts(), 0); // a stop is not a crash
    }

    void ignoringSigtermEndsWithSigkill()
    {
        RunnerOptions o = tiny({ "--ignore-term" });
        o.graceMs = 300;
        Runner runner(o);
        runner.start();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        const qint64 pid = runner.processId();
        runner.stop();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Stopped, 10000);
        QVERIFY(!processRunning(pid));
    }

    void restartsWhenFilesChange()
    {
        QTemporaryDir folder;
        QDir(folder.path()).mkpath("build");
        // Standard output goes to a file in the folder, as with `serve FOLDER > FOLDER/out.ndjson`.
        const int output = ::open(QFile::encodeName(folder.filePath("out.ndjson")).constData(),
            O_WRONLY | O_CREAT | O_TRUNC, 0600);
        QVERIFY(output >= 0);
        const int savedStdout = ::dup(1);
        ::dup2(output, 1);
        RunnerOptions o = tiny();
        o.watchFolder = folder.path();
        o.watchQuietMs = 100;
        Runner runner(o);
        runner.start();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        const qint64 first = runner.processId();
        { // a build folder is not the extension's source
            QFile out(folder.filePath("build/output.o"));
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write("x");
        }
        for (int i = 0; i < 4; ++i) { // nor is what this process prints
            QCOMPARE(::write(1, "{}\n", 3), ssize_t(3));
            QTest::qWait(100);
        }
        ::dup2(savedStdout, 1);
        ::close(savedStdout);
        ::close(output);
        QTest::qWait(400);
        QCOMPARE(runner.restarts(), 0);
        {
            QFile source(folder.filePath("handlers.py"));
            QVERIFY(source.open(QIODevice::WriteOnly));
            source.write("print('changed')\n");
        }
        QTRY_COMPARE_WITH_TIMEOUT(runner.restarts(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        QVERIFY(runner.processId() != first);
        QVERIFY(!processRunning(first));
    }

    void problemsAreReported()
    {
        RunnerOptions missing = tiny();
        missing.command = { "/nonexistent/extension" };
        missing.restartOnCrash = false;
        Runner a(missing);
        a.start();
        QTRY_COMPARE_WITH_TIMEOUT(a.state(), RunState::Crashed, 10000);
        QVERIFY2(a.lastProblem().startsWith("cannot start"), qPrintable(a.lastProblem()));

        RunnerOptions silent = tiny();
        silent.command = { "sleep", "30" };
        silent.readyTimeoutMs = 500;
        silent.restartOnCrash = false;
        Runner b(silent);
        b.start();
        QTRY_COMPARE_WITH_TIMEOUT(b.state(), RunState::Crashed, 10000);
        QVERIFY2(b.lastProblem().startsWith("no answer on port"), qPrintable(b.lastProblem()));

        Runner c(RunnerOptions {});
        c.start();
        QCOMPARE(c.state(), RunState::Crashed);
        QCOMPARE(c.lastProblem(), QStringLiteral("no command to start the extension"));
    }

    void outputIsBounded()
    {
        RunnerOptions o = tiny();
        o.env.insert("TINY_LINES", "100");
        o.logCapacity = 10;
        Runner runner(o);
        runner.start();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), RunState::Ready, 15000);
        QTRY_VERIFY(texts(runner).contains("to stderr"));
        QCOMPARE(runner.logLines().size(), 10);
        QVERIFY(!texts(runner).contains("line 1"));
    }

    void killedWorkbenchLeavesNothingBehind()
    {
        // A process holding a runner, killed with SIGKILL: it cannot clean up, the guard does.
        QProcess host;
        host.start(QStringLiteral(RUNNER_HOST), { "python3", TINY_EXTENSION });
        QVERIFY(host.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += host.readAllStandardOutput()).contains('\n'), 15000);
        const QList<QByteArray> words = out.trimmed().split(' ');
        QCOMPARE(words.size(), 2); // "<extension pid> <child pid>"
        const qint64 extension = words[0].toLongLong();
        const qint64 child = words[1].toLongLong();
        QVERIFY(processRunning(extension) && processRunning(child));
        ::kill(pid_t(host.processId()), SIGKILL);
        QVERIFY(host.waitForFinished(5000));
        QTRY_VERIFY_WITH_TIMEOUT(!processRunning(extension) && !processRunning(child), 10000);
    }
};

QTEST_GUILESS_MAIN(TestRunner)
#include "tst_runner.moc"
