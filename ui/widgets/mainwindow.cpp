#include "mainwindow.h"

#include "exchangedetail.h"
#include "trafficfilter.h"
#include "trafficmodel.h"

#include <kiket/devkit/delivery.h>
#include <kiket/devkit/eventcatalogue.h>
#include <kiket/devkit/export.h>
#include <kiket/devkit/listener.h>
#include <kiket/devkit/sandboxplatform.h>
#include <kiket/devkit/session.h>
#include <kiket/sdk.h>

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QCompleter>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QThreadPool>
#include <QToolBar>
#include <QVBoxLayout>

namespace kiket::ui {

MainWindow::MainWindow(devkit::Session &session, TrafficModel &traffic, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_traffic(traffic)
    , m_proxy(new TrafficFilter(this))
    , m_view(new QTableView)
    , m_detail(new ExchangeDetail)
    , m_filter(new QLineEdit)
    , m_header(new QLabel)
    , m_event(new QComboBox)
{
    setWindowTitle(tr("Kiket Workbench — %1").arg(session.config().folder));
    m_proxy->setSourceModel(&traffic);
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
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

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_view);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_header);
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
        if (m_followTail)
            m_view->scrollToBottom();
    });
    if (devkit::Runner *runner = session.runner())
        connect(runner, &devkit::Runner::stateChanged, this, &MainWindow::refreshHeader);
    buildActions();
    refreshHeader();
    resize(1100, 760);
}

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *traffic = menuBar()->addMenu(tr("&Traffic"));
    QAction *send = traffic->addAction(
        tr("&Send delivery"), this, [this] { sendSample(m_event->currentText()); });
    send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    QMenu *replay = traffic->addMenu(tr("&Replay selected"));
    for (const devkit::ReplayMode mode : devkit::replayModes()) {
        QAction *action = replay->addAction(devkit::replayModeName(mode), this, [this, mode] {
            if (!replaySelected(mode))
                statusBar()->showMessage(tr("Select a delivery to replay"), 4000);
        });
        if (mode == devkit::ReplayMode::Resign)
            action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    }
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
    QAction *follow = traffic->addAction(tr("&Follow the tail"));
    follow->setCheckable(true);
    follow->setChecked(true);
    follow->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(follow, &QAction::toggled, this, [this](bool on) { m_followTail = on; });
    QAction *clear = traffic->addAction(tr("&Clear list"), &m_traffic, &TrafficModel::clear);
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    QAction *focusFilter
        = traffic->addAction(tr("F&ilter…"), m_filter, [this] { m_filter->setFocus(); });
    focusFilter->setShortcut(QKeySequence::Find);

    if (auto catalogue = devkit::EventCatalogue::builtIn()) {
        m_catalogue = std::move(catalogue).value();
        m_event->addItems(m_catalogue->names());
    }
    m_event->setCurrentText(QStringLiteral("issue.created"));
    QToolBar *bar = addToolBar(tr("Send"));
    bar->setObjectName(QStringLiteral("send-toolbar"));
    bar->addWidget(m_event);
    bar->addAction(send);
    bar->addAction(follow);
    bar->addAction(clear);
}

void MainWindow::refreshHeader()
{
    const devkit::FolderConfig &c = m_session.config();
    const Sdk *sdk = m_session.listener().sdk();
    const QString id = sdk ? sdk->config().extensionId : QString();
    QString extension = tr("in-process plugin");
    if (const devkit::Runner *runner = m_session.runner())
        extension = tr("extension %1").arg(devkit::runStateName(runner->state()));
    m_header->setText(tr("<b>%1</b> · handler %2 · listener %3 · sandbox %4 · %5")
                          .arg(id.isEmpty() ? c.folder : id,
                              devkit::handlerKindName(m_session.listener().handlerKind()),
                              m_session.listenerUrl(), m_session.sandboxUrl(), extension));
}

void MainWindow::applyFilter(const QString &text)
{
    const auto applied = m_proxy->setExpression(text);
    QPalette palette; // the application's, when the bar is empty
    if (!text.isEmpty())
        palette.setColor(QPalette::Base, applied ? QColor(220, 245, 220) : QColor(250, 215, 215));
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

QByteArray MainWindow::webhookSecret() const
{
    const Sdk *sdk = m_session.listener().sdk();
    if (sdk && !sdk->config().webhookSecret.isEmpty())
        return sdk->config().webhookSecret.toUtf8();
    return qgetenv("KIKET_WEBHOOK_SECRET");
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
    const auto sample = m_catalogue ? m_catalogue->find(event) : std::nullopt;
    if (!sample)
        return;
    devkit::DeliverySpec spec;
    spec.event = event;
    spec.version = sample->version;
    spec.payload = sample->payload;
    spec.webhookSecret = webhookSecret();
    spec.issuer = &m_session.sandbox().issuer();
    spec.grant.scopes = { QStringLiteral("*") };
    spec.apiBaseUrl = m_session.sandboxUrl();
    deliver(devkit::prepareDelivery(spec).request, event);
}

bool MainWindow::copySelected(const QString &format)
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return false;
    const qint64 id = current.data(TrafficModel::IdRole).toLongLong();
    m_session.captures().findLater(
        id, this, [this, format](const devkit::CaptureWriter::Detail &d) {
            if (!d.exchange)
                return;
            devkit::ExportOptions options;
            options.baseUrl = m_session.listenerUrl();
            const QString text = format == QLatin1String("curl")
                ? devkit::toCurl(*d.exchange, options)
                : QString::fromUtf8(format == QLatin1String("har")
                        ? devkit::toHar({ *d.exchange }, options)
                        : devkit::toNdjson({ *d.exchange }, options));
            QGuiApplication::clipboard()->setText(text);
            statusBar()->showMessage(
                tr("Copied #%1 as %2 (secrets redacted)").arg(d.exchange->id).arg(format), 4000);
        });
    return true;
}

bool MainWindow::replaySelected(devkit::ReplayMode mode)
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return false;
    const qint64 id = current.data(TrafficModel::IdRole).toLongLong();
    const int row = m_traffic.rowOf(id);
    if (row < 0 || m_traffic.summaryAt(row).kind != devkit::ExchangeKind::Delivery)
        return false;
    m_session.captures().findLater(
        id, this, [this, mode, id](const devkit::CaptureWriter::Detail &d) {
            if (!d.exchange)
                return;
            HttpRequest request
                = devkit::prepareReplay(devkit::requestOf(*d.exchange), mode, webhookSecret());
            request.headers.append({ devkit::kReplayOfHeaderName, QByteArray::number(id) });
            m_awaitingReplayOf = id;
            deliver(request, tr("replay of #%1 (%2)").arg(id).arg(devkit::replayModeName(mode)));
        });
    return true;
}

} // namespace kiket::ui
