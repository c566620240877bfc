#pragma once

#include <kiket/devkit/capture/capturestore.h>

#include <QMutex>
#include <QThread>
#include <QWaitCondition>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace kiket::devkit {

/// The capture store on a thread of its own, usable from any thread. append() commits on the
/// caller's thread and returns once the exchange is committed, so a caller that answers afterwards
/// never loses an answered exchange; reads and queued appends run on the store's thread.
class CaptureWriter
{
public:
    static Result<std::unique_ptr<CaptureWriter>> open(
        const QString &extensionFolder, int retention = 10000);
    ~CaptureWriter();

    /// A delivery adopts the API calls already stored with its token (see appendAll()).
    Result<qint64> append(const Exchange &exchange);
    /// Stores the exchange without waiting: everything queued by then is committed together, then
    /// done(id) runs on the receiver's thread (id 0 when writing failed). For a server thread that
    /// must not answer before its exchange is on disk, nor stall while it gets there.
    void appendQueued(
        const Exchange &exchange, QObject *receiver, std::function<void(qint64 id)> done);
    /// Group commit, for a server under load. announce() tells the writer that a delivery has
    /// begun and will come to appendAnnounced() once answered. While `siblings` or more announced
    /// ones are still on their way, a commit waits for them: `perSibling` for each one on its way,
    /// `longest` at most, or until none is left. One commit, and one wake-up of each thread, then
    /// serves several exchanges, and the wait grows with the load as each delivery's own round
    /// trip does. With fewer on their way (one client sending one at a time) it commits at once.
    void announce();
    void appendAnnounced(
        const Exchange &exchange, QObject *receiver, std::function<void(qint64 id)> done);
    /// Announced deliveries that will not come after all (their server stopped first).
    void withdraw(int count);
    struct GroupCommit
    {
        int siblings = 3;
        std::chrono::microseconds perSibling { 25 };
        std::chrono::microseconds longest { 1000 };
    };
    void setGroupCommit(const GroupCommit &group);
    /// How many commits the queued appends have taken so far.
    int commits() const { return m_commits; }
    /// Commits everything queued now, on the writer's thread, and returns when that is done.
    void flushQueued();
    QList<Exchange> load(int limit = -1);
    /// See CaptureStore::loadSummaries().
    QList<ExchangeSummary> loadSummaries(int limit = -1);
    std::optional<Exchange> find(qint64 id);
    /// What the window shows of one exchange: it, the API calls it made, the extension's output
    /// while it ran.
    struct Detail
    {
        std::optional<Exchange> exchange;
        QList<Exchange> children;
        QList<Exchange> logLines;
    };
    /// find() without waiting: the exchange (or nothing) with its children and log lines arrive at
    /// done on the application's main thread, unless the receiver (an object of that thread) is
    /// gone by then. For the GUI, which must not wait for the disk.
    void findLater(qint64 id, QObject *receiver, std::function<void(const Detail &)> done);
    /// See CaptureStore::adoptChildren().
    int adoptChildren(qint64 parentId, const QString &tokenId);
    /// A problem met while opening the store (empty when none).
    QString warning() const;

private:
    CaptureWriter() = default;
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread
    std::unique_ptr<CaptureStore> m_store; // used on m_thread only
    QString m_warning;
    struct Queued
    {
        Exchange exchange;
        QObject *receiver;
        std::function<void(qint64)> done;
    };
    QMutex m_queueMutex;
    // Under m_queueMutex: m_queue is appended from any thread and taken on m_thread; so is m_spare.
    QList<Queued> m_queue;
    QList<Queued> m_spare; ///< Empty, with the room of an earlier batch.
    int m_onTheirWay = 0; ///< Announced and not yet appended.
    bool m_waiting = false; ///< A commit waits for them on m_joined.
    GroupCommit m_group;
    QWaitCondition m_joined;
    std::atomic<int> m_commits { 0 };
    void enqueue(const Exchange &exchange, QObject *receiver, std::function<void(qint64)> done,
        bool announced);
    void flush();
};

} // namespace kiket::devkit
