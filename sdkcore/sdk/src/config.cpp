#include "kiket/config.h"

#include <QRegularExpression>

namespace kiket {

std::optional<AuthMode> authModeFromString(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("auto"))
        return AuthMode::Auto;
    if (t == QLatin1String("hmac"))
        return AuthMode::Hmac;
    if (t == QLatin1String("runtime-token") || t == QLatin1String("runtime_token"))
        return AuthMode::RuntimeToken;
    if (t == QLatin1String("both"))
        return AuthMode::Both;
    if (t == QLatin1String("none"))
        return AuthMode::None;
    return std::nullopt;
}

QString authModeName(AuthMode mode)
{
    switch (mode) {
    case AuthMode::Auto:
        return QStringLiteral("auto");
    case AuthMode::Hmac:
        return QStringLiteral("hmac");
    case AuthMode::RuntimeToken:
        return QStringLiteral("runtime-token");
    case AuthMode::Both:
        return QStringLiteral("both");
    case AuthMode::None:
        return QStringLiteral("none");
    }
    return {};
}

QString secretEnvName(const QString &key)
{
    static const QRegularExpression others(QStringLiteral("[^A-Z0-9]+"));
    return QStringLiteral("KIKET_SECRET_") + key.toUpper().replace(others, QStringLiteral("_"));
}

bool isTruthy(const QString &value)
{
    const QString v = value.trimmed().toLower();
    return v == QLatin1String("1") || v == QLatin1String("true") || v == QLatin1String("yes")
        || v == QLatin1String("on");
}

Result<Config> resolveConfig(const SdkOptions &o)
{
    const QProcessEnvironment &env = o.environment;
    Config c;
    const QString manifestPath = o.manifestPath ? *o.manifestPath : findManifest(o.manifestFolder);
    if (!manifestPath.isEmpty()) {
        auto manifest = loadManifest(manifestPath, env);
        if (!manifest)
            return manifest.error();
        c.manifest = std::move(manifest).value();
    }
    const Manifest m = c.manifest.value_or(Manifest {});
    auto pick = [](const std::optional<QString> &option, const QString &fallback) {
        return option ? *option : fallback;
    };

    c.baseUrl = pick(o.baseUrl,
        env.value(QStringLiteral("KIKET_BASE_URL"), QStringLiteral("https://kiket.dev")));
    while (c.baseUrl.endsWith(QLatin1Char('/')))
        c.baseUrl.chop(1);
    c.workspaceToken = pick(o.workspaceToken, env.value(QStringLiteral("KIKET_WORKSPACE_TOKEN")));
    if (o.webhookSecret) {
        c.webhookSecret = *o.webhookSecret;
        c.webhookSecretSource = QStringLiteral("option");
    } else if (!m.deliverySecret.isEmpty()) {
        c.webhookSecret = m.deliverySecret;
        c.webhookSecretSource = QStringLiteral("manifest");
    } else if (!env.value(QStringLiteral("KIKET_WEBHOOK_SECRET")).isEmpty()) {
        c.webhookSecret = env.value(QStringLiteral("KIKET_WEBHOOK_SECRET"));
        c.webhookSecretSource = QStringLiteral("environment");
    }
    c.extensionId = pick(o.extensionId, m.id);
    c.extensionVersion = pick(o.extensionVersion, m.version);

    QString telemetry = pick(o.telemetryUrl, env.value(QStringLiteral("KIKET_SDK_TELEMETRY_URL")));
    if (telemetry.isEmpty())
        telemetry = c.baseUrl + QStringLiteral("/api/v1/ext");
    while (telemetry.endsWith(QLatin1Char('/')))
        telemetry.chop(1);
    if (!telemetry.endsWith(QLatin1String("/telemetry")))
        telemetry += QStringLiteral("/telemetry");
    c.telemetryUrl = telemetry;
    // Either the option or the environment variable opts out.
    c.telemetryEnabled = o.telemetryEnabled.value_or(true)
        && !isTruthy(env.value(QStringLiteral("KIKET_SDK_TELEMETRY_OPTOUT")));

    c.authMode = o.authMode;
    if (c.authMode == AuthMode::Auto)
        c.authMode = c.webhookSecret.isEmpty() ? AuthMode::RuntimeToken : AuthMode::Hmac;

    for (const SettingSpec &spec : m.settings) {
        if (!spec.defaultValue.isUndefined())
            c.settings.insert(spec.key, spec.defaultValue);
        const QString envName = secretEnvName(spec.key);
        if (spec.secret && o.autoEnvSecrets && env.contains(envName))
            c.settings.insert(spec.key, env.value(envName));
    }
    for (auto it = o.settings.begin(); it != o.settings.end(); ++it)
        c.settings.insert(it.key(), it.value());
    return c;
}

} // namespace kiket
