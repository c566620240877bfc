// Checkpoints off the commit path: once a watched connection's log passes 1000 pages, the
// checkpoint thread copies it into the database while the writer goes on, and the log stays
// bounded even when the writer never pauses.
#include "common/walcheckpoint.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace kiket::devkit;

namespace {

// A WAL database with one table t (id, body), or null.
sqlite3 *walDatabase(const QString &path)
{
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(
            path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
            != SQLITE_OK
        || sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
               "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)",
               nullptr, nullptr, nullptr)
            != SQLITE_OK) {
        sqlite3_close_v2(db);
        return nullptr;
    }
    // As the capture appender does: the checkpoint thread may hold a lock for a moment.
    sqlite3_busy_timeout(db, 5000);
    return db;
}

} // namespace

class TestWalCheckpoint : public QObject
{
    Q_OBJECT

private slots:
    // Before the writer's own checkpoint at 2,000 pages, only the thread can have copied rows
    // into the database file.
    void theThreadCopiesBeforeTheCommitsMust()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("wal.sqlite");
        sqlite3 *db = walDatabase(path);
        QVERIFY(db);
        {
            WalCheckpoint checkpoint(path);
            checkpoint.watch(db);
            for (int i = 0; i < 600; ++i) { // two pages each: past 1,000, short of 2,000
                QCOMPARE(sqlite3_exec(db, "INSERT INTO t (body) VALUES (zeroblob(4000))", nullptr,
                             nullptr, nullptr),
                    SQLITE_OK);
            }
            QTRY_VERIFY(checkpoint.done() > 0);
            QVERIFY(QFileInfo(path).size() > 1024 * 1024);
            QCOMPARE(checkpoint.doneByCommits(), 0);
        }
        sqlite3_close_v2(db);
    }

    void theLogIsCopiedByTheCheckpointThread()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("wal.sqlite");
        sqlite3 *db = walDatabase(path);
        QVERIFY(db);
        {
            WalCheckpoint checkpoint(path);
            checkpoint.watch(db);
            // One page and a little more per commit: 3,000 commits fill the log three times.
            sqlite3_stmt *insert = nullptr;
            QCOMPARE(
                sqlite3_prepare_v2(db, "INSERT INTO t (body) VALUES (?)", -1, &insert, nullptr),
                SQLITE_OK);
            const QByteArray body(4000, 'x');
            qint64 largestLog = 0;
            for (int i = 0; i < 3000; ++i) {
                sqlite3_bind_blob(insert, 1, body.constData(), int(body.size()), SQLITE_STATIC);
                QCOMPARE(sqlite3_step(insert), SQLITE_DONE);
                sqlite3_reset(insert);
                largestLog = qMax(largestLog, QFileInfo(path + "-wal").size());
            }
            sqlite3_finalize(insert);
            QTRY_VERIFY(checkpoint.done() > 0); // pages copied: not just a call that did nothing
            // The thread is woken as the log grows by a quarter of the mark, not after every
            // commit past it: about 9,000 pages make a few dozen wake-ups, not hundreds.
            QVERIFY2(checkpoint.done() < 100, qPrintable(QString::number(checkpoint.done())));
            // Without checkpoints the log would hold all 3,000 commits (~37 MB); with them, about
            // 2,000 pages of 4 KiB, more while the thread's checkpoint keeps the commits' own
            // from running (one checkpointer at a time) on a loaded machine.
            QVERIFY2(largestLog < 24 * 1024 * 1024, qPrintable(QString::number(largestLog)));
        }
        QVERIFY(QFileInfo(path).size() > 4 * 1024 * 1024); // the rows reached the database file
        sqlite3_stmt *count = nullptr;
        QCOMPARE(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM t", -1, &count, nullptr), SQLITE_OK);
        QCOMPARE(sqlite3_step(count), SQLITE_ROW);
        QCOMPARE(sqlite3_column_int(count, 0), 3000);
        sqlite3_finalize(count);
        sqlite3_close_v2(db);
    }
};

QTEST_GUILESS_MAIN(TestWalCheckpoint)
#include "tst_walcheckpoint.moc"
