// The window's delivery suites: the Suites dock, captured deliveries added to a suite, and new
// extensions with their starter suites.
#include "mainwindow.h"
#include "newextensiondialog.h"
#include "suitesmodel.h"
#include "suitespanel.h"
#include "trafficmodel.h"

#include <kiket/devkit/capture/capturewriter.h>
#include <kiket/devkit/folder/folderconfig.h>
#include <kiket/devkit/session.h>
#include <kiket/devkit/suite/suitecapture.h>

#include <QDockWidget>
#include <QFileInfo>
#include <QInputDialog>
#include <QStatusBar>

namespace kiket::ui {

void MainWindow::buildSuitesDock(QDockWidget *tabWith)
{
    m_suites = new SuitesPanel(*m_panels);
    connect(m_suites, &SuitesPanel::runFinished, this,
        [this](int passed, int failed, const QString &error) {
            statusBar()->showMessage(error.isEmpty()
                    ? tr("Suites: %1 passed, %2 failed").arg(passed).arg(failed)
                    : tr("Suites: the run stopped: %1").arg(error),
                8000);
        });
    m_suitesDock = new QDockWidget(tr("Suites"), this);
    m_suitesDock->setObjectName(QStringLiteral("suites-dock"));
    m_suitesDock->setWidget(m_suites);
    addDockWidget(Qt::BottomDockWidgetArea, m_suitesDock);
    tabifyDockWidget(tabWith, m_suitesDock);
}

NewExtensionDialog *MainWindow::newExtensionDialog()
{
    auto *dialog = new NewExtensionDialog(QFileInfo(m_session.config().folder).path(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
        [this, dialog] { emit openFolderRequested(dialog->createdFolder()); });
    return dialog;
}

bool MainWindow::addSelectedToSuite(const QString &chosenSuite)
{
    QList<qint64> ids;
    for (const qint64 id : selectedIds()) {
        const int row = m_traffic.rowOf(id);
        if (row >= 0 && m_traffic.summaryAt(row).kind == devkit::ExchangeKind::Delivery)
            ids << id;
    }
    if (ids.isEmpty())
        return false;
    QString suite = chosenSuite;
    if (suite.isEmpty()) {
        QStringList names;
        for (const devkit::Suite &s : m_suites->model()->suites())
            names << s.name;
        if (!names.contains(QStringLiteral("recorded")))
            names.prepend(QStringLiteral("recorded"));
        bool ok = false;
        suite = QInputDialog::getItem(this, tr("Add to suite"),
            ids.size() == 1
                ? tr("Add the selected delivery as a case of the suite (.kiket/suites/NAME):")
                : tr("Add the %1 selected deliveries as cases of the suite (.kiket/suites/NAME):")
                      .arg(ids.size()),
            names, 0, true, &ok);
        if (!ok || suite.trimmed().isEmpty())
            return false;
    }
    struct Pending
    {
        QStringList written;
        QStringList errors;
        int waiting = 0;
    };
    auto pending = std::make_shared<Pending>();
    pending->waiting = int(ids.size());
    const QString folder = m_session.config().folder;
    for (const qint64 id : ids) {
        m_session.captures().findLater(id, this, [=, this](const devkit::CaptureWriter::Detail &d) {
            if (d.exchange) {
                QList<devkit::Exchange> calls;
                for (const devkit::Exchange &child : d.children)
                    if (child.kind == devkit::ExchangeKind::ApiCall)
                        calls << child;
                const auto path = devkit::addCaptureToSuite(folder, suite, *d.exchange, calls);
                if (path)
                    pending->written << path.value();
                else
                    pending->errors << path.error().toString();
            }
            if (--pending->waiting > 0)
                return;
            m_suites->reload();
            if (!pending->written.isEmpty()) {
                m_suites->selectCase(pending->written.last());
                m_suitesDock->raise();
            }
            statusBar()->showMessage(pending->errors.isEmpty()
                    ? tr(
                        "Added %n case(s) to the suite '%1'", nullptr, int(pending->written.size()))
                          .arg(suite)
                    : pending->errors.join(QStringLiteral("; ")),
                8000);
            emit casesAdded(pending->written);
        });
    }
    return true;
}

} // namespace kiket::ui
