#pragma once

#include "kiket/client.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace kiket {

/// The extension's secrets on the platform (`/api/v1/extensions/{ext}/secrets`).
class SecretsApi
{
public:
    /// Secrets of one extension through the given client.
    SecretsApi(const Client &client, QString extensionId);
    /// The stored keys.
    QStringList list() const;
    /// A secret's value, or nothing when the platform answers 404.
    std::optional<QString> get(const QString &key) const;
    /// Stores a value (POST).
    void set(const QString &key, const QString &value) const;
    /// Deletes a secret.
    void remove(const QString &key) const;
    /// Replaces a value: set, and on 409/422 PATCH; never deletes first, so a failure keeps the old
    /// value.
    void rotate(const QString &key, const QString &value) const;

private:
    QString path(const QString &key = {}) const;
    const Client &m_client;
    QString m_extensionId;
};

/// Custom-data records of one project (`/api/v1/ext/custom_data/{module}/{table}`).
class CustomDataApi
{
public:
    /// Throws std::invalid_argument for a blank project id, before any call.
    CustomDataApi(const Client &client, QString projectId);
    /// `{data:[…]}`; limit ≤ 0 means the platform's default; filters are sent as JSON text.
    QJsonObject list(const QString &module, const QString &table, int limit = 0,
        const QJsonObject &filters = {}) const;
    /// `{data:{…}}` of one record.
    QJsonObject get(const QString &module, const QString &table, const QString &id) const;
    QJsonObject create(
        const QString &module, const QString &table, const QJsonObject &record) const;
    /// Changes a record (PATCH `{record}`); returns `{data:{…}}`.
    QJsonObject update(const QString &module, const QString &table, const QString &id,
        const QJsonObject &record) const;
    /// Deletes a record.
    void remove(const QString &module, const QString &table, const QString &id) const;

private:
    QString path(const QString &module, const QString &table, const QString &id = {}) const;
    const Client &m_client;
    QString m_projectId;
};

/// SLA events of one project (`/api/v1/ext/sla/events`).
class SlaEventsApi
{
public:
    /// Throws std::invalid_argument for a blank project id, before any call.
    SlaEventsApi(const Client &client, QString projectId);
    /// `{data:[…]}`; empty issue id / state and limit ≤ 0 are left out of the query.
    QJsonObject list(const QString &issueId = {}, const QString &state = {}, int limit = 0) const;

private:
    const Client &m_client;
    QString m_projectId;
};

/// The extension's rate-limit window.
struct RateLimit
{
    int limit = 0;
    int remaining = 0;
    int windowSeconds = 0;
    int resetIn = 0; ///< Seconds until the window resets.
};

/// The extension API helpers of the protocol, bound to one extension and event version.
class Endpoints
{
public:
    /// Helpers for one extension; the client must outlive them.
    Endpoints(const Client &client, QString extensionId, QString eventVersion);

    /// Records an event on the platform's extension event log.
    void logEvent(const QString &event, const QJsonObject &data = {}) const;
    /// The extension's metadata.
    QJsonObject metadata() const;
    /// Shows a notification; level is info, warning, error or success.
    void notify(const QString &title, const QString &message,
        const QString &level = QStringLiteral("info")) const;
    /// The extension's secret store.
    SecretsApi secrets() const { return SecretsApi(m_client, m_extensionId); }
    CustomDataApi customData(const QString &projectId) const
    {
        return CustomDataApi(m_client, projectId);
    }
    SlaEventsApi slaEvents(const QString &projectId) const
    {
        return SlaEventsApi(m_client, projectId);
    }
    /// The current rate-limit window.
    RateLimit rateLimit() const;
    /// The client the helpers use.
    const Client &client() const { return m_client; }

private:
    const Client &m_client;
    QString m_extensionId;
    QString m_eventVersion;
};

} // namespace kiket
