#include "textpane.h"

#include <QFontDatabase>
#include <QPlainTextEdit>

namespace kiket::ui {

QPlainTextEdit *readOnlyTextPane()
{
    auto *edit = new QPlainTextEdit;
    edit->setReadOnly(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return edit;
}

} // namespace kiket::ui
