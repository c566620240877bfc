#pragma once

#include <QFileSystemWatcher>
#include <QTimer>

#include <functional>

namespace kiket::devkit {

/// Calls back once files under a folder have changed and then stayed quiet for a moment. Skips
/// .git, .kiket, build folders, node_modules, Python caches, virtual environments and the files
/// this process's standard output and error go to.
class TreeWatch
{
public:
    TreeWatch(const QString &folder, int quietMs, std::function<void()> onChanged);

private:
    void rescan();

    QString m_folder;
    std::function<void()> m_onChanged;
    QFileSystemWatcher m_watcher;
    QTimer m_quiet;
};

} // namespace kiket::devkit
