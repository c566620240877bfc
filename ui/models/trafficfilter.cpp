#include "trafficfilter.h"

#include "trafficmodel.h"

namespace kiket::ui {

TrafficFilter::TrafficFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(TrafficModel::SortRole);
}

Result<bool> TrafficFilter::setExpression(const QString &text)
{
    auto parsed = FilterExpression::parse(text);
    if (!parsed)
        return parsed.error();
    m_expression = std::move(parsed).value();
    invalidate(); // one layout change, not a signal per range of rows that came or went
    return true;
}

bool TrafficFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid() || m_expression.isEmpty())
        return true;
    const auto *traffic = qobject_cast<const TrafficModel *>(sourceModel());
    return !traffic || m_expression.matches(traffic->summaryAt(sourceRow));
}

} // namespace kiket::ui

namespace kiket::ui {

bool TrafficFilter::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const auto *traffic = qobject_cast<const TrafficModel *>(sourceModel());
    if (!traffic)
        return QSortFilterProxyModel::lessThan(left, right);
    const devkit::ExchangeSummary &a = traffic->summaryAt(left.row());
    const devkit::ExchangeSummary &b = traffic->summaryAt(right.row());
    switch (left.column()) {
    case TrafficModel::Time: {
        const qint64 ta = a.started.toMSecsSinceEpoch();
        const qint64 tb = b.started.toMSecsSinceEpoch();
        return ta != tb ? ta < tb : a.id < b.id;
    }
    case TrafficModel::Status:
        return a.status < b.status;
    case TrafficModel::Duration:
        return a.durationMs < b.durationMs;
    case TrafficModel::Event:
        return a.event < b.event;
    case TrafficModel::Version:
        return a.version < b.version;
    case TrafficModel::Auth:
        return a.authCause < b.authCause;
    default:
        return QSortFilterProxyModel::lessThan(left, right);
    }
}

} // namespace kiket::ui
