#include "mainwindow.h"

#include "colours.h"
#include "composer.h"
#include "console.h"
#include "exchangedetail.h"
#include "headerstrip.h"
#include "manifesteditor.h"
#include "panelsession.h"
#include "secretspanel.h"
#include "telemetrypanel.h"
#include "trafficfilter.h"
#include "trafficmodel.h"

#include <kiket/devkit/listener/listener.h>
#include <kiket/devkit/session.h>

#include <QCompleter>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace kiket::ui {

MainWindow::MainWindow(devkit::Session &session, TrafficModel &traffic, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_panels(std::make_unique<PanelSession>(session))
    , m_traffic(traffic)
    , m_proxy(new TrafficFilter(this))
    , m_view(new QTableView)
    , m_detail(new ExchangeDetail)
    , m_filter(new QLineEdit)
    , m_header(new HeaderStrip)
    , m_composer(new Composer)
    , m_console(new Console)
{
    setWindowTitle(tr("Kiket Workbench — %1").arg(session.config().folder));
    m_proxy->setSourceModel(&traffic);
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TrafficModel::Time, Qt::AscendingOrder);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);

    m_filter->setPlaceholderText(
        tr("Filter, e.g. event:issue.* status:>=400 auth:stale kind:api \"text\""));
    m_filter->setClearButtonEnabled(true);
    QStringList completions;
    for (const QString &field : FilterExpression::fieldNames())
        completions << field + QLatin1Char(':');
    m_filter->setCompleter(new QCompleter(completions, m_filter));
    connect(m_filter, &QLineEdit::textChanged, this, &MainWindow::applyFilter);

    auto *splitter = m_splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_view);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    setAcceptDrops(true);
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_filter);
    layout->addWidget(splitter);
    setCentralWidget(central);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &MainWindow::selectionChanged);
    connect(m_detail, &ExchangeDetail::exchangeActivated, this, &MainWindow::selectExchange);
    connect(&traffic, &TrafficModel::appended, this, [this](int first, int last) {
        for (int row = first; m_awaitingReplayOf && row <= last; ++row) {
            if (m_traffic.summaryAt(row).replayOf == m_awaitingReplayOf) {
                m_awaitingReplayOf = 0;
                selectExchange(m_traffic.summaryAt(row).id);
            }
        }
        for (int row = first; row <= last; ++row)
            m_telemetry->addExchange(m_traffic.summaryAt(row));
        if (m_followTail)
            m_view->scrollToBottom();
    });
    if (devkit::Runner *runner = session.runner())
        connect(runner, &devkit::Runner::stateChanged, this, &MainWindow::refreshHeader);
    connect(m_header->restartButton(), &QPushButton::clicked, this, [this] {
        if (devkit::Runner *runner = m_session.runner()) {
            runner->restart();
            return;
        }
        const auto reloaded = m_session.reloadConfiguration();
        statusBar()->showMessage(
            reloaded ? tr("Reloaded the module and the manifest") : reloaded.error().toString(),
            6000);
    });
    connect(m_header->stopButton(), &QPushButton::clicked, this, [this] {
        devkit::Runner *runner = m_session.runner();
        if (!runner)
            return;
        if (runner->state() == devkit::RunState::Stopped
            || runner->state() == devkit::RunState::Crashed)
            runner->start();
        else
            runner->stop();
    });
    buildDocks();
    buildActions();
    refreshHeader();
    resize(1100, 760);
    restoreState();
    rememberFolder(session.config().folder);
}

