#include "sqlite.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

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

} // namespace kiket::devkit
