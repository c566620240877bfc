#pragma once

#include <kiket/devkit/suite/suiterunner.h>

#include <QPointer>
#include <QWidget>

#include <atomic>
#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QThread;
class QTreeView;

namespace kiket::ui {

class DiffView;
class PanelSession;
class SuitesModel;

/// The folder's delivery suites (`.kiket/suites`): every case with its latest result, run one,
/// a suite or all against a fresh sandbox (as `kiket-workbench test` does) on a thread of their
/// own; the selected case's failures, answer and extension output, and a diff of what it
/// expected against what came.
class SuitesPanel : public QWidget
{
    Q_OBJECT

public:
    /// A run starts the extension as the session does (plugin, handler), in a sandbox of its own.
    explicit SuitesPanel(PanelSession &session, QWidget *parent = nullptr);
    ~SuitesPanel() override;

    /// Reads the suites again; a broken case file is shown in the panel's message line.
    void reload();
    /// Runs every case; false while a run is going or when there is none.
    bool runAll();
    /// Runs the selected case, or the selected suite's cases; false when nothing is selected.
    bool runSelected();
    bool isRunning() const { return m_worker != nullptr; }
    /// Selects a case by its file.
    void selectCase(const QString &file);
    /// Opens the diff of the selected case's expectations against what came; null when it has
    /// no failed result.
    DiffView *showDiff();

    SuitesModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QLabel *message() const { return m_message; }
    QPlainTextEdit *detail() const { return m_detail; }

signals:
    /// A run ended: its counts, and why it stopped short (empty when it did not).
    void runFinished(int passed, int failed, const QString &error);

private:
    bool run(const QList<std::pair<QString, devkit::SuiteCase>> &cases);
    void finishRun(const QString &error);
    void showSelected();

    PanelSession &m_session;
    QString m_folder;
    SuitesModel *m_model;
    QTreeView *m_view;
    QLabel *m_message;
    QPlainTextEdit *m_detail;
    QPushButton *m_runAll;
    QPushButton *m_runSelected;
    QPushButton *m_diffButton;
    QThread *m_worker = nullptr;
    std::atomic<bool> m_stop = false;
    int m_runPassed = 0;
    int m_runFailed = 0;
    QPointer<DiffView> m_diff;
};

} // namespace kiket::ui
