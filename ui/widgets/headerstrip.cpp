#include "headerstrip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace kiket::ui {

namespace {

QColor lightColour(HeaderStrip::Light light)
{
    switch (light) {
    case HeaderStrip::Light::Off:
        return QColor(140, 140, 140);
    case HeaderStrip::Light::Starting:
        return QColor(230, 160, 20);
    case HeaderStrip::Light::Ready:
        return QColor(40, 170, 90);
    case HeaderStrip::Light::Failed:
        return QColor(210, 50, 50);
    }
    return {};
}

QString lightName(HeaderStrip::Light light)
{
    switch (light) {
    case HeaderStrip::Light::Off:
        return QObject::tr("off");
    case HeaderStrip::Light::Starting:
        return QObject::tr("starting");
    case HeaderStrip::Light::Ready:
        return QObject::tr("ready");
    case HeaderStrip::Light::Failed:
        return QObject::tr("failed");
    }
    return {};
}

} // namespace

HeaderStrip::HeaderStrip(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_restart(new QPushButton(tr("Restart")))
    , m_stop(new QPushButton(tr("Stop")))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_title);
    for (QLabel *&part : m_parts) {
        part = new QLabel;
        part->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(part);
    }
    layout->addStretch(1);
    layout->addWidget(m_restart);
    layout->addWidget(m_stop);
}

void HeaderStrip::setTitle(const QString &title)
{
    m_title->setText(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
}

void HeaderStrip::setPart(Part part, Light light, const QString &text)
{
    static const QStringList names { tr("listener"), tr("sandbox"), tr("extension") };
    m_lights[part] = light;
    m_texts[part] = text;
    m_parts[part]->setText(QStringLiteral("<span style='color:%1'>●</span> %2 %3")
                               .arg(lightColour(light).name(), names[part], text.toHtmlEscaped()));
    m_parts[part]->setToolTip(QStringLiteral("%1: %2").arg(names[part], lightName(light)));
}

QString HeaderStrip::text() const
{
    QStringList out {
        m_title->text().remove(QStringLiteral("<b>")).remove(QStringLiteral("</b>"))
    };
    for (int i = 0; i < PartCount; ++i)
        out << QStringLiteral("%1 (%2)").arg(m_texts[i], lightName(m_lights[i]));
    return out.join(QStringLiteral(" · "));
}

} // namespace kiket::ui
