#pragma once

#include <kiket/devkit/capture/exchange.h>
#include <kiket/result.h>

#include <QList>
#include <QMutex>

#include <memory>

struct sqlite3;

namespace kiket::devkit {

class SqliteStatement;
class WalCheckpoint;

/// The writing side of the capture store: a SQLite connection of its own that any thread may use,
/// one writer at a time. A caller commits on its own thread instead of handing the exchange to
/// another one and waiting to be woken.
class CaptureAppender
{
public:
    /// Opens a store file that CaptureStore has created with its schema.
    static Result<std::unique_ptr<CaptureAppender>> open(const QString &path, int retention);
    ~CaptureAppender();

    /// See CaptureStore.
    Result<qint64> append(const Exchange &exchange);
    Result<QList<qint64>> appendAll(const QList<Exchange> &exchanges);
    int adoptChildren(qint64 parentId, const QString &tokenId);

private:
    CaptureAppender() = default;
    // These expect m_mutex held.
    Result<qint64> insert(const Exchange &e);
    int adopt(qint64 parentId, const QString &tokenId);

    QMutex m_mutex;
    sqlite3 *m_db = nullptr;
    int m_retention = 10000;
    // Prepared once: parsing SQL for every append is costly.
    std::unique_ptr<SqliteStatement> m_insert;
    std::unique_ptr<SqliteStatement> m_adopt;
    std::unique_ptr<SqliteStatement> m_trim;
    std::unique_ptr<SqliteStatement> m_begin;
    std::unique_ptr<SqliteStatement> m_commit;
    std::unique_ptr<SqliteStatement> m_rollback;
    std::unique_ptr<WalCheckpoint> m_checkpoint; // outlives m_db
};

} // namespace kiket::devkit
