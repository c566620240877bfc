#pragma once

#include <QColor>
#include <QPalette>

namespace kiket::ui {

/// Colours mixed from the palette, so that light and dark themes both read well.
namespace colours {

/// `amount` (0..1) of `hue` mixed into `base`.
inline QColor mix(const QColor &base, const QColor &hue, double amount)
{
    const auto channel = [amount](int a, int b) { return int(a + (b - a) * amount); };
    return QColor(channel(base.red(), hue.red()), channel(base.green(), hue.green()),
        channel(base.blue(), hue.blue()));
}

inline const QColor kGreen(40, 170, 90);
inline const QColor kRed(220, 50, 50);

/// A field's background saying "valid" or "wrong".
inline QColor goodBackground(const QPalette &p)
{
    return mix(p.color(QPalette::Base), kGreen, 0.2);
}
inline QColor badBackground(const QPalette &p)
{
    return mix(p.color(QPalette::Base), kRed, 0.25);
}
/// Text that reports a problem (and stderr lines).
inline QColor badText(const QPalette &p)
{
    return mix(p.color(QPalette::Text), kRed, 0.75);
}
/// A syntax colour: the hue leaning on the text colour.
inline QColor syntax(const QPalette &p, const QColor &hue)
{
    return mix(p.color(QPalette::Text), hue, 0.67);
}

} // namespace colours

} // namespace kiket::ui
