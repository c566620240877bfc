#pragma once

#include <kiket/devkit/sandbox/ratewindow.h>

#include <QString>

#include <memory>
#include <optional>

namespace kiket::devkit {

/// Reads a Kiket platform's rate limit (`GET /api/v1/ext/rate_limit` with a workspace token) again
/// and again on a thread of its own; the latest answer can be read from any thread, its reset
/// countdown running on between readings. The platform may count each reading against the limit,
/// so the interval should stay long (the window reads every 2 s and shows it at 4 Hz).
class RatePoller
{
public:
    RatePoller(const QString &baseUrl, const QString &workspaceToken, int intervalMs = 2000);
    /// Stops the thread (waits for a call in flight, at most its 2 s timeout).
    ~RatePoller();

    QString baseUrl() const;
    /// The latest answer with its countdown brought up to date; none before the first arrives.
    std::optional<RateDecision> latest() const;
    /// Why the latest call failed, empty after a success.
    QString problem() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kiket::devkit
