#pragma once

#include <kiket/result.h>

#include <QString>

#include <memory>

class QLibrary;

namespace kiket {
class Sdk;
}

namespace kiket::devkit {

/// A C++ extension built as a workbench plugin (see kiket/plugin.h), loaded from its module file.
/// The module stays loaded while this object (or a copy) lives: registered handlers run its code.
/// Each load maps a fresh private copy of the file, so loading it again after a rebuild gets the
/// new code. Modules are never unloaded: code a running handler still uses stays mapped.
class ExtensionPlugin
{
public:
    /// Loads the module and checks its entry points and ABI; errors say which part failed.
    static Result<ExtensionPlugin> load(const QString &path);
    /// Registers the extension's handlers on an Sdk; an exception thrown there becomes an error.
    Result<bool> registerInto(Sdk &sdk) const;
    /// The module file it was loaded from.
    QString path() const;

private:
    using Entry = void (*)(Sdk &);
    std::shared_ptr<QLibrary> m_library;
    Entry m_entry = nullptr;
    QString m_path;
};

} // namespace kiket::devkit
