#pragma once

#include <kiket/devkit/capturewriter.h>
#include <kiket/devkit/extensionplugin.h>
#include <kiket/sdk.h>

#include <functional>
#include <memory>

namespace kiket::devkit {

class ModuleWatch;

/// Where deliveries arrive: the embedded SDK server in front of an extension loaded in-process,
/// with every request captured (verdict, route, timings) before it is answered.
class Listener
{
public:
    /// Called on a worker thread with each stored capture (its id set).
    using CaptureHook = std::function<void(const Exchange &)>;

    /// Starts on host:port (0 picks a port) with the plugin's handlers; captures go to the writer.
    static Result<std::unique_ptr<Listener>> start(const SdkOptions &options,
        const ExtensionPlugin &plugin, CaptureWriter &captures,
        const QString &host = QStringLiteral("127.0.0.1"), quint16 port = 8080,
        CaptureHook onCaptured = {});
    ~Listener();

    quint16 port() const;
    /// The running SDK server; a reload replaces it (and its telemetry).
    Sdk &sdk();
    QString pluginPath() const;

    /// Loads the plugin's module file again and swaps the handlers: the old server finishes the
    /// deliveries in flight, a new one takes the same port. On an error the old module keeps
    /// running. Call it from the thread that started the listener.
    Result<bool> reload();
    /// Reloads whenever the module file changes (after it has been quiet for a moment); needs an
    /// event loop in this thread. The hook hears how each reload went.
    void watchModule(std::function<void(const Result<bool> &)> onReload = {});

private:
    Listener() = default;
    Result<std::unique_ptr<Sdk>> makeSdk(const ExtensionPlugin &plugin) const;

    SdkOptions m_options;
    CaptureWriter *m_captures = nullptr;
    CaptureHook m_onCaptured;
    QString m_host;
    ExtensionPlugin m_plugin; // the module its handlers come from
    std::unique_ptr<Sdk> m_sdk; // destroyed before the plugin
    std::unique_ptr<ModuleWatch> m_watch;
};

/// The capture of one answered delivery.
Exchange deliveryExchange(
    const HttpRequest &request, const DeliveryOutcome &outcome, const QDateTime &started);

} // namespace kiket::devkit
