#include "kiket/devkit/capture/capturestore.h"

#include "captureappender.h"
#include "common/privatefiles.h"
#include "common/sqlite.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace kiket::devkit {

namespace {

const char kSchema[]
    = "CREATE TABLE IF NOT EXISTS exchanges ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
      " started_ms INTEGER, finished_ms INTEGER, timings TEXT,"
      " method BLOB, target BLOB, request_headers TEXT, request_body BLOB,"
      " status INTEGER, response_headers TEXT, response_body BLOB, error TEXT,"
      " auth_cause TEXT, auth_detail TEXT, event TEXT, version TEXT, handler_kind TEXT,"
      " parent_id INTEGER, replay_of INTEGER, note TEXT, token_jti TEXT)";

// Linking an API call to its delivery, a delivery's children and the output lines of a moment are
// lookups by these columns: without indexes each would read the whole table.
// Partial, so that the many rows without a token, a parent or output text cost nothing to index.
const char *const kIndexes[] = {
    "DROP INDEX IF EXISTS exchanges_token",
    "DROP INDEX IF EXISTS exchanges_parent",
    "DROP INDEX IF EXISTS exchanges_kind_started",
    "DROP INDEX IF EXISTS exchanges_by_token",
    // Only calls still waiting for their delivery: a token sent again and again (a saved request
    // replayed with curl) would otherwise make every adoption read all its earlier rows.
    "CREATE INDEX IF NOT EXISTS exchanges_orphans_by_token ON exchanges (token_jti)"
    " WHERE token_jti IS NOT NULL AND kind <> 'delivery' AND (parent_id IS NULL OR parent_id = 0)",
    "CREATE INDEX IF NOT EXISTS exchanges_by_parent ON exchanges (parent_id)"
    " WHERE parent_id IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS exchanges_logs ON exchanges (started_ms) WHERE kind = 'log'",
};

const char kColumns[]
    = "id, kind, started_ms, finished_ms, timings, method, target, request_headers, request_body,"
      " status, response_headers, response_body, error, auth_cause, auth_detail, event, version,"
      " handler_kind, parent_id, replay_of, note, token_jti";

HeaderList headersFromText(const QString &text)
{
    HeaderList headers;
    for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array())
        headers.emplaceBack(v[0].toString().toLatin1(), v[1].toString().toLatin1());
    return headers;
}

QDateTime fromMs(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime();
}

Exchange fromRecord(const QSqlQuery &q)
{
    Exchange e;
    e.id = q.value(0).toLongLong();
    e.kind = exchangeKindFromName(q.value(1).toString());
    e.started = fromMs(q.value(2).toLongLong());
    e.finished = fromMs(q.value(3).toLongLong());
    e.timings = StageTimes::fromJsonObject(
        QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object());
    e.method = q.value(5).toByteArray();
    e.target = q.value(6).toByteArray();
    e.requestHeaders = headersFromText(q.value(7).toString());
    e.requestBody = q.value(8).toByteArray();
    e.status = q.value(9).toInt();
    e.responseHeaders = headersFromText(q.value(10).toString());
    e.responseBody = q.value(11).toByteArray();
    e.error = q.value(12).toString();
    e.authCause = q.value(13).toString();
    e.authDetail = q.value(14).toString();
    e.event = q.value(15).toString();
    e.version = q.value(16).toString();
    e.handlerKind = q.value(17).toString();
    e.parentId = q.value(18).toLongLong();
    e.replayOf = q.value(19).toLongLong();
    e.note = q.value(20).toString();
    e.tokenId = q.value(21).toString();
    return e;
}

// Opens the file and checks it is a SQLite database we can write; the error text says why not.
bool openDatabase(const QString &connection, const QString &path, QString *error)
{
    *error = openSqlite(connection, path, { QString::fromLatin1(kSchema) });
    if (!error->isEmpty())
        return false;
    QSqlQuery q(QSqlDatabase::database(connection, false));
    if (!q.exec(QStringLiteral("PRAGMA quick_check")) || !q.next()
        || q.value(0).toString() != QLatin1String("ok")) {
        *error = QStringLiteral("integrity check failed");
        return false;
    }
    // Stores made before token_jti existed gain the column.
    q.exec(QStringLiteral("SELECT token_jti FROM exchanges LIMIT 0"));
    if (q.lastError().isValid()
        && !q.exec(QStringLiteral("ALTER TABLE exchanges ADD COLUMN token_jti TEXT"))) {
        *error = q.lastError().text();
        return false;
    }
    for (const char *index : kIndexes) {
        if (!q.exec(QString::fromLatin1(index))) {
            *error = q.lastError().text();
            return false;
        }
    }
    return true;
}

} // namespace

// The store's writing connection, opened once the schema is in place.
Result<std::unique_ptr<CaptureStore>> CaptureStore::withAppender(
    std::unique_ptr<CaptureStore> store)
{
    auto appender = CaptureAppender::open(store->m_path, store->m_retention);
    if (!appender)
        return appender.error(); // the destructor closes the reading connection
    store->m_appender = std::move(appender).value();
    return store;
}

