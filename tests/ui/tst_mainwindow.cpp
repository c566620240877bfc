// The window on a real session (the example extension in-process), offscreen: deliveries sent from
// the window arrive in the list, the detail explains the verdict, the filter bar validates.
#include "composer.h"
#include "exchangedetail.h"
#include "mainwindow.h"
#include "trafficmodel.h"

#include <kiket/devkit/session.h>

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace kiket;
using namespace kiket::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void sendFilterAndExplain()
    {
        QTemporaryDir folder;
        QVERIFY(QFile::copy(QStringLiteral(EXAMPLE_MANIFEST), folder.filePath("extension.yaml")));
        qputenv("KIKET_WEBHOOK_SECRET", "window-secret");
        TrafficModel traffic;
        devkit::SessionOverrides o;
        o.plugin = QStringLiteral(HELLO_PLUGIN);
        o.listenerPort = 0;
        o.sandboxPort = 0;
        auto session
            = devkit::Session::open(folder.path(), o, [&traffic](const devkit::Exchange &e) {
                  if (e.kind != devkit::ExchangeKind::Log)
                      traffic.add(devkit::summaryOf(e));
              });
        QVERIFY2(session.ok(), qPrintable(session.ok() ? QString() : session.error().toString()));
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
