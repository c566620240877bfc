#pragma once

#include "kiket/http.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QUrlQuery>

#include <stdexcept>

namespace kiket {

/// Raised by the client when the platform answers non-2xx or cannot be reached.
class ApiError : public std::runtime_error
{
public:
    /// What went wrong at the transport level; Http means an answer with a non-2xx status.
    enum class Kind { Http, Network, Timeout, Refused };

    /// An error of the given kind; message becomes what().
    ApiError(Kind kind, int status, QByteArray body, const QString &message);
    /// Whether the platform answered (Http) or why it did not.
    Kind kind() const { return m_kind; }
    /// HTTP status, 0 when no answer arrived.
    int status() const { return m_status; }
    /// The raw answer body.
    const QByteArray &body() const { return m_body; }

private:
    Kind m_kind;
    int m_status;
    QByteArray m_body;
};

/// Settings of one client; defaults follow the protocol (15 s timeout, 3 retries, 0.5 s doubling).
struct ClientOptions
{
    QString baseUrl = QStringLiteral("https://kiket.dev");
    QString workspaceToken; ///< Sent as `Authorization: Bearer` when set.
    QString runtimeToken; ///< Sent as `X-Kiket-Runtime-Token` when set.
    QString eventVersion; ///< Sent as `X-Kiket-Event-Version` when set.
    int timeoutMs = 15000;
    int maxRetries = 3;
    int initialBackoffMs = 500;
    int maxRetryAfterSeconds = 60; ///< Cap on a 429's Retry-After wait.
};

/// An answer from the platform.
struct ApiResponse
{
    int status = 0;
    HeaderList headers;
    QByteArray body;
    /// The body as JSON (undefined when empty or not JSON).
    QJsonValue json() const;
    /// The body as a JSON object (empty when not one).
    QJsonObject object() const { return json().toObject(); }
};

/// Synchronous client for the extension API; safe on worker threads, refuses to block a GUI thread.
class Client
{
public:
    /// A client with the given settings; cheap to create per delivery.
    explicit Client(ClientOptions options = {});
    /// The settings in force.
    const ClientOptions &options() const { return m_options; }

    /// Sends a request to `<base_url><path>`; retries as the protocol says; throws ApiError.
    ApiResponse request(const QByteArray &method, const QString &path, const QJsonValue &body = {},
        const QUrlQuery &query = {}) const;
    /// GET; retried on timeouts, connection failures, 502/503/504 and 429.
    ApiResponse get(const QString &path, const QUrlQuery &query = {}) const;
    /// POST; retried only on 429, since the platform did not act on it.
    ApiResponse post(
        const QString &path, const QJsonValue &body, const QUrlQuery &query = {}) const;
    /// PATCH; retried only on 429.
    ApiResponse patch(
        const QString &path, const QJsonValue &body, const QUrlQuery &query = {}) const;
    /// DELETE; retried like GET.
    ApiResponse del(const QString &path, const QUrlQuery &query = {}) const;

    /// Percent-encodes one path segment (slashes included).
    static QString segment(const QString &value);

private:
    ClientOptions m_options;
};

} // namespace kiket
