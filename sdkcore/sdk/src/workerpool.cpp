#include "workerpool.h"

#include <QDateTime>

namespace kiket {

namespace {

constexpr qint64 kStallMs = 50; // queued work waiting this long gets another thread
constexpr qint64 kShrinkAfterMs = 5000; // an idle pool goes back to one thread step by step

thread_local QThreadPool *t_pool = nullptr;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

WorkerPool::WorkerPool(int maxThreads, QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
    , m_max(qMax(1, maxThreads))
{
    m_pool.setMaxThreadCount(1);
    m_timer->setInterval(int(kStallMs / 2));
    connect(m_timer, &QTimer::timeout, this, &WorkerPool::checkStall);
}

WorkerPool::~WorkerPool()
{
    m_pool.waitForDone();
}

void WorkerPool::start(std::function<void()> task)
{
    ++m_submitted;
    QThreadPool *pool = &m_pool;
    m_pool.start([this, pool, task = std::move(task)] {
        ++m_begun;
        m_lastBeginMs = nowMs();
        t_pool = pool;
        task();
        t_pool = nullptr;
    });
}

void WorkerPool::waitForDone()
{
    m_pool.waitForDone();
}

void WorkerPool::startWatching()
{
    m_lastBeginMs = nowMs();
    m_timer->start();
}

void WorkerPool::checkStall()
{
    const qint64 now = nowMs();
    const bool waiting = m_submitted.load() > m_begun.load();
    if (waiting && now - m_lastBeginMs.load() > kStallMs && m_pool.maxThreadCount() < m_max) {
        m_pool.setMaxThreadCount(m_pool.maxThreadCount() + 1);
        m_lastBeginMs = now;
    }
    if (waiting || m_pool.activeThreadCount() > 0) {
        m_idleSinceMs = now;
    } else if (now - m_idleSinceMs > kShrinkAfterMs && m_pool.maxThreadCount() > 1) {
        m_pool.setMaxThreadCount(m_pool.maxThreadCount() - 1);
        m_idleSinceMs = now;
    }
}

void WorkerPool::blockingBegin()
{
    if (t_pool)
        t_pool->releaseThread();
}

void WorkerPool::blockingEnd()
{
    if (t_pool)
        t_pool->reserveThread();
}

} // namespace kiket
