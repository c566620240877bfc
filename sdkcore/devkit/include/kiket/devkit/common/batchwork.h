#pragma once

#include <QThread>

namespace kiket::devkit {

/// The workbench's own threads (listener, capture writer, sandbox, printer) run as batch work
/// (Linux SCHED_BATCH, at normal priority): a thread of theirs that wakes does not preempt the one
/// running on its core; it runs on an idle core, or when that one's turn ends. On a few cores
/// shared with the extension under test and whatever loads it, the extension then runs as it would
/// without the workbench, and the hand-offs between the workbench's threads no longer interrupt
/// each other: measured, about half the latency the workbench adds to a forwarded request at one
/// connection (bench/forward-real.sh). The extension's own process, started through the runner,
/// stays in the normal class.

/// Makes the calling thread batch work; false where the system has no such class.
bool runAsBatchWork();
/// Starts the thread, which makes itself batch work before its event loop runs.
void startAsBatchWork(QThread &thread);
/// Puts a batch-work calling thread back in the normal class; for a child process between fork
/// and exec (async-signal-safe).
void leaveBatchWork();

} // namespace kiket::devkit
