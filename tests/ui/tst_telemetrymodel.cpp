// The telemetry table: rows per (source, event, version) inserted, updated in place and removed,
// under QAbstractItemModelTester.
#include "telemetrymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace kiket;
using namespace kiket::ui;

namespace {

TelemetryStats stats(const char *event, const char *version, qint64 count, qint64 errors = 0)
{
    TelemetryStats s;
    s.event = QString::fromLatin1(event);
    s.version = QString::fromLatin1(version);
    s.count = count;
    s.errors = errors;
    s.p50 = 1.5;
    s.p95 = 4.25;
    s.p99 = 9.0;
    return s;
}

} // namespace

class TestTelemetryModel : public QObject
{
    Q_OBJECT

private slots:
    void insertsUpdatesAndRemoves()
    {
        TelemetryModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

        model.update(
            "sdk", { stats("issue.created", "v1", 3, 1), stats("issue.created", "v2", 1) });
        model.update("sandbox", { stats("issue.created", "v1", 5) });
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.count(), 3);
        QCOMPARE(
            model.index(0, TelemetryModel::ErrorRate).data().toString(), QStringLiteral("33.3 %"));
        QCOMPARE(model.index(0, TelemetryModel::P95).data().toString(), QStringLiteral("4.25 ms"));
        QCOMPARE(
            model.index(2, TelemetryModel::Source).data().toString(), QStringLiteral("sandbox"));

        // The same figures change nothing; new ones change that row only.
        model.update(
            "sdk", { stats("issue.created", "v1", 3, 1), stats("issue.created", "v2", 1) });
        QCOMPARE(changed.count(), 0);
        model.update(
            "sdk", { stats("issue.created", "v1", 4, 1), stats("issue.created", "v2", 1) });
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 0);
        QCOMPARE(model.index(0, TelemetryModel::Count).data().toLongLong(), 4);
        QCOMPARE(inserted.count(), 3);

        // A series a source no longer reports goes; the other source keeps its rows.
        model.update("sdk", { stats("issue.created", "v2", 1) });
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        model.update("sdk", {});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(
            model.index(0, TelemetryModel::Source).data().toString(), QStringLiteral("sandbox"));
        QCOMPARE(model.headerData(TelemetryModel::P99, Qt::Horizontal, Qt::DisplayRole).toString(),
            QStringLiteral("p99"));
    }
};

QTEST_MAIN(TestTelemetryModel)
#include "tst_telemetrymodel.moc"
