#include "forwarder.h"

#include "httpsyntax.h"
#include "peersocket.h"
#include "responseparser.h"

#include <QElapsedTimer>
#include <QTimer>

#include <cerrno>
#include <charconv>
#include <memory>

namespace kiket::devkit {

namespace {

// The request as bytes on the wire: a body the server already de-chunked goes with its length.
QByteArray wireRequest(const HttpRequest &r)
{
    const bool chunked = headerValue(r.headers, "transfer-encoding").toLower().contains("chunked");
    const QByteArray peer
        = r.peer.isNull() ? QByteArray("127.0.0.1") : r.peer.toString().toLatin1();
    char length[24];
    const auto lengthEnd = std::to_chars(length, length + sizeof length, r.body.size()).ptr;
    // The fixed pieces below take 51 bytes.
    qsizetype size = 64 + r.method.size() + r.target.size() + (lengthEnd - length) + peer.size()
        + r.body.size();
    for (const auto &h : r.headers)
        size += h.first.size() + h.second.size() + 4;
    QByteArray out(size, Qt::Uninitialized);
    char *w = out.data();
    w = http::put(w, r.method);
    w = http::put(w, " ");
    w = http::put(w, r.target);
    w = http::put(w, " HTTP/1.1\r\n");
    for (const auto &h : r.headers) {
        if (!chunked || !http::sameFieldName(h.first, "transfer-encoding"))
            w = http::putField(w, h.first, h.second);
    }
    if (chunked)
        w = http::putField(w, "Content-Length", QByteArrayView(length, lengthEnd - length));
    w = http::putField(w, "X-Forwarded-For", peer);
    w = http::put(w, "\r\n");
    w = http::put(w, r.body);
    out.truncate(w - out.constData());
    return out;
}

} // namespace

UpstreamPool::~UpstreamPool()
{
    for (const auto &idle : m_idle)
        delete idle.second;
}

PeerSocket *UpstreamPool::take(quint16 port)
{
    for (qsizetype i = m_idle.size() - 1; i >= 0; --i) {
        if (m_idle[i].first != port)
            continue;
        PeerSocket *socket = m_idle.takeAt(i).second;
        if (socket->isOpen() && !socket->readClosed() && socket->bytesAvailable() == 0)
            return socket;
        delete socket; // closed by the other side while idle
    }
    return nullptr;
}

void UpstreamPool::give(quint16 port, PeerSocket *socket)
{
    constexpr qsizetype kMaxIdle = 64;
    if (m_idle.size() >= kMaxIdle)
        delete m_idle.takeFirst().second;
    m_idle.append({ port, socket });
}

namespace {

// One forwarded request; owns its socket until the answer is in, then pools or drops it.
struct Call : std::enable_shared_from_this<Call>
{
    UpstreamPool *pool = nullptr;
    quint16 port = 0;
    PeerSocket *socket = nullptr;
    bool reused = false;
    QTimer deadline;
    QElapsedTimer clock;
    QByteArray received;
    AnswerProgress progress; // what the parser has read of received
    ForwardResult result;
    std::function<void(const ForwardResult &)> done;
    bool finished = false;

    void begin(PeerSocket *pooled);
    void readAnswer();
    void ended();
    void finish(const QString &error, bool keepSocket);
};

void Call::begin(PeerSocket *pooled)
{
    reused = pooled != nullptr;
    socket = pooled ? pooled : new PeerSocket;
    received.clear();
    progress = {};
    auto self = shared_from_this();
    QObject::connect(socket, &PeerSocket::readyRead, [self] { self->readAnswer(); });
    QObject::connect(socket, &PeerSocket::disconnected, [self] { self->ended(); });
    if (!reused)
        socket->connectToHost(QHostAddress::LocalHost, port); // may end the call at once
    if (!finished)
        socket->write(result.bytesSent);
}

void Call::readAnswer()
{
    received += socket->read(socket->bytesAvailable());
    QString why;
    switch (parseResponse(received, false, &result.response, &why, &progress)) {
    case AnswerState::Incomplete:
        if (socket->readClosed())
            ended();
        break;
    case AnswerState::Complete:
        finish({},
            !socket->readClosed()
                && headerValue(result.response.headers, "connection").toLower() != "close");
        break;
    case AnswerState::Malformed:
        result.response = {};
        result.response.status = 0;
        finish(QStringLiteral("The extension's answer is malformed: %1").arg(why), false);
        break;
    }
}

// The connection closed, or could not be made, before a whole answer came.
void Call::ended()
{
    if (finished)
        return;
    const int error = socket->error();
    if (error == 0
        && parseResponse(received, true, &result.response, nullptr, &progress)
            == AnswerState::Complete) { // an answer that ends where the connection does
        finish({}, false);
        return;
    }
    if (reused && received.isEmpty()) { // a pooled connection the server had closed: once more
        socket->disconnect();
        socket->deleteLater();
        begin(nullptr);
        return;
    }
    result.response = {};
    result.response.status = 0;
    result.refused = true;
    finish(error == ECONNREFUSED
            ? QStringLiteral("Nothing is listening on port %1: the extension is not running or "
                             "not ready")
                  .arg(port)
            : QStringLiteral("The connection to the extension on port %1 failed: %2")
                  .arg(port)
                  .arg(error == 0 ? QStringLiteral("the extension closed it before answering")
                                  : qt_error_string(error)),
        false);
}

void Call::finish(const QString &error, bool keepSocket)
{
    if (finished)
        return;
    finished = true;
    deadline.stop();
    deadline.disconnect();
    result.error = error;
    result.ms = clock.nsecsElapsed() / 1e6;
    socket->disconnect();
    if (keepSocket) {
        pool->give(port, socket);
    } else {
        socket->abort();
        socket->deleteLater();
    }
    socket = nullptr;
    done(result);
}

} // namespace

void forwardRequest(UpstreamPool &pool, quint16 port, const HttpRequest &request, int timeoutMs,
    std::function<void(const ForwardResult &)> done)
{
    auto call = std::make_shared<Call>();
    call->pool = &pool;
    call->port = port;
    call->done = std::move(done);
    call->result.bytesSent = wireRequest(request);
    call->result.response.status = 0; // until an answer is parsed
    call->clock.start();
    call->deadline.setSingleShot(true);
    QObject::connect(&call->deadline, &QTimer::timeout, [call, port, timeoutMs] {
        call->result.timedOut = true;
        call->result.response = {};
        call->result.response.status = 0;
        call->finish(QStringLiteral("The extension on port %1 did not answer within %2 ms")
                         .arg(port)
                         .arg(timeoutMs),
            false);
    });
    call->deadline.start(timeoutMs);
    call->begin(pool.take(port));
}

} // namespace kiket::devkit
