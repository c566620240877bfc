#include "modulewatch.h"

#include <QFileInfo>

namespace kiket::devkit {

ModuleWatch::ModuleWatch(const QString &path, std::function<void()> onChanged, int quietMs)
    : m_path(path)
    , m_onChanged(std::move(onChanged))
{
    const QFileInfo info(path);
    m_modified = info.lastModified();
    m_size = info.size();
    // The folder too: a linker replaces the file, and the watch on the old one ends with it.
    m_watcher.addPaths({ path, info.absolutePath() });
    m_quiet.setSingleShot(true);
    m_quiet.setInterval(quietMs);
    QObject::connect(&m_watcher, &QFileSystemWatcher::fileChanged, &m_quiet, [this] { poke(); });
    QObject::connect(
        &m_watcher, &QFileSystemWatcher::directoryChanged, &m_quiet, [this] { poke(); });
    QObject::connect(&m_quiet, &QTimer::timeout, &m_quiet, [this] { settle(); });
}

void ModuleWatch::poke()
{
    if (!m_watcher.files().contains(m_path) && QFileInfo::exists(m_path))
        m_watcher.addPath(m_path);
    m_quiet.start(); // restarts: only the last of a burst of writes counts
}

void ModuleWatch::settle()
{
    const QFileInfo info(m_path);
    if (!info.exists() || (info.lastModified() == m_modified && info.size() == m_size))
        return; // removed for now, or only its folder changed
    m_modified = info.lastModified();
    m_size = info.size();
    if (!m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path);
    m_onChanged();
}

} // namespace kiket::devkit
