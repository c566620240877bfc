// The window on a real session (the example extension in-process), offscreen: deliveries sent from
// the window arrive in the list, the detail explains the verdict, the filter bar validates.
#include "commandpalette.h"
#include "composer.h"
#include "diffview.h"
#include "durationchart.h"
#include "exchangedetail.h"
#include "mainwindow.h"
#include "manifesteditor.h"
#include "messageview.h"
#include "rategauge.h"
#include "secretsmodel.h"
#include "secretspanel.h"
#include "telemetrymodel.h"
#include "telemetrypanel.h"
#include "trafficmodel.h"

#include <kiket/devkit/listener.h>
#include <kiket/devkit/sandboxplatform.h>
#include <kiket/devkit/session.h>

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTreeWidget>

#include <future>

using namespace kiket;
using namespace kiket::ui;

namespace {

// A session on a copy of the example folder with the example plugin in-process.
struct Fixture
{
    explicit Fixture(int rateWindowSeconds = 60)
        : session(open(rateWindowSeconds))
    { }
    QTemporaryDir folder;
    TrafficModel traffic;
    Result<std::unique_ptr<devkit::Session>> session;

    Result<std::unique_ptr<devkit::Session>> open(int rateWindowSeconds)
    {
        QFile::copy(QStringLiteral(EXAMPLE_MANIFEST), folder.filePath("extension.yaml"));
        qputenv("KIKET_WEBHOOK_SECRET", "window-secret");
        devkit::SessionOverrides o;
        o.plugin = QStringLiteral(HELLO_PLUGIN);
        o.listenerPort = 0;
        o.sandboxPort = 0;
        o.rateWindowSeconds = rateWindowSeconds;
        o.keychain = false; // local values in the folder's 0600 file
        return devkit::Session::open(folder.path(), o, [this](const devkit::Exchange &e) {
            if (e.kind != devkit::ExchangeKind::Log)
                traffic.add(devkit::summaryOf(e));
        });
    }
    QString problem() const { return session.ok() ? QString() : session.error().toString(); }
    // Sends a delivery signed with the secret from another thread (the listener answers on this
    // one) and gives its status.
    int sendSignedWith(const QByteArray &secret) const
    {
        devkit::Session *s = session.value().get();
        devkit::DeliverySpec spec;
        spec.issuer = &s->sandbox().issuer();
        spec.apiBaseUrl = s->sandboxUrl();
        spec.grant.scopes = { QStringLiteral("*") };
        spec.event = QStringLiteral("issue.created");
        spec.version = QStringLiteral("v1");
        spec.payload = QJsonObject { { "issue", QJsonObject { { "id", "1" } } } };
        spec.webhookSecret = secret;
        const HttpRequest request = devkit::prepareDelivery(spec).request;
        const QString to = s->listenerUrl();
        auto status = std::async(
            std::launch::async, [to, request] { return sendHttp(to, request, 10000).status; });
        while (status.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready)
            QCoreApplication::processEvents();
        return status.get();
    }
    int count(devkit::ExchangeKind kind, int status = -1) const
    {
        int n = 0;
        for (int row = 0; row < traffic.rowCount(); ++row) {
            const auto &s = traffic.summaryAt(row);
            n += s.kind == kind && (status < 0 || s.status == status) ? 1 : 0;
        }
        return n;
    }
};

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config; // QSettings of these tests live here

private slots:
    void initTestCase()
    {
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
        QCoreApplication::setOrganizationName(QStringLiteral("KiketTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    }

    void paletteRecentFoldersDropAndSavedLayout()
    {
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        auto window = std::make_unique<MainWindow>(*f.session.value(), f.traffic);
        window->show();
        QCOMPARE(
            MainWindow::recentFolders().value(0), QFileInfo(f.folder.path()).absoluteFilePath());

        // The palette finds actions by words, shows their shortcuts and runs the chosen one.
        CommandPalette *palette = window->showPalette();
        palette->searchEdit()->setText(QStringLiteral("edit replay"));
        QCOMPARE(palette->list()->count(), 1);
        QVERIFY(palette->list()->item(0)->text().contains("Edit and replay"));
        QVERIFY(palette->list()->item(0)->text().endsWith("E"));
        palette->searchEdit()->setText(QStringLiteral("no such command"));
        QCOMPARE(palette->list()->count(), 0);
        QVERIFY(!palette->runCurrent());
        window->sendSample(QStringLiteral("issue.created"));
        QTRY_VERIFY_WITH_TIMEOUT(f.traffic.rowCount() >= 3, 10000);
        palette->searchEdit()->setText(QStringLiteral("clear list"));
        QVERIFY(palette->runCurrent());
        QCOMPARE(f.traffic.rowCount(), 0);

        // A folder dropped on the window asks the app to open it; a file does not.
        QSignalSpy requested(window.get(), &MainWindow::openFolderRequested);
        QTemporaryDir other;
        const auto drop = [&window](const QString &path) {
            QMimeData mime;
            mime.setUrls({ QUrl::fromLocalFile(path) });
            return window->openDropped(&mime);
        };
        QVERIFY(window->acceptDrops());
        QVERIFY(drop(other.path()));
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.first().first().toString(), other.path());
        QVERIFY(!drop(f.folder.filePath("extension.yaml")));
        QCOMPARE(requested.count(), 1);

        // Closing keeps the layout in QSettings, and never a secret value.
        QVERIFY(window->secrets()
                    ->setSecret(SecretPlace::Local, "API_KEY", "never-in-settings-4242")
                    .ok());
        window->close();
        window.reset();
        QSettings settings;
        settings.sync();
        QVERIFY(settings.contains("window/state"));
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("never-in-settings"));
    }

    void sendFilterAndExplain()
    {
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        auto &session = f.session;
        TrafficModel &traffic = f.traffic;
        MainWindow window(*session.value(), traffic);
        window.show();
        QAbstractItemModelTester tester(
            window.trafficView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);

        window.sendSample(QStringLiteral("issue.created"));
        // The delivery and its API calls (events.log, secrets.set) and the telemetry report.
        QTRY_VERIFY_WITH_TIMEOUT(traffic.rowCount() >= 3, 10000);
        int deliveryRow = -1;
        for (int row = 0; row < traffic.rowCount(); ++row)
            if (traffic.summaryAt(row).kind == devkit::ExchangeKind::Delivery)
                deliveryRow = row;
        QVERIFY(deliveryRow >= 0);
        QCOMPARE(traffic.summaryAt(deliveryRow).status, 200);

        // Selecting it loads the detail off the GUI thread.
        QTableView *view = window.trafficView();
        auto *proxy = qobject_cast<QSortFilterProxyModel *>(view->model());
        view->setCurrentIndex(proxy->mapFromSource(traffic.index(deliveryRow, 0)));
        auto *overview = window.detail()->findChild<QTextBrowser *>();
        QVERIFY(overview);
        QTRY_VERIFY_WITH_TIMEOUT(overview->toPlainText().contains("Signature: ok"), 5000);
        QVERIFY(!overview->toPlainText().contains("window-secret"));

        // Request: headers as a table (signature masked), the body as a JSON tree and as hex.
        MessageView *request = window.detail()->requestView();
        QStringList headerNames;
        QString signature;
        for (int row = 0; row < request->headersTable()->rowCount(); ++row) {
            headerNames << request->headersTable()->item(row, 0)->text();
            if (headerNames.last() == QLatin1String("X-Kiket-Signature"))
                signature = request->headersTable()->item(row, 1)->text();
        }
        QVERIFY(headerNames.contains("X-Kiket-Delivery"));
        QCOMPARE(signature, QStringLiteral("[redacted]"));
        QTreeWidgetItem *body = request->jsonTree()->topLevelItem(0);
        QVERIFY(body);
        bool hasIssue = false;
        for (int i = 0; i < body->childCount(); ++i)
            hasIssue = hasIssue || body->child(i)->text(0) == QLatin1String("issue");
        QVERIFY(hasIssue);
        QVERIFY(request->rawText()->toPlainText().contains("00000000  7b 22"));
        QCOMPARE(
            hexDump("AB\n"), QStringLiteral("00000000  41 42 0a %1 AB.\n").arg(QString(39, ' ')));

        // The filter bar: a valid expression filters, a wrong one says why and keeps the list.
        QLineEdit *filter = window.filterEdit();
        filter->setText(QStringLiteral("kind:api"));
        QVERIFY(view->model()->rowCount() >= 2);
        for (int row = 0; row < view->model()->rowCount(); ++row)
            QCOMPARE(view->model()->index(row, TrafficModel::Kind).data().toString(),
                QStringLiteral("api-call"));
        const int apiRows = view->model()->rowCount();
        filter->setText(QStringLiteral("knd:api"));
        QVERIFY(filter->toolTip().contains("unknown field 'knd'"));
        QCOMPARE(view->model()->rowCount(), apiRows);
        filter->clear();
        QCOMPARE(view->model()->rowCount(), traffic.rowCount());
        QVERIFY(adviceFor(QStringLiteral("stale")).contains("re-signing"));

        // Copying the selected delivery: a curl command with the signature redacted.
        view->setCurrentIndex(proxy->mapFromSource(traffic.index(deliveryRow, 0)));
        QGuiApplication::clipboard()->clear();
        QVERIFY(window.copySelected(QStringLiteral("curl")));
        QTRY_VERIFY_WITH_TIMEOUT(QGuiApplication::clipboard()->text().startsWith("curl "), 5000);
        QVERIFY(QGuiApplication::clipboard()->text().contains("X-Kiket-Signature: [redacted]"));
        QVERIFY(QGuiApplication::clipboard()->text().contains(session.value()->listenerUrl()));

        // Several selected rows copy together; a delivery saves as a fixture.
        view->selectionModel()->select(proxy->mapFromSource(traffic.index(0, 0)),
            QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QGuiApplication::clipboard()->clear();
        QVERIFY(window.copySelected(QStringLiteral("har")));
        QTRY_VERIFY_WITH_TIMEOUT(!QGuiApplication::clipboard()->text().isEmpty(), 5000);
        const QJsonObject har
            = QJsonDocument::fromJson(QGuiApplication::clipboard()->text().toUtf8()).object();
        QCOMPARE(har.value("log").toObject().value("entries").toArray().size(),
            deliveryRow == 0 ? 1 : 2);
        view->selectionModel()->clearSelection();
        view->setCurrentIndex(proxy->mapFromSource(traffic.index(deliveryRow, 0)));
        QSignalSpy saved(&window, &MainWindow::fixtureSaved);
        const QString fixture = f.folder.filePath("saved-fixture.json");
        QVERIFY(window.saveSelectedAsFixture(fixture));
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 5000);
        QCOMPARE(saved.first().first().toString(), fixture);
        QFile fixtureFile(fixture);
        QVERIFY(fixtureFile.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(fixtureFile.readAll()).object().value("event").toString(),
            QStringLiteral("issue.created"));

        // Replaying the selected delivery: the replay's capture is selected when it arrives.
        const qint64 original = traffic.summaryAt(deliveryRow).id;
        view->setCurrentIndex(proxy->mapFromSource(traffic.index(deliveryRow, 0)));
        QVERIFY(window.replaySelected(devkit::ReplayMode::Stale));
        QTRY_VERIFY_WITH_TIMEOUT(
            view->currentIndex().data(TrafficModel::IdRole).toLongLong() != original, 10000);
        const int replayRow
            = traffic.rowOf(view->currentIndex().data(TrafficModel::IdRole).toLongLong());
        QCOMPARE(traffic.summaryAt(replayRow).replayOf, original);
        QCOMPARE(traffic.summaryAt(replayRow).status, 401);
        QCOMPARE(traffic.summaryAt(replayRow).authCause, QStringLiteral("stale"));
        QTRY_VERIFY_WITH_TIMEOUT(
            overview->toPlainText().contains("replay it with re-signing"), 5000);
        view->setCurrentIndex(proxy->mapFromSource(traffic.index(0, 0)));
        QVERIFY(traffic.summaryAt(0).kind == devkit::ExchangeKind::Delivery
            || !window.replaySelected(devkit::ReplayMode::Resign)); // only deliveries replay

        // Edit and replay: the composer opens on the delivery; the edited body is sent re-signed
        // and its capture, linked to the original, is selected when it arrives.
        view->setCurrentIndex(proxy->mapFromSource(traffic.index(deliveryRow, 0)));
        QVERIFY(window.editSelected());
        QTRY_COMPARE_WITH_TIMEOUT(window.composer()->editedId(), original, 5000);
        QPlainTextEdit *editor = window.composer()->editor();
        QVERIFY(editor->toPlainText().contains("\"title\""));
        editor->setPlainText(editor->toPlainText().replace(
            QRegularExpression("\"title\": \"[^\"]*\""), "\"title\": \"Edited in the window\""));
        QVERIFY(window.sendComposed());
        const qint64 staleReplay = traffic.summaryAt(replayRow).id;
        const auto selected
            = [view] { return view->currentIndex().data(TrafficModel::IdRole).toLongLong(); };
        QTRY_VERIFY_WITH_TIMEOUT(selected() != original && selected() != staleReplay, 10000);
        const qint64 edited = selected();
        QCOMPARE(traffic.summaryAt(traffic.rowOf(edited)).replayOf, original);
        QCOMPARE(traffic.summaryAt(traffic.rowOf(edited)).status, 200);
        const auto stored = session.value()->captures().find(edited);
        QVERIFY(stored && stored->requestBody.contains("Edited in the window"));

        // Diff of the edited replay (selected) and its original: the changed path is listed and
        // marked on its line on both sides; next / previous walk the changes.
        QVERIFY(window.diffSelected());
        QTRY_VERIFY_WITH_TIMEOUT(window.diffView() != nullptr, 5000);
        QPointer<DiffView> diff = window.diffView();
        QVERIFY(diff->changeCount() >= 1);
        bool titleChanged = false;
        for (int i = 0; i < diff->changeCount(); ++i) {
            titleChanged = titleChanged || diff->currentChange() == "issue.title";
            QVERIFY(diff->nextChange());
        }
        QVERIFY(titleChanged);
        while (diff->currentChange() != "issue.title")
            diff->nextChange();
        QVERIFY(diff->leftPane()->textCursor().block().text().contains("\"title\""));
        QVERIFY(diff->rightPane()->textCursor().block().text().contains("Edited in the window"));
        QCOMPARE(diff->leftPane()->extraSelections().size(), 1);
        diff->setSection(DiffView::RequestHeaders);
        QVERIFY(diff->changeCount() >= 1); // at least the delivery id and signature differ
        diff->close();
        // Two selected rows compare too (lower id on the left); one row that is no replay does not.
        view->selectionModel()->clearSelection();
        view->setCurrentIndex(proxy->mapFromSource(traffic.index(deliveryRow, 0)));
        QVERIFY(!window.diffSelected());
        view->selectionModel()->select(proxy->mapFromSource(traffic.index(replayRow, 0)),
            QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(window.diffSelected());
        QTRY_VERIFY_WITH_TIMEOUT(window.diffView() && window.diffView() != diff.data(), 5000);
        QCOMPARE(window.diffView()->windowTitle(),
            QStringLiteral("Diff #%1 ↔ #%2").arg(original).arg(staleReplay));
        window.diffView()->close();

        // A broken edit is refused with its line, and nothing is sent.
        editor->setPlainText(QStringLiteral("{\n  \"a\": ,\n}"));
        const int rows = traffic.rowCount();
        QVERIFY(!window.sendComposed());
        QVERIFY(window.composer()->problem().startsWith("Line 2"));
        QTest::qWait(300);
        QCOMPARE(traffic.rowCount(), rows);
    }

    void manifestSaveReloadsTheDeliverySecret()
    {
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        ManifestEditor *manifest = window.manifest();
        QCOMPARE(manifest->path(), f.folder.filePath("extension.yaml"));
        const auto signedWith = [&f](const QByteArray &secret) { return f.sendSignedWith(secret); };
        QCOMPARE(signedWith("window-secret"), 200);

        // A broken edit is saved but not applied: the running secret stays.
        manifest->setText(manifest->text().replace(
            "delivery_secret: env:KIKET_WEBHOOK_SECRET", "delivery_secret: [broken"));
        QVERIFY(manifest->save());
        QCOMPARE(signedWith("window-secret"), 200);

        manifest->setText(manifest->text().replace(
            "delivery_secret: [broken", "delivery_secret: rotated-in-the-editor"));
        QVERIFY(manifest->save());
        QCOMPARE(f.session.value()->listener().sdk()->config().webhookSecret,
            QStringLiteral("rotated-in-the-editor"));
        QCOMPARE(signedWith("window-secret"), 401);
        QCOMPARE(signedWith("rotated-in-the-editor"), 200);
    }

    void secretsAddMaskRevealRotateDelete()
    {
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        SecretsPanel *panel = window.secrets();
        SecretsModel *model = panel->model();
        QAbstractItemModelTester tester(
            model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(panel->notice()->text().contains("local-secrets.json"));
        QVERIFY(model->rowOf("API_KEY") >= 0); // declared by the manifest, no value yet
        QCOMPARE(model->index(model->rowOf("API_KEY"), SecretsModel::Declared).data().toString(),
            QStringLiteral("declared"));

        // Add a local value: masked, revealed on demand, and handed to the in-process SDK.
        QVERIFY(panel->setSecret(SecretPlace::Local, "API_KEY", "sk-local-9876").ok());
        const int row = model->rowOf("API_KEY");
        const QModelIndex local = model->index(row, SecretsModel::Local);
        QVERIFY(!local.data().toString().contains("sk-local"));
        QVERIFY(model->index(row, SecretsModel::Fingerprint).data().toString().endsWith("9876"));
        model->setRevealed("API_KEY", true);
        QCOMPARE(local.data().toString(), QStringLiteral("sk-local-9876"));
        model->setRevealed("API_KEY", false);
        QCOMPARE(f.session.value()->listener().sdk()->config().settings.value("API_KEY").toString(),
            QStringLiteral("sk-local-9876"));

        // The sandbox store: what the extension's secrets.get will read.
        QVERIFY(panel->setSecret(SecretPlace::Sandbox, "CRM_TOKEN", "crm-1").ok());
        QCOMPARE(model->index(model->rowOf("CRM_TOKEN"), SecretsModel::Sandbox)
                     .data(SecretsModel::ValueRole)
                     .toString(),
            QStringLiteral("crm-1"));

        // A rotation drill of the delivery secret: old and new both pass, then only the new.
        QVERIFY(panel->rotate(devkit::kDeliverySecretKey, "rotated-secret").ok());
        QVERIFY(f.session.value()->rotationInProgress());
        QCOMPARE(f.sendSignedWith("window-secret"), 200);
        QCOMPARE(f.sendSignedWith("rotated-secret"), 200);
        QCOMPARE(f.sendSignedWith("unrelated"), 401);
        QVERIFY(panel->endRotation().ok());
        QCOMPARE(f.sendSignedWith("window-secret"), 401);
        QCOMPARE(f.sendSignedWith("rotated-secret"), 200);

        // Delete asks first; "no" keeps the value.
        QStringList asked;
        bool answer = false;
        panel->setConfirm([&](const QString &q) {
            asked << q;
            return answer;
        });
        QCOMPARE(panel->removeSecret(SecretPlace::Local, "API_KEY").value(), false);
        QVERIFY(f.session.value()->localSecrets().value("API_KEY").has_value());
        answer = true;
        QVERIFY(panel->removeSecret(SecretPlace::Local, "API_KEY").value());
        QCOMPARE(asked.size(), 2);
        QVERIFY(asked.first().contains("API_KEY"));
        QVERIFY(!f.session.value()->localSecrets().value("API_KEY").has_value());
        QCOMPARE(model->index(model->rowOf("API_KEY"), SecretsModel::Local).data().toString(),
            QStringLiteral("—"));
    }

    void gaugeReadsARealPlatformWhenOneIsConfigured()
    {
        // Another sandbox stands in for the real platform: its own limit and workspace token.
        QTemporaryDir elsewhere;
        devkit::SandboxOptions o;
        o.folder = elsewhere.path();
        o.port = 0;
        o.workspaceToken = QStringLiteral("ws-real-token");
        o.rateLimit = 77;
        auto platform = devkit::SandboxPlatform::start(o);
        QVERIFY(platform.ok());
        qputenv("KIKET_BASE_URL", platform.value()->baseUrl().toUtf8());
        qputenv("KIKET_WORKSPACE_TOKEN", "ws-real-token");
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        qunsetenv("KIKET_BASE_URL");
        qunsetenv("KIKET_WORKSPACE_TOKEN");
        TelemetryPanel *panel = window.telemetry();
        QCOMPARE(panel->rateSourceBox()->count(), 2);
        QVERIFY(panel->rateSourceBox()->itemText(1).contains(platform.value()->baseUrl()));
        panel->rateSourceBox()->setCurrentIndex(1);
        QTRY_COMPARE_WITH_TIMEOUT(panel->gauge()->limit(), 77, 5000);
        QVERIFY(panel->gauge()->remaining() <= 77);
        QVERIFY(!panel->limitBox()->isEnabled()); // the platform's limit is not ours to change
        panel->rateSourceBox()->setCurrentIndex(0);
        panel->refresh();
        QCOMPARE(panel->gauge()->limit(), 600);
    }

    void gaugeAndTelemetryFollowTheTraffic()
    {
        Fixture f(5); // a short window: the throttled handler's retries end soon
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        window.show();
        TelemetryPanel *panel = window.telemetry();
        QAbstractItemModelTester tester(
            panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel->refresh();
        QCOMPARE(panel->gauge()->limit(), 600);
        QCOMPARE(panel->gauge()->remaining(), 600);

        // issue.created makes two API calls (events.log, secrets.set) that count against the limit.
        window.sendSample(QStringLiteral("issue.created"));
        QTRY_VERIFY_WITH_TIMEOUT(f.count(devkit::ExchangeKind::ApiCall) >= 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(
            panel->gauge()->remaining(), 600 - f.count(devkit::ExchangeKind::ApiCall), 5000);
        QVERIFY(panel->gauge()->text().contains("of 600 API calls left"));
        QTRY_VERIFY_WITH_TIMEOUT(panel->model()->rowCount() >= 1, 5000);
        bool inProcess = false;
        for (int row = 0; row < panel->model()->rowCount(); ++row) {
            const auto cell
                = [&](int column) { return panel->model()->index(row, column).data().toString(); };
            if (cell(TelemetryModel::Source) == "in-process SDK"
                && cell(TelemetryModel::Event) == "issue.created")
                inProcess = cell(TelemetryModel::Count) == "1";
        }
        QVERIFY(inProcess);
        QTRY_COMPARE_WITH_TIMEOUT(panel->chart()->pointCount(DurationChart::Ok), 1, 5000);

        // A throttling rehearsal: a limit already used up answers the next calls with 429.
        panel->limitBox()->setValue(1);
        panel->applyLimit();
        QCOMPARE(panel->gauge()->limit(), 1);
        QCOMPARE(panel->gauge()->remaining(), 0);
        window.sendSample(QStringLiteral("issue.created"));
        QTRY_VERIFY_WITH_TIMEOUT(f.count(devkit::ExchangeKind::ApiCall, 429) >= 1, 10000);
        // Its calls wait out the window and retry; then the delivery lands on the timeline.
        const auto points = [panel] {
            return panel->chart()->pointCount(DurationChart::Ok)
                + panel->chart()->pointCount(DurationChart::Failed);
        };
        QTRY_COMPARE_WITH_TIMEOUT(points(), 2, 30000);
        QCOMPARE(DurationChart::outcomeOf(401), DurationChart::Refused);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
