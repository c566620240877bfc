#include "telemetrypanel.h"

#include "durationchart.h"
#include "rategauge.h"
#include "telemetrymodel.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace kiket::ui {

namespace {

constexpr int kRefreshMs = 250; // the gauge at 4 Hz
constexpr int kStatsEvery = 4; // the statistics and timeline once a second

} // namespace

TelemetryPanel::TelemetryPanel(TelemetrySources sources, QWidget *parent)
    : QWidget(parent)
    , m_sources(std::move(sources))
    , m_rateSource(new QComboBox)
    , m_gauge(new RateGauge)
    , m_limit(new QSpinBox)
    , m_limitNote(new QLabel)
    , m_model(new TelemetryModel(this))
    , m_table(new QTableView)
    , m_chart(new DurationChart)
    , m_timer(new QTimer(this))
{
    m_limit->setRange(1, 1000000);
    m_limit->setToolTip(tr("Calls allowed per window: lower it to rehearse throttling (429)"));
    auto *apply = new QPushButton(tr("Set limit"));
    auto *restore = new QPushButton(tr("Restore"));
    m_limitNote->setWordWrap(true);
    auto *limitRow = new QHBoxLayout;
    limitRow->addWidget(m_limit, 1);
    limitRow->addWidget(apply);
    limitRow->addWidget(restore);
    m_rateSource->addItem(tr("Sandbox rate limit"));
    if (m_sources.platformRate)
        m_rateSource->addItem(tr("Platform: %1").arg(m_sources.platformName));
    m_rateSource->setVisible(m_rateSource->count() > 1);
    auto *left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("<b>Rate limit</b>")));
    left->addWidget(m_rateSource);
    left->addWidget(m_gauge, 1);
    left->addLayout(limitRow);
    left->addWidget(m_limitNote);

    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_table);
    split->addWidget(m_chart);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(left);
    layout->addWidget(split, 1);

    if (m_sources.rate) {
        m_originalLimit = m_sources.rate().limit;
        m_limit->setValue(m_originalLimit);
    }
    connect(apply, &QPushButton::clicked, this, &TelemetryPanel::applyLimit);
    connect(restore, &QPushButton::clicked, this, [this] {
        m_limit->setValue(m_originalLimit);
        applyLimit();
    });
    connect(m_limit, &QSpinBox::editingFinished, this, &TelemetryPanel::applyLimit);
    connect(m_rateSource, &QComboBox::currentIndexChanged, this, [this, apply, restore](int i) {
        for (QWidget *w : { static_cast<QWidget *>(m_limit), static_cast<QWidget *>(apply),
                 static_cast<QWidget *>(restore) })
            w->setEnabled(i == 0); // only the sandbox's limit can be changed from here
        m_limitNote->setText(i == 0 ? QString() : tr("Read from the platform; not changed here."));
        showRate();
    });
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (++m_ticks % kStatsEvery == 0)
            refresh();
        else if (isVisible())
            showRate();
    });
    m_timer->start(kRefreshMs);
    refresh();
}

void TelemetryPanel::addExchange(const devkit::ExchangeSummary &exchange)
{
    m_chart->add(exchange);
}

void TelemetryPanel::applyLimit()
{
    if (!m_sources.setLimit)
        return;
    m_sources.setLimit(m_limit->value());
    m_limitNote->setText(m_limit->value() < m_originalLimit
            ? tr("Rehearsal: %1 calls per window (normally %2)")
                  .arg(m_limit->value())
                  .arg(m_originalLimit)
            : QString());
    refresh();
}

void TelemetryPanel::showRate()
{
    if (m_rateSource->currentIndex() == 1) {
        const auto r = m_sources.platformRate();
        m_gauge->setState(r ? r->limit : 0, r ? r->remaining : 0, r ? r->resetIn : 0);
        return;
    }
    if (m_sources.rate) {
        const devkit::RateDecision r = m_sources.rate();
        m_gauge->setState(r.limit, r.remaining, r.resetIn);
    }
}

void TelemetryPanel::refresh()
{
    showRate();
    for (const auto &[source, read] : std::as_const(m_sources.stats))
        m_model->update(source, read());
    m_chart->flush();
}

} // namespace kiket::ui
