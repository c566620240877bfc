#include "kiket/client.h"

#include "synchttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QUrl>

namespace kiket {

namespace {

bool isIdempotent(const QByteArray &method)
{
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE"
        || method == "OPTIONS";
}

bool retryableStatus(int status)
{
    return status == 502 || status == 503 || status == 504;
}

} // namespace

ApiError::ApiError(Kind kind, int status, QByteArray body, const QString &message)
    : std::runtime_error(message.toStdString())
    , m_kind(kind)
    , m_status(status)
    , m_body(std::move(body))
{ }

QJsonValue ApiResponse::json() const
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject())
        return doc.object();
    if (doc.isArray())
        return doc.array();
    return {};
}

Client::Client(ClientOptions options)
    : m_options(std::move(options))
{ }

QString Client::segment(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

ApiResponse Client::request(const QByteArray &method, const QString &path, const QJsonValue &body,
    const QUrlQuery &query) const
{
    QString base = m_options.baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QUrl url(base + path, QUrl::StrictMode);
    if (!query.isEmpty()) {
        // Encode every reserved character, '+' included, so values arrive exactly as given.
        QStringList parts;
        for (const auto &item : query.queryItems(QUrl::FullyDecoded))
            parts << segment(item.first) + QLatin1Char('=') + segment(item.second);
        url.setQuery(parts.join(QLatin1Char('&')), QUrl::StrictMode);
    }
    HeaderList headers { { "Content-Type", "application/json" }, { "Accept", "application/json" },
        { "User-Agent", "kiket-sdk-cpp/" KIKET_SDK_VERSION } };
    if (!m_options.workspaceToken.isEmpty())
        headers.emplaceBack("Authorization", "Bearer " + m_options.workspaceToken.toUtf8());
    if (!m_options.runtimeToken.isEmpty())
        headers.emplaceBack("X-Kiket-Runtime-Token", m_options.runtimeToken.toUtf8());
    if (!m_options.eventVersion.isEmpty())
        headers.emplaceBack("X-Kiket-Event-Version", m_options.eventVersion.toUtf8());
    QByteArray payload;
    if (body.isObject())
        payload = QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
    else if (body.isArray())
        payload = QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);

    const bool idempotent = isIdempotent(method);
    int backoff = m_options.initialBackoffMs;
    for (int attempt = 0;; ++attempt) {
        const SyncReply reply = syncRequest(method, url, headers, payload, m_options.timeoutMs);
        const bool canRetry = attempt < m_options.maxRetries;
        int waitMs = backoff;
        bool retry = false;
        if (reply.status == 429) {
            // The platform did not act on a throttled call, so any method may be retried.
            bool ok = false;
            const int after = headerValue(reply.headers, "retry-after").trimmed().toInt(&ok);
            if (ok)
                waitMs = qMin(after, m_options.maxRetryAfterSeconds) * 1000;
            retry = canRetry;
        } else if (reply.status == 0 && reply.errorString.contains(QLatin1String("GUI thread"))) {
            throw ApiError(ApiError::Kind::Refused, 0, {}, reply.errorString);
        } else if (reply.status == 0 || retryableStatus(reply.status)) {
            retry = canRetry && idempotent;
        }
        if (retry) {
            QThread::msleep(ulong(qMax(0, waitMs)));
            backoff *= 2;
            continue;
        }
        if (reply.status >= 200 && reply.status < 300)
            return { reply.status, reply.headers, reply.body };
        const QString what = QStringLiteral("%1 %2").arg(QString::fromLatin1(method), url.path());
        if (reply.status == 0) {
            throw ApiError(reply.timedOut ? ApiError::Kind::Timeout : ApiError::Kind::Network, 0,
                {}, QStringLiteral("%1 failed: %2").arg(what, reply.errorString));
        }
        throw ApiError(ApiError::Kind::Http, reply.status, reply.body,
            QStringLiteral("%1 answered %2: %3")
                .arg(what)
                .arg(reply.status)
                .arg(QString::fromUtf8(reply.body.left(200))));
    }
}

ApiResponse Client::get(const QString &path, const QUrlQuery &query) const
{
    return request("GET", path, {}, query);
}

ApiResponse Client::post(const QString &path, const QJsonValue &body, const QUrlQuery &query) const
{
    return request("POST", path, body, query);
}

ApiResponse Client::patch(const QString &path, const QJsonValue &body, const QUrlQuery &query) const
{
    return request("PATCH", path, body, query);
}

ApiResponse Client::del(const QString &path, const QUrlQuery &query) const
{
    return request("DELETE", path, {}, query);
}

} // namespace kiket
