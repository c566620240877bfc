#pragma once

#include <QDateTime>
#include <QMap>
#include <QObject>
#include <QStringList>

#include <memory>

namespace kiket::devkit {

/// How to run an extension's own process.
struct RunnerOptions
{
    QStringList command; ///< Program and arguments; "${PORT}" in an argument becomes the port.
    QString workingDir;
    int port = 0; ///< Given to the extension as PORT; 0 picks a free one on 127.0.0.1 (once).
    QMap<QString, QString> env; ///< Added to the workbench's environment (secrets go here).
    QString healthPath = QStringLiteral("/health");
    int readyTimeoutMs = 30000; ///< Not answering HTTP by then counts as a crash.
    int graceMs = 5000; ///< Between SIGTERM and SIGKILL when stopping.
    int logCapacity = 5000; ///< Output lines kept.
    bool restartOnCrash = true;
    int backoffStartMs = 1000; ///< First wait before restarting after a crash; doubles each time,
    int backoffMaxMs = 30000; ///< up to this,
    int stableMs = 60000; ///< and starts again at the first after this long up.
    QString watchFolder; ///< Restart when files under it change (empty: do not watch).
    int watchQuietMs = 500;
};

/// One line the extension printed.
struct LogLine
{
    QDateTime at;
    bool fromStderr = false;
    QString text;
};

/// The extension process's state as the workbench shows it.
enum class RunState { Stopped, Starting, Ready, Crashed };
/// "stopped", "starting", "ready", "crashed".
QString runStateName(RunState state);

/// Starts an extension process (no shell) in a process group of its own, waits until it answers
/// HTTP on its port, keeps its output lines, restarts it after a crash (with backoff) or when its
/// files change, and stops it with SIGTERM then SIGKILL. Nothing it started outlives the
/// workbench, even when the workbench is killed: a small guard process in the group ends it when
/// the workbench goes away. Lives on a thread with an event loop.
class Runner : public QObject
{
    Q_OBJECT

public:
    explicit Runner(RunnerOptions options, QObject *parent = nullptr);
    /// Stops the process (and everything it started) before returning.
    ~Runner() override;

    void start();
    /// Stops it and does not restart it.
    void stop();
    /// Stops it and starts it again at once.
    void restart();

    /// Replaces the environment added at the next start (a restart applies it).
    void setEnvironment(const QMap<QString, QString> &env);

    RunState state() const;
    /// The extension's port (chosen at start when 0 was asked for).
    int port() const;
    /// Process id of the running extension, 0 when none.
    qint64 processId() const;
    /// Times it was started again after a crash or a change.
    int restarts() const;
    /// Output kept so far, oldest first.
    QList<LogLine> logLines() const;
    /// What the last crash or failure was, in words.
    QString lastProblem() const;

signals:
    void stateChanged(kiket::devkit::RunState state, const QString &detail);
    void logLine(const kiket::devkit::LogLine &line);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kiket::devkit
