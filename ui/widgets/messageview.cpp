#include "messageview.h"

#include "jsonhighlighter.h"
#include "textpane.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTreeWidget>

namespace kiket::ui {

namespace {

QString scalarText(const QJsonValue &v)
{
    if (v.isString())
        return QStringLiteral("\"%1\"").arg(v.toString());
    if (v.isObject())
        return QStringLiteral("{…} %1 keys").arg(v.toObject().size());
    if (v.isArray())
        return QStringLiteral("[…] %1 items").arg(v.toArray().size());
    return QString::fromUtf8(QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

void addNode(QTreeWidgetItem *parent, const QString &name, const QJsonValue &value)
{
    auto *item = new QTreeWidgetItem(parent, { name, scalarText(value) });
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            addNode(item, it.key(), it.value());
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            addNode(item, QStringLiteral("[%1]").arg(i), a.at(i));
    }
}

} // namespace

QString hexDump(const QByteArray &bytes, int maxBytes)
{
    QString out;
    const int n = int(qMin<qsizetype>(bytes.size(), maxBytes));
    for (int row = 0; row < n; row += 16) {
        QString hex;
        QString ascii;
        for (int i = row; i < row + 16; ++i) {
            if (i < n) {
                const auto b = uchar(bytes[i]);
                hex += QStringLiteral("%1 ").arg(b, 2, 16, QLatin1Char('0'));
                ascii += b >= 0x20 && b < 0x7f ? QChar(b) : QLatin1Char('.');
            } else {
                hex += QStringLiteral("   ");
            }
        }
        out += QStringLiteral("%1  %2 %3\n").arg(row, 8, 16, QLatin1Char('0')).arg(hex, ascii);
    }
    if (bytes.size() > n)
        out += QStringLiteral("… %1 more bytes\n").arg(bytes.size() - n);
    return out;
}

MessageView::MessageView(QWidget *parent)
    : QTabWidget(parent)
    , m_headers(new QTableWidget(0, 2))
    , m_tree(new QTreeWidget)
    , m_pretty(readOnlyTextPane())
    , m_raw(readOnlyTextPane())
{
    setTabPosition(QTabWidget::South);
    setDocumentMode(true);
    m_headers->setHorizontalHeaderLabels({ tr("Header"), tr("Value") });
    m_headers->horizontalHeader()->setStretchLastSection(true);
    m_headers->verticalHeader()->hide();
    m_headers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setHeaderLabels({ tr("Key"), tr("Value") });
    m_tree->setColumnWidth(0, 220);
    new JsonHighlighter(m_pretty->document());
    addTab(m_headers, tr("Headers"));
    addTab(m_tree, tr("JSON tree"));
    addTab(m_pretty, tr("Pretty"));
    addTab(m_raw, tr("Raw / hex"));
}

void MessageView::show(const HeaderList &headers, const QByteArray &body)
{
    m_headers->setRowCount(int(headers.size()));
    for (int i = 0; i < headers.size(); ++i) {
        m_headers->setItem(i, 0, new QTableWidgetItem(QString::fromLatin1(headers[i].first)));
        m_headers->setItem(i, 1, new QTableWidgetItem(QString::fromLatin1(headers[i].second)));
    }
    m_headers->resizeColumnToContents(0);
    m_tree->clear();
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isNull()) {
        auto *root = new QTreeWidgetItem(m_tree, { tr("body"), {} });
        const QJsonValue top = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
        root->setText(1, scalarText(top));
        if (doc.isObject()) {
            const QJsonObject o = doc.object();
            for (auto it = o.begin(); it != o.end(); ++it)
                addNode(root, it.key(), it.value());
        } else {
            const QJsonArray a = doc.array();
            for (qsizetype i = 0; i < a.size(); ++i)
                addNode(root, QStringLiteral("[%1]").arg(i), a.at(i));
        }
        m_tree->expandToDepth(1);
    }
    m_pretty->setPlainText(doc.isNull() ? QString::fromUtf8(body)
                                        : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
    m_raw->setPlainText(QString::fromUtf8(body) + QStringLiteral("\n\n") + hexDump(body));
    setTabEnabled(1, !doc.isNull());
    setCurrentIndex(doc.isNull() ? 2 : qMax(currentIndex(), 0));
}

void MessageView::clear()
{
    m_headers->setRowCount(0);
    m_tree->clear();
    m_pretty->clear();
    m_raw->clear();
}

} // namespace kiket::ui
