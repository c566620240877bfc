#include "commandpalette.h"

#include <QAction>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QVBoxLayout>

namespace kiket::ui {

namespace {

void collect(QMenu *menu, const QString &prefix, QList<QAction *> *out)
{
    for (QAction *action : menu->actions()) {
        if (action->isSeparator() || !action->isEnabled())
            continue;
        if (QMenu *sub = action->menu())
            collect(
                sub, prefix + sub->title().remove(QLatin1Char('&')) + QStringLiteral(" › "), out);
        else
            out->append(action);
        if (!action->menu())
            action->setProperty("paletteName", prefix + action->text().remove(QLatin1Char('&')));
    }
}

} // namespace

CommandPalette::CommandPalette(const QList<QAction *> &menus, QWidget *parent)
    : QDialog(parent)
    , m_search(new QLineEdit)
    , m_list(new QListWidget)
{
    setWindowTitle(tr("Command palette"));
    for (QAction *menuAction : menus) {
        if (QMenu *menu = menuAction->menu())
            collect(
                menu, menu->title().remove(QLatin1Char('&')) + QStringLiteral(" › "), &m_actions);
    }
    m_search->setPlaceholderText(tr("Type a command…"));
    m_search->installEventFilter(this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_list);
    connect(m_search, &QLineEdit::textChanged, this, &CommandPalette::narrow);
    connect(m_search, &QLineEdit::returnPressed, this, &CommandPalette::runCurrent);
    connect(m_list, &QListWidget::itemActivated, this, &CommandPalette::runCurrent);
    resize(520, 380);
    narrow({});
}

void CommandPalette::narrow(const QString &text)
{
    m_list->clear();
    const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (int i = 0; i < m_actions.size(); ++i) {
        const QString name = m_actions[i]->property("paletteName").toString();
        const bool match = std::all_of(words.begin(), words.end(),
            [&name](const QString &w) { return name.contains(w, Qt::CaseInsensitive); });
        if (!match)
            continue;
        const QString keys = m_actions[i]->shortcut().toString(QKeySequence::NativeText);
        auto *item
            = new QListWidgetItem(keys.isEmpty() ? name : name + QStringLiteral("    ") + keys);
        item->setData(Qt::UserRole, i);
        m_list->addItem(item);
    }
    m_list->setCurrentRow(0);
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Down || key == Qt::Key_Up) {
            const int step = key == Qt::Key_Down ? 1 : -1;
            m_list->setCurrentRow(qBound(0, m_list->currentRow() + step, m_list->count() - 1));
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

bool CommandPalette::runCurrent()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return false;
    QAction *action = m_actions.at(item->data(Qt::UserRole).toInt());
    accept();
    action->trigger();
    return true;
}

} // namespace kiket::ui
