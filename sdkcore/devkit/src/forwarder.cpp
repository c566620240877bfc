#include "forwarder.h"

#include "chunkeddecoder.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace kiket::devkit {

namespace {

// An extension's answer is read into memory; past this it is refused.
constexpr qint64 kMaxAnswerBytes = 64 * 1024 * 1024;

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

} // namespace

AnswerState parseResponse(const QByteArray &data, bool closed, HttpResponse *out, QString *error)
{
    const auto malformed = [error](const QString &why) {
        if (error)
            *error = why;
        return AnswerState::Malformed;
    };
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return AnswerState::Incomplete;
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
    out->body.clear();
    if (out->status == 204 || out->status == 304 || out->status / 100 == 1)
        return AnswerState::Complete;
    if (headerValue(out->headers, "transfer-encoding").toLower().contains("chunked")) {
        ChunkedDecoder decoder(kMaxAnswerBytes, 16 * 1024, true);
        QByteArrayView rest = QByteArrayView(data).sliced(bodyStart);
        switch (decoder.feed(&rest, &out->body)) {
        case ChunkedDecoder::Status::Done:
            return AnswerState::Complete;
        case ChunkedDecoder::Status::NeedMore:
            return AnswerState::Incomplete;
        case ChunkedDecoder::Status::Malformed:
            return malformed(decoder.error());
        case ChunkedDecoder::Status::TooLarge:
            return malformed(QStringLiteral("The answer is larger than %1 MiB").arg(kMaxAnswerBytes >> 20));
        }
    }
    const QByteArray length = headerValue(out->headers, "content-length").trimmed();
    if (!length.isEmpty()) {
        bool ok = length.size() <= 15;
        for (char c : length)
            ok = ok && c >= '0' && c <= '9';
        if (!ok)
            return malformed(QStringLiteral("Invalid Content-Length in the answer: %1")
                                 .arg(QString::fromLatin1(length.left(40))));
        const qint64 n = length.toLongLong();
        if (data.size() - bodyStart < n)
            return AnswerState::Incomplete;
        out->body = data.mid(bodyStart, n);
        return AnswerState::Complete;
    }
    out->body = data.mid(bodyStart);
    return closed ? AnswerState::Complete : AnswerState::Incomplete;
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
        QString why;
        switch (parseResponse(self->received, false, &self->result.response, &why)) {
        case AnswerState::Incomplete:
            break;
        case AnswerState::Complete:
            self->finish({}, headerValue(self->result.response.headers, "connection").toLower() != "close");
            break;
        case AnswerState::Malformed:
            self->result.response = {};
            self->result.response.status = 0;
            self->finish(QStringLiteral("The extension's answer is malformed: %1").arg(why), false);
            break;
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
        && parseResponse(received, true, &result.response) == AnswerState::Complete) {
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
