#include "kiket/telemetry.h"

#include "logging.h"
#include "synchttp.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QJsonDocument>
#include <QMutex>
#include <QQueue>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <exception>

namespace kiket {

QJsonObject TelemetryRecord::toJson() const
{
    return { { QStringLiteral("event"), event }, { QStringLiteral("version"), version },
        { QStringLiteral("status"), status }, { QStringLiteral("duration_ms"), durationMs },
        { QStringLiteral("error_message"),
            errorMessage.isEmpty() ? QJsonValue() : QJsonValue(errorMessage) },
        { QStringLiteral("error_class"),
            errorClass.isEmpty() ? QJsonValue() : QJsonValue(errorClass) },
        { QStringLiteral("extension_id"), extensionId },
        { QStringLiteral("extension_version"), extensionVersion },
        { QStringLiteral("timestamp"), timestamp.toUTC().toString(Qt::ISODateWithMs) },
        { QStringLiteral("metadata"), metadata } };
}

TelemetryRecord TelemetryRecord::fromJson(const QJsonObject &j)
{
    TelemetryRecord r;
    r.event = j.value(QStringLiteral("event")).toString();
    r.version = j.value(QStringLiteral("version")).toString();
    r.status = j.value(QStringLiteral("status")).toString();
    r.durationMs = j.value(QStringLiteral("duration_ms")).toDouble();
    r.errorMessage = j.value(QStringLiteral("error_message")).toString();
    r.errorClass = j.value(QStringLiteral("error_class")).toString();
    r.extensionId = j.value(QStringLiteral("extension_id")).toString();
    r.extensionVersion = j.value(QStringLiteral("extension_version")).toString();
    r.timestamp
        = QDateTime::fromString(j.value(QStringLiteral("timestamp")).toString(), Qt::ISODateWithMs);
    r.metadata = j.value(QStringLiteral("metadata")).toObject();
    return r;
}

struct TelemetryAggregator::Private
{
    struct Series
    {
        qint64 count = 0;
        qint64 errors = 0;
        QList<double> recent; // ring of the latest durations
        qsizetype next = 0;
    };
    static constexpr qsizetype window = 4096;
    mutable QMutex mutex;
    QHash<QPair<QString, QString>, Series> series;
};

TelemetryAggregator::TelemetryAggregator()
    : d(std::make_unique<Private>())
{ }

TelemetryAggregator::~TelemetryAggregator() = default;

void TelemetryAggregator::add(const TelemetryRecord &r)
{
    QMutexLocker lock(&d->mutex);
    Private::Series &s = d->series[{ r.event, r.version }];
    ++s.count;
    if (r.status != QLatin1String("ok"))
        ++s.errors;
    if (s.recent.size() < Private::window)
        s.recent.append(r.durationMs);
    else
        s.recent[s.next] = r.durationMs;
    s.next = (s.next + 1) % Private::window;
}

QList<TelemetryStats> TelemetryAggregator::stats() const
{
    QList<TelemetryStats> out;
    QMutexLocker lock(&d->mutex);
    for (auto it = d->series.constBegin(); it != d->series.constEnd(); ++it) {
        QList<double> sorted = it->recent;
        std::sort(sorted.begin(), sorted.end());
        auto pct = [&sorted](double p) {
            if (sorted.isEmpty())
                return 0.0;
            const qsizetype rank = qsizetype(std::ceil(p * double(sorted.size()))) - 1;
            return sorted.at(qBound<qsizetype>(0, rank, sorted.size() - 1));
        };
        out.append({ it.key().first, it.key().second, it->count, it->errors, pct(0.50), pct(0.95),
            pct(0.99) });
    }
    std::sort(out.begin(), out.end(), [](const TelemetryStats &a, const TelemetryStats &b) {
        return std::tie(a.event, a.version) < std::tie(b.event, b.version);
    });
    return out;
}

void TelemetryAggregator::clear()
{
    QMutexLocker lock(&d->mutex);
    d->series.clear();
}

constexpr int kSendTimeoutMs = 5000;

// Lives on the sender thread and POSTs the queued records one after another, each with a blocking
// call: over plain http that is one kept-alive socket and no network thread.
class TelemetrySender : public QObject
{
public:
    Telemetry::Private *owner = nullptr;
    bool busy = false;
    void pump();
};

struct Telemetry::Private
{
    QString url;
    bool enabled = true;
    Hook hook;
    int capacity = 1000;
    TelemetryAggregator aggregates;
    mutable QMutex mutex;
    QQueue<QByteArray> queue;
    std::atomic<int> inFlight { 0 };
    std::atomic<qint64> sent { 0 };
    std::atomic<qint64> dropped { 0 };
    std::atomic<qint64> failed { 0 };
    bool failing = false;
    QThread thread;
    TelemetrySender *sender = nullptr;
};

void TelemetrySender::pump()
{
    if (busy) // an https send waits in a local event loop, which may call here again
        return;
    busy = true;
    for (;;) {
        QByteArray body;
        {
            QMutexLocker lock(&owner->mutex);
            if (owner->queue.isEmpty())
                break;
            body = owner->queue.dequeue();
            ++owner->inFlight;
        }
        const SyncReply reply = syncRequest("POST", QUrl(owner->url),
            { { "Content-Type", "application/json" } }, body, kSendTimeoutMs);
        const bool ok = reply.status >= 200 && reply.status < 300;
        (ok ? owner->sent : owner->failed)++;
        if (ok != !owner->failing) {
            owner->failing = !ok;
            if (!ok)
                qCWarning(lcSdk).noquote()
                    << "telemetry POST to" << owner->url << "failed:"
                    << (reply.status ? QString::number(reply.status) : reply.errorString);
        }
        --owner->inFlight;
    }
    busy = false;
}

Telemetry::Telemetry(QString url, bool enabled, Hook hook, int queueCapacity)
    : d(std::make_unique<Private>())
{
    d->url = std::move(url);
    d->enabled = enabled;
    d->hook = std::move(hook);
    d->capacity = queueCapacity;
    if (d->enabled) {
        d->sender = new TelemetrySender;
        d->sender->owner = d.get();
        d->sender->moveToThread(&d->thread);
        d->thread.setObjectName(QStringLiteral("kiket-telemetry"));
        d->thread.start();
    }
}

Telemetry::~Telemetry()
{
    // The sender goes on its thread while its event loop still runs (after the send in progress).
    if (TelemetrySender *sender = d->sender)
        QMetaObject::invokeMethod(
            sender, [sender] { delete sender; }, Qt::BlockingQueuedConnection);
    d->thread.quit();
    d->thread.wait();
}

void Telemetry::record(const TelemetryRecord &record)
{
    if (d->hook) {
        try {
            d->hook(record);
        } catch (const std::exception &e) {
            qCWarning(lcSdk) << "telemetry feedback hook failed:" << e.what();
        } catch (...) {
            qCWarning(lcSdk) << "telemetry feedback hook failed";
        }
    }
    d->aggregates.add(record);
    if (!d->enabled)
        return;
    {
        QMutexLocker lock(&d->mutex);
        if (d->queue.size() >= d->capacity) {
            ++d->dropped;
            return;
        }
        d->queue.enqueue(QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact));
    }
    TelemetrySender *sender = d->sender;
    QMetaObject::invokeMethod(
        sender, [sender] { sender->pump(); }, Qt::QueuedConnection);
}

const TelemetryAggregator &Telemetry::aggregates() const
{
    return d->aggregates;
}

bool Telemetry::enabled() const
{
    return d->enabled;
}

QString Telemetry::url() const
{
    return d->url;
}

qint64 Telemetry::sentCount() const
{
    return d->sent;
}

qint64 Telemetry::droppedCount() const
{
    return d->dropped;
}

qint64 Telemetry::failedCount() const
{
    return d->failed;
}

bool Telemetry::waitIdle(int timeoutMs) const
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        {
            QMutexLocker lock(&d->mutex);
            if (d->queue.isEmpty() && d->inFlight == 0)
                return true;
        }
        QThread::msleep(5);
    }
    return false;
}

} // namespace kiket
