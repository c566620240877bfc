#include "suitesmodel.h"

#include <QBrush>
#include <QColor>

namespace kiket::ui {

namespace {

// Internal ids: 0 for a suite row, suite index + 1 for a case row (its parent is that suite).
constexpr quintptr kSuiteRow = 0;

QString stateText(SuitesModel::State state)
{
    switch (state) {
    case SuitesModel::State::NotRun:
        return {};
    case SuitesModel::State::Running:
        return SuitesModel::tr("running…");
    case SuitesModel::State::Passed:
        return SuitesModel::tr("pass");
    case SuitesModel::State::Failed:
        return SuitesModel::tr("FAIL");
    }
    return {};
}

QColor stateColour(SuitesModel::State state)
{
    return state == SuitesModel::State::Passed ? QColor(0x2e, 0x7d, 0x32)
        : state == SuitesModel::State::Failed  ? QColor(0xc6, 0x28, 0x28)
                                               : QColor();
}

} // namespace

SuitesModel::SuitesModel(QObject *parent)
    : QAbstractItemModel(parent)
{ }

QModelIndex SuitesModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_suites.size() ? createIndex(row, column, kSuiteRow) : QModelIndex();
    if (parent.internalId() != kSuiteRow || parent.column() != 0)
        return {};
    if (row >= m_suites[parent.row()].cases.size())
        return {};
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex SuitesModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kSuiteRow)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kSuiteRow);
}

int SuitesModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_suites.size());
    if (parent.internalId() == kSuiteRow && parent.column() == 0)
        return int(m_suites[parent.row()].cases.size());
    return 0;
}

int SuitesModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant SuitesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Case");
    case Result:
        return tr("Result");
    case Duration:
        return tr("ms");
    case Status:
        return tr("HTTP");
    }
    return {};
}

QVariant SuitesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kSuiteRow)
        return suiteData(index.row(), index.column(), role);
    return caseData(int(index.internalId() - 1), index.row(), index.column(), role);
}

QVariant SuitesModel::suiteData(int suite, int column, int role) const
{
    const devkit::Suite &s = m_suites[suite];
    int passed = 0;
    int failed = 0;
    for (const devkit::SuiteCase &c : s.cases) {
        passed += stateOf(c.file) == State::Passed ? 1 : 0;
        failed += stateOf(c.file) == State::Failed ? 1 : 0;
    }
    if (role == Qt::DisplayRole && column == Name)
        return s.name;
    if (role == Qt::DisplayRole && column == Result && passed + failed > 0)
        return tr("%1/%2 pass").arg(passed).arg(s.cases.size());
    if (role == Qt::ToolTipRole)
        return s.folder;
    if (role == Qt::ForegroundRole && column == Result && passed + failed > 0)
        return QBrush(stateColour(failed ? State::Failed : State::Passed));
    return {};
}

QVariant SuitesModel::caseData(int suite, int row, int column, int role) const
{
    const devkit::SuiteCase &c = m_suites[suite].cases[row];
    const State state = stateOf(c.file);
    const auto result = m_results.constFind(c.file);
    const bool judged = result != m_results.constEnd();
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Name:
            return c.name;
        case Result:
            return stateText(state);
        case Duration:
            return judged ? QVariant(qRound(result->outcome.durationMs)) : QVariant();
        case Status:
            return judged && result->outcome.response.status
                ? QVariant(result->outcome.response.status)
                : QVariant();
        }
    }
    if (role == Qt::ToolTipRole) {
        QStringList lines { c.file };
        if (judged && !result->error.isEmpty())
            lines << result->error;
        if (judged)
            for (const devkit::CheckFailure &f : result->failures)
                lines << QStringLiteral("%1: %2").arg(f.what, f.message);
        return lines.join(QLatin1Char('\n'));
    }
    if (role == Qt::ForegroundRole && column == Result && state != State::NotRun)
        return QBrush(stateColour(state));
    return {};
}

void SuitesModel::setSuites(const QList<devkit::Suite> &suites)
{
    beginResetModel();
    m_suites = suites;
    QSet<QString> files;
    for (const devkit::Suite &s : suites)
        for (const devkit::SuiteCase &c : s.cases)
            files.insert(c.file);
    for (auto it = m_results.begin(); it != m_results.end();)
        it = files.contains(it.key()) ? std::next(it) : m_results.erase(it);
    for (auto it = m_states.begin(); it != m_states.end();)
        it = files.contains(it.key()) ? std::next(it) : m_states.erase(it);
    endResetModel();
}

void SuitesModel::setRunning(const QStringList &files)
{
    for (const QString &file : files) {
        m_results.remove(file);
        m_states.insert(file, State::Running);
        caseChanged(file);
    }
}

bool SuitesModel::setResult(const devkit::CaseResult &result)
{
    const QString file = result.testCase.file;
    if (!indexOfFile(file).isValid())
        return false;
    m_results.insert(file, result);
    m_states.insert(file, result.passed() ? State::Passed : State::Failed);
    caseChanged(file);
    return true;
}

void SuitesModel::clearRunning()
{
    QStringList running;
    for (auto it = m_states.cbegin(); it != m_states.cend(); ++it)
        if (it.value() == State::Running)
            running << it.key();
    for (const QString &file : running) {
        m_states.remove(file);
        caseChanged(file);
    }
}

SuitesModel::State SuitesModel::stateOf(const QString &file) const
{
    return m_states.value(file, State::NotRun);
}

const devkit::SuiteCase *SuitesModel::caseAt(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index) || index.internalId() == kSuiteRow)
        return nullptr;
    return &m_suites[int(index.internalId() - 1)].cases[index.row()];
}

const devkit::CaseResult *SuitesModel::resultAt(const QModelIndex &index) const
{
    const devkit::SuiteCase *c = caseAt(index);
    if (!c)
        return nullptr;
    const auto it = m_results.constFind(c->file);
    return it == m_results.constEnd() ? nullptr : &it.value();
}

QList<std::pair<QString, devkit::SuiteCase>> SuitesModel::casesUnder(const QModelIndex &index) const
{
    QList<std::pair<QString, devkit::SuiteCase>> out;
    if (!index.isValid() || !checkIndex(index))
        return out;
    if (const devkit::SuiteCase *c = caseAt(index)) {
        out.append({ m_suites[int(index.internalId() - 1)].name, *c });
        return out;
    }
    const devkit::Suite &s = m_suites[index.row()];
    for (const devkit::SuiteCase &c : s.cases)
        out.append({ s.name, c });
    return out;
}

QModelIndex SuitesModel::indexOfFile(const QString &file) const
{
    for (int s = 0; s < m_suites.size(); ++s)
        for (int row = 0; row < m_suites[s].cases.size(); ++row)
            if (m_suites[s].cases[row].file == file)
                return createIndex(row, 0, quintptr(s) + 1);
    return {};
}

int SuitesModel::passedCount() const
{
    return int(std::count(m_states.cbegin(), m_states.cend(), State::Passed));
}

int SuitesModel::failedCount() const
{
    return int(std::count(m_states.cbegin(), m_states.cend(), State::Failed));
}

void SuitesModel::caseChanged(const QString &file)
{
    const QModelIndex at = indexOfFile(file);
    if (!at.isValid())
        return;
    emit dataChanged(at, at.siblingAtColumn(ColumnCount - 1));
    const QModelIndex suite = parent(at);
    emit dataChanged(suite, suite.siblingAtColumn(ColumnCount - 1));
}

} // namespace kiket::ui
