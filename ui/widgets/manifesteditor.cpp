#include "manifesteditor.h"

#include <kiket/devkit/folder/manifestlint.h>
#include <kiket/manifest.h>

#include <Qsci/qscilexeryaml.h>
#include <Qsci/qsciscintilla.h>

#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSaveFile>
#include <QTimer>
#include <QVBoxLayout>

namespace kiket::ui {

namespace {

constexpr int kErrorMarker = 1;
constexpr int kWarningMarker = 2;

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

ManifestEditor::ManifestEditor(QWidget *parent)
    : QWidget(parent)
    , m_editor(new QsciScintilla)
    , m_list(new QListWidget)
    , m_status(new QLabel)
    , m_changedBar(new QWidget)
    , m_validate(new QTimer(this))
    , m_watcher(new QFileSystemWatcher(this))
{
    auto *lexer = new QsciLexerYAML(m_editor);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    lexer->setDefaultFont(mono);
    lexer->setFont(mono);
    lexer->setPaper(palette().color(QPalette::Base));
    lexer->setDefaultPaper(palette().color(QPalette::Base));
    m_editor->setLexer(lexer);
    m_editor->setUtf8(true);
    m_editor->setMarginType(0, QsciScintilla::NumberMargin);
    m_editor->setMarginWidth(0, QStringLiteral("00000"));
    m_editor->setMarginLineNumbers(0, true);
    m_editor->setFolding(QsciScintilla::BoxedTreeFoldStyle, 2);
    m_editor->setIndentationsUseTabs(false);
    m_editor->setIndentationWidth(2);
    m_editor->setAutoIndent(true);
    m_editor->setMarginType(1, QsciScintilla::SymbolMargin);
    m_editor->setMarginWidth(1, 14);
    m_editor->markerDefine(QsciScintilla::Circle, kErrorMarker);
    m_editor->setMarkerBackgroundColor(QColor(210, 50, 50), kErrorMarker);
    m_editor->markerDefine(QsciScintilla::Circle, kWarningMarker);
    m_editor->setMarkerBackgroundColor(QColor(230, 150, 20), kWarningMarker);

    auto *reload = new QPushButton(tr("Reload from disk"));
    auto *keep = new QPushButton(tr("Keep my edits"));
    auto *bar = new QHBoxLayout(m_changedBar);
    bar->setContentsMargins(4, 2, 4, 2);
    bar->addWidget(new QLabel(tr("The manifest was changed outside the workbench.")), 1);
    bar->addWidget(reload);
    bar->addWidget(keep);
    m_changedBar->hide();
    auto *save = new QPushButton(tr("&Save and apply"));
    save->setShortcut(QKeySequence::Save);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_status, 1);
    bottom->addWidget(save);
    m_list->setMaximumHeight(90);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_changedBar);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_list);
    layout->addLayout(bottom);

    m_validate->setSingleShot(true);
    m_validate->setInterval(250);
    connect(m_validate, &QTimer::timeout, this, &ManifestEditor::validateNow);
    connect(m_editor, &QsciScintilla::textChanged, m_validate, qOverload<>(&QTimer::start));
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const Diagnostic &d = m_diagnostics.at(m_list->row(item));
        jumpTo(d.line, d.column);
    });
    connect(m_list, &QListWidget::itemClicked, m_list, &QListWidget::itemActivated);
    connect(save, &QPushButton::clicked, this, &ManifestEditor::save);
    connect(reload, &QPushButton::clicked, this, &ManifestEditor::reloadFromDisk);
    connect(keep, &QPushButton::clicked, m_changedBar, &QWidget::hide);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &ManifestEditor::fileChanged);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &ManifestEditor::fileChanged);
}

void ManifestEditor::open(const QString &path)
{
    if (!m_watcher->files().isEmpty())
        m_watcher->removePaths(m_watcher->files());
    if (!m_watcher->directories().isEmpty())
        m_watcher->removePaths(m_watcher->directories());
    m_path = path;
    m_watcher->addPath(QFileInfo(path).absolutePath()); // notices a file replaced by rename
    if (QFileInfo::exists(path))
        m_watcher->addPath(path);
    reloadFromDisk();
}

