#include "console.h"

#include "colours.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace kiket::ui {

namespace {

constexpr int kMaxLines = 20000;

} // namespace

Console::Console(QWidget *parent)
    : QWidget(parent)
    , m_text(new QPlainTextEdit)
    , m_search(new QLineEdit)
    , m_state(new QLabel)
    , m_start(new QPushButton(tr("Start")))
    , m_restart(new QPushButton(tr("Restart")))
    , m_stop(new QPushButton(tr("Stop")))
{
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(kMaxLines);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_search->setPlaceholderText(tr("Search output (Enter: next)"));
    m_search->setClearButtonEnabled(true);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_state, 1);
    bar->addWidget(m_search, 2);
    bar->addWidget(m_start);
    bar->addWidget(m_restart);
    bar->addWidget(m_stop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_text);
    connect(m_search, &QLineEdit::returnPressed, this, [this] { find(m_search->text()); });
    connect(m_start, &QPushButton::clicked, this, [this] { m_runner->start(); });
    connect(m_restart, &QPushButton::clicked, this, [this] { m_runner->restart(); });
    connect(m_stop, &QPushButton::clicked, this, [this] { m_runner->stop(); });
    attach(nullptr);
}

void Console::attach(devkit::Runner *runner)
{
    if (m_runner)
        disconnect(m_runner, nullptr, this, nullptr);
    m_runner = runner;
    m_text->clear();
    for (QPushButton *button : { m_start, m_restart, m_stop })
        button->setEnabled(runner != nullptr);
    if (!runner) {
        m_state->setText(tr("The extension runs inside the workbench: no process output."));
        return;
    }
    for (const devkit::LogLine &line : runner->logLines())
        append(line);
    connect(runner, &devkit::Runner::logLine, this, &Console::append);
    connect(runner, &devkit::Runner::stateChanged, this, &Console::showState);
    showState(runner->state(), runner->lastProblem());
}

void Console::append(const devkit::LogLine &line)
{
    QTextCharFormat format;
    if (line.fromStderr)
        format.setForeground(colours::badText(palette()));
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    if (!m_text->document()->isEmpty())
        cursor.insertBlock();
    cursor.insertText(line.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz  ")), {});
    cursor.insertText(line.text, format);
    if (!m_text->textCursor().hasSelection())
        m_text->moveCursor(QTextCursor::End); // keep following the output
}

bool Console::find(const QString &text)
{
    if (text.isEmpty())
        return false;
    if (m_text->find(text))
        return true;
    m_text->moveCursor(QTextCursor::Start);
    return m_text->find(text);
}

void Console::showState(devkit::RunState state, const QString &detail)
{
    QString text = tr("Extension: %1").arg(devkit::runStateName(state));
    if (!detail.isEmpty())
        text += QStringLiteral(" — ") + detail;
    m_state->setText(text);
    m_start->setEnabled(state == devkit::RunState::Stopped || state == devkit::RunState::Crashed);
    m_stop->setEnabled(state != devkit::RunState::Stopped);
}

} // namespace kiket::ui
