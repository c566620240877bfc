#pragma once

#include <QDateTime>
#include <QFileSystemWatcher>
#include <QTimer>

#include <functional>

namespace kiket::devkit {

/// Calls back when a file has changed and then stayed quiet for a moment: a build that rewrites or
/// replaces a module fires once, after the last write. Lives in a thread with an event loop.
class ModuleWatch
{
public:
    ModuleWatch(const QString &path, std::function<void()> onChanged, int quietMs = 400);

private:
    void poke();
    void settle();

    QString m_path;
    std::function<void()> m_onChanged;
    QFileSystemWatcher m_watcher;
    QTimer m_quiet;
    QDateTime m_modified;
    qint64 m_size = -1;
};

} // namespace kiket::devkit
