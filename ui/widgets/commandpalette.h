#pragma once

#include <QDialog>

class QAction;
class QLineEdit;
class QListWidget;

namespace kiket::ui {

/// Ctrl+K: every menu action by name, with its shortcut, narrowed as you type; Enter runs it.
class CommandPalette : public QDialog
{
    Q_OBJECT

public:
    /// Offers the enabled actions of these menus (and their submenus).
    CommandPalette(const QList<QAction *> &menus, QWidget *parent = nullptr);

    QLineEdit *searchEdit() const { return m_search; }
    QListWidget *list() const { return m_list; }
    /// Runs the highlighted action and closes; false when nothing matches.
    bool runCurrent();

protected:
    /// Up and Down in the search field move through the list.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void narrow(const QString &text);

    QList<QAction *> m_actions;
    QLineEdit *m_search;
    QListWidget *m_list;
};

} // namespace kiket::ui
