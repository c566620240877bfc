#include "kiket/devkit/sandbox/sandboxstore.h"

#include "common/privatefiles.h"

#include "common/sqlite.h"
#include "common/walcheckpoint.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace kiket::devkit {

namespace {

const QStringList kSchema {
    QStringLiteral(
        "CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " project TEXT, module TEXT, tbl TEXT, data TEXT, created_ms INTEGER, updated_ms INTEGER)"),
    QStringLiteral("CREATE INDEX IF NOT EXISTS records_place ON records (project, module, tbl)"),
    QStringLiteral("CREATE TABLE IF NOT EXISTS event_log (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                   " extension TEXT, kind TEXT, body TEXT, at_ms INTEGER)"),
    QStringLiteral("CREATE TABLE IF NOT EXISTS secrets (extension TEXT, key TEXT, value TEXT,"
                   " created_ms INTEGER, updated_ms INTEGER, PRIMARY KEY (extension, key))"),
    QStringLiteral("CREATE TABLE IF NOT EXISTS notifications (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                   " body TEXT, at_ms INTEGER)"),
};

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString text(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject object(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

// The API's view of a stored record.
QJsonObject present(const QSqlQuery &q)
{
    QJsonObject out = object(q.value(1));
    out.insert(QStringLiteral("id"), QString::number(q.value(0).toLongLong()));
    out.insert(QStringLiteral("created_at"), iso(q.value(2).toLongLong()));
    out.insert(QStringLiteral("updated_at"), iso(q.value(3).toLongLong()));
    return out;
}

bool matches(const QJsonObject &record, const QJsonObject &filters)
{
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        if (record.value(it.key()) != it.value())
            return false;
    }
    return true;
}

} // namespace

Result<std::unique_ptr<SandboxStore>> SandboxStore::open(const QString &extensionFolder)
{
    const QString dir = QDir(extensionFolder).filePath(QStringLiteral(".kiket/workbench"));
    if (!makePrivateFolder(dir))
        return Error { QStringLiteral("sandbox.open"),
            QStringLiteral("Cannot create %1 (owner-only)").arg(dir) };
    std::unique_ptr<SandboxStore> store(new SandboxStore);
    store->m_connection
        = QStringLiteral("kiket-sandbox-") + QUuid::createUuid().toString(QUuid::Id128);
    // Secret values are stored here, so the file is owner-only before SQLite writes to it.
    const QString path = QDir(dir).filePath(QStringLiteral("sandbox.sqlite"));
    makePrivateFile(path);
    QString error = openSqlite(store->m_connection, path, kSchema);
    if (!error.isEmpty()) { // keep the unusable file for inspection and start over
        closeSqlite(store->m_connection);
        const QString aside = setAsideCorrupt(path);
        makePrivateFile(path);
        const QString second = openSqlite(store->m_connection, path, kSchema);
        if (!second.isEmpty())
            return Error { QStringLiteral("sandbox.open"),
                QStringLiteral("Cannot open %1: %2").arg(path, second) };
        store->m_warning = QStringLiteral("The sandbox's state in %1 could not be read (%2); it "
                                          "was kept as %3 and an empty sandbox was started.")
                               .arg(path, error, aside);
    }
    // Files from before secrets had times; the column exists already everywhere else.
    QSqlQuery upgrade(QSqlDatabase::database(store->m_connection, false));
    upgrade.exec(QStringLiteral("ALTER TABLE secrets ADD COLUMN created_ms INTEGER"));
    upgrade.exec(QStringLiteral("ALTER TABLE secrets ADD COLUMN updated_ms INTEGER"));
    store->m_checkpoint = std::make_unique<WalCheckpoint>(path);
    store->m_checkpoint->watch(sqliteHandle(store->m_connection));
    return store;
}

SandboxStore::~SandboxStore()
{
    m_logInsert.reset(); // before its connection closes
    closeSqlite(m_connection);
    m_checkpoint.reset();
}

QJsonArray SandboxStore::listRecords(
    const RecordTable &where, int limit, const QJsonObject &filters) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT id, data, created_ms, updated_ms FROM records"
                             " WHERE project = ? AND module = ? AND tbl = ? ORDER BY id"));
    q.addBindValue(where.projectId);
    q.addBindValue(where.module);
    q.addBindValue(where.table);
    QJsonArray out;
    if (!q.exec())
        return out;
    while (q.next() && (limit <= 0 || out.size() < limit)) {
        const QJsonObject record = present(q);
        if (matches(record, filters))
            out.append(record);
    }
    return out;
}

std::optional<QJsonObject> SandboxStore::record(const RecordTable &where, const QString &id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT id, data, created_ms, updated_ms FROM records"
                             " WHERE id = ? AND project = ? AND module = ? AND tbl = ?"));
    for (const QVariant &v :
        QVariantList { id.toLongLong(), where.projectId, where.module, where.table })
        q.addBindValue(v);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return present(q);
}

