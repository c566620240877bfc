#pragma once

#include "kiket/http.h"

#include <QUrl>

namespace kiket {

/// The outcome of one blocking HTTP exchange.
struct SyncReply
{
    int status = 0; ///< 0 when no HTTP answer arrived.
    HeaderList headers;
    QByteArray body;
    bool timedOut = false;
    QString errorString; ///< Transport error text when status is 0.
};

/// Performs one HTTP request and waits for it; for worker threads. There, plain http goes over a
/// socket of the calling thread (see plainRequest()); https, and any call on the main thread, go
/// through QNetworkAccessManager with a local event loop. Redirects are answers, not followed.
/// Refuses (status 0, error text) when called on the GUI thread of a QGuiApplication.
SyncReply syncRequest(const QByteArray &method, const QUrl &url, const HeaderList &headers,
    const QByteArray &body, int timeoutMs);

} // namespace kiket
