#include "panelsession.h"

#include <kiket/devkit/listener/listener.h>
#include <kiket/devkit/sandbox/ratepoller.h>
#include <kiket/devkit/sandbox/sandboxplatform.h>
#include <kiket/sdk.h>

#include <QDateTime>

namespace kiket::ui {

PanelSession::PanelSession(devkit::Session &session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{ }

PanelSession::~PanelSession() = default;

QString PanelSession::folder() const
{
    return m_session.config().folder;
}

QString PanelSession::manifestPath() const
{
    const QString path = m_session.manifestPath();
    return path.isEmpty() ? folder() + QStringLiteral("/extension.yaml") : path;
}

Result<Config> PanelSession::currentConfig() const
{
    return m_session.currentConfig();
}

Result<bool> PanelSession::reloadConfiguration()
{
    const auto applied = m_session.reloadConfiguration();
    emit configurationApplied(applied ? QString() : applied.error().toString());
    return applied;
}

devkit::LocalSecrets &PanelSession::localSecrets()
{
    return m_session.localSecrets();
}

Result<bool> PanelSession::rotateDeliverySecret(const QString &newValue)
{
    return m_session.rotateDeliverySecret(newValue);
}

Result<bool> PanelSession::endRotation()
{
    return m_session.endRotation();
}

bool PanelSession::rotationInProgress() const
{
    return m_session.rotationInProgress();
}

ComposerContext PanelSession::composerContext() const
{
    ComposerContext context;
    context.webhookSecret = m_session.deliverySecret();
    context.issuer = &m_session.sandbox().issuer();
    context.apiBaseUrl = m_session.sandboxUrl();
    return context;
}

TelemetrySources PanelSession::telemetrySources()
{
    TelemetrySources sources;
    devkit::RateWindow &rate = m_session.sandbox().rateWindow();
    sources.rate = [&rate] { return rate.peek(QDateTime::currentMSecsSinceEpoch()); };
    sources.setLimit = [&rate](int limit) { rate.setLimit(limit); };
    sources.stats.append({ tr("in-process SDK"), [this] {
                              Sdk *sdk = m_session.listener().sdk();
                              return sdk ? sdk->telemetry().aggregates().stats()
                                         : QList<TelemetryStats>();
                          } });
    sources.stats.append(
        { tr("sandbox intake"), [this] { return m_session.sandbox().telemetry().stats(); } });
    // A real platform's limit too, when the environment names one with a workspace token.
    const QString platform = qEnvironmentVariable("KIKET_BASE_URL");
    const QString token = qEnvironmentVariable("KIKET_WORKSPACE_TOKEN");
    if (!platform.isEmpty() && !token.isEmpty() && platform != m_session.sandboxUrl()) {
        if (!m_platformRate)
            m_platformRate = std::make_unique<devkit::RatePoller>(platform, token);
        sources.platformName = platform;
        sources.platformRate = [poller = m_platformRate.get()] { return poller->latest(); };
    }
    return sources;
}

devkit::SessionOverrides PanelSession::suiteOverrides() const
{
    devkit::SessionOverrides overrides;
    const devkit::FolderConfig &config = m_session.config();
    overrides.handler = config.handler;
    if (config.handler == devkit::HandlerKind::InProcess)
        overrides.plugin = config.plugin;
    return overrides;
}

devkit::Runner *PanelSession::runner()
{
    return m_session.runner();
}

} // namespace kiket::ui
