#include "ndjsonprinter.h"

#include <kiket/devkit/capture/export.h>

#include <chrono>
#include <utility>

namespace {

// After a batch is printed, the next one is taken this much later at the earliest.
constexpr std::chrono::milliseconds kPause(5);

} // namespace

NdjsonPrinter::NdjsonPrinter(std::FILE *out, std::FILE *err, qsizetype maxQueued)
    : m_out(out)
    , m_err(err)
    , m_maxQueued(maxQueued)
    , m_thread([this] { run(); })
{ }

NdjsonPrinter::~NdjsonPrinter()
{
    {
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
    }
    m_wake.wakeOne();
    m_thread.join();
}

void NdjsonPrinter::print(const kiket::devkit::Exchange &exchange)
{
    QMutexLocker lock(&m_mutex);
    if (m_queue.size() >= m_maxQueued) {
        ++m_dropped;
        return;
    }
    m_queue.append(exchange);
    if (m_idle) { // a pausing printer takes this one when its pause ends
        m_idle = false;
        m_wake.wakeOne();
    }
}

void NdjsonPrinter::run()
{
    QMutexLocker lock(&m_mutex);
    for (;;) {
        if (m_queue.isEmpty()) {
            if (m_stopping)
                return;
            m_idle = true;
            m_wake.wait(&m_mutex);
            m_idle = false;
            continue;
        }
        QList<kiket::devkit::Exchange> batch;
        batch.swap(m_queue);
        m_queue.swap(m_spare); // its room, kept from the batch before
        const qint64 dropped = std::exchange(m_dropped, 0);
        lock.unlock();
        const QByteArray lines = kiket::devkit::toNdjson(batch);
        std::fwrite(lines.constData(), 1, lines.size(), m_out);
        std::fflush(m_out);
        reportDropped(dropped);
        batch.clear(); // keeps its room
        lock.relock();
        m_spare.swap(batch);
        if (!m_stopping) // the destructor's wake ends the pause
            m_wake.wait(&m_mutex, QDeadlineTimer(kPause));
    }
}

// After the batch they were dropped behind, so the gap shows where it is in the stream.
void NdjsonPrinter::reportDropped(qint64 count)
{
    if (count == 0)
        return;
    std::fprintf(m_err,
        "kiket-workbench: %lld exchanges not printed: stdout is read more slowly than they come "
        "(all are captured: kiket-workbench export prints them)\n",
        static_cast<long long>(count));
    std::fflush(m_err);
}
