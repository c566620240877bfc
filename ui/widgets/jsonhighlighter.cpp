#include "jsonhighlighter.h"

#include "colours.h"

#include <QGuiApplication>
#include <QPalette>

namespace kiket::ui {

namespace {

QTextCharFormat charFormat(const QColor &colour, bool bold = false)
{
    QTextCharFormat f;
    f.setForeground(colours::syntax(QGuiApplication::palette(), colour));
    if (bold)
        f.setFontWeight(QFont::Bold);
    return f;
}

int stringEnd(const QString &text, int start) // index after the closing quote, or text end
{
    for (int i = start + 1; i < text.size(); ++i) {
        if (text[i] == QLatin1Char('\\'))
            ++i;
        else if (text[i] == QLatin1Char('"'))
            return i + 1;
    }
    return int(text.size());
}

} // namespace

JsonHighlighter::JsonHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{ }

void JsonHighlighter::highlightBlock(const QString &text)
{
    static const QTextCharFormat key = charFormat(QColor(40, 90, 200), true);
    static const QTextCharFormat string = charFormat(QColor(20, 140, 60));
    static const QTextCharFormat number = charFormat(QColor(190, 100, 0));
    static const QTextCharFormat literal = charFormat(QColor(150, 40, 170), true);
    int i = 0;
    while (i < text.size()) {
        const QChar c = text[i];
        if (c == QLatin1Char('"')) {
            const int end = stringEnd(text, i);
            int next = end;
            while (next < text.size() && text[next].isSpace())
                ++next;
            const bool isKey = next < text.size() && text[next] == QLatin1Char(':');
            setFormat(i, end - i, isKey ? key : string);
            i = end;
        } else if (c.isDigit() || c == QLatin1Char('-')) {
            int end = i + 1;
            while (end < text.size()
                && (text[end].isDigit() || QStringLiteral(".eE+-").contains(text[end])))
                ++end;
            setFormat(i, end - i, number);
            i = end;
        } else if (c.isLetter()) {
            int end = i + 1;
            while (end < text.size() && text[end].isLetter())
                ++end;
            const QStringView word = QStringView(text).mid(i, end - i);
            if (word == u"true" || word == u"false" || word == u"null")
                setFormat(i, end - i, literal);
            i = end;
        } else {
            ++i;
        }
    }
}

QPair<int, int> lineAndColumn(const QByteArray &text, int offset)
{
    int line = 1;
    int column = 1;
    for (int i = 0; i < qMin(offset, int(text.size())); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((uchar(text[i]) & 0xC0) != 0x80) { // count characters, not UTF-8 bytes
            ++column;
        }
    }
    return { line, column };
}

} // namespace kiket::ui
