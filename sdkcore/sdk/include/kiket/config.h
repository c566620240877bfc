#pragma once

#include "kiket/httpserver.h"
#include "kiket/manifest.h"
#include "kiket/result.h"

#include <QJsonObject>
#include <QProcessEnvironment>

#include <functional>
#include <optional>

namespace kiket {

struct TelemetryRecord;

/// How deliveries are authenticated.
enum class AuthMode {
    Auto, ///< HMAC when a webhook secret is known, else runtime token.
    Hmac,
    RuntimeToken,
    Both, ///< HMAC and runtime token must both pass.
    None, ///< No check at all: for local experiments only.
};

/// Parses "hmac", "runtime-token", "both", "none" or "auto".
std::optional<AuthMode> authModeFromString(const QString &text);
/// The name used in configuration files and logs.
QString authModeName(AuthMode mode);

/// Options given in code; anything left unset falls back to the manifest, then the environment.
struct SdkOptions
{
    std::optional<QString> webhookSecret;
    std::optional<QString> workspaceToken;
    std::optional<QString> baseUrl;
    std::optional<QString> extensionId;
    std::optional<QString> extensionVersion;
    std::optional<QString>
        manifestPath; ///< A file; when unset the manifest is searched in manifestFolder.
    QString manifestFolder = QStringLiteral("."); ///< Where to search for a manifest.
    std::optional<QString> telemetryUrl;
    std::optional<bool> telemetryEnabled;
    QJsonObject settings; ///< Explicit settings, overriding manifest defaults and the environment.
    bool autoEnvSecrets = true; ///< Apply KIKET_SECRET_* to secret settings.
    AuthMode authMode = AuthMode::Auto;
    QStringList
        trustedBaseUrls; ///< Payload api.base_url values to trust (default: the base URL alone).
    QList<QByteArray> previousWebhookSecrets; ///< Only used to explain signature mismatches.
    /// Accepted as well as the webhook secret while a rotation is under way (old and new both
    /// valid until the rotation ends).
    QList<QByteArray> rotatingWebhookSecrets;
    int tokenLeewaySeconds = 0;
    /// Called with every telemetry record before it is sent.
    std::function<void(const TelemetryRecord &)> feedbackHook;
    ServerLimits limits;
    int workerThreads
        = 16; ///< Most handler threads; the pool grows to it only while work is stuck.
    int maxQueuedDeliveries = 256; ///< Beyond this many waiting deliveries, answer 503.
    int clientTimeoutMs = 15000;
    int clientInitialBackoffMs = 500;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

/// The configuration in force after applying the precedence rules of the protocol.
struct Config
{
    QString baseUrl;
    QString workspaceToken;
    QString webhookSecret;
    QString webhookSecretSource; ///< "option", "manifest", "environment" or empty.
    QString extensionId;
    QString extensionVersion;
    QString telemetryUrl;
    bool telemetryEnabled = true;
    AuthMode authMode = AuthMode::Hmac; ///< Never Auto here.
    QJsonObject settings;
    std::optional<Manifest> manifest;
};

/// `KIKET_SECRET_` + the key upper-cased with each run of other characters turned into `_`.
QString secretEnvName(const QString &key);
/// True for 1, true, yes, on (any case).
bool isTruthy(const QString &value);
/// Resolves options, manifest and environment; a broken manifest is an error with line and column.
Result<Config> resolveConfig(const SdkOptions &options);

} // namespace kiket
