#pragma once

#include <kiket/devkit/suite/suiterunner.h>

#include <QAbstractItemModel>
#include <QHash>

namespace kiket::ui {

/// The folder's delivery suites as a tree: a row per suite, under it a row per case with its
/// latest result (pass, fail, running, not run), duration and status. A suite's row sums its cases.
class SuitesModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { Name, Result, Duration, Status, ColumnCount };
    enum class State { NotRun, Running, Passed, Failed };

    explicit SuitesModel(QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Replaces the suites; results of case files still there are kept.
    void setSuites(const QList<devkit::Suite> &suites);
    const QList<devkit::Suite> &suites() const { return m_suites; }
    /// Marks the cases (by file) as running, their previous result forgotten.
    void setRunning(const QStringList &files);
    /// Takes a case's result (matched by its file); false when the case is not listed.
    bool setResult(const devkit::CaseResult &result);
    /// Cases still marked running go back to not run (a run stopped or failed to start).
    void clearRunning();

    State stateOf(const QString &file) const;
    /// The case at an index (a case row), or null for a suite row.
    const devkit::SuiteCase *caseAt(const QModelIndex &index) const;
    /// The latest result of the case at an index, or null.
    const devkit::CaseResult *resultAt(const QModelIndex &index) const;
    /// The cases under an index: one for a case row, every case of a suite row.
    QList<std::pair<QString, devkit::SuiteCase>> casesUnder(const QModelIndex &index) const;
    /// The index of a case by file (column 0), invalid when not listed.
    QModelIndex indexOfFile(const QString &file) const;
    int passedCount() const;
    int failedCount() const;

private:
    QVariant suiteData(int suite, int column, int role) const;
    QVariant caseData(int suite, int row, int column, int role) const;
    void caseChanged(const QString &file);

    QList<devkit::Suite> m_suites;
    QHash<QString, devkit::CaseResult> m_results; // by case file
    QHash<QString, State> m_states; // by case file
};

} // namespace kiket::ui
