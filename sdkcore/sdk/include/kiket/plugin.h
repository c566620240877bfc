#pragma once

/// Turning an extension into a workbench plugin: one source builds the standalone server and a
/// module the workbench loads. In a plugin source file:
/// `KIKET_EXTENSION_PLUGIN(registerMyHandlers)`, where `void registerMyHandlers(kiket::Sdk &)`
/// registers the handlers; or use the CMake helper `kiket_add_extension_plugin()` from the KiketSdk
/// package, which writes that file.

#include "kiket/sdk.h"

#include <QtGlobal>

namespace kiket {

/// Bumped when the entry point or the Sdk it receives changes incompatibly.
inline constexpr int kPluginAbi = 1;
/// The exported function the workbench calls with its embedded Sdk.
inline constexpr const char kPluginEntry[] = "kiket_register_extension";
/// The exported function that answers kPluginAbi as the plugin was built.
inline constexpr const char kPluginAbiSymbol[] = "kiket_plugin_abi";

} // namespace kiket

/// Exports the plugin entry points for a registration function `void fn(kiket::Sdk &)`.
#define KIKET_EXTENSION_PLUGIN(fn)                                                                 \
    extern "C" Q_DECL_EXPORT void kiket_register_extension(kiket::Sdk &sdk)                        \
    {                                                                                              \
        fn(sdk);                                                                                   \
    }                                                                                              \
    extern "C" Q_DECL_EXPORT int kiket_plugin_abi()                                                \
    {                                                                                              \
        return kiket::kPluginAbi;                                                                  \
    }
