#include "processguard.h"

#include <kiket/devkit/common/batchwork.h>

#include <QProcess>

#include <cerrno>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace kiket::devkit {

namespace {

// Runs in the guard process: only async-signal-safe calls from here on.
[[noreturn]] void guardGroup(int readFd, pid_t group)
{
    ::setpgid(0, 0); // a group of its own, so signals to the extension's group miss it
    ::prctl(PR_SET_NAME, "kiket-guard", 0, 0, 0); // how ps shows it
    [[maybe_unused]] const int moved = ::chdir("/"); // it must not hold the extension's folder
    ::close_range(0, unsigned(readFd) - 1, 0);
    ::close_range(unsigned(readFd) + 1, ~0U, 0);
    char c;
    for (;;) { // until every write end is closed: the workbench released it or died
        const ssize_t n = ::read(readFd, &c, 1);
        if (n == 0 || (n < 0 && errno != EINTR))
            break;
    }
    if (::kill(-group, SIGTERM) == 0) {
        const timespec tenth { 0, 100'000'000 };
        for (int i = 0; i < 30 && ::kill(-group, 0) == 0; ++i)
            ::nanosleep(&tenth, nullptr);
        ::kill(-group, SIGKILL);
    }
    ::_exit(0);
}

} // namespace

ProcessGuard::~ProcessGuard()
{
    release();
}

void ProcessGuard::prepare(QProcess &process)
{
    release();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return; // no guard: the group is still ended on a normal stop
    m_readFd = fds[0];
    m_writeFd = fds[1];
    process.setChildProcessModifier([readFd = m_readFd] {
        ::setpgid(0, 0);
        // The extension runs in the normal class, even when started from a workbench thread
        // that is batch work.
        leaveBatchWork();
        const pid_t group = ::getpid();
        if (::fork() == 0)
            guardGroup(readFd, group);
    });
}

void ProcessGuard::release()
{
    for (int *fd : { &m_readFd, &m_writeFd }) {
        if (*fd >= 0)
            ::close(*fd);
        *fd = -1;
    }
}

} // namespace kiket::devkit
