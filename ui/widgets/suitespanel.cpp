#include "suitespanel.h"

#include "diffview.h"
#include "panelsession.h"
#include "suitesmodel.h"
#include "textpane.h"

#include <kiket/devkit/suite/suitereport.h>

#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QThread>
#include <QTreeView>
#include <QVBoxLayout>

namespace kiket::ui {

SuitesPanel::SuitesPanel(PanelSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_folder(session.folder())
    , m_model(new SuitesModel(this))
    , m_view(new QTreeView)
    , m_message(new QLabel)
    , m_detail(readOnlyTextPane())
    , m_runAll(new QPushButton(tr("Run &all")))
    , m_runSelected(new QPushButton(tr("&Run selected")))
    , m_diffButton(new QPushButton(tr("Di&ff expected ↔ actual")))
{
    m_view->setModel(m_model);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->header()->setSectionResizeMode(SuitesModel::Name, QHeaderView::Stretch);
    m_view->header()->setStretchLastSection(false);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *reloadButton = new QPushButton(tr("Re&load"));
    reloadButton->setToolTip(tr("Read .kiket/suites again"));
    m_runSelected->setToolTip(tr("Run the selected case, or every case of the selected suite"));
    m_diffButton->setEnabled(false);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_runAll);
    bar->addWidget(m_runSelected);
    bar->addWidget(reloadButton);
    bar->addStretch(1);
    bar->addWidget(m_diffButton);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_view);
    split->addWidget(m_detail);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);
    connect(m_runAll, &QPushButton::clicked, this, &SuitesPanel::runAll);
    connect(m_runSelected, &QPushButton::clicked, this, &SuitesPanel::runSelected);
    connect(reloadButton, &QPushButton::clicked, this, &SuitesPanel::reload);
    connect(m_diffButton, &QPushButton::clicked, this, &SuitesPanel::showDiff);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
        &SuitesPanel::showSelected);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &SuitesPanel::showSelected);
    reload();
}

SuitesPanel::~SuitesPanel()
{
    m_stop = true;
    if (m_worker) {
        m_worker->wait();
        delete m_worker;
    }
}

void SuitesPanel::reload()
{
    const auto suites = devkit::loadSuites(m_folder);
    if (!suites) {
        m_message->setText(tr("Cannot read the suites: %1").arg(suites.error().toString()));
        return;
    }
    m_model->setSuites(suites.value());
    m_view->expandAll();
    int cases = 0;
    for (const devkit::Suite &s : suites.value())
        cases += int(s.cases.size());
    m_message->setText(cases ? tr("%n case(s) in .kiket/suites", nullptr, cases)
                             : tr("No cases yet: select deliveries in the traffic list and "
                                  "choose Traffic > Add to suite…"));
    showSelected();
}

bool SuitesPanel::runAll()
{
    QList<std::pair<QString, devkit::SuiteCase>> cases;
    for (int row = 0; row < m_model->rowCount(); ++row)
        cases += m_model->casesUnder(m_model->index(row, 0));
    return run(cases);
}

bool SuitesPanel::runSelected()
{
    return run(m_model->casesUnder(m_view->currentIndex().siblingAtColumn(0)));
}

bool SuitesPanel::run(const QList<std::pair<QString, devkit::SuiteCase>> &cases)
{
    if (m_worker || cases.isEmpty())
        return false;
    QStringList files;
    for (const auto &c : cases)
        files << c.second.file;
    m_model->setRunning(files);
    m_runPassed = m_runFailed = 0;
    m_stop = false;
    m_runAll->setEnabled(false);
    m_runSelected->setEnabled(false);
    m_message->setText(tr("Starting the extension in a fresh sandbox…"));
    m_worker = QThread::create([this, folder = m_folder, overrides = m_session.suiteOverrides(),
                                   cases] {
        auto started = devkit::SuiteRunner::start(folder, overrides);
        if (!started) {
            QMetaObject::invokeMethod(
                this, [this, error = started.error().toString()] { finishRun(error); });
            return;
        }
        std::unique_ptr<devkit::SuiteRunner> runner = std::move(started).value();
        for (const auto &[suite, testCase] : cases) {
            if (m_stop)
                break;
            devkit::CaseResult result = runner->run(testCase, suite);
            QMetaObject::invokeMethod(this, [this, result] {
                (result.passed() ? m_runPassed : m_runFailed) += 1;
                m_model->setResult(result);
                m_message->setText(tr("%1 passed, %2 failed…").arg(m_runPassed).arg(m_runFailed));
            });
        }
        runner.reset(); // the extension stops before the run is reported done
        QMetaObject::invokeMethod(this, [this] { finishRun({}); });
    });
    m_worker->start();
    return true;
}

