#include "rategauge.h"

#include <QPainter>

namespace kiket::ui {

namespace {

constexpr int kStartAngle = 225 * 16; // the dial opens at the bottom, like a speedometer
constexpr int kSweep = -270 * 16;

QColor levelColour(double fraction)
{
    if (fraction <= 0.0)
        return QColor(210, 50, 50);
    if (fraction < 0.25)
        return QColor(230, 150, 20);
    return QColor(40, 170, 90);
}

} // namespace

RateGauge::RateGauge(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void RateGauge::setState(int limit, int remaining, int resetInSeconds)
{
    if (limit == m_limit && remaining == m_remaining && resetInSeconds == m_resetIn)
        return;
    m_limit = limit;
    m_remaining = remaining;
    m_resetIn = resetInSeconds;
    setToolTip(text());
    setAccessibleName(text());
    update();
}

QString RateGauge::text() const
{
    return tr("%1 of %2 API calls left; the window resets in %3 s")
        .arg(m_remaining)
        .arg(m_limit)
        .arg(m_resetIn);
}

void RateGauge::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const int side = qMin(width(), height()) - 12;
    const QRectF dial((width() - side) / 2.0, (height() - side) / 2.0, side, side);
    const double fraction = m_limit > 0 ? qBound(0.0, double(m_remaining) / m_limit, 1.0) : 0.0;
    const double thickness = qMax(6.0, side / 12.0);

    QPen track(palette().color(QPalette::Mid), thickness, Qt::SolidLine, Qt::RoundCap);
    p.setPen(track);
    p.drawArc(dial, kStartAngle, kSweep);
    if (fraction > 0.0) {
        QPen level(levelColour(fraction), thickness, Qt::SolidLine, Qt::RoundCap);
        p.setPen(level);
        p.drawArc(dial, kStartAngle, int(kSweep * fraction));
    }

    p.setPen(palette().color(QPalette::WindowText));
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * qBound(1.0, side / 90.0, 2.2));
    big.setBold(true);
    p.setFont(big);
    const QRectF inner = dial.adjusted(thickness, thickness, -thickness, -thickness);
    const QRectF upper(inner.left(), inner.top(), inner.width(), inner.height() * 0.5);
    p.drawText(upper, Qt::AlignHCenter | Qt::AlignBottom, QString::number(m_remaining));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * qBound(0.75, side / 160.0, 1.2));
    p.setFont(small);
    const QRectF lower(inner.left(), inner.center().y(), inner.width(), inner.height() / 2);
    p.drawText(lower, Qt::AlignHCenter | Qt::AlignTop,
        tr("of %1 left\nresets in %2 s").arg(m_limit).arg(m_resetIn));
}

} // namespace kiket::ui
