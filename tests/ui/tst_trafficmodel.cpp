// The traffic model and its filter proxy, checked by QAbstractItemModelTester: batched inserts
// from other threads, the row limit, reset and clear, filtering and sorting.
#include "trafficfilter.h"
#include "trafficmodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QTest>

#include <thread>

using namespace kiket::ui;
using kiket::devkit::ExchangeKind;
using kiket::devkit::ExchangeSummary;

namespace {

ExchangeSummary row(
    qint64 id, int status = 200, const QString &event = QStringLiteral("issue.created"))
{
    ExchangeSummary s;
    s.id = id;
    s.kind = ExchangeKind::Delivery;
    s.started = QDateTime::fromMSecsSinceEpoch(1'800'000'000'000 + id, Qt::UTC);
    s.event = event;
    s.version = QStringLiteral("v1");
    s.status = status;
    s.authCause = QStringLiteral("ok");
    s.durationMs = id % 7;
    s.method = "POST";
    s.target = "/v/1/webhooks/" + event.toLatin1();
    return s;
}

} // namespace

class TestTrafficModel : public QObject
{
    Q_OBJECT

private slots:
    void markedRowsShowAStarAndSurviveClear()
    {
        TrafficModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({ row(1), row(2), row(3) });
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setMarked(2, true);
        model.setMarked(2, true); // already marked: no signal
        model.setMarked(99, true); // no such row
        QCOMPARE(changed.count(), 1);
        QVERIFY(model.isMarked(2));
        QVERIFY(model.index(1, TrafficModel::Time).data().toString().startsWith(u'★'));
        QVERIFY(!model.index(0, TrafficModel::Time).data().toString().startsWith(u'★'));
        // The verdict's light beside the cause: green for ok.
        QCOMPARE(model.index(0, TrafficModel::Auth).data(Qt::DecorationRole).value<QColor>(),
            QColor(40, 170, 90));
        model.clear();
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.summaryAt(0).id, qint64(2));
        model.setMarked(2, false);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void batchesInsertsFromOtherThreads()
    {
        TrafficModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&model, t] {
                for (int i = 0; i < 250; ++i)
                    model.add(row(t * 1000 + i));
            });
        for (auto &t : threads)
            t.join();
        QTRY_COMPARE(model.rowCount(), 1000);
        QVERIFY2(inserted.size() <= 3, qPrintable(QString::number(inserted.size()))); // batches
        QCOMPARE(model.columnCount(), int(TrafficModel::ColumnCount));
        QCOMPARE(model.headerData(TrafficModel::Auth, Qt::Horizontal, Qt::DisplayRole).toString(),
            QStringLiteral("Auth"));
        const QModelIndex status = model.index(0, TrafficModel::Status);
        QCOMPARE(status.data().toString(), QStringLiteral("200"));
        QCOMPARE(status.data(TrafficModel::SortRole).toInt(), 200);
        QCOMPARE(model.rowOf(model.summaryAt(5).id), 5);
        QCOMPARE(model.rowOf(-1), -1);
    }

    void keepsTheNewestRowsWithinTheLimit()
    {
        TrafficModel model(nullptr, 10);
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({ row(1), row(2), row(3) });
        QCOMPARE(model.rowCount(), 3);
        for (int i = 4; i <= 30; ++i)
            model.add(row(i));
        model.flush();
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.summaryAt(0).id, 21);
        QCOMPARE(model.summaryAt(9).id, 30);
        for (int i = 31; i <= 35; ++i)
            model.add(row(i));
        model.flush();
        QCOMPARE(model.summaryAt(0).id, 26);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void filterAndSort()
    {
        TrafficModel model;
        TrafficFilter filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(
            &filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({ row(1, 200), row(2, 401, QStringLiteral("issue.updated")), row(3, 500),
            row(4, 404, QStringLiteral("workflow.sla_status")) });
        QVERIFY(filter.setExpression(QStringLiteral("status:>=400 event:issue.*")).ok());
        QCOMPARE(filter.rowCount(), 2);
        // A bad expression keeps the filter in force and says what is wrong.
        const auto bad = filter.setExpression(QStringLiteral("stat:1"));
        QVERIFY(!bad.ok());
        QCOMPARE(filter.rowCount(), 2);
        QVERIFY(filter.setExpression({}).ok());
        QCOMPARE(filter.rowCount(), 4);
        filter.sort(TrafficModel::Status, Qt::DescendingOrder);
        QCOMPARE(filter.index(0, TrafficModel::Status).data().toInt(), 500);
        QCOMPARE(filter.index(3, TrafficModel::Status).data().toInt(), 200);
        // New rows arrive through the proxy too.
        QVERIFY(filter.setExpression(QStringLiteral("status:5xx")).ok());
        model.add(row(5, 503));
        model.flush();
        QCOMPARE(filter.rowCount(), 2);
    }
};

QTEST_GUILESS_MAIN(TestTrafficModel)
#include "tst_trafficmodel.moc"
