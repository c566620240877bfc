#pragma once

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <functional>

namespace kiket {

/// Runs handlers with as few threads as keep the queue moving: one to start with (thread hand-offs
/// are the main cost of a fast handler), one more whenever queued work has not started for a while
/// (a slow handler never stalls the others for long), and a released slot while a worker waits on
/// the network. Never more than the configured maximum.
class WorkerPool : public QObject
{
public:
    explicit WorkerPool(int maxThreads, QObject *parent = nullptr);
    ~WorkerPool() override;

    /// Queues a task; callable from any thread.
    void start(std::function<void()> task);
    /// Waits for every queued and running task.
    void waitForDone();
    /// Starts the stall check; call on a thread with an event loop.
    void startWatching();
    /// The current thread limit.
    int threadLimit() const { return m_pool.maxThreadCount(); }

    /// Tells the pool of the calling worker (if any) that it is about to wait, or is done waiting.
    static void blockingBegin();
    static void blockingEnd();

private:
    void checkStall();

    QThreadPool m_pool;
    QTimer *m_timer; // a child, so it moves with the pool to the server thread
    int m_max;
    std::atomic<qint64> m_submitted { 0 };
    std::atomic<qint64> m_begun { 0 };
    std::atomic<qint64> m_lastBeginMs { 0 };
    qint64 m_idleSinceMs = 0;
};

} // namespace kiket