void SuitesPanel::finishRun(const QString &error)
{
    m_worker->wait();
    delete m_worker;
    m_worker = nullptr;
    m_model->clearRunning();
    m_runAll->setEnabled(true);
    m_runSelected->setEnabled(true);
    m_message->setText(error.isEmpty()
            ? tr("%1 passed, %2 failed").arg(m_runPassed).arg(m_runFailed)
            : tr("The run stopped: %1").arg(error));
    emit runFinished(m_runPassed, m_runFailed, error);
}

void SuitesPanel::selectCase(const QString &file)
{
    const QModelIndex at = m_model->indexOfFile(file);
    if (at.isValid())
        m_view->setCurrentIndex(at);
}

void SuitesPanel::showSelected()
{
    const QModelIndex current = m_view->currentIndex();
    const devkit::SuiteCase *testCase = m_model->caseAt(current);
    const devkit::CaseResult *result = m_model->resultAt(current);
    m_diffButton->setEnabled(result && !result->failures.isEmpty());
    if (!testCase) {
        m_detail->clear();
        return;
    }
    QStringList lines { QDir(m_folder).relativeFilePath(testCase->file) };
    if (result) {
        lines << (result->passed()
                ? tr("passed in %1 ms").arg(result->outcome.durationMs, 0, 'f', 1)
                : tr("FAILED"));
        lines += devkit::failureLines(*result, QDir(m_folder));
        if (result->outcome.response.status)
            lines << QString() << tr("the answer (HTTP %1):").arg(result->outcome.response.status)
                  << QString::fromUtf8(result->outcome.response.body);
        for (const auto &call : result->outcome.apiCalls)
            lines << tr("API call: %1 %2 → %3")
                         .arg(QString::fromLatin1(call.method), call.endpoint)
                         .arg(call.status);
        if (!result->log.isEmpty())
            lines << QString() << tr("the extension printed:") << result->log;
    } else {
        QFile file(testCase->file); // not run yet: what the case says
        if (file.open(QIODevice::ReadOnly))
            lines << QString() << QString::fromUtf8(file.read(64 * 1024));
    }
    m_detail->setPlainText(lines.join(QLatin1Char('\n')));
}

DiffView *SuitesPanel::showDiff()
{
    const devkit::CaseResult *result = m_model->resultAt(m_view->currentIndex());
    if (!result || result->failures.isEmpty())
        return nullptr;
    const auto [expected, actual] = devkit::expectedAndActual(*result);
    devkit::Exchange left;
    devkit::Exchange right;
    left.requestBody = right.requestBody
        = QJsonDocument(result->testCase.payload.value_or(QJsonObject())).toJson();
    left.responseBody = QJsonDocument(expected).toJson();
    right.responseBody = QJsonDocument(actual).toJson();
    left.responseHeaders = { { "Content-Type", "application/json" } };
    right.responseHeaders = result->outcome.response.headers;
    if (m_diff)
        m_diff->close();
    m_diff = new DiffView(left, right, this);
    m_diff->setAttribute(Qt::WA_DeleteOnClose);
    m_diff->setWindowTitle(tr("%1: expected ↔ actual").arg(devkit::caseLabel(*result)));
    m_diff->setSection(DiffView::ResponseBody);
    m_diff->show();
    return m_diff;
}

} // namespace kiket::ui
