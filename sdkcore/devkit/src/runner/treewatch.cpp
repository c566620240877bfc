#include "treewatch.h"

#include <QDir>
#include <QFile>

#include <sys/stat.h>

namespace kiket::devkit {

namespace {

constexpr int kMaxPaths = 4000; // inotify watches are a shared, limited resource

bool ignored(const QString &name)
{
    static const QStringList names { QStringLiteral(".git"), QStringLiteral(".kiket"),
        QStringLiteral("node_modules"), QStringLiteral("__pycache__"), QStringLiteral(".venv"),
        QStringLiteral("venv"), QStringLiteral(".bundle"), QStringLiteral(".pytest_cache") };
    return names.contains(name) || name.startsWith(QLatin1String("build"))
        || name.startsWith(QLatin1String("cmake-build"));
}

// The regular files this process writes its standard output and error to: `serve FOLDER >
// FOLDER/out.ndjson` would otherwise restart the extension with every line it prints.
QList<std::pair<dev_t, ino_t>> ownOutputs()
{
    QList<std::pair<dev_t, ino_t>> files;
    for (const int fd : { 1, 2 }) {
        struct stat st = {};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
            files.append({ st.st_dev, st.st_ino });
    }
    return files;
}

bool isOwnOutput(const QFileInfo &entry, const QList<std::pair<dev_t, ino_t>> &outputs)
{
    if (outputs.isEmpty() || !entry.isFile())
        return false;
    struct stat st = {};
    return ::stat(QFile::encodeName(entry.filePath()).constData(), &st) == 0
        && outputs.contains(std::pair { st.st_dev, st.st_ino });
}

} // namespace

TreeWatch::TreeWatch(const QString &folder, int quietMs, std::function<void()> onChanged)
    : m_folder(folder)
    , m_onChanged(std::move(onChanged))
{
    m_quiet.setSingleShot(true);
    m_quiet.setInterval(quietMs);
    QObject::connect(&m_quiet, &QTimer::timeout, &m_quiet, [this] {
        rescan(); // new folders and files join the watch
        m_onChanged();
    });
    const auto poke = [this] { m_quiet.start(); };
    QObject::connect(&m_watcher, &QFileSystemWatcher::fileChanged, &m_quiet, poke);
    QObject::connect(&m_watcher, &QFileSystemWatcher::directoryChanged, &m_quiet, poke);
    rescan();
}

void TreeWatch::rescan()
{
    const auto outputs = ownOutputs();
    QStringList paths { m_folder };
    QList<QString> pending { m_folder };
    while (!pending.isEmpty() && paths.size() < kMaxPaths) {
        const QDir dir(pending.takeFirst());
        const auto entries
            = dir.entryInfoList(QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden);
        for (const QFileInfo &entry : entries) {
            if (ignored(entry.fileName()) || entry.isSymLink() || isOwnOutput(entry, outputs))
                continue;
            paths << entry.filePath();
            if (entry.isDir())
                pending << entry.filePath();
        }
    }
    const QStringList watched = m_watcher.files() + m_watcher.directories();
    QStringList added;
    for (const QString &p : paths.mid(0, kMaxPaths)) {
        if (!watched.contains(p))
            added << p;
    }
    if (!added.isEmpty())
        m_watcher.addPaths(added);
}

} // namespace kiket::devkit
