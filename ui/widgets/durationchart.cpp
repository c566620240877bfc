#include "durationchart.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <array>

namespace kiket::ui {

struct DurationChart::Private
{
    int maxPoints;
    QChart *chart = new QChart;
    std::array<QScatterSeries *, OutcomeCount> series {};
    std::array<QList<QPointF>, OutcomeCount> points;
    QDateTimeAxis *time = new QDateTimeAxis;
    QValueAxis *duration = new QValueAxis;
    bool dirty = false;
};

DurationChart::DurationChart(QWidget *parent, int maxPoints)
    : QWidget(parent)
    , d(std::make_unique<Private>())
{
    d->maxPoints = maxPoints;
    const std::array<QString, OutcomeCount> names { tr("2xx"), tr("4xx"), tr("5xx / none") };
    const std::array<QColor, OutcomeCount> colours { QColor(40, 170, 90), QColor(230, 150, 20),
        QColor(210, 50, 50) };
    d->time->setFormat(QStringLiteral("mm:ss"));
    d->time->setTickCount(4);
    d->duration->setTitleText(tr("ms"));
    d->duration->setLabelFormat(QStringLiteral("%.0f"));
    const QDateTime now = QDateTime::currentDateTime(); // until the first point: the last minute
    d->time->setRange(now.addSecs(-60), now);
    d->duration->setRange(0, 10);
    d->chart->addAxis(d->time, Qt::AlignBottom);
    d->chart->addAxis(d->duration, Qt::AlignLeft);
    for (int i = 0; i < OutcomeCount; ++i) {
        auto *s = new QScatterSeries;
        s->setName(names[i]);
        s->setColor(colours[i]);
        s->setBorderColor(colours[i]);
        s->setMarkerSize(7);
        d->chart->addSeries(s);
        s->attachAxis(d->time);
        s->attachAxis(d->duration);
        d->series[i] = s;
    }
    d->chart->legend()->setAlignment(Qt::AlignTop);
    d->chart->setMargins(QMargins(2, 2, 2, 2));
    d->chart->setBackgroundBrush(palette().color(QPalette::Base));
    d->chart->setTitleBrush(palette().color(QPalette::Text));
    d->chart->legend()->setLabelColor(palette().color(QPalette::Text));
    d->time->setLabelsColor(palette().color(QPalette::Text));
    d->duration->setLabelsColor(palette().color(QPalette::Text));
    auto *view = new QChartView(d->chart);
    view->setMinimumWidth(320);
    view->setRenderHint(QPainter::Antialiasing);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
}

DurationChart::~DurationChart() = default;

DurationChart::Outcome DurationChart::outcomeOf(int status)
{
    if (status >= 200 && status < 400)
        return Ok;
    return status >= 400 && status < 500 ? Refused : Failed;
}

void DurationChart::add(const devkit::ExchangeSummary &delivery)
{
    if (delivery.kind != devkit::ExchangeKind::Delivery)
        return;
    QList<QPointF> &list = d->points[outcomeOf(delivery.status)];
    list.append(QPointF(double(delivery.started.toMSecsSinceEpoch()), double(delivery.durationMs)));
    if (list.size() > d->maxPoints)
        list.remove(0, list.size() - d->maxPoints);
    d->dirty = true;
}

void DurationChart::flush()
{
    if (!d->dirty)
        return;
    d->dirty = false;
    double first = 0, last = 0, longest = 1;
    bool any = false;
    for (int i = 0; i < OutcomeCount; ++i) {
        d->series[i]->replace(d->points[i]);
        for (const QPointF &p : std::as_const(d->points[i])) {
            first = any ? qMin(first, p.x()) : p.x();
            last = any ? qMax(last, p.x()) : p.x();
            longest = qMax(longest, p.y());
            any = true;
        }
    }
    if (!any)
        return;
    d->time->setRange(QDateTime::fromMSecsSinceEpoch(qint64(first) - 1000),
        QDateTime::fromMSecsSinceEpoch(qint64(last) + 1000));
    d->duration->setRange(0, longest * 1.15);
    d->duration->applyNiceNumbers();
}

int DurationChart::pointCount(Outcome outcome) const
{
    return int(d->series[outcome]->count());
}

} // namespace kiket::ui
