#include "telemetrymodel.h"

#include <QSet>

namespace kiket::ui {

TelemetryModel::TelemetryModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int TelemetryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TelemetryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TelemetryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const TelemetryStats &s = row.stats;
    const double errorRate = s.count ? double(s.errors) / double(s.count) : 0.0;
    if (role == Qt::TextAlignmentRole)
        return index.column() >= Count ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case Source:
        return row.source;
    case Event:
        return s.event;
    case Version:
        return s.version;
    case Count:
        return s.count;
    case ErrorRate:
        return QStringLiteral("%1 %").arg(errorRate * 100.0, 0, 'f', 1);
    case P50:
        return QStringLiteral("%1 ms").arg(s.p50, 0, 'f', 2);
    case P95:
        return QStringLiteral("%1 ms").arg(s.p95, 0, 'f', 2);
    case P99:
        return QStringLiteral("%1 ms").arg(s.p99, 0, 'f', 2);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant TelemetryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList names { tr("Source"), tr("Event"), tr("Version"), tr("Count"),
        tr("Errors"), tr("p50"), tr("p95"), tr("p99") };
    return names.value(section);
}

int TelemetryModel::find(const QString &source, const QString &event, const QString &version) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &r = m_rows[i];
        if (r.source == source && r.stats.event == event && r.stats.version == version)
            return i;
    }
    return -1;
}

void TelemetryModel::update(const QString &source, const QList<TelemetryStats> &stats)
{
    QSet<int> seen;
    for (const TelemetryStats &s : stats) {
        const int at = find(source, s.event, s.version);
        if (at >= 0) {
            seen.insert(at);
            const TelemetryStats &old = m_rows[at].stats;
            if (old.count == s.count && old.errors == s.errors && old.p99 == s.p99)
                continue;
            m_rows[at].stats = s;
            emit dataChanged(index(at, Count), index(at, P99));
        } else {
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
            m_rows.append({ source, s });
            endInsertRows();
            seen.insert(int(m_rows.size()) - 1);
        }
    }
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) { // series the source no longer has
        if (m_rows[i].source == source && !seen.contains(i)) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
}

} // namespace kiket::ui
