#include "kiket/httpserver.h"

#include "httpconnection.h"

#include <QHash>
#include <QMutex>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <vector>

namespace kiket {

// Hands finished answers to the server thread: written at once there, else queued for it. Answers
// queued while the server thread is busy share one wake-up.
class ResponseChannel : public QObject
{
public:
    QHash<quint64, QPointer<HttpConnection>> connections; // server thread only

    void deliver(quint64 connection, quint64 seq, const QByteArray &bytes, bool close)
    {
        if (QThread::currentThread() == thread()) {
            write({ connection, seq, bytes, close });
            return;
        }
        QMutexLocker lock(&m_mutex);
        m_outbox.push_back({ connection, seq, bytes, close });
        if (m_outbox.size() == 1)
            QMetaObject::invokeMethod(this, &ResponseChannel::drain, Qt::QueuedConnection);
    }

private:
    struct Answer
    {
        quint64 connection;
        quint64 seq;
        QByteArray bytes;
        bool close;
    };

    void drain()
    {
        std::vector<Answer> answers;
        {
            QMutexLocker lock(&m_mutex);
            answers.swap(m_outbox);
        }
        for (const Answer &answer : answers)
            write(answer);
    }

    void write(const Answer &answer)
    {
        if (HttpConnection *connection = connections.value(answer.connection))
            connection->finishResponse(answer.seq, answer.bytes, answer.close);
    }

    QMutex m_mutex;
    std::vector<Answer> m_outbox;
};

// The channel pointer is cleared under the mutex before the channel dies.
struct ChannelLifetime
{
    QMutex mutex;
    ResponseChannel *channel = nullptr;
};

struct Responder::State
{
    std::shared_ptr<ChannelLifetime> lifetime;
    quint64 connection = 0;
    quint64 seq = 0;
    bool headRequest = false;
    bool close = false;
    std::atomic<bool> sent { false };
};

void Responder::send(const HttpResponse &response) const
{
    if (!m_state || m_state->sent.exchange(true))
        return;
    const QByteArray bytes = serialiseResponse(response, m_state->headRequest, m_state->close);
    QMutexLocker lock(&m_state->lifetime->mutex);
    if (ResponseChannel *channel = m_state->lifetime->channel)
        channel->deliver(m_state->connection, m_state->seq, bytes, m_state->close);
}

bool Responder::sent() const
{
    return m_state && m_state->sent.load();
}

struct HttpServer::Private
{
    ServerLimits limits;
    Handler handler;
    RefusalObserver refusalObserver;
    ConnectionServer *tcp = nullptr;
    ResponseChannel *channel = nullptr;
    std::shared_ptr<ChannelLifetime> lifetime = std::make_shared<ChannelLifetime>();

    void onRequest(HttpConnection *connection, RequestHead &&head, QByteArray &&body, quint64 seq)
    {
        auto state = std::make_shared<Responder::State>();
        state->lifetime = lifetime;
        state->connection = connection->id();
        state->seq = seq;
        state->headRequest = head.method == "HEAD";
        state->close = !head.keepAlive;
        Responder responder;
        responder.m_state = std::move(state);
        const HttpRequest request = std::move(head).toRequest(std::move(body), connection->peer());
        if (handler)
            handler(request, responder);
        else
            responder.send(HttpResponse::error(503, QStringLiteral("No handler")));
    }
};

HttpServer::HttpServer(const ServerLimits &limits, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->limits = limits;
    d->channel = new ResponseChannel;
    d->channel->setParent(this);
    d->lifetime->channel = d->channel;
}

HttpServer::~HttpServer()
{
    {
        QMutexLocker lock(&d->lifetime->mutex);
        d->lifetime->channel = nullptr;
    }
    // Sockets and connections die here, while d (which their signals reach) is still alive.
    delete d->tcp;
    delete d->channel;
}

void HttpServer::setHandler(Handler handler)
{
    d->handler = std::move(handler);
}

void HttpServer::setRefusalObserver(RefusalObserver observer)
{
    d->refusalObserver = std::move(observer);
}

Result<quint16> HttpServer::listen(const QHostAddress &address, quint16 port)
{
    close();
    Private *p = d.get();
    auto *tcp = new ConnectionServer(
        d->limits,
        [p](HttpConnection *connection, RequestHead &&head, QByteArray &&body, quint64 seq) {
            p->onRequest(connection, std::move(head), std::move(body), seq);
        },
        &d->refusalObserver, this);
    connect(tcp, &ConnectionServer::connectionOpened, d->channel, [p](HttpConnection *c) {
        const quint64 id = c->id();
        p->channel->connections.insert(id, c);
        connect(
            c, &QObject::destroyed, p->channel, [p, id] { p->channel->connections.remove(id); });
    });
    if (!tcp->listen(address, port)) {
        const QString message = QStringLiteral("Cannot listen on %1:%2: %3")
                                    .arg(address.toString())
                                    .arg(port)
                                    .arg(tcp->errorString());
        delete tcp;
        return Error { QStringLiteral("http.listen"), message };
    }
    d->tcp = tcp;
    return tcp->serverPort();
}

void HttpServer::close()
{
    if (!d->tcp)
        return;
    d->tcp->close();
    const auto sockets = d->tcp->findChildren<PeerSocket *>();
    for (PeerSocket *socket : sockets)
        socket->abort();
    d->tcp->deleteLater();
    d->tcp = nullptr;
}

quint16 HttpServer::port() const
{
    return d->tcp ? d->tcp->serverPort() : 0;
}

int HttpServer::openConnections() const
{
    return d->tcp ? d->tcp->openConnections() : 0;
}

} // namespace kiket
