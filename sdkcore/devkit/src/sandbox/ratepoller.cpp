#include "kiket/devkit/sandbox/ratepoller.h"

#include <kiket/client.h>
#include <kiket/endpoints.h>

#include <QElapsedTimer>
#include <QMutex>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace kiket::devkit {

struct RatePoller::Private
{
    QString baseUrl;
    QString token;
    int intervalMs = 250;
    mutable QMutex mutex;
    std::optional<RateDecision> latest;
    QElapsedTimer readAt; // when latest arrived: its countdown goes on between readings
    QString problem;
    std::mutex wakeMutex;
    std::condition_variable wake;
    bool stopping = false;
    std::thread thread;

    void poll()
    {
        ClientOptions options;
        options.baseUrl = baseUrl;
        options.workspaceToken = token;
        options.timeoutMs = 2000;
        options.maxRetries = 0; // the next poll is the retry
        const Client client(options);
        const Endpoints endpoints(client, QString(), QString());
        for (;;) {
            try {
                const RateLimit r = endpoints.rateLimit();
                QMutexLocker lock(&mutex);
                latest = RateDecision { true, r.limit, r.remaining, r.resetIn, 0 };
                readAt.start();
                problem.clear();
            } catch (const std::exception &e) {
                QMutexLocker lock(&mutex);
                problem = QString::fromUtf8(e.what());
            }
            std::unique_lock lock(wakeMutex);
            if (wake.wait_for(
                    lock, std::chrono::milliseconds(intervalMs), [this] { return stopping; }))
                return;
        }
    }
};

RatePoller::RatePoller(const QString &baseUrl, const QString &workspaceToken, int intervalMs)
    : d(std::make_unique<Private>())
{
    d->baseUrl = baseUrl;
    d->token = workspaceToken;
    d->intervalMs = intervalMs;
    d->thread = std::thread([p = d.get()] { p->poll(); });
}

RatePoller::~RatePoller()
{
    {
        std::lock_guard lock(d->wakeMutex);
        d->stopping = true;
    }
    d->wake.notify_all();
    d->thread.join();
}

QString RatePoller::baseUrl() const
{
    return d->baseUrl;
}

std::optional<RateDecision> RatePoller::latest() const
{
    QMutexLocker lock(&d->mutex);
    std::optional<RateDecision> r = d->latest;
    if (r)
        r->resetIn = qMax(0, r->resetIn - int(d->readAt.elapsed() / 1000));
    return r;
}

QString RatePoller::problem() const
{
    QMutexLocker lock(&d->mutex);
    return d->problem;
}

} // namespace kiket::devkit
