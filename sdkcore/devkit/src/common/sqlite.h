#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

struct sqlite3;
struct sqlite3_stmt;

namespace kiket::devkit {

/// Opens a SQLite file under a named connection in WAL mode and runs the schema statements;
/// returns the error text, empty on success. No QSqlDatabase handle outlives the call.
QString openSqlite(const QString &connection, const QString &path, const QStringList &schema);
/// Renames an unusable database file to `<path>.corrupt-<UTC time>` (kept for inspection) and
/// removes its `-wal` and `-shm`; returns the new name.
QString setAsideCorrupt(const QString &path);
/// Closes and forgets a connection made by openSqlite().
void closeSqlite(const QString &connection);
/// A connection name no one else uses.
QString uniqueConnectionName(const QString &prefix);
/// The SQLite handle under a connection made by openSqlite(), or nullptr.
sqlite3 *sqliteHandle(const QString &connection);

/// A statement prepared on the SQLite handle under a connection made by openSqlite(). Binding
/// through SQLite's own API skips QtSql's per-value bookkeeping, which dominates when inserting
/// many rows. Null QStrings and QByteArrays are bound as NULL, as QtSql does. Bound bytes are
/// shared with the statement until run(), not copied. Use on the connection's thread.
class SqliteStatement
{
public:
    SqliteStatement(const QString &connection, const char *sql);
    /// The same on a connection opened with SQLite's own API.
    SqliteStatement(sqlite3 *db, const char *sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    /// Empty when the statement is ready, else why it is not.
    const QString &error() const { return m_error; }
    /// Parameters count from 1, as in SQLite.
    void bind(int index, qint64 value);
    void bindText(int index, const QString &text);
    void bindText(int index, const QByteArray &utf8);
    void bindBlob(int index, const QByteArray &bytes);
    void bindNull(int index);
    /// Runs it with the values bound; empty on success, else the error. Then ready for new values.
    QString run();
    /// The row id the last successful INSERT on this connection made.
    qint64 lastInsertId() const;
    /// The rows the last INSERT, UPDATE or DELETE on this connection changed.
    int changes() const;

private:
    void prepare(sqlite3 *db, const char *sql);
    bool keep(const QByteArray &bytes);

    sqlite3_stmt *m_statement = nullptr;
    QString m_error;
    QList<QByteArray> m_kept; // values bound since the last run(), shared rather than copied
};

} // namespace kiket::devkit