void MainWindow::refreshHeader()
{
    using Light = HeaderStrip::Light;
    const devkit::FolderConfig &c = m_session.config();
    const auto config = m_session.currentConfig();
    QString title = c.folder;
    if (config && !config.value().extensionId.isEmpty())
        title = config.value().extensionId + QLatin1Char(' ') + config.value().extensionVersion;
    m_header->setTitle(
        tr("%1 · handler %2")
            .arg(title, devkit::handlerKindName(m_session.listener().handlerKind())));
    m_header->setPart(HeaderStrip::Listener, Light::Ready, m_session.listenerUrl());
    m_header->setPart(HeaderStrip::Sandbox, Light::Ready, m_session.sandboxUrl());
    const devkit::Runner *runner = m_session.runner();
    if (!runner) {
        m_header->setPart(HeaderStrip::Extension, Light::Ready, tr("in-process"));
        m_header->restartButton()->setToolTip(tr("Reload the module and the manifest"));
        m_header->stopButton()->hide();
        return;
    }
    const devkit::RunState state = runner->state();
    const Light light = state == devkit::RunState::Ready ? Light::Ready
        : state == devkit::RunState::Starting            ? Light::Starting
        : state == devkit::RunState::Crashed             ? Light::Failed
                                                         : Light::Off;
    m_header->setPart(HeaderStrip::Extension, light,
        tr("%1 on 127.0.0.1:%2").arg(devkit::runStateName(state)).arg(runner->port()));
    m_header->stopButton()->setText(
        state == devkit::RunState::Stopped || state == devkit::RunState::Crashed ? tr("Start")
                                                                                 : tr("Stop"));
}

void MainWindow::applyFilter(const QString &text)
{
    const auto applied = m_proxy->setExpression(text);
    QPalette palette; // the application's, when the bar is empty
    if (!text.isEmpty())
        palette.setColor(QPalette::Base,
            applied ? colours::goodBackground(palette) : colours::badBackground(palette));
    m_filter->setPalette(palette);
    m_filter->setToolTip(applied
            ? QString()
            : tr("%1 (column %2)").arg(applied.error().message).arg(applied.error().column));
    if (!applied)
        statusBar()->showMessage(m_filter->toolTip(), 4000);
}

void MainWindow::selectionChanged()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid()) {
        m_detail->clear();
        return;
    }
    const qint64 id = current.data(TrafficModel::IdRole).toLongLong();
    m_session.captures().findLater(id, m_detail, [this](const devkit::CaptureWriter::Detail &d) {
        if (d.exchange)
            m_detail->show(*d.exchange, d.children, d.logLines);
    });
}

MainWindow::~MainWindow() = default; // no event runs while members and children go

qint64 MainWindow::selectedId() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.data(TrafficModel::IdRole).toLongLong() : 0;
}

qint64 MainWindow::selectedDeliveryId() const
{
    const int row = m_traffic.rowOf(selectedId());
    return row >= 0 && m_traffic.summaryAt(row).kind == devkit::ExchangeKind::Delivery
        ? m_traffic.summaryAt(row).id
        : 0;
}

