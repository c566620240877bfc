#pragma once

#include <kiket/http.h>

#include <QTabWidget>

class QPlainTextEdit;
class QTableWidget;
class QTreeWidget;

namespace kiket::ui {

/// One side of an exchange: its headers as a table, and its body as an expandable JSON tree, as
/// pretty text and as raw bytes with a hex dump.
class MessageView : public QTabWidget
{
    Q_OBJECT

public:
    explicit MessageView(QWidget *parent = nullptr);

    void show(const HeaderList &headers, const QByteArray &body);
    void clear();

    QTableWidget *headersTable() const { return m_headers; }
    QTreeWidget *jsonTree() const { return m_tree; }
    QPlainTextEdit *prettyText() const { return m_pretty; }
    QPlainTextEdit *rawText() const { return m_raw; }

private:
    QTableWidget *m_headers;
    QTreeWidget *m_tree;
    QPlainTextEdit *m_pretty;
    QPlainTextEdit *m_raw;
};

/// Offset, 16 bytes in hex and the same bytes as printable ASCII, a line per 16 bytes.
QString hexDump(const QByteArray &bytes, int maxBytes = 64 * 1024);

} // namespace kiket::ui
