// Running kiket-workbench as a user does: one-shot commands and a `serve` child process.
#pragma once

#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <csignal>
#include <sys/prctl.h>

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

inline Run runWorkbench(
    const QStringList &arguments, const QByteArray &input = {}, const QProcessEnvironment &env = {})
{
    QProcess p;
    if (!env.isEmpty())
        p.setProcessEnvironment(env);
    p.start(QStringLiteral(KIKET_WORKBENCH_BINARY), arguments);
    p.waitForStarted();
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(20000);
    return { p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError() };
}

/// `kiket-workbench serve FOLDER --plugin PLUGIN` on ports the system picks; its NDJSON goes to
/// FOLDER/serve.ndjson (a pipe nobody reads would fill up and stall it).
class ServeProcess
{
public:
    QProcess process;
    QString listenerUrl; ///< e.g. http://127.0.0.1:41234
    QString sandboxUrl;
    QByteArray log; ///< stderr read so far

    /// Starts it and waits for its "listening on" line; false when that does not come. Without a
    /// plugin the folder's own configuration decides what runs.
    bool start(const QString &folder, const QString &plugin, const QProcessEnvironment &env,
        const QString &output = {}, const QStringList &extra = {})
    {
        process.setProcessEnvironment(env);
        // A test that dies (a crash, a timeout's kill) takes its serve, and serve its extension.
        process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
        process.setStandardOutputFile(
            output.isEmpty() ? folder + QStringLiteral("/serve.ndjson") : output);
        QStringList arguments { "serve", folder, "--port", "0", "--sandbox-port", "0" };
        if (!plugin.isEmpty())
            arguments << "--plugin" << plugin;
        arguments << extra;
        process.start(QStringLiteral(KIKET_WORKBENCH_BINARY), arguments);
        if (!process.waitForStarted())
            return false;
        static const QRegularExpression ready(
            QStringLiteral("listening on ([^,\\s]+), sandbox platform on (\\S+)\\n"));
        QRegularExpressionMatch m;
        QDeadlineTimer deadline(15000);
        while (!(m = ready.match(QString::fromUtf8(log))).hasMatch()) {
            if (deadline.hasExpired() || process.state() != QProcess::Running)
                return false;
            process.waitForReadyRead(100);
            log += process.readAllStandardError();
        }
        listenerUrl = m.captured(1);
        sandboxUrl = m.captured(2);
        return true;
    }

    /// SIGTERM and wait; the exit code.
    int stop()
    {
        process.terminate();
        process.waitForFinished(15000);
        return process.exitCode();
    }
};
