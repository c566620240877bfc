#pragma once

#include <kiket/config.h>
#include <kiket/devkit/sandbox/ratewindow.h>
#include <kiket/devkit/session.h>
#include <kiket/result.h>
#include <kiket/telemetry.h>

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace kiket::devkit {
class LocalSecrets;
class RatePoller;
class Runner;
class TokenIssuer;
} // namespace kiket::devkit

namespace kiket::ui {

/// What the composer needs from the session to sign a delivery.
struct ComposerContext
{
    QByteArray webhookSecret;
    const devkit::TokenIssuer *issuer = nullptr;
    QString apiBaseUrl;
};

/// Where the telemetry panel reads its figures; each is polled on the GUI thread.
struct TelemetrySources
{
    std::function<devkit::RateDecision()> rate; ///< The rate window now.
    std::function<void(int)> setLimit; ///< Lowers (or restores) the window's limit.
    /// A real platform's rate limit (when a base URL and workspace token are configured): its
    /// name for the chooser and the latest reading (none until one arrives).
    QString platformName;
    std::function<std::optional<devkit::RateDecision>()> platformRate;
    /// Handler statistics by source name, e.g. "in-process SDK" or "sandbox intake".
    QList<QPair<QString, std::function<QList<TelemetryStats>()>>> stats;
};

/// What the window's panels may ask of the opened session, and nothing more: the one way a panel
/// reaches it. The main window makes one and hands it to the panels; no panel holds the whole
/// devkit::Session or asks the main window for session data. GUI thread only.
class PanelSession : public QObject
{
    Q_OBJECT

public:
    explicit PanelSession(devkit::Session &session, QObject *parent = nullptr);
    ~PanelSession() override;

    /// The extension folder.
    QString folder() const;
    /// The manifest file in use; `extension.yaml` in the folder when there is none yet.
    QString manifestPath() const;
    /// The configuration in force now (manifest, local values, environment).
    Result<Config> currentConfig() const;
    /// Applies the manifest and local values again; configurationApplied() tells the panels.
    Result<bool> reloadConfiguration();

    devkit::LocalSecrets &localSecrets();
    Result<bool> rotateDeliverySecret(const QString &newValue);
    Result<bool> endRotation();
    bool rotationInProgress() const;

    /// How to sign what the composer sends, now.
    ComposerContext composerContext() const;
    /// The sandbox's rate window and handler statistics, and a real platform's limit when the
    /// environment names one (KIKET_BASE_URL with KIKET_WORKSPACE_TOKEN).
    TelemetrySources telemetrySources();
    /// How a suite run starts the extension: as this session does, in a sandbox of its own.
    devkit::SessionOverrides suiteOverrides() const;
    /// The extension's process (forward handler only).
    devkit::Runner *runner();

signals:
    /// reloadConfiguration() ran: error is empty when the new configuration is in force.
    void configurationApplied(const QString &error);

private:
    devkit::Session &m_session;
    std::unique_ptr<devkit::RatePoller> m_platformRate;
};

} // namespace kiket::ui
