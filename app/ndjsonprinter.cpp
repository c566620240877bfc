#include "ndjsonprinter.h"

#include <kiket/devkit/capture/export.h>

NdjsonPrinter::NdjsonPrinter(std::FILE *out)
    : m_out(out)
    , m_thread([this] { run(); })
{
}

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
    m_queue.append(exchange);
    if (m_queue.size() == 1) // the first since the printer last took the queue wakes it
        m_wake.wakeOne();
}

void NdjsonPrinter::run()
{
    QMutexLocker lock(&m_mutex);
    for (;;) {
        if (m_queue.isEmpty()) {
            if (m_stopping)
                return;
            m_wake.wait(&m_mutex);
            continue;
        }
        QList<kiket::devkit::Exchange> batch;
        batch.swap(m_queue);
        lock.unlock();
        const QByteArray lines = kiket::devkit::toNdjson(batch);
        std::fwrite(lines.constData(), 1, lines.size(), m_out);
        std::fflush(m_out);
        lock.relock();
    }
}
