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
class ExtensionPlugin
{
public:
    /// Loads the module and checks its entry points and ABI; errors say which part failed.
    static Result<ExtensionPlugin> load(const QString &path);
    /// Registers the extension's handlers on an Sdk; an exception thrown there becomes an error.
    Result<bool> registerInto(Sdk &sdk) const;
    QString path() const;

private:
    using Entry = void (*)(Sdk &);
    std::shared_ptr<QLibrary> m_library;
    Entry m_entry = nullptr;
};

} // namespace kiket::devkit
