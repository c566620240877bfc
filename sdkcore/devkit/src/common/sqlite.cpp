#include "sqlite.h"

#include <QDateTime>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <sqlite3.h>

namespace kiket::devkit {

QString openSqlite(const QString &connection, const QString &path, const QStringList &schema)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
    db.setDatabaseName(path);
    if (!db.open())
        return db.lastError().text();
    QSqlQuery q(db);
    const QStringList statements = QStringList {
        QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=NORMAL")
    } + schema;
    for (const QString &statement : statements) {
        if (!q.exec(statement))
            return q.lastError().text();
    }
    return {};
}

QString setAsideCorrupt(const QString &path)
{
    const QString aside = path + QStringLiteral(".corrupt-")
        + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QFile::rename(path, aside);
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    return aside;
}

void closeSqlite(const QString &connection)
{
    {
        QSqlDatabase db = QSqlDatabase::database(connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
}

QString uniqueConnectionName(const QString &prefix)
{
    return prefix + QUuid::createUuid().toString(QUuid::Id128);
}

sqlite3 *sqliteHandle(const QString &connection)
{
    // QtSql's SQLite driver hands out its sqlite3 handle (documented in QSqlDriver::handle()).
    const QVariant handle = QSqlDatabase::database(connection, false).driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

SqliteStatement::SqliteStatement(const QString &connection, const char *sql)
{
    if (sqlite3 *db = sqliteHandle(connection))
        prepare(db, sql);
    else
        m_error = QStringLiteral("not an open SQLite connection");
}

SqliteStatement::SqliteStatement(sqlite3 *db, const char *sql)
{
    prepare(db, sql);
}

void SqliteStatement::prepare(sqlite3 *db, const char *sql)
{
    if (sqlite3_prepare_v2(db, sql, -1, &m_statement, nullptr) != SQLITE_OK) {
        m_error = QString::fromUtf8(sqlite3_errmsg(db));
        sqlite3_finalize(m_statement);
        m_statement = nullptr;
    }
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

void SqliteStatement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_statement, index, value);
}

void SqliteStatement::bindText(int index, const QString &text)
{
    if (text.isNull())
        bindNull(index);
    else
        bindText(index, text.toUtf8());
}

void SqliteStatement::bindText(int index, const QByteArray &utf8)
{
    if (utf8.isNull())
        bindNull(index);
    else
        sqlite3_bind_text64(m_statement, index, utf8.constData(), sqlite3_uint64(utf8.size()),
            keep(utf8) ? SQLITE_STATIC : SQLITE_TRANSIENT, SQLITE_UTF8);
}

void SqliteStatement::bindBlob(int index, const QByteArray &bytes)
{
    if (bytes.isNull())
        bindNull(index);
    else
        sqlite3_bind_blob64(m_statement, index, bytes.constData(), sqlite3_uint64(bytes.size()),
            keep(bytes) ? SQLITE_STATIC : SQLITE_TRANSIENT);
}

// Whether SQLite may read the bytes without a copy of its own: they are shared until run(). Bytes
// Qt does not own (fromRawData) could be freed before that, so SQLite copies those.
bool SqliteStatement::keep(const QByteArray &bytes)
{
    if (bytes.capacity() == 0) // fromRawData, a literal, or nothing to copy
        return false;
    m_kept.append(bytes);
    return true;
}

void SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_statement, index);
}

QString SqliteStatement::run()
{
    if (!m_statement) {
        m_kept.clear();
        return m_error;
    }
    const int rc = sqlite3_step(m_statement);
    QString error;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_statement)));
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    m_kept.clear();
    return error;
}

qint64 SqliteStatement::lastInsertId() const
{
    return m_statement ? sqlite3_last_insert_rowid(sqlite3_db_handle(m_statement)) : 0;
}

int SqliteStatement::changes() const
{
    return m_statement ? sqlite3_changes(sqlite3_db_handle(m_statement)) : 0;
}

} // namespace kiket::devkit
