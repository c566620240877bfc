// The VFS that writes each WAL frame in one call: the log it writes is SQLite's own, byte for byte
// usable by connections on the default VFS, by recovery after a crash, and it takes fewer writes.
#include "common/walframes.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace kiket::devkit;

namespace {

sqlite3 *openDb(const QString &path, const char *vfs)
{
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(
            path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs)
        != SQLITE_OK)
        qFatal("cannot open %s", qPrintable(path));
    sqlite3_exec(db,
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;"
        "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, body BLOB)",
        nullptr, nullptr, nullptr);
    return db;
}

// One transaction per row; row n's body is n bytes of n % 251, up to several pages.
void insertRows(sqlite3 *db, int from, int to)
{
    sqlite3_stmt *insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t (id, body) VALUES (?, ?)", -1, &insert, nullptr);
    for (int n = from; n < to; ++n) {
        const QByteArray body((n * 37) % 9000, char(n % 251));
        sqlite3_bind_int(insert, 1, n);
        sqlite3_bind_blob(insert, 2, body.constData(), int(body.size()), SQLITE_TRANSIENT);
        QCOMPARE(sqlite3_step(insert), SQLITE_DONE);
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
}

// The rows [0, count) all there with their bodies, and the file sound.
void checkRows(sqlite3 *db, int count)
{
    sqlite3_stmt *check = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, nullptr);
    QCOMPARE(sqlite3_step(check), SQLITE_ROW);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(check, 0))),
        QByteArray("ok"));
    sqlite3_finalize(check);
    sqlite3_stmt *select = nullptr;
    sqlite3_prepare_v2(db, "SELECT id, body FROM t ORDER BY id", -1, &select, nullptr);
    int n = 0;
    while (sqlite3_step(select) == SQLITE_ROW) {
        QCOMPARE(sqlite3_column_int(select, 0), n);
        const QByteArray body(static_cast<const char *>(sqlite3_column_blob(select, 1)),
            sqlite3_column_bytes(select, 1));
        QCOMPARE(body, QByteArray((n * 37) % 9000, char(n % 251)));
        ++n;
    }
    sqlite3_finalize(select);
    QCOMPARE(n, count);
}

qint64 writeCalls()
{
    QFile io(QStringLiteral("/proc/self/io"));
    if (!io.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : io.readAll().split('\n')) {
        if (line.startsWith("syscw:"))
            return line.mid(6).trimmed().toLongLong();
    }
    return -1;
}

} // namespace

class TestWalFrames : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(walFramesVfs()); }

    void aConnectionOnTheDefaultVfsReadsEveryCommitAsItLands()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("db.sqlite");
        sqlite3 *writer = openDb(path, walFramesVfs());
        sqlite3 *reader = openDb(path, nullptr);
        insertRows(writer, 0, 50);
        checkRows(reader, 50);
        insertRows(writer, 50, 120);
        checkRows(reader, 120);
        sqlite3_close_v2(reader);
        sqlite3_close_v2(writer);
    }

    void aCrashLeavesALogThatRecoveryReplays()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("db.sqlite");
        sqlite3 *writer = openDb(path, walFramesVfs());
        insertRows(writer, 0, 200);
        // The files as a crash would leave them: the rows are in the log only, and no shared
        // memory tells where it ends, so the default VFS must read every frame to find them.
        const QString copy = dir.filePath("copy.sqlite");
        QVERIFY(QFile::copy(path, copy));
        QVERIFY(QFile::copy(path + "-wal", copy + "-wal"));
        QVERIFY(QFile(copy + "-wal").size() > 200 * 4096);
        sqlite3_close_v2(writer);
        sqlite3 *recovered = openDb(copy, nullptr);
        checkRows(recovered, 200);
        sqlite3_close_v2(recovered);
    }

    void aTransactionLargerThanTheCacheSpillsAndRewritesFramesSoundly()
    {
        // With two pages of cache, SQLite writes frames before the commit and later rewrites some
        // in place, headers on their own among them.
        QTemporaryDir dir;
        const QString path = dir.filePath("db.sqlite");
        sqlite3 *writer = openDb(path, walFramesVfs());
        QCOMPARE(sqlite3_exec(writer, "PRAGMA cache_size=2; BEGIN", nullptr, nullptr, nullptr),
            SQLITE_OK);
        insertRows(writer, 0, 300);
        QCOMPARE(sqlite3_exec(writer, "UPDATE t SET body = body WHERE id % 3 = 0; COMMIT", nullptr,
                     nullptr, nullptr),
            SQLITE_OK);
        const QString copy = dir.filePath("copy.sqlite");
        QVERIFY(QFile::copy(path, copy));
        QVERIFY(QFile::copy(path + "-wal", copy + "-wal"));
        sqlite3 *reader = openDb(path, nullptr);
        checkRows(reader, 300);
        sqlite3_close_v2(reader);
        sqlite3_close_v2(writer);
        sqlite3 *recovered = openDb(copy, nullptr);
        checkRows(recovered, 300);
        sqlite3_close_v2(recovered);
    }

    void eachFrameTakesOneWrite()
    {
        QTemporaryDir dir;
        const auto writesFor = [&](const char *vfs, const QString &name) {
            sqlite3 *db = openDb(dir.filePath(name), vfs);
            insertRows(db, 0, 1); // the log's header, outside the count
            const qint64 before = writeCalls();
            insertRows(db, 1, 101);
            const qint64 after = writeCalls();
            sqlite3_close_v2(db);
            return after - before;
        };
        const qint64 plain = writesFor(nullptr, "plain.sqlite");
        const qint64 merged = writesFor(walFramesVfs(), "merged.sqlite");
        QVERIFY2(plain > 0 && merged > 0, "no /proc/self/io");
        // Two writes a frame by default, one here (other threads of the test write almost nothing).
        QVERIFY2(merged * 10 < plain * 6,
            qPrintable(QStringLiteral("%1 writes, default VFS %2").arg(merged).arg(plain)));
    }
};

QTEST_GUILESS_MAIN(TestWalFrames)
#include "tst_walframes.moc"