void MainWindow::buildDocks()
{
    if (auto catalogue = devkit::EventCatalogue::builtIn())
        m_catalogue = std::move(catalogue).value();
    m_composer->setCatalogue(m_catalogue ? &*m_catalogue : nullptr);
    m_composer->newDelivery(QStringLiteral("issue.created"));
    connect(m_composer, &Composer::sendRequested, this, &MainWindow::sendComposed);
    m_composerDock = new QDockWidget(tr("Composer"), this);
    m_composerDock->setObjectName(QStringLiteral("composer-dock"));
    m_composerDock->setWidget(m_composer);
    addDockWidget(Qt::RightDockWidgetArea, m_composerDock);

    m_manifest = new ManifestEditor;
    m_manifest->open(m_panels->manifestPath());
    connect(m_manifest, &ManifestEditor::saved, this, [this] {
        const auto applied = m_panels->reloadConfiguration();
        statusBar()->showMessage(applied
                ? tr("Manifest saved and applied")
                : tr("Manifest saved; not applied: %1").arg(applied.error().toString()),
            8000);
        refreshHeader();
    });
    auto *manifestDock = new QDockWidget(tr("Manifest"), this);
    manifestDock->setObjectName(QStringLiteral("manifest-dock"));
    manifestDock->setWidget(m_manifest);
    addDockWidget(Qt::RightDockWidgetArea, manifestDock);
    tabifyDockWidget(m_composerDock, manifestDock);
    m_secrets = new SecretsPanel(*m_panels, [this] {
        QMap<QString, QString> out;
        const QJsonObject typed = m_composer->payloadSecrets();
        for (auto it = typed.begin(); it != typed.end(); ++it)
            out.insert(it.key(), it.value().toString());
        return out;
    });
    auto *secretsDock = new QDockWidget(tr("Secrets"), this);
    secretsDock->setObjectName(QStringLiteral("secrets-dock"));
    secretsDock->setWidget(m_secrets);
    addDockWidget(Qt::RightDockWidgetArea, secretsDock);
    tabifyDockWidget(manifestDock, secretsDock);
    connect(secretsDock, &QDockWidget::visibilityChanged, m_secrets, [this](bool visible) {
        if (visible)
            m_secrets->refresh(); // the sandbox store changes as the extension runs
    });
    m_composerDock->raise();

    m_console->attach(m_panels->runner());
    auto *console = new QDockWidget(tr("Console"), this);
    console->setObjectName(QStringLiteral("console-dock"));
    console->setWidget(m_console);
    addDockWidget(Qt::BottomDockWidgetArea, console);
    m_telemetry = new TelemetryPanel(m_panels->telemetrySources());
    for (int row = 0; row < m_traffic.rowCount(); ++row) // the history on the timeline
        m_telemetry->addExchange(m_traffic.summaryAt(row));
    auto *telemetry = new QDockWidget(tr("Telemetry and rate limit"), this);
    telemetry->setObjectName(QStringLiteral("telemetry-dock"));
    telemetry->setWidget(m_telemetry);
    addDockWidget(Qt::BottomDockWidgetArea, telemetry);
    tabifyDockWidget(console, telemetry);
    buildSuitesDock(telemetry);
    (m_session.runner() ? console : telemetry)->raise();
    resizeDocks({ m_composerDock }, { 480 }, Qt::Horizontal);
    resizeDocks({ console }, { 230 }, Qt::Vertical);
}

void MainWindow::selectExchange(qint64 id)
{
    const int row = m_traffic.rowOf(id);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_traffic.index(row, 0));
    if (index.isValid())
        m_view->setCurrentIndex(index);
}

void MainWindow::showMessage(const QString &message)
{
    QMetaObject::invokeMethod(this, [this, message] {
        statusBar()->showMessage(message, 8000);
        refreshHeader();
    });
}

} // namespace kiket::ui

namespace kiket::ui {

namespace {

constexpr int kRecentFolders = 10;
const QString kRecentKey = QStringLiteral("recentFolders");

QString droppedFolder(const QMimeData *mime)
{
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir())
            return url.toLocalFile();
    }
    return {};
}

} // namespace

QStringList MainWindow::recentFolders()
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::rememberFolder(const QString &folder)
{
    QStringList recent = recentFolders();
    const QString path = QFileInfo(folder).absoluteFilePath();
    recent.removeAll(path);
    recent.prepend(path);
    QSettings().setValue(kRecentKey, recent.mid(0, kRecentFolders));
}

// Only the layout is kept: geometry, docks, splitter and column widths — never a value.
void MainWindow::restoreState()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    QMainWindow::restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_view->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("window/trafficColumns")).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(
        QStringLiteral("window/trafficColumns"), m_view->horizontalHeader()->saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!droppedFolder(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    if (openDropped(event->mimeData()))
        event->acceptProposedAction();
}

bool MainWindow::openDropped(const QMimeData *mime)
{
    const QString folder = droppedFolder(mime);
    if (!folder.isEmpty())
        emit openFolderRequested(folder);
    return !folder.isEmpty();
}

} // namespace kiket::ui
