#include <kiket/devkit/common/batchwork.h>

#include <sched.h>

namespace kiket::devkit {

bool runAsBatchWork()
{
#ifdef SCHED_BATCH
    // Applies to the calling thread only (Linux schedules threads one by one), at the normal
    // static priority: batch work is not lower priority, it only gives up preempting on wake-up.
    const sched_param normal {};
    return sched_setscheduler(0, SCHED_BATCH, &normal) == 0;
#else
    return false;
#endif
}

void leaveBatchWork()
{
#ifdef SCHED_BATCH
    if (sched_getscheduler(0) == SCHED_BATCH) {
        const sched_param normal {};
        sched_setscheduler(0, SCHED_OTHER, &normal);
    }
#endif
}

void startAsBatchWork(QThread &thread)
{
    // Emitted in the new thread, before its event loop starts; a direct call runs there.
    QObject::connect(
        &thread, &QThread::started, &thread, [] { runAsBatchWork(); }, Qt::DirectConnection);
    thread.start();
}

} // namespace kiket::devkit