Result<QJsonObject> SandboxStore::createRecord(const RecordTable &where, const QJsonObject &fields)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(
        QStringLiteral("INSERT INTO records (project, module, tbl, data, created_ms, updated_ms)"
                       " VALUES (?, ?, ?, ?, ?, ?)"));
    for (const QVariant &v :
        QVariantList { where.projectId, where.module, where.table, text(fields), now, now })
        q.addBindValue(v);
    if (!q.exec())
        return Error { QStringLiteral("sandbox.write"), q.lastError().text() };
    return *record(where, QString::number(q.lastInsertId().toLongLong()));
}

std::optional<QJsonObject> SandboxStore::updateRecord(
    const RecordTable &where, const QString &id, const QJsonObject &fields)
{
    const std::optional<QJsonObject> current = record(where, id);
    if (!current)
        return std::nullopt;
    QJsonObject data = *current;
    for (const char *meta : { "id", "created_at", "updated_at" })
        data.remove(QLatin1String(meta));
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (it.value().isNull())
            data.remove(it.key());
        else
            data.insert(it.key(), it.value());
    }
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE records SET data = ?, updated_ms = ? WHERE id = ?"));
    for (const QVariant &v :
        QVariantList { text(data), QDateTime::currentMSecsSinceEpoch(), id.toLongLong() })
        q.addBindValue(v);
    q.exec();
    return record(where, id);
}

bool SandboxStore::deleteRecord(const RecordTable &where, const QString &id)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "DELETE FROM records WHERE id = ? AND project = ? AND module = ? AND tbl = ?"));
    for (const QVariant &v :
        QVariantList { id.toLongLong(), where.projectId, where.module, where.table })
        q.addBindValue(v);
    return q.exec() && q.numRowsAffected() > 0;
}

QStringList SandboxStore::secretKeys(const QString &extensionId) const
{
    QStringList keys;
    for (const QJsonValue &info : secretList(extensionId))
        keys << info[QLatin1String("key")].toString();
    return keys;
}

QJsonArray SandboxStore::secretList(const QString &extensionId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT key, created_ms, updated_ms FROM secrets"
                             " WHERE extension = ? ORDER BY key"));
    q.addBindValue(extensionId);
    QJsonArray out;
    if (q.exec()) {
        while (q.next())
            out.append(QJsonObject { { QStringLiteral("key"), q.value(0).toString() },
                { QStringLiteral("created_at"), iso(q.value(1).toLongLong()) },
                { QStringLiteral("updated_at"), iso(q.value(2).toLongLong()) } });
    }
    return out;
}

std::optional<QString> SandboxStore::secret(const QString &extensionId, const QString &key) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT value FROM secrets WHERE extension = ? AND key = ?"));
    q.addBindValue(extensionId);
    q.addBindValue(key);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return q.value(0).toString();
}

void SandboxStore::setSecret(const QString &extensionId, const QString &key, const QString &value)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "INSERT INTO secrets (extension, key, value, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (extension, key) DO UPDATE SET value = excluded.value,"
        " updated_ms = excluded.updated_ms"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QVariant &v : QVariantList { extensionId, key, value, now, now })
        q.addBindValue(v);
    q.exec();
}

bool SandboxStore::deleteSecret(const QString &extensionId, const QString &key)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("DELETE FROM secrets WHERE extension = ? AND key = ?"));
    q.addBindValue(extensionId);
    q.addBindValue(key);
    return q.exec() && q.numRowsAffected() > 0;
}

void SandboxStore::logEvent(
    const QString &extensionId, const QString &kind, const QJsonObject &body)
{
    if (!m_logInsert) {
        m_logInsert = std::make_unique<QSqlQuery>(QSqlDatabase::database(m_connection, false));
        m_logInsert->prepare(QStringLiteral(
            "INSERT INTO event_log (extension, kind, body, at_ms) VALUES (?, ?, ?, ?)"));
    }
    const QVariantList values { extensionId, kind, text(body),
        QDateTime::currentMSecsSinceEpoch() };
    for (int i = 0; i < values.size(); ++i)
        m_logInsert->bindValue(i, values.at(i));
    m_logInsert->exec();
}

QJsonArray SandboxStore::eventLog(const QString &extensionId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(
        QStringLiteral("SELECT kind, body, at_ms FROM event_log WHERE extension = ? ORDER BY id"));
    q.addBindValue(extensionId);
    QJsonArray out;
    if (!q.exec())
        return out;
    while (q.next()) {
        QJsonObject entry = object(q.value(1));
        entry.insert(QStringLiteral("kind"), q.value(0).toString());
        entry.insert(QStringLiteral("at"), iso(q.value(2).toLongLong()));
        out.append(entry);
    }
    return out;
}

void SandboxStore::notify(const QJsonObject &notification)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT INTO notifications (body, at_ms) VALUES (?, ?)"));
    q.addBindValue(text(notification));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.exec();
}

QJsonArray SandboxStore::notifications() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    QJsonArray out;
    if (!q.exec(QStringLiteral("SELECT body, at_ms FROM notifications ORDER BY id")))
        return out;
    while (q.next()) {
        QJsonObject n = object(q.value(0));
        n.insert(QStringLiteral("at"), iso(q.value(1).toLongLong()));
        out.append(n);
    }
    return out;
}

} // namespace kiket::devkit
