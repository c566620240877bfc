// Delivery suites in the window, offscreen on a real session (the example in-process): a captured
// delivery added to a suite, the Suites dock running it against a fresh sandbox, a failing case
// with its diff; the model checked by QAbstractItemModelTester throughout.
#include "diffview.h"
#include "mainwindow.h"
#include "newextensiondialog.h"
#include "suitesmodel.h"
#include "suitespanel.h"
#include "windowfixture.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

using namespace kiket;
using namespace kiket::ui;
using kiket::ui::testing::Fixture;

namespace {

devkit::SuiteCase caseIn(const QString &file)
{
    devkit::SuiteCase c;
    c.file = file;
    c.name = QFileInfo(file).baseName();
    c.event = QStringLiteral("issue.created");
    return c;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestSuitesPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

private slots:
    void initTestCase() { testing::keepSettingsIn(m_config); }

    void modelKeepsResultsAcrossReloads()
    {
        SuitesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        devkit::Suite a { QStringLiteral("a"), QStringLiteral("/s/a"),
            { caseIn("/s/a/1.yaml"), caseIn("/s/a/2.yaml") } };
        devkit::Suite b { QStringLiteral("b"), QStringLiteral("/s/b"), { caseIn("/s/b/1.yaml") } };
        model.setSuites({ a, b });
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowCount(model.index(0, 0)), 2);
        QCOMPARE(model.casesUnder(model.index(0, 0)).size(), 2);
        QCOMPARE(model.casesUnder(model.index(1, 0, model.index(0, 0))).value(0).second.file,
            QStringLiteral("/s/a/2.yaml"));

        model.setRunning({ "/s/a/1.yaml", "/s/b/1.yaml" });
        QCOMPARE(model.stateOf("/s/a/1.yaml"), SuitesModel::State::Running);
        devkit::CaseResult passed;
        passed.testCase = caseIn("/s/a/1.yaml");
        passed.outcome.response.status = 200;
        QVERIFY(model.setResult(passed));
        devkit::CaseResult failed = passed;
        failed.testCase = caseIn("/s/b/1.yaml");
        failed.failures.append({ "status", "expected 201, got 200", 201, 200, 3, 3 });
        QVERIFY(model.setResult(failed));
        QVERIFY(!model.setResult(devkit::CaseResult { {}, caseIn("/elsewhere.yaml"), {}, {}, {}, {} }));
        QCOMPARE(model.passedCount(), 1);
        QCOMPARE(model.failedCount(), 1);
        const QModelIndex failedRow = model.indexOfFile("/s/b/1.yaml");
        QCOMPARE(failedRow.siblingAtColumn(SuitesModel::Result).data().toString(), QStringLiteral("FAIL"));
        QVERIFY(failedRow.data(Qt::ToolTipRole).toString().contains("expected 201, got 200"));
        QCOMPARE(model.index(0, SuitesModel::Result).data().toString(), QStringLiteral("1/2 pass"));

        // Reading the folder again keeps the results of the files still there.
        model.setSuites({ b });
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.stateOf("/s/b/1.yaml"), SuitesModel::State::Failed);
        QCOMPARE(model.stateOf("/s/a/1.yaml"), SuitesModel::State::NotRun);
        model.setRunning({ "/s/b/1.yaml" });
        model.clearRunning();
        QCOMPARE(model.stateOf("/s/b/1.yaml"), SuitesModel::State::NotRun);
        QVERIFY(!model.resultAt(model.indexOfFile("/s/b/1.yaml")));
    }

    void captureToSuiteRunFailDiff()
    {
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        SuitesPanel *panel = window.suites();
        QVERIFY(panel);
        QAbstractItemModelTester tester(
            panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(panel->model()->rowCount(), 0);
        QVERIFY(panel->message()->text().contains("Add to suite"));
        QVERIFY(!window.addSelectedToSuite("recorded")); // nothing selected

        const QJsonObject secrets { { "API_KEY", "sk-payload-5555" } };
        QCOMPARE(f.sendSignedWith("window-secret", secrets), 200);
        QTRY_VERIFY_WITH_TIMEOUT(f.count(devkit::ExchangeKind::ApiCall) >= 2, 10000);
        int deliveryRow = -1;
        for (int row = 0; row < f.traffic.rowCount(); ++row)
            if (f.traffic.summaryAt(row).kind == devkit::ExchangeKind::Delivery)
                deliveryRow = row;
        QTableView *view = window.trafficView();
        auto *proxy = qobject_cast<QSortFilterProxyModel *>(view->model());
        view->setCurrentIndex(proxy->mapFromSource(f.traffic.index(deliveryRow, 0)));

        QSignalSpy added(&window, &MainWindow::casesAdded);
        QVERIFY(window.addSelectedToSuite("recorded"));
        QTRY_COMPARE_WITH_TIMEOUT(added.size(), 1, 5000);
        const QString path = added[0][0].toStringList().value(0);
        QVERIFY2(path.startsWith(f.folder.filePath(".kiket/suites/recorded/")), qPrintable(path));
        const QByteArray text = readAll(path);
        QVERIFY2(text.contains("secrets: [API_KEY]"), text);
        QVERIFY2(text.contains("endpoint: events.log"), text);
        for (const char *secret : { "sk-payload-5555", "window-secret" })
            QVERIFY2(!text.contains(secret), text);
        QCOMPARE(panel->model()->rowCount(), 1);
        QCOMPARE(panel->model()->rowCount(panel->model()->index(0, 0)), 1);
        panel->selectCase(path); // not run yet: the case itself
        QVERIFY(panel->detail()->toPlainText().contains("event: issue.created"));

        // Run it: a fresh sandbox, the same answer.
        QSignalSpy finished(panel, &SuitesPanel::runFinished);
        QVERIFY(panel->runAll());
        QVERIFY(!panel->runAll()); // one run at a time
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QVERIFY2(finished[0][2].toString().isEmpty(), qPrintable(finished[0][2].toString()));
        QCOMPARE(finished[0][0].toInt(), 1);
        QCOMPARE(finished[0][1].toInt(), 0);
        QCOMPARE(panel->model()->stateOf(path), SuitesModel::State::Passed);
        QVERIFY(!panel->showDiff());

        // Expect something else: the case fails, says where, and diffs.
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QByteArray(text).replace("status: 200", "status: 201"));
        file.close();
        panel->reload();
        panel->selectCase(path);
        QVERIFY(panel->runSelected());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
        QCOMPARE(finished[1][1].toInt(), 1);
        QCOMPARE(panel->model()->stateOf(path), SuitesModel::State::Failed);
        QVERIFY2(panel->detail()->toPlainText().contains("status: expected 201, got 200"),
            qPrintable(panel->detail()->toPlainText()));
        DiffView *diff = panel->showDiff();
        QVERIFY(diff);
        QCOMPARE(diff->changeCount(), 1);
        QCOMPARE(diff->currentChange(), QStringLiteral("status"));
        QVERIFY(diff->leftPane()->toPlainText().contains("201"));
        QVERIFY(diff->rightPane()->toPlainText().contains("200"));
    }

    void newExtensionFromTheWindow()
    {
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        QSignalSpy open(&window, &MainWindow::openFolderRequested);
        QTemporaryDir parent;
        const QString folder = parent.filePath("made-here");
        NewExtensionDialog *dialog = window.newExtensionDialog();
        dialog->folderEdit()->setText(folder);
        dialog->languageBox()->setCurrentIndex(dialog->languageBox()->findData("python"));
        dialog->idEdit()->setText("Not An Id");
        const auto sla = dialog->eventList()->findItems("workflow.sla_status", Qt::MatchExactly);
        QCOMPARE(sla.size(), 1);
        sla.first()->setCheckState(Qt::Checked);
        dialog->accept(); // a wrong id: said in the dialog, nothing written
        QVERIFY2(dialog->problem()->text().contains("does not match"),
            qPrintable(dialog->problem()->text()));
        QCOMPARE(dialog->result(), int(QDialog::Rejected)); // not accepted
        QVERIFY(!QFileInfo::exists(folder));
        QCOMPARE(open.size(), 0);

        dialog->idEdit()->setText("com.acme.made");
        dialog->accept();
        QCOMPARE(open.size(), 1);
        QCOMPARE(open[0][0].toString(), folder);
        QVERIFY(QFileInfo::exists(folder + "/.kiket/suites/starter/workflow.sla_status.yaml"));
        QVERIFY(QFileInfo::exists(folder + "/.kiket/suites/starter/issue.created.yaml"));
        QVERIFY(readAll(folder + "/extension.yaml").contains("id: com.acme.made"));
    }
};

QTEST_MAIN(TestSuitesPanel)
#include "tst_suitespanel.moc"
