// The capture writer's group commit: deliveries a server has announced share one commit while they
// are on their way, and a commit never waits for what will not come.
#include <kiket/devkit/capture/capturewriter.h>

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;
using namespace std::chrono_literals;

namespace {

Exchange delivery(int n)
{
    Exchange e;
    e.kind = ExchangeKind::Delivery;
    e.started = e.finished = QDateTime::currentDateTimeUtc();
    e.method = "POST";
    e.target = "/v/1/webhooks/issue.created";
    e.requestBody = "{\"n\":" + QByteArray::number(n) + "}";
    e.status = 200;
    return e;
}

} // namespace

class TestCaptureWriter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<CaptureWriter> m_writer;
    QList<qint64> m_ids;

    void append(int n, bool announced)
    {
        const auto done = [this](qint64 id) { m_ids << id; };
        if (announced)
            m_writer->appendAnnounced(delivery(n), this, done);
        else
            m_writer->appendQueued(delivery(n), this, done);
    }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_writer = std::move(CaptureWriter::open(m_dir.path())).value();
        m_ids.clear();
    }

    void cleanup()
    {
        m_writer.reset();
        QCoreApplication::sendPostedEvents(this); // a failed case's answers stay with it
    }

    void deliveriesOnTheirWayShareOneCommit()
    {
        m_writer->setGroupCommit({ 2, 10s, 10s });
        for (int i = 0; i < 3; ++i)
            m_writer->announce();
        append(1, true);
        // The writer has long taken the first; two more are on their way, so it waits for them.
        QThread::msleep(100);
        QCOMPARE(m_writer->commits(), 0);
        append(2, true);
        append(3, true); // the last one it waited for: it commits now, not in 10 s
        QTRY_COMPARE(m_ids.size(), 3);
        QCOMPARE(m_writer->commits(), 1);
        QVERIFY(m_ids[0] > 0 && m_ids[1] == m_ids[0] + 1 && m_ids[2] == m_ids[1] + 1);
        QCOMPARE(m_writer->load().size(), 3);
    }

    void fewerOnTheirWayThanSiblingsCommitAtOnce()
    {
        m_writer->setGroupCommit({ 3, 10s, 10s });
        m_writer->announce();
        m_writer->announce();
        append(1, true);
        QTRY_COMPARE(m_ids.size(), 1); // within QTRY's 5 s: no 10 s wait
        QCOMPARE(m_writer->commits(), 1);
    }

    void aDeliveryThatNeverComesHoldsACommitOnlyUntilTheWaitEnds()
    {
        m_writer->setGroupCommit({ 1, 300ms, 300ms });
        m_writer->announce();
        m_writer->announce();
        append(1, true);
        QTRY_COMPARE(m_ids.size(), 1);
        QVERIFY(m_ids[0] > 0);
    }

    void theWaitIsSetByThoseOnTheirWayUpToTheLongest()
    {
        // 100 ms for each of the two still on their way: the commit comes well before QTRY's 5 s.
        m_writer->setGroupCommit({ 1, 100ms, 60s });
        for (int i = 0; i < 3; ++i)
            m_writer->announce();
        append(1, true);
        QTRY_COMPARE(m_ids.size(), 1);
        m_writer->withdraw(2);
        // A minute for each, but never longer than 200 ms.
        m_writer->setGroupCommit({ 1, 60s, 200ms });
        m_writer->announce();
        m_writer->announce();
        append(2, true);
        QTRY_COMPARE(m_ids.size(), 2);
    }

    void withdrawnDeliveriesAreNotWaitedFor()
    {
        m_writer->setGroupCommit({ 1, 10s, 10s });
        for (int i = 0; i < 5; ++i)
            m_writer->announce();
        m_writer->withdraw(5); // their server stopped
        append(1, false);
        QTRY_COMPARE(m_ids.size(), 1);
    }

    void aWithdrawalEndsAWaitUnderWay()
    {
        m_writer->setGroupCommit({ 1, 10s, 10s });
        m_writer->announce();
        m_writer->announce();
        append(1, true);
        QThread::msleep(100);
        QCOMPARE(m_writer->commits(), 0); // waiting for the other one
        m_writer->withdraw(1);
        QTRY_COMPARE(m_ids.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestCaptureWriter)
#include "tst_capturewriter.moc"
