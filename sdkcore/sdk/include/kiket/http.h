#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace kiket {

/// Header lines in the order they were sent; names keep their original case.
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// All values of a header, compared case-insensitively, in order.
QList<QByteArray> headerValues(const HeaderList &headers, QByteArrayView name);
/// The first value of a header, or an empty array.
QByteArray headerValue(const HeaderList &headers, QByteArrayView name);

/// One HTTP request as received: nothing decoded, nothing re-ordered.
struct HttpRequest
{
    QByteArray method; ///< e.g. "POST".
    QByteArray target; ///< The raw request target: path, then "?" and the query if any.
    HeaderList headers;
    QByteArray body;
    QHostAddress peer;

    /// The raw (still percent-encoded) path part of the target.
    QByteArray path() const;
    /// The raw query part of the target, without "?".
    QByteArray query() const;
    /// First value of a header, case-insensitive.
    QByteArray header(QByteArrayView name) const { return headerValue(headers, name); }
};

/// One HTTP response; the server adds Content-Length and Connection itself.
struct HttpResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;

    /// A response with a JSON body and `Content-Type: application/json`.
    static HttpResponse json(int status, const QJsonObject &body);
    /// The same with a JSON array as the body.
    static HttpResponse jsonArray(int status, const QJsonArray &body);
    /// `{"error": message}` with the given status.
    static HttpResponse error(int status, const QString &message);
    /// First value of a header, case-insensitive.
    QByteArray header(QByteArrayView name) const { return headerValue(headers, name); }
    /// The body parsed as a JSON object (empty when it is not one).
    QJsonObject jsonObject() const;
};

/// The reason phrase for a status code ("Not Found"), or "Unknown".
QByteArray reasonPhrase(int status);
/// The same without a copy.
QByteArrayView reasonText(int status);

/// Sends a request to `<baseUrl><request.target>` and waits for the answer (status 0 with
/// `{"error": …}` when none came). Blocking: for worker threads and command-line programs.
HttpResponse sendHttp(const QString &baseUrl, const HttpRequest &request, int timeoutMs = 15000);

} // namespace kiket
