#include "kiket/http.h"

#include "httpsyntax.h"
#include "jsontext.h"
#include "synchttp.h"

#include <QJsonDocument>

namespace kiket {

QList<QByteArray> headerValues(const HeaderList &headers, QByteArrayView name)
{
    QList<QByteArray> out;
    for (const auto &h : headers) {
        if (http::sameFieldName(h.first, name))
            out.append(h.second);
    }
    return out;
}

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &h : headers) {
        if (http::sameFieldName(h.first, name))
            return h.second;
    }
    return {};
}

QByteArray HttpRequest::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

QByteArray HttpRequest::query() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? QByteArray() : target.mid(q + 1);
}

HttpResponse HttpResponse::json(int status, const QJsonObject &body)
{
    return { status, { { "Content-Type", "application/json" } }, toJsonBytes(body) };
}

HttpResponse HttpResponse::jsonArray(int status, const QJsonArray &body)
{
    return { status, { { "Content-Type", "application/json" } },
        QJsonDocument(body).toJson(QJsonDocument::Compact) };
}

HttpResponse HttpResponse::error(int status, const QString &message)
{
    return { status, { { "Content-Type", "application/json" } }, errorBody(message) };
}

QJsonObject HttpResponse::jsonObject() const
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray reasonPhrase(int status)
{
    return reasonText(status).toByteArray();
}

QByteArrayView reasonText(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Unknown";
    }
}

HttpResponse sendHttp(const QString &baseUrl, const HttpRequest &request, int timeoutMs)
{
    QString base = baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    const QUrl url(base + QString::fromLatin1(request.target));
    const SyncReply reply
        = syncRequest(request.method, url, request.headers, request.body, timeoutMs);
    if (reply.status == 0)
        return HttpResponse::error(0, reply.errorString);
    return { reply.status, reply.headers, reply.body };
}

} // namespace kiket
