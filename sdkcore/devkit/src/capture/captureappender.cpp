#include "captureappender.h"

#include "common/jsontext.h"
#include "common/sqlite.h"
#include "common/walcheckpoint.h"
#include "common/walframes.h"

#include <QVarLengthArray>

#include <algorithm>

#include <sqlite3.h>

namespace kiket::devkit {

namespace {

// Header lines as a JSON array of [name, value] pairs: order and repeats survive. Sized first and
// written in one buffer: appended piece by piece it cost more than the rest of the row's values.
QByteArray headersToText(const HeaderList &headers)
{
    QVarLengthArray<std::pair<qsizetype, qsizetype>, 32> sizes;
    qsizetype size = 2 + std::max<qsizetype>(headers.size() - 1, 0); // brackets and commas
    for (const auto &h : headers) {
        sizes.append({ jsonStringSize(h.first, TextBytes::Latin1),
            jsonStringSize(h.second, TextBytes::Latin1) });
        size += sizes.last().first + sizes.last().second + 3; // [ , ]
    }
    QByteArray out(size, Qt::Uninitialized);
    char *w = out.data();
    *w++ = '[';
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (i > 0)
            *w++ = ',';
        *w++ = '[';
        w = writeJsonString(w, headers[i].first, TextBytes::Latin1, sizes[i].first);
        *w++ = ',';
        w = writeJsonString(w, headers[i].second, TextBytes::Latin1, sizes[i].second);
        *w++ = ']';
    }
    *w = ']';
    return out;
}

qint64 toMs(const QDateTime &t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

} // namespace

Result<std::unique_ptr<CaptureAppender>> CaptureAppender::open(const QString &path, int retention)
{
    std::unique_ptr<CaptureAppender> a(new CaptureAppender);
    a->m_retention = retention;
    const auto failed = [&path](const QString &why) {
        return Error { QStringLiteral("capture.open"),
            QStringLiteral("Cannot write %1: %2").arg(path, why) };
    };
    // One writer at a time by m_mutex; SQLite's own mutex guards the rest.
    if (sqlite3_open_v2(path.toUtf8().constData(), &a->m_db,
            SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, walFramesVfs())
        != SQLITE_OK)
        return failed(QString::fromUtf8(sqlite3_errmsg(a->m_db)));
    // Another program on the same folder may hold the write lock for a moment.
    sqlite3_busy_timeout(a->m_db, 5000);
    a->m_checkpoint = std::make_unique<WalCheckpoint>(path);
    a->m_checkpoint->watch(a->m_db);
    if (sqlite3_exec(a->m_db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr) != SQLITE_OK)
        return failed(QString::fromUtf8(sqlite3_errmsg(a->m_db)));
    a->m_insert = std::make_unique<SqliteStatement>(a->m_db,
        "INSERT INTO exchanges (kind, started_ms, finished_ms, timings, method, target,"
        " request_headers, request_body, status, response_headers, response_body, error,"
        " auth_cause, auth_detail, event, version, handler_kind, parent_id, replay_of, note,"
        " token_jti) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    // Its terms repeat exchanges_orphans_by_token's condition, so SQLite searches that index.
    a->m_adopt = std::make_unique<SqliteStatement>(a->m_db,
        "UPDATE exchanges SET parent_id = ? WHERE token_jti = ? AND id <> ? AND kind <> 'delivery'"
        " AND (parent_id IS NULL OR parent_id = 0)");
    a->m_trim = std::make_unique<SqliteStatement>(a->m_db, "DELETE FROM exchanges WHERE id <= ?");
    a->m_begin = std::make_unique<SqliteStatement>(a->m_db, "BEGIN IMMEDIATE");
    a->m_commit = std::make_unique<SqliteStatement>(a->m_db, "COMMIT");
    a->m_rollback = std::make_unique<SqliteStatement>(a->m_db, "ROLLBACK");
    for (const auto *statement :
        { &a->m_insert, &a->m_adopt, &a->m_trim, &a->m_begin, &a->m_commit, &a->m_rollback }) {
        if (!(*statement)->error().isEmpty())
            return failed((*statement)->error());
    }
    return a;
}

CaptureAppender::~CaptureAppender()
{
    // Statements before their connection.
    for (auto *statement : { &m_insert, &m_adopt, &m_trim, &m_begin, &m_commit, &m_rollback })
        statement->reset();
    sqlite3_close_v2(m_db);
    m_checkpoint.reset();
}

Result<qint64> CaptureAppender::append(const Exchange &exchange)
{
    QMutexLocker lock(&m_mutex);
    return insert(exchange);
}

Result<QList<qint64>> CaptureAppender::appendAll(const QList<Exchange> &exchanges)
{
    QMutexLocker lock(&m_mutex);
    if (const QString error = m_begin->run(); !error.isEmpty())
        return Error { QStringLiteral("capture.write"), error };
    QList<qint64> ids;
    for (const Exchange &e : exchanges) {
        const auto id = insert(e);
        if (!id) {
            m_rollback->run();
            return id.error();
        }
        ids << id.value();
        if (e.kind == ExchangeKind::Delivery)
            adopt(id.value(), e.tokenId);
    }
    if (const QString error = m_commit->run(); !error.isEmpty()) {
        m_rollback->run();
        return Error { QStringLiteral("capture.write"), error };
    }
    return ids;
}

int CaptureAppender::adoptChildren(qint64 parentId, const QString &tokenId)
{
    QMutexLocker lock(&m_mutex);
    return adopt(parentId, tokenId);
}

Result<qint64> CaptureAppender::insert(const Exchange &e)
{
    SqliteStatement &q = *m_insert;
    // The storage class of each value (TEXT, BLOB, NULL) is what lookups compare against.
    q.bindText(1, exchangeKindName(e.kind));
    q.bind(2, toMs(e.started));
    q.bind(3, toMs(e.finished));
    QByteArray timings;
    e.timings.appendJson(timings);
    q.bindText(4, timings);
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
        m_trim->bind(1, id - m_retention);
        m_trim->run();
    }
    return id;
}

int CaptureAppender::adopt(qint64 parentId, const QString &tokenId)
{
    if (tokenId.isEmpty())
        return 0;
    m_adopt->bind(1, parentId);
    m_adopt->bindText(2, tokenId);
    m_adopt->bind(3, parentId);
    return m_adopt->run().isEmpty() ? m_adopt->changes() : 0;
}

} // namespace kiket::devkit
