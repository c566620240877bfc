#pragma once

#include <kiket/devkit/capture/exchange.h>

#include <QAbstractTableModel>
#include <QMutex>
#include <QSet>
#include <QTimer>

namespace kiket::ui {

/// The traffic list: one row per captured exchange, oldest first. New exchanges may be added from
/// any thread; they are inserted in batches (at most one insertion per ~50 ms), never a signal per
/// request. The oldest rows go beyond the row limit.
class TrafficModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Kind, Event, Version, Auth, Status, Duration, Handler, ColumnCount };
    /// The value to sort by (a number or the text), in every column.
    static constexpr int SortRole = Qt::UserRole + 1;
    /// The exchange id of the row, in every column.
    static constexpr int IdRole = Qt::UserRole + 2;

    explicit TrafficModel(QObject *parent = nullptr, int maxRows = 10000);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Queues an exchange; thread-safe.
    void add(const devkit::ExchangeSummary &exchange);
    /// Inserts what is queued now (the timer does this on its own).
    void flush();
    /// Replaces everything with the history loaded from the store.
    void reset(const QList<devkit::ExchangeSummary> &history);
    /// Empties the list, except the marked rows.
    void clear();
    /// Marks or unmarks a row (a ★ before its time); marked rows survive clear().
    void setMarked(qint64 id, bool marked);
    bool isMarked(qint64 id) const { return m_marked.contains(id); }

    const devkit::ExchangeSummary &summaryAt(int row) const { return m_rows.at(row); }
    /// The row of an exchange id, or -1.
    int rowOf(qint64 id) const;

signals:
    /// Rows were appended by a flush (for follow-the-tail).
    void appended(int first, int last);

private:
    QList<devkit::ExchangeSummary> m_rows;
    QSet<qint64> m_marked;
    int m_maxRows;
    QMutex m_mutex;
    QList<devkit::ExchangeSummary> m_pending; // guarded by m_mutex
    QTimer m_flushTimer;
};

} // namespace kiket::ui
