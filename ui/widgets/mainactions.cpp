// The window's menus and what its actions do: send, replay, edit and replay, copy.
#include "commandpalette.h"
#include "composer.h"
#include "headerstrip.h"
#include "mainwindow.h"
#include "newextensiondialog.h"
#include "suitespanel.h"
#include "trafficmodel.h"

#include <kiket/devkit/capture/capturewriter.h>
#include <kiket/devkit/session.h>

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QTableView>
#include <QThreadPool>
#include <QToolBar>

namespace kiket::ui {

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open extension folder…"), this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Open extension folder"), m_session.config().folder);
        if (!folder.isEmpty())
            emit openFolderRequested(folder);
    });
    open->setShortcut(QKeySequence::Open);
    QAction *create
        = file->addAction(tr("&New extension…"), this, [this] { newExtensionDialog()->open(); });
    create->setShortcut(QKeySequence::New);
    QMenu *recent = file->addMenu(tr("Open &recent"));
    connect(recent, &QMenu::aboutToShow, this, [this, recent] {
        recent->clear();
        for (const QString &folder : recentFolders())
            recent->addAction(folder, this, [this, folder] { emit openFolderRequested(folder); });
    });
    for (const QString &folder : recentFolders()) // listed now too, for the command palette
        recent->addAction(folder, this, [this, folder] { emit openFolderRequested(folder); });
    QAction *palette = file->addAction(tr("&Command palette…"), this, &MainWindow::showPalette);
    palette->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *traffic = menuBar()->addMenu(tr("&Traffic"));
    QAction *send
        = traffic->addAction(tr("&Send from the composer"), this, [this] { sendComposed(); });
    send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    QAction *replay = traffic->addAction(tr("&Replay selected, re-signed"), this, [this] {
        if (!replaySelected(devkit::ReplayMode::Resign))
            statusBar()->showMessage(tr("Select a delivery to replay"), 4000);
    });
    replay->setShortcut(QKeySequence(Qt::Key_R));
    QMenu *replayAs = traffic->addMenu(tr("Replay selected &as"));
    for (const devkit::ReplayMode mode : devkit::replayModes()) {
        replayAs->addAction(devkit::replayModeName(mode), this, [this, mode] {
            if (!replaySelected(mode))
                statusBar()->showMessage(tr("Select a delivery to replay"), 4000);
        });
    }
    QAction *edit = traffic->addAction(tr("&Edit and replay"), this, [this] {
        if (!editSelected())
            statusBar()->showMessage(tr("Select a delivery to edit"), 4000);
    });
    edit->setShortcut(QKeySequence(Qt::Key_E));
    QAction *diff = traffic->addAction(tr("&Diff selected"), this, [this] {
        if (!diffSelected())
            statusBar()->showMessage(tr("Select two exchanges, or a replay, to compare"), 4000);
    });
    diff->setShortcut(QKeySequence(Qt::Key_D));
    QMenu *copy = traffic->addMenu(tr("&Copy selected as"));
    for (const QString &format :
        { QStringLiteral("curl"), QStringLiteral("har"), QStringLiteral("ndjson") }) {
        QAction *action = copy->addAction(format == QLatin1String("curl") ? tr("cURL command")
                : format == QLatin1String("har")                          ? tr("HAR")
                                                                          : tr("NDJSON"),
            this, [this, format] {
                if (!copySelected(format))
                    statusBar()->showMessage(tr("Select an exchange to copy"), 4000);
            });
        if (format == QLatin1String("curl"))
            action->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    }
    traffic->addAction(tr("Save selected as &fixture…"), this, [this] {
        if (!saveSelectedAsFixture())
            statusBar()->showMessage(tr("Select a delivery to save"), 4000);
    });
    QAction *addToSuite = traffic->addAction(tr("&Add selected to suite…"), this, [this] {
        if (!addSelectedToSuite())
            statusBar()->showMessage(
                tr("Nothing added: select deliveries, then name the suite"), 4000);
    });
    addToSuite->setShortcut(QKeySequence(Qt::Key_A));
    QAction *runSuites = traffic->addAction(tr("Run all &suites"), this, [this] {
        if (!m_suites->runAll())
            statusBar()->showMessage(
                m_suites->isRunning() ? tr("The suites are running") : tr("No suite cases yet"),
                4000);
    });
    runSuites->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    QAction *mark = traffic->addAction(tr("&Mark / unmark selected"), this, [this] {
        const QModelIndexList rows = m_view->selectionModel()->selectedRows();
        for (const QModelIndex &index : rows) {
            const qint64 id = index.data(TrafficModel::IdRole).toLongLong();
            m_traffic.setMarked(id, !m_traffic.isMarked(id));
        }
    });
    mark->setShortcut(QKeySequence(Qt::Key_M));
    traffic->addSeparator();
    QAction *follow = traffic->addAction(tr("&Follow the tail"));
    follow->setCheckable(true);
    follow->setChecked(true);
    follow->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(follow, &QAction::toggled, this, [this](bool on) { m_followTail = on; });
    QAction *clear = traffic->addAction(
        tr("C&lear list (marked rows stay)"), &m_traffic, &TrafficModel::clear);
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    QAction *focusFilter
        = traffic->addAction(tr("F&ilter…"), m_filter, [this] { m_filter->setFocus(); });
    focusFilter->setShortcuts({ QKeySequence(Qt::Key_Slash), QKeySequence::Find });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());

    QToolBar *bar = addToolBar(tr("Traffic"));
    bar->setObjectName(QStringLiteral("traffic-toolbar"));
    bar->addAction(send);
    bar->addAction(replay);
    bar->addAction(edit);
    bar->addAction(diff);
    bar->addAction(follow);
    bar->addAction(clear);
    // The folder's state spans the window's width, under the actions.
    addToolBarBreak();
    QToolBar *state = addToolBar(tr("Folder state"));
    state->setObjectName(QStringLiteral("state-toolbar"));
    state->setMovable(false);
    state->addWidget(m_header);
}

