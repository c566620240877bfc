#pragma once

#include <kiket/devkit/capture/exchange.h>

#include <QList>
#include <QMutex>
#include <QWaitCondition>

#include <cstdio>
#include <thread>

/// Prints exchanges as NDJSON (secrets redacted) from a thread of its own, in the order they were
/// handed over, so the thread that captured one (the listener's, before it answers) never waits
/// for the redaction or for whoever reads the output.
class NdjsonPrinter
{
public:
    explicit NdjsonPrinter(std::FILE *out);
    /// Prints what is still queued, then stops.
    ~NdjsonPrinter();

    /// Queues one exchange; safe from any thread.
    void print(const kiket::devkit::Exchange &exchange);

private:
    void run();

    std::FILE *m_out;
    QMutex m_mutex;
    QWaitCondition m_wake;
    QList<kiket::devkit::Exchange> m_queue;
    bool m_stopping = false;
    std::thread m_thread; // last: it starts once the members above exist
};