void ManifestEditor::reloadFromDisk()
{
    m_savedBytes = readFile(m_path);
    m_editor->setText(QString::fromUtf8(m_savedBytes));
    m_editor->setModified(false);
    m_changedBar->hide();
    validateNow();
}

QString ManifestEditor::text() const
{
    return m_editor->text();
}

void ManifestEditor::setText(const QString &text)
{
    m_editor->setText(text);
    m_editor->setModified(true);
}

bool ManifestEditor::isModified() const
{
    return m_editor->isModified();
}

bool ManifestEditor::externalChangePending() const
{
    return !m_changedBar->isHidden();
}

bool ManifestEditor::save()
{
    const QByteArray bytes = text().toUtf8();
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        m_status->setText(tr("Cannot save %1: %2").arg(m_path, file.errorString()));
        return false;
    }
    m_savedBytes = bytes;
    m_editor->setModified(false);
    m_changedBar->hide();
    if (!m_watcher->files().contains(m_path))
        m_watcher->addPath(m_path);
    validateNow();
    emit saved(m_path);
    return true;
}

void ManifestEditor::fileChanged()
{
    if (QFileInfo::exists(m_path) && !m_watcher->files().contains(m_path))
        m_watcher->addPath(m_path); // an atomic save replaced the file
    const QByteArray onDisk = readFile(m_path);
    if (onDisk == m_savedBytes)
        return; // our own save, or nothing new
    if (isModified()) {
        m_changedBar->show(); // the user decides
        return;
    }
    reloadFromDisk();
    m_status->setText(tr("Reloaded: the file was changed outside the workbench."));
}

void ManifestEditor::validateNow()
{
    m_validate->stop();
    m_diagnostics.clear();
    const QByteArray yaml = text().toUtf8();
    const auto parsed = parseManifest(yaml);
    m_loadable = parsed.ok();
    if (!parsed) {
        m_diagnostics.append(
            { true, parsed.error().message, parsed.error().line, parsed.error().column, {}, {} });
    } else {
        for (const ManifestWarning &w : parsed.value().warnings)
            m_diagnostics.append({ false, w.message, w.line, w.column, {}, {} });
    }
    const QString folder = m_path.isEmpty() ? QString() : QFileInfo(m_path).absolutePath();
    for (const devkit::LintFinding &f : devkit::lintManifest(yaml, folder)) {
        if (!parsed && f.rule == QLatin1String("yaml-syntax"))
            continue; // the same error as the parser's
        const QString where = f.file.isEmpty() ? QString() : f.file + QStringLiteral(": ");
        m_diagnostics.append({ f.isError(), where + f.message, f.file.isEmpty() ? f.line : 0,
            f.file.isEmpty() ? f.column : 0, f.rule, f.hint });
    }
    showDiagnostics();
}

void ManifestEditor::showDiagnostics()
{
    m_editor->markerDeleteAll();
    m_list->clear();
    int errors = 0;
    for (const Diagnostic &d : std::as_const(m_diagnostics)) {
        errors += d.error ? 1 : 0;
        const QString place = d.line > 0 ? QStringLiteral("%1:%2").arg(d.line).arg(d.column)
                                         : tr("folder");
        auto *item = new QListWidgetItem(QStringLiteral("%1 %2  %3%4")
                                             .arg(d.error ? tr("error") : tr("warning"), place,
                                                 d.message,
                                                 d.rule.isEmpty() ? QString()
                                                                  : QStringLiteral(" [%1]").arg(d.rule)),
            m_list);
        item->setToolTip(d.hint);
        if (d.line > 0)
            m_editor->markerAdd(d.line - 1, d.error ? kErrorMarker : kWarningMarker);
    }
    const int warnings = int(m_diagnostics.size()) - errors;
    m_status->setText(!m_loadable ? tr("Not valid: saving keeps the running configuration")
            : m_diagnostics.isEmpty()
            ? tr("Valid manifest")
            : tr("Loads; lint: %1 error(s), %2 warning(s) (hover for hints)")
                  .arg(errors)
                  .arg(warnings));
}

void ManifestEditor::jumpTo(int line, int column)
{
    m_editor->setCursorPosition(qMax(0, line - 1), qMax(0, column - 1));
    m_editor->ensureLineVisible(qMax(0, line - 1));
    m_editor->setFocus();
}

} // namespace kiket::ui
