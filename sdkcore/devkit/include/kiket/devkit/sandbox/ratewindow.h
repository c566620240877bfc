#pragma once

#include <QMutex>
#include <QtGlobal>

namespace kiket::devkit {

/// The outcome of counting one call against the window.
struct RateDecision
{
    bool allowed = true;
    int limit = 0;
    int remaining = 0;
    int resetIn = 0; ///< Seconds until the window starts again.
    int retryAfter = 0; ///< Seconds to wait; set when not allowed.
};

/// A fixed window of `limit` calls per `windowSeconds`, like the platform's per-extension limit.
/// Thread-safe; the limit can be lowered at any time for a throttling rehearsal.
class RateWindow
{
public:
    explicit RateWindow(int limit = 600, int windowSeconds = 60);
    /// Counts a call made at `nowMs` (milliseconds) and says whether it may go ahead.
    RateDecision take(qint64 nowMs);
    /// The current state without counting a call.
    RateDecision peek(qint64 nowMs) const;
    void setLimit(int limit);
    int limit() const;
    /// Starts a fresh window now, with nothing used.
    void reset();
    int windowSeconds() const { return m_windowSeconds; }

private:
    RateDecision state(qint64 nowMs, bool allowed) const;
    void roll(qint64 nowMs);

    mutable QMutex m_mutex;
    int m_limit;
    int m_windowSeconds;
    qint64 m_windowStartMs = -1;
    int m_used = 0;
};

} // namespace kiket::devkit
