#include "forwarder.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace kiket::devkit {

namespace {

// The request as bytes on the wire: a body the server already de-chunked goes with its length.
QByteArray wireRequest(const HttpRequest &r)
{
    const bool chunked = headerValue(r.headers, "transfer-encoding").toLower().contains("chunked");
    const QByteArray peer
        = r.peer.isNull() ? QByteArray("127.0.0.1") : r.peer.toString().toLatin1();
    qsizetype size = r.method.size() + r.target.size() + peer.size() + r.body.size() + 64;
    for (const auto &h : r.headers)
        size += h.first.size() + h.second.size() + 4;
    QByteArray out;
    out.reserve(size);
    out.append(r.method).append(' ').append(r.target).append(" HTTP/1.1\r\n");
    for (const auto &h : r.headers) {
        if (chunked && h.first.compare("transfer-encoding", Qt::CaseInsensitive) == 0)
            continue;
        out.append(h.first).append(": ").append(h.second).append("\r\n");
    }
    if (chunked)
        out.append("Content-Length: ").append(QByteArray::number(r.body.size())).append("\r\n");
    out.append("X-Forwarded-For: ").append(peer).append("\r\n\r\n");
    return out.append(r.body);
}

// Decodes a chunked body starting at data[from]; false while incomplete.
bool dechunk(const QByteArray &data, qsizetype from, QByteArray *body)
{
    body->clear();
    qsizetype at = from;
    for (;;) {
        const qsizetype lineEnd = data.indexOf("\r\n", at);
        if (lineEnd < 0)
            return false;
        bool ok = false;
        const qsizetype size
            = data.mid(at, lineEnd - at).split(';').first().trimmed().toLongLong(&ok, 16);
        if (!ok)
            return false;
        at = lineEnd + 2;
        if (size == 0)
            return data.indexOf("\r\n\r\n", at - 2) >= 0; // the trailer ends with an empty line
        if (data.size() < at + size + 2)
            return false;
        body->append(data.mid(at, size));
        at += size + 2;
    }
}

} // namespace

bool parseResponse(const QByteArray &data, bool closed, HttpResponse *out)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QByteArrayView head = QByteArrayView(data).first(headEnd);
    qsizetype lineEnd = head.indexOf('\n');
    const QByteArrayView statusLine = head.first(lineEnd < 0 ? head.size() : lineEnd).trimmed();
    const qsizetype space = statusLine.indexOf(' ');
    QByteArrayView code = space < 0 ? QByteArrayView() : statusLine.sliced(space + 1).trimmed();
    if (const qsizetype end = code.indexOf(' '); end >= 0)
        code = code.first(end);
    out->status = code.toInt(); // 0 when it is not a number
    out->headers.clear();
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 1;
        lineEnd = head.indexOf('\n', start);
        const QByteArrayView line
            = head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            out->headers.append({ line.first(colon).trimmed().toByteArray(),
                line.sliced(colon + 1).trimmed().toByteArray() });
    }
    const qsizetype bodyStart = headEnd + 4;
    if (out->status == 204 || out->status == 304 || out->status / 100 == 1) {
        out->body.clear();
        return true;
    }
    if (headerValue(out->headers, "transfer-encoding").toLower().contains("chunked"))
        return dechunk(data, bodyStart, &out->body);
    const QByteArray length = headerValue(out->headers, "content-length");
    if (!length.isEmpty()) {
        const qsizetype n = length.trimmed().toLongLong();
        if (data.size() < bodyStart + n)
            return false;
        out->body = data.mid(bodyStart, n);
        return true;
    }
    out->body = data.mid(bodyStart);
    return closed;
}

UpstreamPool::~UpstreamPool()
{
    for (const auto &idle : m_idle)
        delete idle.second;
}

QTcpSocket *UpstreamPool::take(quint16 port)
{
    for (qsizetype i = m_idle.size() - 1; i >= 0; --i) {
        if (m_idle[i].first != port)
            continue;
        QTcpSocket *socket = m_idle.takeAt(i).second;
        if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesAvailable() == 0)
            return socket;
        delete socket; // closed by the other side while idle
    }
    return nullptr;
}

void UpstreamPool::give(quint16 port, QTcpSocket *socket)
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
    QTcpSocket *socket = nullptr;
    bool reused = false;
    QTimer deadline;
    QElapsedTimer clock;
    QByteArray received;
    ForwardResult result;
    std::function<void(const ForwardResult &)> done;
    bool finished = false;

    void begin(QTcpSocket *pooled);
    void finish(const QString &error, bool keepSocket);
    void failed(QAbstractSocket::SocketError error);
};

void Call::begin(QTcpSocket *pooled)
{
    reused = pooled != nullptr;
    socket = pooled ? pooled : new QTcpSocket;
    received.clear();
    auto self = shared_from_this();
    QObject::connect(
        socket, &QTcpSocket::connected, [self] { self->socket->write(self->result.bytesSent); });
    QObject::connect(socket, &QTcpSocket::readyRead, [self] {
        self->received += self->socket->readAll();
        if (parseResponse(self->received, false, &self->result.response)) {
            const bool keep
                = headerValue(self->result.response.headers, "connection").toLower() != "close";
            self->finish({}, keep);
        }
    });
    QObject::connect(socket, &QTcpSocket::errorOccurred,
        [self](QAbstractSocket::SocketError error) { self->failed(error); });
    if (reused)
        socket->write(result.bytesSent);
    else
        socket->connectToHost(QHostAddress::LocalHost, port);
}

void Call::failed(QAbstractSocket::SocketError error)
{
    if (finished)
        return;
    received += socket->readAll();
    if (error == QAbstractSocket::RemoteHostClosedError
        && parseResponse(received, true, &result.response)) {
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
    finish(error == QAbstractSocket::ConnectionRefusedError
            ? QStringLiteral("Nothing is listening on port %1: the extension is not running or "
                             "not ready")
                  .arg(port)
            : QStringLiteral("The connection to the extension on port %1 failed: %2")
                  .arg(port)
                  .arg(socket->errorString()),
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
