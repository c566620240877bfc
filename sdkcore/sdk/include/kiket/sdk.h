#pragma once

#include "kiket/config.h"
#include "kiket/context.h"
#include "kiket/hmac.h"
#include "kiket/http.h"
#include "kiket/httpserver.h"
#include "kiket/jwt.h"
#include "kiket/telemetry.h"

#include <QDateTime>
#include <QJsonValue>

#include <functional>
#include <memory>
#include <optional>

namespace kiket {

/// A webhook handler: returns the JSON answer (an undefined or null value answers `{"ok":true}`).
/// Throwing answers 500 with the message; a ScopeError answers 403.
using Handler = std::function<QJsonValue(const QJsonObject &payload, Context &context)>;

/// What happened to one delivery, for tools that show it (the workbench's capture).
struct DeliveryOutcome
{
    HttpResponse response;
    QDateTime received; ///< When the pipeline started on it.
    QString event; ///< From the path, empty when routing failed.
    QString requestedVersion; ///< As resolved from path, header or query.
    QString version; ///< The registered version that handled it.
    AuthMode authMode = AuthMode::Hmac;
    std::optional<HmacVerdict> hmac; ///< Set when HMAC was checked.
    std::optional<TokenVerdict> token; ///< Set when the runtime token was checked.
    bool handlerRan = false;
    double parseMs = 0; ///< Checking and parsing the JSON body.
    double authMs = 0; ///< HMAC and runtime-token verification.
    double routeMs = 0; ///< Version resolution, handler lookup and the scope check.
    double handlerMs = 0;
    QString errorClass; ///< Type of the exception a handler threw.
};

/// Assigning a Handler to it registers the handler: `sdk.webhook("issue.created", "v1") =
/// handler;`.
class WebhookRegistration
{
public:
    void operator=(Handler handler);

private:
    friend class Sdk;
    WebhookRegistration(class Sdk &sdk, QString event, QString version, QStringList scopes);
    Sdk &m_sdk;
    QString m_event;
    QString m_version;
    QStringList m_scopes;
};

/// The Kiket extension SDK: handler registry, delivery pipeline, HTTP server, telemetry.
class Sdk
{
public:
    /// Resolves the configuration (options → manifest → environment); check configurationError().
    explicit Sdk(SdkOptions options = {});
    /// Stops the server and waits for running handlers.
    ~Sdk();
    /// Not copyable: it owns a server, a thread pool and telemetry.
    Sdk(const Sdk &) = delete;
    Sdk &operator=(const Sdk &) = delete;

    /// Set when the configuration could not be resolved (e.g. a broken manifest); start() then
    /// fails.
    const std::optional<Error> &configurationError() const;
    /// The configuration in force.
    const Config &config() const;

    /// Registers a handler for (event, version), with scopes checked before it runs.
    void registerHandler(const QString &event, const QString &version, Handler handler,
        const QStringList &requiredScopes = {});
    /// Decorator-style registration: `sdk.webhook("issue.created", "v1", {"issues.read"}) =
    /// handler;`.
    WebhookRegistration webhook(
        const QString &event, const QString &version, const QStringList &requiredScopes = {});
    /// Unique event names in registration order.
    QStringList registeredEvents() const;

    /// Starts serving on its own thread and returns the bound port (port 0 picks a free one).
    Result<quint16> start(const QString &host = QStringLiteral("127.0.0.1"), quint16 port = 8080);
    /// Stops serving and waits for running handlers.
    void stop();
    /// The bound port, 0 when stopped.
    quint16 port() const;
    /// Serves until SIGINT or SIGTERM; creates a QCoreApplication if there is none. Returns an exit
    /// code.
    int run(const QString &host = QStringLiteral("127.0.0.1"), quint16 port = 8080);

    /// Runs the whole pipeline for one request, synchronously, on the calling thread.
    HttpResponse dispatch(const HttpRequest &request);
    /// Like dispatch(), with the verdicts and timings.
    DeliveryOutcome dispatchDetailed(const HttpRequest &request);
    /// Called on the worker thread after each request is answered.
    void setObserver(std::function<void(const HttpRequest &, const DeliveryOutcome &)> observer);
    /// Called for requests answered before the pipeline ran (limits, framing, a full queue); on
    /// the server thread. Call before start().
    void setRefusalObserver(RefusalObserver observer);

    /// The `/health` answer.
    QJsonObject health() const;
    /// Telemetry records and aggregates.
    Telemetry &telemetry();
    /// The runtime-token verifier in use (its JWKS cache can be cleared).
    const TokenVerifier &tokenVerifier() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// Runs the application's event loop until SIGINT or SIGTERM arrives; returns its exit code.
/// For programs that serve until stopped (Sdk::run uses it).
int execUntilStopSignal();

} // namespace kiket
