#pragma once

class QProcess;

namespace kiket::devkit {

/// Puts a process in a process group of its own, with a small guard process that ends the whole
/// group once the workbench goes away — also when the workbench is killed and cannot clean up.
class ProcessGuard
{
public:
    ProcessGuard() = default;
    ProcessGuard(const ProcessGuard &) = delete;
    ProcessGuard &operator=(const ProcessGuard &) = delete;
    ~ProcessGuard();

    /// Call before starting the process.
    void prepare(QProcess &process);
    /// The process has ended or is being ended: the guard ends what is left of the group, then
    /// itself.
    void release();

private:
    int m_readFd = -1;
    int m_writeFd = -1;
};

} // namespace kiket::devkit
