#pragma once

#include <kiket/telemetry.h>

#include <QAbstractTableModel>

namespace kiket::ui {

/// Handler statistics per (source, event, version): count, error rate and p50 / p95 / p99, where
/// the source is the in-process SDK or the sandbox's telemetry intake (any SDK). Rows are updated
/// in place, so a view keeps its selection while the figures change.
class TelemetryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Source, Event, Version, Count, ErrorRate, P50, P95, P99, ColumnCount };

    explicit TelemetryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Replaces one source's rows with these figures.
    void update(const QString &source, const QList<TelemetryStats> &stats);

private:
    struct Row
    {
        QString source;
        TelemetryStats stats;
    };
    int find(const QString &source, const QString &event, const QString &version) const;

    QList<Row> m_rows;
};

} // namespace kiket::ui
