#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace kiket::ui {

/// The strip above the traffic list: manifest id and version, handler kind, and a light for each
/// part (listener, sandbox, extension) with its address or state, plus restart / stop buttons.
class HeaderStrip : public QWidget
{
    Q_OBJECT

public:
    enum Part { Listener, Sandbox, Extension, PartCount };
    enum class Light { Off, Starting, Ready, Failed };

    explicit HeaderStrip(QWidget *parent = nullptr);

    void setTitle(const QString &title);
    void setPart(Part part, Light light, const QString &text);
    Light light(Part part) const { return m_lights[part]; }
    /// What the strip shows, as plain text (for tests and screen readers).
    QString text() const;

    QPushButton *restartButton() const { return m_restart; }
    QPushButton *stopButton() const { return m_stop; }

private:
    QLabel *m_title;
    QLabel *m_parts[PartCount];
    Light m_lights[PartCount] {};
    QString m_texts[PartCount];
    QPushButton *m_restart;
    QPushButton *m_stop;
};

} // namespace kiket::ui
