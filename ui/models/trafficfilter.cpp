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
    invalidateRowsFilter();
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
