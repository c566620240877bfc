#pragma once

#include <kiket/config.h>
#include <kiket/devkit/capture/capturewriter.h>
#include <kiket/devkit/folder/folderconfig.h>
#include <kiket/devkit/folder/localsecrets.h>
#include <kiket/devkit/runner/runner.h>

#include <functional>
#include <memory>
#include <optional>

namespace kiket::devkit {

class Listener;
class SandboxPlatform;

/// Choices that win over the folder's configuration (command-line options, the window's controls).
struct SessionOverrides
{
    std::optional<HandlerKind> handler;
    QString plugin; ///< A module to load in-process (implies the in-process handler).
    std::optional<int> listenerPort;
    std::optional<int> sandboxPort;
    QString auth;
    int rateLimit = 600;
    int rateWindowSeconds = 60;
    int retention = 10000;
    bool keychain = true; ///< Keep local secret values in the OS keychain when one answers.
    /// Set: captures, sandbox state, signing key and local secrets live in this folder's
    /// `.kiket/` instead of the extension folder's (a run that must start from nothing).
    QString stateFolder;
    /// Set: the delivery secret for this session, whatever the folder configures.
    QByteArray deliverySecret;
    bool watch = true; ///< Reload or restart the extension when its files change.
};

/// One opened extension folder: its configuration, capture store, sandbox platform, listener and —
/// for the forward handler — the extension's own process. Everything that crosses it is captured
/// and handed to the hook; messages for the user (builds, reloads, the process's state) go to the
/// message hook. Lives on a thread with an event loop.
class Session
{
public:
    /// Each stored exchange, from whichever thread stored it.
    using CaptureHook = std::function<void(const Exchange &)>;
    /// A line for the user, e.g. "reloaded build/ext.so".
    using MessageHook = std::function<void(const QString &)>;

    static Result<std::unique_ptr<Session>> open(const QString &folder,
        const SessionOverrides &overrides = {}, CaptureHook onCaptured = {},
        MessageHook onMessage = {});
    ~Session();

    const FolderConfig &config() const;
    QString listenerUrl() const;
    QString sandboxUrl() const;
    CaptureWriter &captures();
    Listener &listener();
    SandboxPlatform &sandbox();
    /// The extension's process (forward handler only).
    Runner *runner();
    /// The manifest file in use (empty when the folder has none).
    QString manifestPath() const;
    /// Reads the manifest again and applies it without restarting the workbench: the in-process
    /// plugin gets a new SDK (settings, delivery secret, scopes), an extension process is
    /// restarted with the new environment, forward and canned verdicts use the new secret. A
    /// manifest that does not parse is reported and the running configuration kept.
    Result<bool> reloadConfiguration();

    /// This folder's local secret values: the delivery secret and KIKET_SECRET_* for the
    /// in-process SDK and the extension process. After changing them, reloadConfiguration()
    /// hands them on.
    LocalSecrets &localSecrets();
    /// The configuration in force now (manifest, local values, environment).
    Result<Config> currentConfig() const;
    /// The delivery secret in force (local value, manifest or environment).
    QByteArray deliverySecret() const;
    /// Starts a rotation drill: the new value becomes the delivery secret and the old one stays
    /// accepted until endRotation().
    Result<bool> rotateDeliverySecret(const QString &newValue);
    Result<bool> endRotation();
    bool rotationInProgress() const;

private:
    Session();
    struct Private;
    std::unique_ptr<Private> d;
};

/// The environment an extension process gets: PORT is added by the runner; the rest points it at
/// the sandbox and hands it the secrets (never on its command line).
QMap<QString, QString> extensionEnvironment(const QString &sandboxUrl, const QString &webhookSecret,
    const QString &workspaceToken, const QMap<QString, QString> &secrets);

} // namespace kiket::devkit
