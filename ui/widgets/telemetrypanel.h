#pragma once

#include <kiket/devkit/capture/exchange.h>
#include <kiket/devkit/sandbox/ratewindow.h>
#include <kiket/telemetry.h>

#include "panelsession.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QSpinBox;
class QTableView;
class QTimer;

namespace kiket::ui {

class DurationChart;
class RateGauge;
class TelemetryModel;

/// The rate-limit gauge (refreshed at 4 Hz) with a control to lower the limit for a throttling
/// rehearsal, the per-(event, version) handler statistics, and a timeline of delivery durations
/// coloured by outcome.
class TelemetryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit TelemetryPanel(TelemetrySources sources, QWidget *parent = nullptr);

    /// Puts a delivery on the timeline (other kinds are ignored).
    void addExchange(const devkit::ExchangeSummary &exchange);
    /// Reads every source now (the timer does this on its own).
    void refresh();

    RateGauge *gauge() const { return m_gauge; }
    TelemetryModel *model() const { return m_model; }
    QSpinBox *limitBox() const { return m_limit; }
    /// Which rate limit the gauge shows: 0 the sandbox's, 1 the real platform's (when offered).
    QComboBox *rateSourceBox() const { return m_rateSource; }
    DurationChart *chart() const { return m_chart; }
    /// Applies the limit box to the rate window.
    void applyLimit();

private:
    void showRate();

    TelemetrySources m_sources;
    QComboBox *m_rateSource;
    RateGauge *m_gauge;
    QSpinBox *m_limit;
    QLabel *m_limitNote;
    TelemetryModel *m_model;
    QTableView *m_table;
    DurationChart *m_chart;
    QTimer *m_timer;
    int m_ticks = 0;
    int m_originalLimit = 0;
};

} // namespace kiket::ui
