#include "kiket/devkit/runner/runner.h"

#include "processguard.h"
#include "treewatch.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTimer>

#include <csignal>

namespace kiket::devkit {

QString runStateName(RunState state)
{
    static const char *const names[] = { "stopped", "starting", "ready", "crashed" };
    return QLatin1String(names[int(state)]);
}

struct Runner::Private
{
    Runner *q;
    RunnerOptions options;
    RunState state = RunState::Stopped;
    int port = 0;
    int restarts = 0;
    QList<LogLine> lines;
    QString problem;
    QProcess *process = nullptr;
    ProcessGuard guard;
    bool wanted = false; // the user wants it running
    bool startAgain = false; // a restart is stopping it
    int backoffMs = 0;
    QElapsedTimer up;
    QTimer restartTimer;
    QTimer killTimer;
    QTimer readyTimer;
    QElapsedTimer sinceStart;
    QNetworkAccessManager network;
    QByteArray partial[2];
    std::unique_ptr<TreeWatch> watch;

    void setState(RunState s, const QString &detail)
    {
        state = s;
        emit q->stateChanged(s, detail);
    }

    void launch();
    void pollReady();
    void finished(int exitCode, QProcess::ExitStatus status);
    void read(bool fromStderr);
    void signalGroup(int signal);
    void endProcess();
};

void Runner::Private::launch()
{
    problem.clear();
    if (options.command.isEmpty()) {
        problem = QStringLiteral("no command to start the extension");
        setState(RunState::Crashed, problem);
        return;
    }
    if (port == 0) { // chosen once: restarts keep the port the listener forwards to
        port = options.port;
        if (port == 0) {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            port = probe.serverPort();
        }
    }
    QStringList arguments = options.command;
    for (QString &a : arguments)
        a.replace(QLatin1String("${PORT}"), QString::number(port));
    const QString program = arguments.takeFirst();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = options.env.begin(); it != options.env.end(); ++it)
        env.insert(it.key(), it.value());
    env.insert(QStringLiteral("PORT"), QString::number(port));

    process = new QProcess(q);
    process->setProgram(program);
    process->setArguments(arguments);
    process->setWorkingDirectory(options.workingDir);
    process->setProcessEnvironment(env);
    guard.prepare(*process);
    QObject::connect(process, &QProcess::readyReadStandardOutput, q, [this] { read(false); });
    QObject::connect(process, &QProcess::readyReadStandardError, q, [this] { read(true); });
    QObject::connect(process, &QProcess::finished, q,
        [this](int code, QProcess::ExitStatus status) { finished(code, status); });
    QObject::connect(process, &QProcess::errorOccurred, q, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            finished(-1, QProcess::CrashExit);
    });
    setState(RunState::Starting,
        QStringLiteral("%1 on port %2").arg(options.command.join(QLatin1Char(' '))).arg(port));
    sinceStart.start();
    up.start();
    process->start();
    readyTimer.start(150);
}

void Runner::Private::pollReady()
{
    if (state != RunState::Starting || !process)
        return;
    if (sinceStart.elapsed() > options.readyTimeoutMs) {
        readyTimer.stop();
        problem = QStringLiteral("no answer on port %1 after %2 s")
                      .arg(port)
                      .arg(options.readyTimeoutMs / 1000);
        signalGroup(SIGKILL);
        return;
    }
    QNetworkRequest request(
        QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(options.healthPath)));
    request.setTransferTimeout(1000);
    QNetworkReply *reply = network.get(request);
    QObject::connect(reply, &QNetworkReply::finished, q, [this, reply, p = process] {
        reply->deleteLater();
        // Any HTTP answer, even a 404 for a missing /health, means the port is served.
        if (p == process && state == RunState::Starting
            && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() > 0) {
            readyTimer.stop();
            setState(RunState::Ready, QStringLiteral("answering on port %1").arg(port));
        }
    });
}

void Runner::Private::read(bool fromStderr)
{
    QByteArray &buffer = partial[fromStderr];
    buffer += fromStderr ? process->readAllStandardError() : process->readAllStandardOutput();
    qsizetype newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
        QByteArray text = buffer.left(newline);
        buffer.remove(0, newline + 1);
        if (text.endsWith('\r'))
            text.chop(1);
        const LogLine line { QDateTime::currentDateTimeUtc(), fromStderr, QString::fromUtf8(text) };
        lines.append(line);
        if (lines.size() > options.logCapacity)
            lines.removeFirst();
        emit q->logLine(line);
    }
}

