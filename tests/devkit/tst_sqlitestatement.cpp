// SqliteStatement binds values without copying them: what it stores is what was bound, whatever
// happens to the caller's bytes before the statement runs.
#include "common/sqlite.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace kiket::devkit;

class TestSqliteStatement : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    sqlite3 *m_db = nullptr;

    QList<QByteArray> stored()
    {
        sqlite3_stmt *raw = nullptr;
        sqlite3_prepare_v2(m_db, "SELECT t, b FROM rows ORDER BY rowid", -1, &raw, nullptr);
        QList<QByteArray> out;
        while (sqlite3_step(raw) == SQLITE_ROW) {
            for (int column : { 0, 1 })
                out << QByteArray(static_cast<const char *>(sqlite3_column_blob(raw, column)),
                    sqlite3_column_bytes(raw, column));
        }
        sqlite3_finalize(raw);
        return out;
    }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QCOMPARE(sqlite3_open((m_dir.path() + "/t.sqlite").toUtf8().constData(), &m_db), SQLITE_OK);
        QCOMPARE(
            sqlite3_exec(m_db, "CREATE TABLE rows (t TEXT, b BLOB)", nullptr, nullptr, nullptr),
            SQLITE_OK);
    }

    void cleanup()
    {
        sqlite3_close(m_db);
        m_db = nullptr;
        QFile::remove(m_dir.path() + "/t.sqlite");
    }

    void boundBytesChangedOrFreedBeforeTheRun()
    {
        SqliteStatement insert(m_db, "INSERT INTO rows (t, b) VALUES (?, ?)");
        QVERIFY(insert.error().isEmpty());
        QByteArray text = QByteArray("first text ") + QByteArray::number(1);
        auto blob = std::make_unique<QByteArray>(QByteArray(300, 'b'));
        insert.bindText(1, text);
        insert.bindBlob(2, *blob);
        text[0] = 'F'; // the statement's value is not this one
        blob.reset();
        QVERIFY(insert.run().isEmpty());
        // A QString's bytes are a temporary of bindText's.
        insert.bindText(1, QStringLiteral("second %1").arg(2));
        insert.bindBlob(2, QByteArray(70, 'c'));
        QVERIFY(insert.run().isEmpty());
        QCOMPARE(stored(),
            QList<QByteArray>(
                { "first text 1", QByteArray(300, 'b'), "second 2", QByteArray(70, 'c') }));
    }

    void bytesQtDoesNotOwnAreCopied()
    {
        SqliteStatement insert(m_db, "INSERT INTO rows (t, b) VALUES (?, ?)");
        char buffer[] = "raw bytes of the caller";
        insert.bindText(1, QByteArray::fromRawData(buffer, sizeof buffer - 1));
        insert.bindBlob(2, QByteArray::fromRawData(buffer, 3));
        buffer[0] = 'R';
        QVERIFY(insert.run().isEmpty());
        QCOMPARE(stored(), QList<QByteArray>({ "raw bytes of the caller", "raw" }));
    }
};

QTEST_GUILESS_MAIN(TestSqliteStatement)
#include "tst_sqlitestatement.moc"
