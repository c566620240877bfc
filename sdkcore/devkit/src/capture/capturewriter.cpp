#include "kiket/devkit/capture/capturewriter.h"

#include <kiket/devkit/common/batchwork.h>

#include <QCoreApplication>
#include <QHash>
#include <QPointer>

#include <algorithm>

namespace kiket::devkit {

namespace {

// Runs work on the context's thread and waits for it (directly when already there).
template<class F> void runOn(QObject *context, F &&work)
{
    if (QThread::currentThread() == context->thread())
        work();
    else
        QMetaObject::invokeMethod(context, std::forward<F>(work), Qt::BlockingQueuedConnection);
}

} // namespace

Result<std::unique_ptr<CaptureWriter>> CaptureWriter::open(
    const QString &extensionFolder, int retention)
{
    std::unique_ptr<CaptureWriter> writer(new CaptureWriter);
    writer->m_thread.setObjectName(QStringLiteral("kiket-capture"));
    startAsBatchWork(writer->m_thread);
    writer->m_context = new QObject;
    writer->m_context->moveToThread(&writer->m_thread);
    Error failure;
    CaptureWriter *w = writer.get();
    runOn(w->m_context, [&] {
        auto store = CaptureStore::open(extensionFolder, retention);
        if (!store) {
            failure = store.error();
            return;
        }
        w->m_store = std::move(store).value();
        w->m_warning = w->m_store->warning();
    });
    if (!w->m_store)
        return failure; // the destructor stops the thread
    return writer;
}

CaptureWriter::~CaptureWriter()
{
    QObject *context = m_context;
    runOn(context, [this, context] {
        flush();
        m_store.reset();
        delete context;
    });
    m_thread.quit();
    m_thread.wait();
}

Result<qint64> CaptureWriter::append(const Exchange &exchange)
{
    // On the caller's thread: one transaction for the row and, for a delivery, the adoption of
    // its API calls.
    const auto ids = m_store->appendAll({ exchange });
    return ids ? Result<qint64>(ids.value().first()) : Result<qint64>(ids.error());
}

void CaptureWriter::appendQueued(
    const Exchange &exchange, QObject *receiver, std::function<void(qint64)> done)
{
    enqueue(exchange, receiver, std::move(done), false);
}

void CaptureWriter::announce()
{
    QMutexLocker lock(&m_queueMutex);
    ++m_onTheirWay;
}

void CaptureWriter::appendAnnounced(
    const Exchange &exchange, QObject *receiver, std::function<void(qint64)> done)
{
    enqueue(exchange, receiver, std::move(done), true);
}

void CaptureWriter::withdraw(int count)
{
    QMutexLocker lock(&m_queueMutex);
    m_onTheirWay -= count;
    if (m_onTheirWay <= 0 && m_waiting)
        m_joined.wakeOne();
}

void CaptureWriter::setGroupCommit(const GroupCommit &group)
{
    QMutexLocker lock(&m_queueMutex);
    m_group = group;
}

void CaptureWriter::enqueue(
    const Exchange &exchange, QObject *receiver, std::function<void(qint64)> done, bool announced)
{
    QMutexLocker lock(&m_queueMutex);
    m_queue.append({ exchange, receiver, std::move(done) });
    if (announced && --m_onTheirWay == 0 && m_waiting)
        m_joined.wakeOne(); // the last one the commit waited for
    if (m_queue.size() == 1) // the first since the last flush wakes the writer; the rest ride along
        QMetaObject::invokeMethod(
            m_context, [this] { flush(); }, Qt::QueuedConnection);
}

void CaptureWriter::flush()
{
    QList<Queued> batch;
    {
        QMutexLocker lock(&m_queueMutex);
        if (!m_queue.isEmpty() && m_onTheirWay >= m_group.siblings) {
            const QDeadlineTimer deadline(
                std::min(m_group.longest, m_group.perSibling * m_onTheirWay), Qt::PreciseTimer);
            m_waiting = true;
            while (m_onTheirWay > 0 && m_joined.wait(&m_queueMutex, deadline)) { }
            m_waiting = false;
        }
        batch.swap(m_queue);
        m_queue.swap(m_spare);
    }
    if (batch.isEmpty())
        return;
    QList<Exchange> exchanges;
    exchanges.reserve(batch.size());
    for (const Queued &q : batch)
        exchanges << q.exchange;
    const auto ids = m_store->appendAll(exchanges);
    ++m_commits;
    // One event per receiver, its callbacks in the order they were queued.
    QHash<QObject *, QList<std::pair<std::function<void(qint64)>, qint64>>> byReceiver;
    for (qsizetype i = 0; i < batch.size(); ++i)
        byReceiver[batch[i].receiver].append(
            { std::move(batch[i].done), ids ? ids.value().value(i) : 0 });
    for (auto it = byReceiver.begin(); it != byReceiver.end(); ++it)
        QMetaObject::invokeMethod(
            it.key(),
            [calls = std::move(it.value())] {
                for (const auto &[done, id] : calls)
                    done(id);
            },
            Qt::QueuedConnection);
    batch.clear(); // keeps its room for a later batch
    QMutexLocker lock(&m_queueMutex);
    m_spare.swap(batch);
}

void CaptureWriter::findLater(
    qint64 id, QObject *receiver, std::function<void(const Detail &)> done)
{
    QPointer<QObject> guard(receiver);
    QMetaObject::invokeMethod(
        m_context,
        [this, id, guard, done = std::move(done)] {
            Detail detail;
            detail.exchange = m_store->find(id);
            if (detail.exchange) {
                detail.children = m_store->children(id);
                detail.logLines
                    = m_store->logsBetween(detail.exchange->started, detail.exchange->finished);
            }
            // Checked on the application's thread, where the receiver lives and may go away.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [guard, done, detail] {
                    if (guard)
                        done(detail);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void CaptureWriter::flushQueued()
{
    // Posted after the appends already queued, so they are in m_queue by the time it runs.
    runOn(m_context, [this] { flush(); });
}

QList<Exchange> CaptureWriter::load(int limit)
{
    QList<Exchange> out;
    runOn(m_context, [&] { out = m_store->load(limit); });
    return out;
}

QList<ExchangeSummary> CaptureWriter::loadSummaries(int limit)
{
    QList<ExchangeSummary> out;
    runOn(m_context, [&] { out = m_store->loadSummaries(limit); });
    return out;
}

std::optional<Exchange> CaptureWriter::find(qint64 id)
{
    std::optional<Exchange> out;
    runOn(m_context, [&] { out = m_store->find(id); });
    return out;
}

int CaptureWriter::adoptChildren(qint64 parentId, const QString &tokenId)
{
    return m_store->adoptChildren(parentId, tokenId); // on the caller's thread
}

QString CaptureWriter::warning() const
{
    return m_warning;
}

} // namespace kiket::devkit
