#pragma once

#include "kiket/http.h"
#include "kiket/result.h"

#include <QDateTime>
#include <QHostAddress>
#include <QObject>

#include <functional>
#include <memory>

namespace kiket {

/// Limits the server enforces below the HTTP parser, so a slow or huge client cannot hurt it.
struct ServerLimits
{
    qint64 maxBodyBytes = 1024 * 1024; ///< Larger bodies get 413 without being buffered.
    qint64 maxHeaderBytes = 16 * 1024; ///< Larger request heads get 431.
    int maxConnections = 512; ///< Further connections get 503 and are closed.
    int idleTimeoutMs = 30000; ///< A connection with no bytes for this long is closed.
    int requestTimeoutMs = 60000; ///< A request must arrive completely within this time.
};

/// A request the server answered itself, before any handler saw it: too many connections (503),
/// a head or body past the limits (431, 413), bytes that are not acceptable HTTP/1.1 (400), too
/// slow (408), or, in an Sdk, too many deliveries waiting (503).
struct Refusal
{
    QDateTime at;
    int status = 0;
    QString reason; ///< The words the answer carried.
    /// As far as it was read: method, target and headers once the head was whole, the body only
    /// when it was complete; the peer always.
    HttpRequest request;
    /// The first bytes (at most 1 KiB) of a head that could not be read as one, else empty.
    QByteArray headBytes;
};

/// Called for each refusal; on the server's thread, so it must be quick.
using RefusalObserver = std::function<void(const Refusal &)>;

class ResponseChannel;

/// A one-shot handle for answering one request; may be used from any thread.
class Responder
{
public:
    /// Sends the response; later calls are ignored. Safe after the client has gone.
    void send(const HttpResponse &response) const;
    /// True once send() has been called.
    bool sent() const;

private:
    friend class HttpServer;
    struct State;
    std::shared_ptr<State> m_state;
};

/// An HTTP/1.1 server with connection limits, keeping each request exactly as sent; handlers answer
/// asynchronously.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    /// Called on the server's thread for every complete request; must eventually answer through the
    /// Responder.
    using Handler = std::function<void(const HttpRequest &, const Responder &)>;

    /// A stopped server with the given limits; it serves on the thread it lives in.
    explicit HttpServer(const ServerLimits &limits = {}, QObject *parent = nullptr);
    /// Closes every connection; pending Responders become no-ops.
    ~HttpServer() override;

    /// Sets the request handler; call before listen().
    void setHandler(Handler handler);
    /// Sets what is told of the server's own refusals; call before listen().
    void setRefusalObserver(RefusalObserver observer);
    /// Starts listening; returns the bound port (useful with port 0) or the socket error.
    Result<quint16> listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    /// Stops accepting and drops open connections.
    void close();
    /// The bound port, 0 when not listening.
    quint16 port() const;
    /// Connections open right now.
    int openConnections() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kiket
