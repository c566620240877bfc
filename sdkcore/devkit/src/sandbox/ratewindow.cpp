#include "kiket/devkit/sandbox/ratewindow.h"

namespace kiket::devkit {

RateWindow::RateWindow(int limit, int windowSeconds)
    : m_limit(limit)
    , m_windowSeconds(qMax(1, windowSeconds))
{ }

void RateWindow::roll(qint64 nowMs)
{
    if (m_windowStartMs < 0 || nowMs - m_windowStartMs >= qint64(m_windowSeconds) * 1000) {
        m_windowStartMs = nowMs;
        m_used = 0;
    }
}

RateDecision RateWindow::state(qint64 nowMs, bool allowed) const
{
    RateDecision d;
    d.allowed = allowed;
    d.limit = m_limit;
    d.remaining = qMax(0, m_limit - m_used);
    const qint64 endMs
        = (m_windowStartMs < 0 ? nowMs : m_windowStartMs) + qint64(m_windowSeconds) * 1000;
    d.resetIn = int(qMax<qint64>(0, (endMs - nowMs + 999) / 1000));
    d.retryAfter = allowed ? 0 : qMax(1, d.resetIn);
    return d;
}

RateDecision RateWindow::take(qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    roll(nowMs);
    if (m_used >= m_limit)
        return state(nowMs, false);
    ++m_used;
    return state(nowMs, true);
}

RateDecision RateWindow::peek(qint64 nowMs) const
{
    QMutexLocker lock(&m_mutex);
    const bool expired
        = m_windowStartMs < 0 || nowMs - m_windowStartMs >= qint64(m_windowSeconds) * 1000;
    if (expired) {
        RateDecision d;
        d.limit = m_limit;
        d.remaining = m_limit;
        d.resetIn = m_windowSeconds;
        return d;
    }
    return state(nowMs, m_used < m_limit);
}

void RateWindow::setLimit(int limit)
{
    QMutexLocker lock(&m_mutex);
    m_limit = qMax(0, limit);
}

void RateWindow::reset()
{
    QMutexLocker lock(&m_mutex);
    m_windowStartMs = -1;
    m_used = 0;
}

int RateWindow::limit() const
{
    QMutexLocker lock(&m_mutex);
    return m_limit;
}

} // namespace kiket::devkit
