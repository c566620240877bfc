#pragma once

#include "synchttp.h"

namespace kiket {

/// Whether plainRequest() carries this exchange: plain http that needs no proxy, no user info in
/// the URL, and a method whose answer is framed by its head (not HEAD or CONNECT).
bool plainRequestFits(const QByteArray &method, const QUrl &url);

/// One HTTP/1.1 exchange over plain TCP, done on the calling thread without an event loop or a
/// network thread; for threads other than the main one. The thread keeps its connection open for
/// its next call to the same host; when a kept connection turns out closed before any byte of the
/// answer, the request goes once more on a new one. Redirects are answers.
SyncReply plainRequest(const QByteArray &method, const QUrl &url, const HeaderList &headers,
    const QByteArray &body, int timeoutMs);

} // namespace kiket
