#pragma once

#include <kiket/devkit/capture/exchange.h>
#include <kiket/result.h>

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace kiket::devkit {

class CaptureAppender;

/// Exchanges of one extension folder in SQLite (`.kiket/workbench/captures.sqlite`, WAL mode).
/// Each append is committed before it returns. append(), appendAll() and adoptChildren() may be
/// called from any thread (one writer at a time, on a connection of their own); the rest only on
/// the thread that opened the store.
class CaptureStore
{
public:
    /// Opens (or creates) the folder's store. A file that is not a usable database is moved
    /// aside as `captures.sqlite.corrupt-<time>`, a fresh one is started and warning() says so.
    static Result<std::unique_ptr<CaptureStore>> open(
        const QString &extensionFolder, int retention = 10000);
    ~CaptureStore();

    /// Stores an exchange and returns its id; the oldest exchanges beyond the retention go.
    Result<qint64> append(const Exchange &exchange);
    /// Stores several in one transaction (one commit), each delivery adopting the API calls made
    /// with its runtime token; their ids in order.
    Result<QList<qint64>> appendAll(const QList<Exchange> &exchanges);
    /// The latest exchanges, oldest first (all when limit < 0).
    QList<Exchange> load(int limit = -1) const;
    /// The latest exchanges as list rows, oldest first (all when limit < 0): what a window keeps in
    /// memory, while find() fetches one whole exchange when it is opened.
    QList<ExchangeSummary> loadSummaries(int limit = -1) const;
    std::optional<Exchange> find(qint64 id) const;
    /// API calls and other exchanges linked to a delivery, oldest first.
    QList<Exchange> children(qint64 parentId) const;
    /// Output lines of the extension between two moments, oldest first.
    QList<Exchange> logsBetween(const QDateTime &from, const QDateTime &to) const;
    qint64 count() const;
    /// Makes the unlinked exchanges made with a runtime token children of the delivery that carried
    /// it.
    int adoptChildren(qint64 parentId, const QString &tokenId);
    /// A problem met while opening, for the user to see (empty when none).
    const QString &warning() const { return m_warning; }
    QString path() const { return m_path; }

private:
    CaptureStore() = default;
    static Result<std::unique_ptr<CaptureStore>> withAppender(std::unique_ptr<CaptureStore> store);
    QList<Exchange> select(const QString &where, const QVariantList &values, int limit) const;

    QString m_connection; // reads
    std::unique_ptr<CaptureAppender> m_appender; // writes
    QString m_path;
    QString m_warning;
    int m_retention = 10000;
};

} // namespace kiket::devkit
