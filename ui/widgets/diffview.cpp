#include "diffview.h"

#include "textpane.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBlock>

namespace kiket::ui {

namespace {

QString valueText(const QJsonValue &v)
{
    if (v.isUndefined())
        return QStringLiteral("—");
    return QString::fromUtf8(QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

// The line of the path, or of its nearest ancestor present on that side.
int lineOf(const QHash<QString, int> &lines, QString path)
{
    while (!lines.contains(path) && !path.isEmpty()) {
        const qsizetype cut = qMax(path.lastIndexOf(QLatin1Char('.')), path.lastIndexOf('['));
        path = cut > 0 ? path.left(cut) : QString();
    }
    return lines.value(path, 0);
}

void mark(QPlainTextEdit *edit, int line, const QColor &colour)
{
    QList<QTextEdit::ExtraSelection> marks;
    if (line >= 0) {
        QTextEdit::ExtraSelection m;
        m.cursor = QTextCursor(edit->document()->findBlockByNumber(line));
        m.format.setBackground(colour);
        m.format.setProperty(QTextFormat::FullWidthSelection, true);
        marks << m;
        edit->setTextCursor(m.cursor);
        edit->centerCursor();
    }
    edit->setExtraSelections(marks);
}

} // namespace

DiffView::DiffView(const devkit::Exchange &left, const devkit::Exchange &right, QWidget *parent)
    : QDialog(parent)
    , m_a(left)
    , m_b(right)
    , m_section(new QComboBox)
    , m_summary(new QLabel)
    , m_changes(new QListWidget)
    , m_left(readOnlyTextPane())
    , m_right(readOnlyTextPane())
{
    setWindowTitle(tr("Diff #%1 ↔ #%2").arg(left.id).arg(right.id));
    m_section->addItems(
        { tr("Request body"), tr("Response body"), tr("Request headers"), tr("Response headers") });
    auto *previous = new QPushButton(tr("&Previous change"));
    auto *next = new QPushButton(tr("&Next change"));
    previous->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F7));
    next->setShortcut(QKeySequence(Qt::Key_F7));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_section);
    bar->addWidget(m_summary, 1);
    bar->addWidget(previous);
    bar->addWidget(next);
    auto *panes = new QSplitter(Qt::Horizontal);
    panes->addWidget(m_left);
    panes->addWidget(m_right);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(panes);
    split->addWidget(m_changes);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split);
    // The panes scroll together.
    connect(m_left->verticalScrollBar(), &QScrollBar::valueChanged, m_right->verticalScrollBar(),
        &QScrollBar::setValue);
    connect(m_right->verticalScrollBar(), &QScrollBar::valueChanged, m_left->verticalScrollBar(),
        &QScrollBar::setValue);
    connect(m_section, &QComboBox::currentIndexChanged, this,
        [this](int index) { setSection(Section(index)); });
    connect(next, &QPushButton::clicked, this, &DiffView::nextChange);
    connect(previous, &QPushButton::clicked, this, &DiffView::previousChange);
    connect(m_changes, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row != m_current)
            showChange(row);
    });
    resize(1100, 700);
    setSection(RequestBody);
}

void DiffView::setSection(Section section)
{
    m_section->setCurrentIndex(section);
    if (section == RequestBody)
        showBodies(m_a.requestBody, m_b.requestBody);
    else if (section == ResponseBody)
        showBodies(m_a.responseBody, m_b.responseBody);
    else if (section == RequestHeaders)
        showHeaders(m_a.requestHeaders, m_b.requestHeaders);
    else
        showHeaders(m_a.responseHeaders, m_b.responseHeaders);
    m_changes->clear();
    for (const Change &c : std::as_const(m_list))
        m_changes->addItem(c.label);
    m_summary->setText(
        m_list.isEmpty() ? tr("No differences") : tr("%n change(s)", nullptr, int(m_list.size())));
    m_current = -1;
    if (!m_list.isEmpty())
        showChange(0);
}

void DiffView::showBodies(const QByteArray &left, const QByteArray &right)
{
    m_list.clear();
    const devkit::BodyDiff diff = devkit::diffBodies(left, right);
    if (!diff.json) {
        m_left->setPlainText(QString::fromUtf8(left));
        m_right->setPlainText(QString::fromUtf8(right));
        if (!diff.equal)
            m_list.append({ tr("The bodies differ (not both JSON)"), QString(), 0, 0 });
        return;
    }
    const auto parse = [](const QByteArray &body) {
        const QJsonDocument d = QJsonDocument::fromJson(body);
        return d.isObject() ? QJsonValue(d.object()) : QJsonValue(d.array());
    };
    const devkit::PrettyJson a = devkit::prettyJson(parse(left));
    const devkit::PrettyJson b = devkit::prettyJson(parse(right));
    m_left->setPlainText(a.text);
    m_right->setPlainText(b.text);
    for (const devkit::JsonChange &c : diff.changes) {
        const QString sign = c.kind == devkit::JsonChange::Added ? QStringLiteral("+")
            : c.kind == devkit::JsonChange::Removed              ? QStringLiteral("−")
                                                                 : QStringLiteral("~");
        m_list.append({ QStringLiteral("%1 %2: %3 → %4")
                            .arg(sign, c.path, valueText(c.before), valueText(c.after)),
            c.path, lineOf(a.lines, c.path), lineOf(b.lines, c.path) });
    }
}

void DiffView::showHeaders(const HeaderList &left, const HeaderList &right)
{
    m_list.clear();
    QStringList a;
    QStringList b;
    for (const devkit::HeaderRow &row : devkit::alignHeaders(left, right)) {
        const QString name = QString::fromLatin1(row.name);
        const auto side = [&name](const QList<QByteArray> &values) {
            QStringList texts;
            for (const QByteArray &v : values)
                texts << QString::fromLatin1(v);
            return values.isEmpty() ? QString() : name + QStringLiteral(": ") + texts.join(", ");
        };
        if (!row.same())
            m_list.append({ QStringLiteral("~ %1").arg(name), name, int(a.size()), int(b.size()) });
        a << side(row.left);
        b << side(row.right);
    }
    m_left->setPlainText(a.join(QLatin1Char('\n')));
    m_right->setPlainText(b.join(QLatin1Char('\n')));
}

void DiffView::showChange(int index)
{
    if (index < 0 || index >= m_list.size())
        return;
    m_current = index;
    m_changes->setCurrentRow(index);
    QColor colour = palette().color(QPalette::Highlight);
    colour.setAlpha(90); // readable over light and dark bases
    mark(m_left, m_list[index].leftLine, colour);
    mark(m_right, m_list[index].rightLine, colour);
}

int DiffView::changeCount() const
{
    return int(m_list.size());
}

bool DiffView::nextChange()
{
    if (m_list.isEmpty())
        return false;
    showChange((m_current + 1) % int(m_list.size()));
    return true;
}

bool DiffView::previousChange()
{
    if (m_list.isEmpty())
        return false;
    showChange((m_current - 1 + int(m_list.size())) % int(m_list.size()));
    return true;
}

QString DiffView::currentChange() const
{
    return m_current >= 0 ? m_list[m_current].key : QString();
}

} // namespace kiket::ui
