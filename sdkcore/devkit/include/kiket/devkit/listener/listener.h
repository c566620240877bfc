#pragma once

#include <kiket/devkit/capture/capturewriter.h>
#include <kiket/devkit/listener/extensionplugin.h>
#include <kiket/devkit/folder/folderconfig.h>
#include <kiket/sdk.h>

#include <functional>
#include <memory>

namespace kiket::devkit {

class ModuleWatch;
class FrontServer;

/// Where deliveries arrive, and who answers them: a C++ extension loaded in-process (behind the
/// embedded SDK server), the extension's own server (forwarded byte for byte) or configured canned
/// answers. Every request is captured (verdict, route, timings) before it is answered. The target
/// can be switched while running: the server on the port is replaced, the port stays.
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

    /// Starts on host:port with the forward target: requests go to 127.0.0.1:extensionPort;
    /// while nothing answers there, a delivery with a canned answer in `fallback` gets that.
    static Result<std::unique_ptr<Listener>> startForward(const SdkOptions &options,
        quint16 extensionPort, CaptureWriter &captures,
        const QString &host = QStringLiteral("127.0.0.1"), quint16 port = 8080,
        CaptureHook onCaptured = {}, const QList<CannedAnswer> &fallback = {});

    /// Starts on host:port with canned answers.
    static Result<std::unique_ptr<Listener>> startCanned(const SdkOptions &options,
        const QList<CannedAnswer> &answers, CaptureWriter &captures,
        const QString &host = QStringLiteral("127.0.0.1"), quint16 port = 8080,
        CaptureHook onCaptured = {});

    /// Switches to the plugin's handlers in-process.
    Result<bool> useInProcess(const ExtensionPlugin &plugin);
    /// Switches to forwarding to the extension's own server; no answer within timeoutMs is a 504.
    /// While it cannot be reached, deliveries with an answer in `fallback` get that (else 502).
    Result<bool> useForward(
        quint16 extensionPort, int timeoutMs = 5000, const QList<CannedAnswer> &fallback = {});
    /// Switches to configured answers.
    Result<bool> useCanned(const QList<CannedAnswer> &answers);
    HandlerKind handlerKind() const;
    /// The options the next SDK or front server is made with (reload or a use…() applies them).
    void setOptions(const SdkOptions &options) { m_options = options; }
    const SdkOptions &options() const { return m_options; }

    quint16 port() const;
    /// The SDK server of the in-process target (nullptr for the others); a reload replaces it.
    Sdk *sdk();
    QString pluginPath() const;

    /// Loads the plugin's module file again and swaps the handlers: the old server finishes the
    /// deliveries in flight, a new one takes the same port. On an error the old module keeps
    /// running. Call it from the thread that started the listener.
    Result<bool> reload();
    /// Reloads whenever the module file changes (after it has been quiet for a moment); needs an
    /// event loop in this thread. The hook hears how each reload went.
    void watchModule(std::function<void(const Result<bool> &)> onReload = {});

private:
    Listener();
    static std::unique_ptr<Listener> make(const SdkOptions &options, CaptureWriter &captures,
        const QString &host, quint16 port, CaptureHook onCaptured);
    Result<std::unique_ptr<Sdk>> makeSdk(const ExtensionPlugin &plugin) const;
    // Stops whatever answers on the port and starts the given server there instead.
    Result<bool> replaceServer(std::unique_ptr<Sdk> sdk, std::unique_ptr<FrontServer> front);
    std::unique_ptr<FrontServer> makeFront(HandlerKind kind, quint16 extensionPort, int timeoutMs,
        const QList<CannedAnswer> &canned) const;

    SdkOptions m_options;
    CaptureWriter *m_captures = nullptr;
    CaptureHook m_onCaptured;
    QString m_host;
    quint16 m_port = 0;
    QByteArray m_webhookSecret;
    HandlerKind m_kind = HandlerKind::InProcess;
    ExtensionPlugin m_plugin; // the module its handlers come from
    // Lives on the thread that made the listener: the SDK server's refusals, once stored, reach
    // the capture hook there. Outlives the SDK server.
    std::unique_ptr<QObject> m_refusalReceiver;
    std::unique_ptr<Sdk> m_sdk; // in-process; destroyed before the plugin
    std::unique_ptr<FrontServer> m_front; // forward and canned
    std::unique_ptr<ModuleWatch> m_watch;
};

/// The capture of one answered delivery.
Exchange deliveryExchange(
    const HttpRequest &request, const DeliveryOutcome &outcome, const QDateTime &started);

} // namespace kiket::devkit
