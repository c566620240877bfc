#include "kiket/devkit/delivery/sender.h"

#include <kiket/devkit/delivery/delivery.h>

#include <QElapsedTimer>
#include <QThread>

namespace kiket::devkit {

QList<int> platformRetrySchedule()
{
    return SendPolicy().scheduleSeconds;
}

bool shouldRetry(const SendAttempt &attempt)
{
    const int status = attempt.response.status;
    return attempt.timedOut || status == 0 || status == 429 || status >= 500;
}

QString validatePolicy(const SendPolicy &policy)
{
    if (policy.callbackTimeoutMs < 100 || policy.callbackTimeoutMs > 60000)
        return QStringLiteral("the callback timeout must be 100–60000 ms, not %1")
            .arg(policy.callbackTimeoutMs);
    if (!(policy.timeScale > 0) || policy.timeScale > 1)
        return QStringLiteral("the time scale must be above 0 and at most 1, not %1")
            .arg(policy.timeScale);
    return {};
}

QList<SendAttempt> sendDelivery(const QString &target, const HttpRequest &request,
    const QByteArray &secret, const SendPolicy &policy,
    const std::function<bool(const SendAttempt &)> &onAttempt)
{
    QList<SendAttempt> attempts;
    HttpRequest next = request;
    for (int number = 1;; ++number) {
        SendAttempt attempt;
        attempt.number = number;
        QElapsedTimer clock;
        clock.start();
        attempt.response = sendHttp(target, next, policy.callbackTimeoutMs);
        attempt.elapsedMs = clock.elapsed();
        attempt.timedOut = attempt.response.status == 0
            && attempt.response.jsonObject()
                   .value(QStringLiteral("error"))
                   .toString()
                   .startsWith(QLatin1String("timed out"));
        const int retryIndex = number - 1;
        if (policy.retry && shouldRetry(attempt) && retryIndex < policy.scheduleSeconds.size())
            attempt.nextDelayMs
                = qint64(policy.scheduleSeconds[retryIndex] * 1000.0 * policy.timeScale);
        attempts.append(attempt);
        const bool goOn = !onAttempt || onAttempt(attempt);
        if (attempt.nextDelayMs < 0 || !goOn)
            return attempts;
        QThread::msleep(attempt.nextDelayMs);
        // Same delivery id, fresh signature: a retry hours later must not look stale.
        if (!secret.isEmpty())
            next = signedAgain(next, secret);
    }
}

} // namespace kiket::devkit
