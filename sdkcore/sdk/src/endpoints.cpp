#include "kiket/endpoints.h"

#include <QDateTime>
#include <QJsonDocument>

#include <stdexcept>

namespace kiket {

namespace {

QString requireProject(const QString &projectId)
{
    if (projectId.trimmed().isEmpty())
        throw std::invalid_argument("project id must not be blank");
    return projectId;
}

QUrlQuery projectQuery(const QString &projectId)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("project_id"), projectId);
    return q;
}

} // namespace

SecretsApi::SecretsApi(const Client &client, QString extensionId)
    : m_client(client)
    , m_extensionId(std::move(extensionId))
{ }

QString SecretsApi::path(const QString &key) const
{
    QString p = QStringLiteral("/api/v1/extensions/%1/secrets").arg(Client::segment(m_extensionId));
    if (!key.isEmpty())
        p += QLatin1Char('/') + Client::segment(key);
    return p;
}

QStringList SecretsApi::list() const
{
    QStringList keys;
    for (const QJsonValue &v :
        m_client.get(path()).object().value(QStringLiteral("keys")).toArray())
        keys << v.toString();
    return keys;
}

std::optional<QString> SecretsApi::get(const QString &key) const
{
    try {
        return m_client.get(path(key)).object().value(QStringLiteral("value")).toString();
    } catch (const ApiError &e) {
        if (e.status() == 404)
            return std::nullopt;
        throw;
    }
}

void SecretsApi::set(const QString &key, const QString &value) const
{
    m_client.post(path(key), QJsonObject { { QStringLiteral("value"), value } });
}

void SecretsApi::remove(const QString &key) const
{
    m_client.del(path(key));
}

void SecretsApi::rotate(const QString &key, const QString &value) const
{
    try {
        set(key, value);
    } catch (const ApiError &e) {
        if (e.status() != 409 && e.status() != 422)
            throw;
        m_client.patch(path(key), QJsonObject { { QStringLiteral("value"), value } });
    }
}

CustomDataApi::CustomDataApi(const Client &client, QString projectId)
    : m_client(client)
    , m_projectId(requireProject(projectId))
{ }

QString CustomDataApi::path(const QString &module, const QString &table, const QString &id) const
{
    QString p = QStringLiteral("/api/v1/ext/custom_data/%1/%2")
                    .arg(Client::segment(module), Client::segment(table));
    if (!id.isEmpty())
        p += QLatin1Char('/') + Client::segment(id);
    return p;
}

QJsonObject CustomDataApi::list(
    const QString &module, const QString &table, int limit, const QJsonObject &filters) const
{
    QUrlQuery q = projectQuery(m_projectId);
    if (limit > 0)
        q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!filters.isEmpty())
        q.addQueryItem(QStringLiteral("filters"),
            QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact)));
    return m_client.get(path(module, table), q).object();
}

QJsonObject CustomDataApi::get(const QString &module, const QString &table, const QString &id) const
{
    return m_client.get(path(module, table, id), projectQuery(m_projectId)).object();
}

QJsonObject CustomDataApi::create(
    const QString &module, const QString &table, const QJsonObject &record) const
{
    return m_client
        .post(path(module, table), QJsonObject { { QStringLiteral("record"), record } },
            projectQuery(m_projectId))
        .object();
}

QJsonObject CustomDataApi::update(
    const QString &module, const QString &table, const QString &id, const QJsonObject &record) const
{
    return m_client
        .patch(path(module, table, id), QJsonObject { { QStringLiteral("record"), record } },
            projectQuery(m_projectId))
        .object();
}

void CustomDataApi::remove(const QString &module, const QString &table, const QString &id) const
{
    m_client.del(path(module, table, id), projectQuery(m_projectId));
}

SlaEventsApi::SlaEventsApi(const Client &client, QString projectId)
    : m_client(client)
    , m_projectId(requireProject(projectId))
{ }

QJsonObject SlaEventsApi::list(const QString &issueId, const QString &state, int limit) const
{
    QUrlQuery q = projectQuery(m_projectId);
    if (!issueId.isEmpty())
        q.addQueryItem(QStringLiteral("issue_id"), issueId);
    if (!state.isEmpty())
        q.addQueryItem(QStringLiteral("state"), state);
    if (limit > 0)
        q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    return m_client.get(QStringLiteral("/api/v1/ext/sla/events"), q).object();
}

Endpoints::Endpoints(const Client &client, QString extensionId, QString eventVersion)
    : m_client(client)
    , m_extensionId(std::move(extensionId))
    , m_eventVersion(std::move(eventVersion))
{ }

void Endpoints::logEvent(const QString &event, const QJsonObject &data) const
{
    const QJsonObject body { { QStringLiteral("event"), event },
        { QStringLiteral("version"), m_eventVersion }, { QStringLiteral("data"), data },
        { QStringLiteral("timestamp"),
            QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) } };
    m_client.post(
        QStringLiteral("/api/v1/extensions/%1/events").arg(Client::segment(m_extensionId)), body);
}

QJsonObject Endpoints::metadata() const
{
    return m_client.get(QStringLiteral("/api/v1/extensions/%1").arg(Client::segment(m_extensionId)))
        .object();
}

void Endpoints::notify(const QString &title, const QString &message, const QString &level) const
{
    m_client.post(QStringLiteral("/api/v1/extensions/notifications"),
        QJsonObject { { QStringLiteral("title"), title }, { QStringLiteral("body"), message },
            { QStringLiteral("level"), level } });
}

RateLimit Endpoints::rateLimit() const
{
    const QJsonObject r = m_client.get(QStringLiteral("/api/v1/ext/rate_limit"))
                              .object()
                              .value(QStringLiteral("rate_limit"))
                              .toObject();
    return { r.value(QStringLiteral("limit")).toInt(), r.value(QStringLiteral("remaining")).toInt(),
        r.value(QStringLiteral("window_seconds")).toInt(),
        r.value(QStringLiteral("reset_in")).toInt() };
}

} // namespace kiket
