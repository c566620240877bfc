#pragma once

#include <kiket/http.h>

#include <functional>

namespace kiket {
class PeerSocket;
}

namespace kiket::devkit {

/// The outcome of passing one request on to the extension's own server.
struct ForwardResult
{
    HttpResponse response; ///< As the extension answered it (status 0 when it did not).
    bool refused = false; ///< Nothing listening, or the connection broke before an answer.
    bool timedOut = false;
    QString error; ///< What went wrong, in words.
    QByteArray bytesSent; ///< The request exactly as written to the extension.
    double ms = 0;
};

/// Idle keep-alive connections to the extension's server, reused by later requests. Used on one
/// thread.
class UpstreamPool
{
public:
    ~UpstreamPool();
    /// A connected idle socket to the port, or nullptr.
    PeerSocket *take(quint16 port);
    /// Keeps a socket whose last answer left the connection open.
    void give(quint16 port, PeerSocket *socket);

private:
    QList<QPair<quint16, PeerSocket *>> m_idle;
};

/// Writes the request to 127.0.0.1:port as received — method, raw target, headers in order, body
/// bytes — plus X-Forwarded-For, and reads the answer (Content-Length, chunked or until close).
/// Asynchronous: call on a thread with an event loop; done runs there.
void forwardRequest(UpstreamPool &pool, quint16 port, const HttpRequest &request, int timeoutMs,
    std::function<void(const ForwardResult &)> done);

} // namespace kiket::devkit
