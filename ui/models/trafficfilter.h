#pragma once

#include "filterexpression.h"

#include <QSortFilterProxyModel>

namespace kiket::ui {

/// The traffic list as the user sees it: filtered by a FilterExpression, sorted by SortRole.
class TrafficFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TrafficFilter(QObject *parent = nullptr);

    /// Parses and applies the text; on an error the previous filter stays and the error is
    /// returned (for the filter bar to show in red).
    Result<bool> setExpression(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    /// Compares the rows' summaries directly (no QVariant per comparison): sorting 100,000 rows
    /// stays quick.
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    FilterExpression m_expression;
};

} // namespace kiket::ui
