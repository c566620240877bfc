#pragma once

#include <kiket/http.h>

#include <QElapsedTimer>

#include <functional>
#include <memory>
#include <vector>

class QTimer;

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

/// Passes requests on to the extension's own server on 127.0.0.1, over keep-alive connections
/// that later requests reuse. Used on one thread, which has an event loop; answers come back
/// there. Requests still waiting when it is destroyed get no answer: their callbacks never run.
class Forwarder
{
public:
    Forwarder();
    ~Forwarder();
    Forwarder(const Forwarder &) = delete;
    Forwarder &operator=(const Forwarder &) = delete;

    /// Writes the request to 127.0.0.1:port as received — method, raw target, headers in order,
    /// body bytes — plus X-Forwarded-For, and reads the answer (Content-Length, chunked or until
    /// close). done runs once, later, with the answer or what went wrong.
    void forward(quint16 port, const HttpRequest &request, int timeoutMs,
        std::function<void(const ForwardResult &)> done);

private:
    struct Call;
    friend struct Call;

    PeerSocket *takeIdle(quint16 port);
    void keepIdle(quint16 port, PeerSocket *socket);
    void finish(Call *call, const QString &error, bool keepSocket);
    void expire();

    std::vector<std::unique_ptr<Call>> m_calls; // waiting for their answers
    QList<QPair<quint16, PeerSocket *>> m_idle;
    // One timer for every call's deadline, made on first use so that it belongs to the thread
    // the calls are made on; armed for the earliest deadline.
    std::unique_ptr<QTimer> m_timer;
    qint64 m_armedFor = 0; // the deadline the timer is armed for, on m_clock (0: not armed)
    QElapsedTimer m_clock;
};

} // namespace kiket::devkit
