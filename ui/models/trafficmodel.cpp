#include "trafficmodel.h"

#include <QColor>
#include <QMetaObject>

namespace kiket::ui {

using devkit::ExchangeSummary;

namespace {

QString statusText(const ExchangeSummary &s)
{
    return s.status == 0 ? QStringLiteral("—") : QString::number(s.status);
}

// Green for an accepted delivery, amber for a timing problem, red for the rest.
QColor authColour(const QString &cause)
{
    if (cause == QLatin1String("ok"))
        return QColor(40, 170, 90);
    if (cause == QLatin1String("stale") || cause == QLatin1String("future"))
        return QColor(230, 150, 20);
    return QColor(210, 50, 50);
}

} // namespace

TrafficModel::TrafficModel(QObject *parent, int maxRows)
    : QAbstractTableModel(parent)
    , m_maxRows(maxRows)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(50);
    connect(&m_flushTimer, &QTimer::timeout, this, &TrafficModel::flush);
}

int TrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ExchangeSummary &s = m_rows.at(index.row());
    if (role == IdRole)
        return s.id;
    if (role == SortRole) {
        switch (index.column()) {
        case Time:
            return s.started.toMSecsSinceEpoch();
        case Status:
            return s.status;
        case Duration:
            return s.durationMs;
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::DecorationRole && index.column() == Auth && !s.authCause.isEmpty())
        return authColour(s.authCause); // the verdict's light, drawn as a swatch by the view
    if (role == Qt::TextAlignmentRole && (index.column() == Status || index.column() == Duration))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Event)
        return QStringLiteral("%1 %2").arg(
            QString::fromLatin1(s.method), QString::fromLatin1(s.target));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return (m_marked.contains(s.id) ? QStringLiteral("★ ") : QString())
            + s.started.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case Kind:
        return devkit::exchangeKindName(s.kind);
    case Event:
        return s.event.isEmpty() ? QString::fromLatin1(s.method + ' ' + s.target) : s.event;
    case Version:
        return s.version;
    case Auth:
        return s.authCause;
    case Status:
        return statusText(s);
    case Duration:
        return QStringLiteral("%1 ms").arg(s.durationMs);
    case Handler:
        return s.handlerKind;
    default:
        return {};
    }
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *const names[]
        = { "Time", "Kind", "Event", "Version", "Auth", "Status", "Duration", "Handler" };
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

void TrafficModel::add(const ExchangeSummary &exchange)
{
    QMutexLocker lock(&m_mutex);
    const bool first = m_pending.isEmpty();
    m_pending.append(exchange);
    if (first) // one flush per batch, started on the model's thread
        QMetaObject::invokeMethod(this, [this] {
            if (!m_flushTimer.isActive())
                m_flushTimer.start();
        });
}

void TrafficModel::flush()
{
    QList<ExchangeSummary> batch;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_pending);
    }
    if (batch.isEmpty())
        return;
    if (batch.size() > m_maxRows)
        batch = batch.mid(batch.size() - m_maxRows);
    const qsizetype overflow = m_rows.size() + batch.size() - m_maxRows;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow - 1));
        m_rows.remove(0, overflow);
        endRemoveRows();
    }
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(batch.size()) - 1);
    m_rows.append(batch);
    endInsertRows();
    emit appended(first, int(m_rows.size()) - 1);
}

void TrafficModel::reset(const QList<ExchangeSummary> &history)
{
    beginResetModel();
    m_rows = history.mid(qMax<qsizetype>(0, history.size() - m_maxRows));
    endResetModel();
}

void TrafficModel::clear()
{
    {
        QMutexLocker lock(&m_mutex);
        m_pending.clear();
    }
    QList<ExchangeSummary> kept;
    for (const ExchangeSummary &row : std::as_const(m_rows)) {
        if (m_marked.contains(row.id))
            kept << row;
    }
    reset(kept);
}

void TrafficModel::setMarked(qint64 id, bool marked)
{
    const int row = rowOf(id);
    if (row < 0 || marked == m_marked.contains(id))
        return;
    if (marked)
        m_marked.insert(id);
    else
        m_marked.remove(id);
    emit dataChanged(index(row, Time), index(row, Time));
}

int TrafficModel::rowOf(qint64 id) const
{
    for (qsizetype i = m_rows.size() - 1; i >= 0; --i) {
        if (m_rows[i].id == id)
            return int(i);
    }
    return -1;
}

} // namespace kiket::ui
