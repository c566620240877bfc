#pragma once

#include <kiket/http.h>

#include <QList>

#include <functional>

namespace kiket::devkit {

/// How the platform delivers (PROTOCOL §6): a callback timeout per attempt and, after a 5xx, a 429,
/// a timeout or no connection, retries after 30 s, 1 min, 5 min, 30 min, 2 h and 8 h.
struct SendPolicy
{
    int callbackTimeoutMs = 5000; ///< 100–60,000 ms, as the platform allows.
    bool retry = false; ///< Follow the retry schedule after a failed attempt.
    double timeScale = 1.0; ///< Multiplies every wait: 0.001 turns 8 h into 28.8 s.
    QList<int> scheduleSeconds { 30, 60, 300, 1800, 7200, 28800 };
};

/// The platform's default schedule, in seconds between attempts.
QList<int> platformRetrySchedule();

/// The outcome of one attempt.
struct SendAttempt
{
    int number = 1; ///< 1 for the first send.
    HttpResponse response; ///< Status 0 when there was no answer.
    bool timedOut = false; ///< No answer within the callback timeout.
    qint64 elapsedMs = 0;
    qint64 nextDelayMs = -1; ///< The wait before the next attempt; -1 when this was the last.
};

/// Whether the platform would try again after this answer: 5xx, 429, a timeout or no connection.
bool shouldRetry(const SendAttempt &attempt);

/// An error message for a policy the platform would not accept, or an empty string.
QString validatePolicy(const SendPolicy &policy);

/// Sends a delivery to `<target><request.target>` as the platform does. Every retry keeps the
/// X-Kiket-Delivery id (so the extension can de-duplicate) and is signed again with a fresh
/// timestamp when a secret is given. onAttempt hears each attempt as it ends and may return false
/// to stop there. Blocking: waits between attempts on the calling thread.
QList<SendAttempt> sendDelivery(const QString &target, const HttpRequest &request,
    const QByteArray &secret, const SendPolicy &policy,
    const std::function<bool(const SendAttempt &)> &onAttempt = {});

} // namespace kiket::devkit
