#pragma once

#include <QPair>
#include <QSyntaxHighlighter>

namespace kiket::ui {

/// Colours JSON text: object keys, strings, numbers and true / false / null, in colours mixed with
/// the palette's text colour so that light and dark themes both read well.
class JsonHighlighter : public QSyntaxHighlighter
{
public:
    explicit JsonHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;
};

/// Line and column (both from 1, columns in characters) of a byte offset in UTF-8 text.
QPair<int, int> lineAndColumn(const QByteArray &text, int offset);

} // namespace kiket::ui
