#include "kiket/devkit/capturestore.h"

#include "privatefiles.h"
#include "sqlite.h"

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

// Header lines as a JSON array of [name, value] pairs: order and repeats survive.
// Latin-1 bytes as the inside of a JSON string (UTF-8).
void appendJsonString(QByteArray &out, const QByteArray &latin1)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : latin1) {
        const auto u = static_cast<unsigned char>(c);
        if (u == '"' || u == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else if (u >= 0x80) { // one Latin-1 byte is two UTF-8 bytes
            out += char(0xc0 | (u >> 6));
            out += char(0x80 | (u & 0x3f));
        } else {
            out += c;
        }
    }
    out += '"';
}

QByteArray headersToText(const HeaderList &headers)
{
    QByteArray out;
    qsizetype size = 2;
    for (const auto &h : headers)
        size += h.first.size() + h.second.size() + 8;
    out.reserve(size);
    out += '[';
    for (const auto &h : headers) {
        if (out.size() > 1)
            out += ',';
        out += '[';
        appendJsonString(out, h.first);
        out += ',';
        appendJsonString(out, h.second);
        out += ']';
    }
    out += ']';
    return out;
}

HeaderList headersFromText(const QString &text)
{
    HeaderList headers;
    for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array())
        headers.emplaceBack(v[0].toString().toLatin1(), v[1].toString().toLatin1());
    return headers;
}

qint64 toMs(const QDateTime &t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
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
    e.timings = QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object();
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
        return store;

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
    return store;
}

CaptureStore::~CaptureStore()
{
    m_insert.reset(); // before its connection closes
    closeSqlite(m_connection);
}

Result<qint64> CaptureStore::append(const Exchange &e)
{
    if (!m_insert)
        m_insert = std::make_unique<SqliteStatement>(m_connection,
            "INSERT INTO exchanges (kind, started_ms, finished_ms, timings, method, target,"
            " request_headers, request_body, status, response_headers, response_body, error,"
            " auth_cause, auth_detail, event, version, handler_kind, parent_id, replay_of, note,"
            " token_jti) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    SqliteStatement &q = *m_insert;
    // The storage class of each value (TEXT, BLOB, NULL) is what lookups compare against.
    q.bindText(1, exchangeKindName(e.kind));
    q.bind(2, toMs(e.started));
    q.bind(3, toMs(e.finished));
    q.bindText(4, QJsonDocument(e.timings).toJson(QJsonDocument::Compact));
    q.bindBlob(5, e.method);
    q.bindBlob(6, e.target);
    q.bindText(7, headersToText(e.requestHeaders));
    q.bindBlob(8, e.requestBody);
    q.bind(9, e.status);
    q.bindText(10, headersToText(e.responseHeaders));
    q.bindBlob(11, e.responseBody);
    q.bindText(12, e.error);
    q.bindText(13, e.authCause);
    q.bindText(14, e.authDetail);
    q.bindText(15, e.event);
    q.bindText(16, e.version);
    q.bindText(17, e.handlerKind);
    if (e.parentId > 0) // else NULL: left out of the index
        q.bind(18, e.parentId);
    q.bind(19, e.replayOf);
    q.bindText(20, e.note);
    if (!e.tokenId.isEmpty()) // else NULL: left out of the index
        q.bindText(21, e.tokenId);
    if (const QString error = q.run(); !error.isEmpty())
        return Error { QStringLiteral("capture.write"), error };
    const qint64 id = q.lastInsertId();
    if (m_retention > 0 && id % 100 == 0) {
        QSqlQuery trim(QSqlDatabase::database(m_connection, false));
        trim.prepare(QStringLiteral("DELETE FROM exchanges WHERE id <= ?"));
        trim.addBindValue(id - m_retention);
        trim.exec();
    }
    return id;
}

Result<QList<qint64>> CaptureStore::appendAll(const QList<Exchange> &exchanges)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    db.transaction();
    QList<qint64> ids;
    for (const Exchange &e : exchanges) {
        const auto id = append(e);
        if (!id) {
            db.rollback();
            return id.error();
        }
        ids << id.value();
        if (e.kind == ExchangeKind::Delivery)
            adoptChildren(id.value(), e.tokenId);
    }
    if (!db.commit())
        return Error { QStringLiteral("capture.write"), db.lastError().text() };
    return ids;
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
    if (tokenId.isEmpty())
        return 0;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    // Its terms repeat exchanges_orphans_by_token's condition, so SQLite searches that index.
    q.prepare(QStringLiteral(
        "UPDATE exchanges SET parent_id = ? WHERE token_jti = ? AND id <> ? AND kind <> 'delivery'"
        " AND (parent_id IS NULL OR parent_id = 0)"));
    q.addBindValue(parentId);
    q.addBindValue(tokenId);
    q.addBindValue(parentId);
    return q.exec() ? q.numRowsAffected() : 0;
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
