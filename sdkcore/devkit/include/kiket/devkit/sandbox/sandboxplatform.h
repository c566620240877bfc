#pragma once

#include <kiket/devkit/capture/exchange.h>
#include <kiket/devkit/sandbox/ratewindow.h>
#include <kiket/devkit/sandbox/tokenissuer.h>
#include <kiket/http.h>
#include <kiket/result.h>
#include <kiket/telemetry.h>

#include <QHostAddress>

#include <functional>
#include <memory>

namespace kiket::devkit {

/// Settings of the local Kiket platform for one extension folder.
struct SandboxOptions
{
    QString folder; ///< The extension folder; state and key live in its `.kiket/workbench/`.
    QString stateFolder; ///< Set: state and key live in its `.kiket/workbench/` instead.
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 8090; ///< 0 picks a free port.
    QString extensionId;
    QString extensionVersion;
    QString extensionName;
    QString
        workspaceToken; ///< Accepted as `Authorization: Bearer` or `X-Kiket-API-Key` (all scopes).
    int rateLimit = 600;
    int rateWindowSeconds = 60;
};

/// The Kiket side on 127.0.0.1: JWKS, the extension API of PROTOCOL §2 (and the §2.1 dialects)
/// answered from local state, runtime-token or workspace-token auth, scopes, the rate window and a
/// telemetry intake. Serves on its own thread.
/// One request the sandbox answered.
struct SandboxCall
{
    HttpRequest request;
    HttpResponse response;
    QString endpoint; ///< e.g. "secrets.set"; see endpointName().
    QDateTime received;
    double handledMs = 0;
};

/// The capture of an API call (or telemetry report), with the jti of the runtime token it carried.
Exchange apiCallExchange(const SandboxCall &call);

class SandboxPlatform
{
public:
    /// Called on the server thread with each answer, before it is sent.
    using Observer = std::function<void(const SandboxCall &)>;

    static Result<std::unique_ptr<SandboxPlatform>> start(const SandboxOptions &options);
    ~SandboxPlatform();

    QString baseUrl() const;
    quint16 port() const;
    const TokenIssuer &issuer() const;
    /// Problems met at start that did not stop it (a state file kept aside, a key file that was
    /// readable by others), one per line; empty when none.
    QString warning() const;
    /// The window every authenticated call counts against; its limit may be lowered at any time.
    RateWindow &rateWindow();
    /// Telemetry reported by extensions (any SDK), aggregated per (event, version).
    const TelemetryAggregator &telemetry() const;
    /// Set before traffic starts.
    void setObserver(Observer observer);
    /// Returns once the request being answered now (if any) is answered and observed.
    void waitIdle();

private:
    SandboxPlatform() = default;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kiket::devkit
