// The window on a real session (the example extension in-process), offscreen: deliveries sent from
// the window arrive in the list, the detail explains them, filter, replay, edit, diff, copy; the
// palette, drops and the layout kept in QSettings.
#include "commandpalette.h"
#include "composer.h"
#include "diffview.h"
#include "exchangedetail.h"
#include "mainwindow.h"
#include "messageview.h"
#include "secretspanel.h"
#include "windowfixture.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace kiket;
using namespace kiket::ui;
using kiket::ui::testing::Fixture;

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

private slots:
    void initTestCase() { testing::keepSettingsIn(m_config); }

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
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
