#pragma once

#include <kiket/devkit/runner/runner.h>

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace kiket::ui {

/// The extension process's output: timestamped lines, stderr in another colour, a search field,
/// and start / restart / stop buttons for the process.
class Console : public QWidget
{
    Q_OBJECT

public:
    explicit Console(QWidget *parent = nullptr);

    /// Follows the runner's lines and state (none: the extension runs in-process).
    void attach(devkit::Runner *runner);
    void append(const devkit::LogLine &line);
    /// Selects the next line holding the text (wrapping around); false when none does.
    bool find(const QString &text);

    QPlainTextEdit *text() const { return m_text; }
    QLineEdit *searchEdit() const { return m_search; }

private:
    void showState(devkit::RunState state, const QString &detail);

    devkit::Runner *m_runner = nullptr;
    QPlainTextEdit *m_text;
    QLineEdit *m_search;
    QLabel *m_state;
    QPushButton *m_start;
    QPushButton *m_restart;
    QPushButton *m_stop;
};

} // namespace kiket::ui
