#pragma once

#include <kiket/devkit/capture/exchange.h>
#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/delivery/eventcatalogue.h>

#include <QMainWindow>
#include <QPointer>

class QDockWidget;
class QLabel;
class QLineEdit;
class QMimeData;
class QSplitter;
class QTableView;

namespace kiket::devkit {
class Session;
} // namespace kiket::devkit

namespace kiket::ui {

class CommandPalette;
class Composer;
class Console;
class DiffView;
class ExchangeDetail;
class HeaderStrip;
class ManifestEditor;
class NewExtensionDialog;
class PanelSession;
class SecretsPanel;
class SuitesPanel;
class TelemetryPanel;
class TrafficFilter;
class TrafficModel;

/// The workbench window: a header strip with the folder's state, the filter bar, the traffic list
/// and the detail of the selected exchange; docks for the composer and the extension's console.
/// It assembles the panels; they reach the session through one PanelSession, never through it.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    /// The model is fed by the session's capture hook; the window shows and filters it.
    MainWindow(devkit::Session &session, TrafficModel &traffic, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Shows a message from the session (thread-safe).
    void showMessage(const QString &message);
    /// Sends the catalogue's sample of the event to the listener, signed (off the GUI thread).
    void sendSample(const QString &event);
    /// Sends what the composer holds; an edited capture's result is selected when it arrives.
    /// False (with the reason in the status bar) when the composer's text is not valid.
    bool sendComposed();
    /// Sends the selected delivery again in a replay mode; its capture is selected when it
    /// arrives. False when no delivery is selected.
    bool replaySelected(devkit::ReplayMode mode);
    /// Opens the selected delivery in the composer. False when no delivery is selected.
    bool editSelected();
    /// Opens the diff of the two selected exchanges (or of a selected replay and its original).
    /// False when the selection is neither.
    bool diffSelected();
    /// The diff opened last, while it is open.
    DiffView *diffView() const;
    /// Puts the selected exchanges on the clipboard as curl commands, HAR or NDJSON (secrets
    /// redacted). False when nothing is selected.
    bool copySelected(const QString &format);
    /// Saves the selected delivery as a catalogue sample (event, version, payload); asks where
    /// when no path is given. False when no delivery is selected.
    bool saveSelectedAsFixture(const QString &path = {});
    /// Writes the selected deliveries as cases of a suite (asks which when none is given), with
    /// the expectations taken from what was captured. False when no delivery is selected.
    bool addSelectedToSuite(const QString &suite = {});

    /// File > New extension…: the dialog (not yet shown); once it has written the extension, the
    /// window asks to open it (openFolderRequested).
    NewExtensionDialog *newExtensionDialog();

    /// Shows the command palette (Ctrl+K); it runs the chosen action and closes.
    CommandPalette *showPalette();

    /// What a drop on the window does: asks to open the first folder among the URLs. False when
    /// there is none (files are not folders).
    bool openDropped(const QMimeData *mime);
    /// Folders opened lately, newest first (from QSettings; paths only).
    static QStringList recentFolders();
    static void rememberFolder(const QString &folder);

    QTableView *trafficView() const { return m_view; }
    ExchangeDetail *detail() const { return m_detail; }
    QLineEdit *filterEdit() const { return m_filter; }
    HeaderStrip *header() const { return m_header; }
    Composer *composer() const { return m_composer; }
    Console *console() const { return m_console; }
    TelemetryPanel *telemetry() const { return m_telemetry; }
    ManifestEditor *manifest() const { return m_manifest; }
    SecretsPanel *secrets() const { return m_secrets; }
    SuitesPanel *suites() const { return m_suites; }

signals:
    /// The user chose another folder (menu, recent list or a drop); the app reopens on it.
    void openFolderRequested(const QString &folder);
    /// A fixture was written (empty when writing failed).
    void fixtureSaved(const QString &path);
    /// Cases were written by addSelectedToSuite() (their files).
    void casesAdded(const QStringList &paths);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildActions();
    void restoreState();
    void buildDocks();
    void buildSuitesDock(QDockWidget *tabWith);
    void refreshHeader();
    void applyFilter(const QString &text);
    void selectionChanged();
    void selectExchange(qint64 id);
    qint64 selectedId() const;
    QList<qint64> selectedIds() const;
    // Reads the exchanges off the GUI thread; done gets those found, in the order asked.
    void loadExchanges(
        const QList<qint64> &ids, std::function<void(const QList<devkit::Exchange> &)> done);
    qint64 selectedDeliveryId() const;
    void deliver(const HttpRequest &request, const QString &what);

    devkit::Session &m_session;
    std::unique_ptr<PanelSession> m_panels; // what the panels may ask of the session
    TrafficModel &m_traffic;
    TrafficFilter *m_proxy;
    QTableView *m_view;
    ExchangeDetail *m_detail;
    QLineEdit *m_filter;
    HeaderStrip *m_header;
    Composer *m_composer;
    Console *m_console;
    QDockWidget *m_composerDock = nullptr;
    TelemetryPanel *m_telemetry = nullptr;
    ManifestEditor *m_manifest = nullptr;
    SecretsPanel *m_secrets = nullptr;
    SuitesPanel *m_suites = nullptr;
    QDockWidget *m_suitesDock = nullptr;
    QPointer<DiffView> m_diff;
    QSplitter *m_splitter = nullptr;
    bool m_followTail = true;
    std::optional<devkit::EventCatalogue> m_catalogue; // read once: the sample deliveries
    qint64 m_awaitingReplayOf = 0; // select the capture that replays this one
};

} // namespace kiket::ui
