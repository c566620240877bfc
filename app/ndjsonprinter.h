#pragma once

#include <kiket/devkit/capture/exchange.h>

#include <QDeadlineTimer>
#include <QList>
#include <QMutex>
#include <QWaitCondition>

#include <cstdio>
#include <thread>

/// Prints exchanges as NDJSON (secrets redacted) from a thread of its own, in the order they were
/// handed over, so the thread that captured one (the listener's, before it answers) never waits
/// for the redaction or for whoever reads the output. An exchange that comes alone is printed at
/// once; those that come within a few milliseconds after it are printed together, so under load
/// the printer wakes a few hundred times a second, not once per exchange. When the reader falls
/// behind by maxQueued exchanges, the ones after are not printed (they are captured all the same)
/// and a line on err says how many, so memory stays bounded however slowly stdout is read.
class NdjsonPrinter
{
public:
    explicit NdjsonPrinter(std::FILE *out, std::FILE *err = stderr, qsizetype maxQueued = 10000);
    /// Prints what is still queued, then stops.
    ~NdjsonPrinter();

    /// Queues one exchange; safe from any thread.
    void print(const kiket::devkit::Exchange &exchange);

private:
    void run();

    void reportDropped(qint64 count);

    std::FILE *m_out;
    std::FILE *m_err;
    const qsizetype m_maxQueued;
    QMutex m_mutex;
    QWaitCondition m_wake;
    QList<kiket::devkit::Exchange> m_queue;
    QList<kiket::devkit::Exchange> m_spare; // empty, with the room of an earlier batch
    qint64 m_dropped = 0; // not printed since the last report
    bool m_stopping = false;
    bool m_idle = false; // waiting for the next exchange, not pausing after a batch
    std::thread m_thread; // last: it starts once the members above exist
};
