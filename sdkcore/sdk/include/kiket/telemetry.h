#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace kiket {

/// What the SDK records after every handler run (not for 4xx rejections).
struct TelemetryRecord
{
    QString event;
    QString version;
    QString status; ///< "ok" or "error".
    double durationMs = 0;
    QString errorMessage;
    QString errorClass;
    QString extensionId;
    QString extensionVersion;
    QDateTime timestamp;
    QJsonObject metadata;

    /// The JSON the telemetry endpoint receives.
    QJsonObject toJson() const;
    /// Reads the JSON form back (for intakes such as the workbench's).
    static TelemetryRecord fromJson(const QJsonObject &json);
};

/// Aggregates of one (event, version): counts and duration percentiles in milliseconds.
struct TelemetryStats
{
    QString event;
    QString version;
    qint64 count = 0;
    qint64 errors = 0;
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
};

/// Keeps per-(event, version) aggregates from records, from any thread.
class TelemetryAggregator
{
public:
    /// An empty aggregator.
    TelemetryAggregator();
    /// Frees the series.
    ~TelemetryAggregator();
    /// Counts a record; the latest 4096 durations per series feed the percentiles.
    void add(const TelemetryRecord &record);
    /// One row per (event, version), sorted by event then version.
    QList<TelemetryStats> stats() const;
    /// Forgets every series.
    void clear();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// Records handler runs: feedback hook first, then aggregates, then a queued POST that never
/// blocks.
class Telemetry
{
public:
    using Hook = std::function<void(const TelemetryRecord &)>;
    /// url: the endpoint (…/telemetry); sending is skipped when disabled; hook may be empty.
    Telemetry(QString url, bool enabled, Hook hook = {}, int queueCapacity = 1000);
    /// Stops the sender thread; records still queued are dropped.
    ~Telemetry();

    /// Thread-safe and non-blocking; hook and send failures are logged, never raised.
    void record(const TelemetryRecord &record);
    /// Per-(event, version) counts and percentiles.
    const TelemetryAggregator &aggregates() const;
    /// False when opted out: records are aggregated and hooked but not sent.
    bool enabled() const;
    /// The endpoint records are POSTed to.
    QString url() const;
    /// Records POSTed with a 2xx answer.
    qint64 sentCount() const;
    /// Records dropped because the queue was full.
    qint64 droppedCount() const;
    /// Records whose POST failed.
    qint64 failedCount() const;
    /// Waits until the queue is empty and nothing is in flight (for tests and shutdown).
    bool waitIdle(int timeoutMs) const;

private:
    friend class TelemetrySender;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kiket
