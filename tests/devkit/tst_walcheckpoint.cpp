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

    QTemporaryDir m_dir;
    QString m_path;
    sqlite3 *m_db = nullptr;

private slots:
    // Each test starts with a new database, which it watches with a WalCheckpoint of its own.
    void init()
    {
        m_path = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + ".sqlite");
        m_db = walDatabase(m_path);
        QVERIFY(m_db);
    }

    void cleanup()
    {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }

    // Before the writer's own checkpoint at 2,000 pages, only the thread can have copied rows
    // into the database file.
    void theThreadCopiesBeforeTheCommitsMust()
    {
        {
            WalCheckpoint checkpoint(m_path);
            checkpoint.watch(m_db);
            for (int i = 0; i < 600; ++i) { // two pages each: past 1,000, short of 2,000
                QCOMPARE(sqlite3_exec(m_db, "INSERT INTO t (body) VALUES (zeroblob(4000))", nullptr,
                             nullptr, nullptr),
                    SQLITE_OK);
            }
            QTRY_VERIFY(checkpoint.done() > 0);
            QVERIFY(QFileInfo(m_path).size() > 1024 * 1024);
            QCOMPARE(checkpoint.doneByCommits(), 0);
        }
    }

    void theLogIsCopiedByTheCheckpointThread()
    {
        {
            WalCheckpoint checkpoint(m_path);
            checkpoint.watch(m_db);
            // One page and a little more per commit: 3,000 commits fill the log three times.
            sqlite3_stmt *insert = nullptr;
            QCOMPARE(
                sqlite3_prepare_v2(m_db, "INSERT INTO t (body) VALUES (?)", -1, &insert, nullptr),
                SQLITE_OK);
            const QByteArray body(4000, 'x');
            qint64 largestLog = 0;
            for (int i = 0; i < 3000; ++i) {
                sqlite3_bind_blob(insert, 1, body.constData(), int(body.size()), SQLITE_STATIC);
                QCOMPARE(sqlite3_step(insert), SQLITE_DONE);
                sqlite3_reset(insert);
                largestLog = qMax(largestLog, QFileInfo(m_path + "-wal").size());
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
        QVERIFY(QFileInfo(m_path).size() > 4 * 1024 * 1024); // the rows reached the database file
        sqlite3_stmt *count = nullptr;
        QCOMPARE(
            sqlite3_prepare_v2(m_db, "SELECT COUNT(*) FROM t", -1, &count, nullptr), SQLITE_OK);
        QCOMPARE(sqlite3_step(count), SQLITE_ROW);
        QCOMPARE(sqlite3_column_int(count, 0), 3000);
        sqlite3_finalize(count);
    }
};

QTEST_GUILESS_MAIN(TestWalCheckpoint)
#include "tst_walcheckpoint.moc"
