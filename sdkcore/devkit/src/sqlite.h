#pragma once

#include <QString>
#include <QStringList>

namespace kiket::devkit {

/// Opens a SQLite file under a named connection in WAL mode and runs the schema statements;
/// returns the error text, empty on success. No QSqlDatabase handle outlives the call.
QString openSqlite(const QString &connection, const QString &path, const QStringList &schema);
/// Closes and forgets a connection made by openSqlite().
void closeSqlite(const QString &connection);
/// A connection name no one else uses.
QString uniqueConnectionName(const QString &prefix);

} // namespace kiket::devkit
