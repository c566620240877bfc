#include "kiket/devkit/listener/extensionplugin.h"

#include <kiket/plugin.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLibrary>
#include <QUuid>

#include <exception>

namespace kiket::devkit {

namespace {

// Loads a private copy of the module, removed again once mapped: the dynamic loader hands out the
// already loaded module for a path it has seen, and a build writing into a mapped file would crash
// the workbench. The copy sits next to the original so $ORIGIN-relative library paths still work.
bool loadCopy(QLibrary &library, const QString &path)
{
    const QFileInfo info(path);
    const QString name
        = QStringLiteral(".%1.%2.so")
              .arg(info.fileName(), QUuid::createUuid().toString(QUuid::Id128).left(8));
    QString copy = info.dir().filePath(name);
    if (!QFile::copy(path, copy)) {
        copy = QDir::temp().filePath(name);
        if (!QFile::copy(path, copy))
            return false;
    }
    library.setFileName(copy);
    const bool loaded = library.load();
    QFile::remove(copy);
    return loaded;
}

} // namespace

Result<ExtensionPlugin> ExtensionPlugin::load(const QString &path)
{
    if (!QFileInfo(path).isFile())
        return Error { QStringLiteral("plugin.missing"),
            QStringLiteral("No plugin module at %1").arg(path) };
    auto library = std::make_shared<QLibrary>();
    if (!loadCopy(*library, path))
        return Error { QStringLiteral("plugin.load"),
            QStringLiteral("Cannot load %1: %2")
                .arg(path,
                    library->fileName().isEmpty()
                        ? QStringLiteral("cannot copy it")
                        : library->errorString().replace(library->fileName(), path)) };
    using Abi = int (*)();
    const auto abi = reinterpret_cast<Abi>(library->resolve(kPluginAbiSymbol));
    const auto entry = reinterpret_cast<Entry>(library->resolve(kPluginEntry));
    if (!abi || !entry)
        return Error { QStringLiteral("plugin.entry"),
            QStringLiteral("%1 is not a Kiket extension plugin (no %2; build it with "
                           "KIKET_EXTENSION_PLUGIN or kiket_add_extension_plugin)")
                .arg(path, QLatin1String(kPluginEntry)) };
    if (abi() != kPluginAbi)
        return Error { QStringLiteral("plugin.abi"),
            QStringLiteral("%1 was built for plugin ABI %2, this workbench speaks %3; rebuild it")
                .arg(path)
                .arg(abi())
                .arg(kPluginAbi) };
    ExtensionPlugin plugin;
    plugin.m_library = std::move(library);
    plugin.m_entry = entry;
    plugin.m_path = path;
    return plugin;
}

Result<bool> ExtensionPlugin::registerInto(Sdk &sdk) const
{
    try {
        m_entry(sdk);
        return true;
    } catch (const std::exception &e) {
        return Error { QStringLiteral("plugin.register"),
            QStringLiteral("%1 failed while registering its handlers: %2")
                .arg(path(), QString::fromUtf8(e.what())) };
    } catch (...) {
        return Error { QStringLiteral("plugin.register"),
            QStringLiteral("%1 failed while registering its handlers").arg(path()) };
    }
}

QString ExtensionPlugin::path() const
{
    return m_path;
}

} // namespace kiket::devkit
