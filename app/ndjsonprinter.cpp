#include "ndjsonprinter.h"

#include <kiket/devkit/capture/export.h>
#include <kiket/devkit/common/batchwork.h>

#include <cerrno>
#include <chrono>
#include <utility>

#include <poll.h>
#include <pthread.h>
#include <unistd.h>

namespace {

// After a batch is printed, the next one is taken this much later at the earliest.
constexpr std::chrono::milliseconds kPause(5);

// A batch in one write() where the file takes it whole: through stdio it took three (a buffer's
// worth, the aligned middle, the rest).
void writeAll(std::FILE *file, const QByteArray &bytes)
{
    std::fflush(file); // whatever stdio holds goes first
    const int fd = ::fileno(file);
    if (fd < 0) {
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), file);
        std::fflush(file);
        return;
    }
    const char *at = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, at, size_t(left));
        if (n > 0) {
            at += n;
            left -= n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd room { fd, POLLOUT, 0 }; // a non-blocking pipe: wait as a blocking write would
            ::poll(&room, 1, -1);
        } else if (n < 0 && errno != EINTR) {
            return; // a closed or broken output: the lines are lost, as with fwrite
        }
    }
}

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
    ::pthread_setname_np(::pthread_self(), "kiket-printer"); // as top -H and ps -L show it
    kiket::devkit::runAsBatchWork();
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
        writeAll(m_out, lines);
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
