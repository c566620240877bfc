#pragma once

#include <QString>
#include <QThread>

#include <atomic>

struct sqlite3;

namespace kiket::devkit {

/// Checkpoints a WAL database on a thread of its own, so that no commit waits for one: SQLite's
/// automatic checkpoint runs inside the commit that fills the log, copying pages into the database
/// file and syncing it (milliseconds, seen as the p99 of every answered exchange). Once a watched
/// connection's log passes 1000 pages, this thread checkpoints PASSIVE, which never blocks
/// writers, on a connection of its own, and again each time the log has grown by 250 pages more;
/// past 2000 (a writer that never pauses) the commit does.
class WalCheckpoint
{
public:
    explicit WalCheckpoint(const QString &path);
    ~WalCheckpoint();
    WalCheckpoint(const WalCheckpoint &) = delete;
    WalCheckpoint &operator=(const WalCheckpoint &) = delete;

    /// Takes over the checkpoints of a connection to the same file; until this object is gone or
    /// the connection closed. Call on the connection's thread.
    void watch(sqlite3 *writer);
    /// How many checkpoints this thread ran that copied pages into the database.
    int done() const { return m_done; }
    /// How many times a commit checkpointed, the log having reached twice the mark.
    int doneByCommits() const { return m_byCommits; }

private:
    static int onCommit(void *self, sqlite3 *writer, const char *database, int pages);
    void checkpoint();

    QString m_path;
    QThread m_thread;
    QObject *m_context; // lives on m_thread
    sqlite3 *m_db = nullptr; // used on m_thread
    std::atomic<bool> m_pending { false };
    int m_wokenAt = 0; ///< The log's size when the thread was last woken; used in commits.
    std::atomic<int> m_done { 0 };
    std::atomic<int> m_byCommits { 0 };
};

} // namespace kiket::devkit
