#pragma once

#include <kiket/devkit/capture/diff.h>
#include <kiket/devkit/capture/exchange.h>

#include <QDialog>

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;

namespace kiket::ui {

/// Two exchanges side by side: request or response body (pretty JSON) or headers, each change
/// listed and marked on its line on both sides, with next / previous change.
class DiffView : public QDialog
{
    Q_OBJECT

public:
    enum Section { RequestBody, ResponseBody, RequestHeaders, ResponseHeaders };

    DiffView(
        const devkit::Exchange &left, const devkit::Exchange &right, QWidget *parent = nullptr);

    void setSection(Section section);
    int changeCount() const;
    /// Moves to the next / previous change (wrapping) and marks it; false when there is none.
    bool nextChange();
    bool previousChange();
    /// The path (or header name) of the change shown, empty when none is.
    QString currentChange() const;
    QPlainTextEdit *leftPane() const { return m_left; }
    QPlainTextEdit *rightPane() const { return m_right; }

private:
    struct Change
    {
        QString label;
        QString key; ///< JSON path or header name.
        int leftLine = -1;
        int rightLine = -1;
    };
    void showBodies(const QByteArray &left, const QByteArray &right);
    void showHeaders(const HeaderList &left, const HeaderList &right);
    void showChange(int index);

    devkit::Exchange m_a;
    devkit::Exchange m_b;
    QComboBox *m_section;
    QLabel *m_summary;
    QListWidget *m_changes;
    QPlainTextEdit *m_left;
    QPlainTextEdit *m_right;
    QList<Change> m_list;
    int m_current = -1;
};

} // namespace kiket::ui