Result<std::unique_ptr<CaptureStore>> CaptureStore::open(
    const QString &extensionFolder, int retention)
{
    const QString dir = QDir(extensionFolder).filePath(QStringLiteral(".kiket/workbench"));
    if (!makePrivateFolder(dir))
        return Error { QStringLiteral("capture.open"),
            QStringLiteral("Cannot create %1 (owner-only)").arg(dir) };
    std::unique_ptr<CaptureStore> store(new CaptureStore);
    store->m_path = QDir(dir).filePath(QStringLiteral("captures.sqlite"));
    // Signatures, tokens and secret values are kept in clear for replays: owner-only.
    makePrivateFile(store->m_path);
    store->m_retention = retention;
    store->m_connection
        = QStringLiteral("kiket-capture-") + QUuid::createUuid().toString(QUuid::Id128);
    QString error;
    if (openDatabase(store->m_connection, store->m_path, &error))
        return withAppender(std::move(store));

    // Keep the unusable file for inspection and start over.
    closeSqlite(store->m_connection);
    const QString aside = setAsideCorrupt(store->m_path);
    store->m_warning = QStringLiteral(
        "The capture history could not be read (%1); it was kept as %2 and a new one was started.")
                           .arg(error, aside);
    makePrivateFile(store->m_path);
    QString second;
    if (!openDatabase(store->m_connection, store->m_path, &second)) {
        closeSqlite(store->m_connection);
        return Error { QStringLiteral("capture.open"),
            QStringLiteral("Cannot open %1: %2").arg(store->m_path, second) };
    }
    return withAppender(std::move(store));
}

CaptureStore::~CaptureStore()
{
    m_appender.reset();
    closeSqlite(m_connection);
}

Result<qint64> CaptureStore::append(const Exchange &e)
{
    return m_appender->append(e);
}

Result<QList<qint64>> CaptureStore::appendAll(const QList<Exchange> &exchanges)
{
    return m_appender->appendAll(exchanges);
}

QList<Exchange> CaptureStore::select(
    const QString &where, const QVariantList &values, int limit) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    QString sql = QStringLiteral("SELECT %1 FROM exchanges %2 ORDER BY id DESC")
                      .arg(QLatin1String(kColumns), where);
    if (limit >= 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    q.prepare(sql);
    for (const QVariant &v : values)
        q.addBindValue(v);
    QList<Exchange> out;
    if (!q.exec())
        return out;
    while (q.next())
        out.prepend(fromRecord(q));
    return out;
}

QList<Exchange> CaptureStore::load(int limit) const
{
    const int effective
        = m_retention > 0 && (limit < 0 || limit > m_retention) ? m_retention : limit;
    return select({}, {}, effective);
}

QList<ExchangeSummary> CaptureStore::loadSummaries(int limit) const
{
    const int effective
        = m_retention > 0 && (limit < 0 || limit > m_retention) ? m_retention : limit;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    QString sql = QStringLiteral(
        "SELECT id, kind, started_ms, finished_ms, method, target, status, event, version,"
        " auth_cause, handler_kind, parent_id, replay_of, length(request_body),"
        " length(response_body) FROM exchanges ORDER BY id DESC");
    if (effective >= 0)
        sql += QStringLiteral(" LIMIT %1").arg(effective);
    QList<ExchangeSummary> out;
    if (!q.exec(sql))
        return out;
    while (q.next()) {
        ExchangeSummary s;
        s.id = q.value(0).toLongLong();
        s.kind = exchangeKindFromName(q.value(1).toString());
        s.started = fromMs(q.value(2).toLongLong());
        s.durationMs = q.value(3).toLongLong() - q.value(2).toLongLong();
        s.method = q.value(4).toByteArray();
        s.target = q.value(5).toByteArray();
        s.status = q.value(6).toInt();
        s.event = q.value(7).toString();
        s.version = q.value(8).toString();
        s.authCause = q.value(9).toString();
        s.handlerKind = q.value(10).toString();
        s.parentId = q.value(11).toLongLong();
        s.replayOf = q.value(12).toLongLong();
        s.requestBytes = q.value(13).toLongLong();
        s.responseBytes = q.value(14).toLongLong();
        out.append(s);
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::optional<Exchange> CaptureStore::find(qint64 id) const
{
    const QList<Exchange> found = select(QStringLiteral("WHERE id = ?"), { id }, 1);
    return found.isEmpty() ? std::nullopt : std::optional<Exchange>(found.first());
}

QList<Exchange> CaptureStore::children(qint64 parentId) const
{
    return select(QStringLiteral("WHERE parent_id = ?"), { parentId }, -1);
}

int CaptureStore::adoptChildren(qint64 parentId, const QString &tokenId)
{
    return m_appender->adoptChildren(parentId, tokenId);
}

QList<Exchange> CaptureStore::logsBetween(const QDateTime &from, const QDateTime &to) const
{
    return select(QStringLiteral("WHERE kind = 'log' AND started_ms BETWEEN ? AND ?"),
        { from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch() }, 500);
}

qint64 CaptureStore::count() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    return q.exec(QStringLiteral("SELECT COUNT(*) FROM exchanges")) && q.next()
        ? q.value(0).toLongLong()
        : 0;
}

} // namespace kiket::devkit
