#pragma once

#include <QWidget>

namespace kiket::ui {

/// A dial of the API calls left in the rate window: the arc is remaining / limit (green, amber
/// below a quarter, red when none are left), the figures and the reset countdown in its middle.
class RateGauge : public QWidget
{
    Q_OBJECT

public:
    explicit RateGauge(QWidget *parent = nullptr);

    void setState(int limit, int remaining, int resetInSeconds);
    int limit() const { return m_limit; }
    int remaining() const { return m_remaining; }
    int resetIn() const { return m_resetIn; }
    /// The figures in words, as the dial shows them (also its tooltip and accessible name).
    QString text() const;

    QSize sizeHint() const override { return { 200, 200 }; }
    QSize minimumSizeHint() const override { return { 150, 150 }; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int m_limit = 0;
    int m_remaining = 0;
    int m_resetIn = 0;
};

} // namespace kiket::ui
