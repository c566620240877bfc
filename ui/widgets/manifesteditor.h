#pragma once

#include <kiket/result.h>

#include <QWidget>

class QFileSystemWatcher;
class QLabel;
class QListWidget;
class QPushButton;
class QsciScintilla;
class QTimer;

namespace kiket::ui {

/// A problem found in the manifest text, with its 1-based position (0 for one about the folder,
/// such as a missing README). `rule` and `hint` come from the manifest lint.
struct Diagnostic
{
    bool error = false;
    QString message;
    int line = 0;
    int column = 0;
    QString rule;
    QString hint;
};

/// The manifest in a YAML editor (QScintilla: highlighting, line numbers, folding) with live
/// diagnostics that jump to their line when clicked: first whether the SDK can load it, then the
/// rules of Kiket's CLI lint (devkit::lintManifest). Save writes the file and announces it; an
/// edit made outside the workbench is noticed and offered for reload.
class ManifestEditor : public QWidget
{
    Q_OBJECT

public:
    explicit ManifestEditor(QWidget *parent = nullptr);

    /// Loads the file and watches it; a missing file starts an empty manifest at that path.
    void open(const QString &path);
    QString path() const { return m_path; }
    /// Writes the text (atomically). False, with the reason in the status line, when it cannot.
    bool save();
    /// Replaces the editor's text with the file's.
    void reloadFromDisk();

    QString text() const;
    void setText(const QString &text);
    bool isModified() const;
    /// The diagnostics of the current text (checked as you type).
    QList<Diagnostic> diagnostics() const { return m_diagnostics; }
    /// Checks the text now instead of after the typing pause.
    void validateNow();
    /// Puts the cursor at a 1-based line and column.
    void jumpTo(int line, int column);
    /// True while the file changed on disk and the editor holds unsaved edits.
    bool externalChangePending() const;

    QsciScintilla *editor() const { return m_editor; }
    QListWidget *diagnosticList() const { return m_list; }

signals:
    void saved(const QString &path);

private:
    void fileChanged();
    void showDiagnostics();

    QString m_path;
    QByteArray m_savedBytes; // what the file held when last read or written
    QsciScintilla *m_editor;
    QListWidget *m_list;
    QLabel *m_status;
    QWidget *m_changedBar;
    QTimer *m_validate;
    QFileSystemWatcher *m_watcher;
    QList<Diagnostic> m_diagnostics;
    bool m_loadable = true; // the SDK reads the current text
};

} // namespace kiket::ui