CommandPalette *MainWindow::showPalette()
{
    auto *palette = new CommandPalette(menuBar()->actions(), this);
    palette->setAttribute(Qt::WA_DeleteOnClose);
    palette->show();
    return palette;
}

void MainWindow::deliver(const HttpRequest &request, const QString &what)
{
    const QString to = m_session.listenerUrl();
    // The answer is captured by the listener; the window only reports that it came.
    QThreadPool::globalInstance()->start([this, request, to, what] {
        const HttpResponse response = sendHttp(to, request, 10000);
        showMessage(tr("%1: HTTP %2").arg(what).arg(response.status));
    });
}

void MainWindow::sendSample(const QString &event)
{
    m_composer->newDelivery(event);
    sendComposed();
}

bool MainWindow::sendComposed()
{
    const auto request = m_composer->request(m_panels->composerContext());
    if (!request) {
        statusBar()->showMessage(request.error().message, 6000);
        return false;
    }
    const qint64 edited = m_composer->editedId();
    if (edited)
        m_awaitingReplayOf = edited;
    deliver(request.value(),
        edited ? tr("edited #%1").arg(edited) : m_composer->eventBox()->currentText());
    return true;
}

bool MainWindow::editSelected()
{
    const qint64 id = selectedDeliveryId();
    if (!id)
        return false;
    m_session.captures().findLater(id, this, [this](const devkit::CaptureWriter::Detail &d) {
        if (!d.exchange)
            return;
        m_composer->editCapture(*d.exchange);
        m_composerDock->show();
        m_composerDock->raise();
        m_composer->editor()->setFocus();
    });
    return true;
}

bool MainWindow::replaySelected(devkit::ReplayMode mode)
{
    const qint64 id = selectedDeliveryId();
    if (!id)
        return false;
    m_session.captures().findLater(
        id, this, [this, mode, id](const devkit::CaptureWriter::Detail &d) {
            if (!d.exchange)
                return;
            HttpRequest request = devkit::prepareReplay(
                devkit::requestOf(*d.exchange), mode, m_session.deliverySecret());
            request.headers.append({ devkit::kReplayOfHeaderName, QByteArray::number(id) });
            m_awaitingReplayOf = id;
            deliver(request, tr("replay of #%1 (%2)").arg(id).arg(devkit::replayModeName(mode)));
        });
    return true;
}

} // namespace kiket::ui
