#pragma once

#include <kiket/devkit/capture/exchange.h>

#include <QWidget>

namespace kiket::ui {

/// A timeline of delivery durations (Qt Charts), one colour per outcome: answered 2xx/3xx, refused
/// 4xx, failed 5xx or unanswered. Keeps the latest points of each; points arrive in batches.
class DurationChart : public QWidget
{
    Q_OBJECT

public:
    enum Outcome { Ok, Refused, Failed, OutcomeCount };

    explicit DurationChart(QWidget *parent = nullptr, int maxPoints = 500);
    ~DurationChart() override;

    void add(const devkit::ExchangeSummary &delivery);
    /// Draws what was added since the last call.
    void flush();
    /// Points shown for an outcome.
    int pointCount(Outcome outcome) const;

    static Outcome outcomeOf(int status);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kiket::ui
