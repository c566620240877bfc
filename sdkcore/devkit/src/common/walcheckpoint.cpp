#include "walcheckpoint.h"

#include <kiket/devkit/common/batchwork.h>

#include <sqlite3.h>

namespace kiket::devkit {

namespace {

constexpr int kCheckpointPages = 1000; // SQLite's own default for its automatic checkpoint

} // namespace

WalCheckpoint::WalCheckpoint(const QString &path)
    : m_path(path)
    , m_context(new QObject)
{
    m_thread.setObjectName(QStringLiteral("kiket-checkpoint"));
    m_context->moveToThread(&m_thread);
    startAsBatchWork(m_thread);
}

WalCheckpoint::~WalCheckpoint()
{
    QObject *context = m_context;
    QMetaObject::invokeMethod(
        context,
        [this, context] {
            sqlite3_close_v2(m_db);
            delete context;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void WalCheckpoint::watch(sqlite3 *writer)
{
    sqlite3_wal_hook(writer, &WalCheckpoint::onCommit, this); // replaces the automatic one
}

int WalCheckpoint::onCommit(void *self, sqlite3 *writer, const char *database, int pages)
{
    auto *me = static_cast<WalCheckpoint *>(self);
    // A writer that never pauses outruns the thread: a checkpoint can only restart the log once
    // it has copied every frame. Past twice the mark the commit does it, as SQLite would.
    if (pages >= 2 * kCheckpointPages) {
        sqlite3_wal_checkpoint_v2(writer, database, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        ++me->m_byCommits;
        return SQLITE_OK;
    }
    // Past the mark, the thread is woken again only once the log has grown by a quarter more:
    // under a steady stream of commits the log seldom restarts before twice the mark, and waking
    // it after every commit cost a thread switch for every few exchanges.
    if (pages < me->m_wokenAt)
        me->m_wokenAt = 0; // the log restarted
    if (pages >= kCheckpointPages && pages >= me->m_wokenAt + kCheckpointPages / 4
        && !me->m_pending.exchange(true)) {
        me->m_wokenAt = pages;
        QMetaObject::invokeMethod(me->m_context, [me] { me->checkpoint(); });
    }
    return SQLITE_OK;
}

void WalCheckpoint::checkpoint()
{
    // A connection finds the log when it first reads; until then a checkpoint on it does nothing
    // and still answers SQLITE_OK.
    if (!m_db
        && (sqlite3_open_v2(m_path.toUtf8().constData(), &m_db, SQLITE_OPEN_READWRITE, nullptr)
                != SQLITE_OK
            || sqlite3_exec(m_db, "PRAGMA schema_version", nullptr, nullptr, nullptr)
                != SQLITE_OK)) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
    int copied = 0;
    if (m_db
        && sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, &copied)
            == SQLITE_OK
        && copied > 0)
        ++m_done;
    m_pending = false;
}

} // namespace kiket::devkit