void Runner::Private::finished(int exitCode, QProcess::ExitStatus status)
{
    if (!process)
        return;
    for (bool fromStderr : { false, true }) {
        if (!partial[fromStderr].isEmpty()) {
            partial[fromStderr] += '\n';
            read(fromStderr);
        }
    }
    const bool failedToStart = process->error() == QProcess::FailedToStart;
    const QString startError = process->errorString();
    endProcess();
    if (!wanted || startAgain) {
        setState(RunState::Stopped, QStringLiteral("stopped"));
        if (startAgain && wanted) {
            startAgain = false;
            ++restarts;
            launch();
        }
        return;
    }
    if (problem.isEmpty() || state == RunState::Ready)
        problem = failedToStart             ? QStringLiteral("cannot start: %1").arg(startError)
            : status == QProcess::CrashExit ? QStringLiteral("killed by a signal")
                                            : QStringLiteral("exited with code %1").arg(exitCode);
    // A run that lasted resets the backoff; quick crashes double it.
    if (up.elapsed() >= options.stableMs || backoffMs == 0)
        backoffMs = options.backoffStartMs;
    else
        backoffMs = qMin(backoffMs * 2, options.backoffMaxMs);
    const QString detail = options.restartOnCrash
        ? QStringLiteral("%1; restarting in %2 s").arg(problem).arg(backoffMs / 1000.0)
        : problem;
    setState(RunState::Crashed, detail);
    if (options.restartOnCrash)
        restartTimer.start(backoffMs);
}

void Runner::Private::signalGroup(int signal)
{
    if (process && process->processId() > 0)
        ::kill(-pid_t(process->processId()), signal);
}

void Runner::Private::endProcess()
{
    readyTimer.stop();
    killTimer.stop();
    guard.release();
    process->disconnect(q);
    process->deleteLater();
    process = nullptr;
}

Runner::Runner(RunnerOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->options = std::move(options);
    d->restartTimer.setSingleShot(true);
    d->killTimer.setSingleShot(true);
    connect(&d->restartTimer, &QTimer::timeout, this, [this] {
        if (d->wanted && !d->process) {
            ++d->restarts;
            d->launch();
        }
    });
    connect(&d->killTimer, &QTimer::timeout, this, [this] { d->signalGroup(SIGKILL); });
    connect(&d->readyTimer, &QTimer::timeout, this, [this] { d->pollReady(); });
    if (!d->options.watchFolder.isEmpty())
        d->watch
            = std::make_unique<TreeWatch>(d->options.watchFolder, d->options.watchQuietMs, [this] {
                  if (d->wanted)
                      restart();
              });
}

Runner::~Runner()
{
    d->wanted = false;
    d->restartTimer.stop();
    if (QProcess *process = d->process) {
        process->disconnect(this); // no state changes while it goes
        d->signalGroup(SIGTERM);
        if (!process->waitForFinished(d->options.graceMs)) {
            d->signalGroup(SIGKILL);
            process->waitForFinished(2000);
        }
        d->signalGroup(SIGKILL); // anything it started and left behind
        d->guard.release();
        d->process = nullptr;
        delete process;
    }
}

void Runner::start()
{
    d->wanted = true;
    d->backoffMs = 0;
    if (!d->process)
        d->launch();
}

void Runner::stop()
{
    d->wanted = false;
    d->startAgain = false;
    d->restartTimer.stop();
    if (!d->process) {
        if (d->state != RunState::Stopped)
            d->setState(RunState::Stopped, QStringLiteral("stopped"));
        return;
    }
    d->signalGroup(SIGTERM);
    d->killTimer.start(d->options.graceMs);
}

void Runner::setEnvironment(const QMap<QString, QString> &env)
{
    d->options.env = env;
}

void Runner::restart()
{
    d->wanted = true;
    d->restartTimer.stop();
    if (!d->process) {
        ++d->restarts;
        d->launch();
        return;
    }
    d->startAgain = true;
    d->signalGroup(SIGTERM);
    d->killTimer.start(d->options.graceMs);
}

RunState Runner::state() const
{
    return d->state;
}

int Runner::port() const
{
    return d->port;
}

qint64 Runner::processId() const
{
    return d->process ? d->process->processId() : 0;
}

int Runner::restarts() const
{
    return d->restarts;
}

QList<LogLine> Runner::logLines() const
{
    return d->lines;
}

QString Runner::lastProblem() const
{
    return d->problem;
}

} // namespace kiket::devkit
