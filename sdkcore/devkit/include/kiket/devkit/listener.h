#pragma once

#include <kiket/devkit/capturewriter.h>
#include <kiket/devkit/extensionplugin.h>
#include <kiket/sdk.h>

#include <functional>
#include <memory>

namespace kiket::devkit {

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
    Sdk &sdk();

private:
    Listener() = default;
    std::unique_ptr<Sdk> m_sdk;
    ExtensionPlugin m_plugin; // keeps the module loaded while its handlers are registered
};

/// The jti of a runtime token, or an empty string when it is not a readable JWT.
QString tokenIdOf(const QByteArray &token);

/// The capture of one answered delivery.
Exchange deliveryExchange(
    const HttpRequest &request, const DeliveryOutcome &outcome, const QDateTime &started);

} // namespace kiket::devkit
