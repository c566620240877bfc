#include "httpconnection.h"

#include "httpsyntax.h"
#include "jsontext.h"

#include <QTimer>

#include <algorithm>
#include <charconv>

namespace kiket {

namespace {

// Back-pressure: how much is read at a time, and when a connection stops being read because its
// client does not take its answers.
constexpr qint64 kReadChunk = 64 * 1024;
constexpr qint64 kMaxUnsentBytes = 1024 * 1024;
constexpr quint64 kMaxInFlight = 64;

// One address may hold three quarters of the connections, so that one client cannot take every
// slot (on loopback every client shares 127.0.0.1, so more would hurt local load tests).
int perPeerCap(const ServerLimits &limits)
{
    return qMax(1, limits.maxConnections - limits.maxConnections / 4);
}

// A head (request line and headers) must arrive within this time once begun: a client dribbling
// header bytes holds its slot only this long.
int headTimeoutMs(const ServerLimits &limits)
{
    return qMin(10000, limits.requestTimeoutMs / 3);
}

} // namespace

QByteArray serialiseResponse(const HttpResponse &response, bool headRequest, bool close)
{
    char status[12];
    const auto statusEnd = std::to_chars(status, status + sizeof status, response.status).ptr;
    char length[24];
    const auto lengthEnd = std::to_chars(length, length + sizeof length, response.body.size()).ptr;
    const QByteArrayView reason = reasonText(response.status);
    const QByteArrayView body = headRequest ? QByteArrayView() : QByteArrayView(response.body);
    // The fixed pieces below take 56 bytes.
    qsizetype size = 64 + (statusEnd - status) + reason.size() + (lengthEnd - length) + body.size();
    for (const auto &h : response.headers)
        size += h.first.size() + h.second.size() + 4;
    QByteArray out(size, Qt::Uninitialized);
    char *w = out.data();
    w = http::put(w, "HTTP/1.1 ");
    w = http::put(w, QByteArrayView(status, statusEnd - status));
    w = http::put(w, " ");
    w = http::put(w, reason);
    w = http::put(w, "\r\n");
    for (const auto &h : response.headers) {
        if (!http::isFieldNameIn(h.first, { "content-length", "connection" }))
            w = http::putField(w, h.first, h.second);
    }
    w = http::putField(w, "Content-Length", QByteArrayView(length, lengthEnd - length));
    w = http::putField(w, "Connection", close ? "close" : "keep-alive");
    w = http::put(w, "\r\n");
    w = http::put(w, body);
    out.truncate(w - out.constData());
    return out;
}

HttpConnection::HttpConnection(PeerSocket *socket, const ServerLimits &limits,
    const RequestSink *sink, const RefusalObserver *observer, quint64 id)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_sink(sink)
    , m_observer(observer)
    , m_id(id)
    , m_peer(socket->peerAddress())
    , m_timer(new QTimer(this))
    , m_parser(limits)
{
    // No more of what a client sends is read into memory than is about to be parsed.
    socket->setReadBufferSize(kReadChunk);
    connect(socket, &PeerSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &PeerSocket::bytesWritten, this, &HttpConnection::resumeIfDrained);
    connect(m_timer, &QTimer::timeout, this, &HttpConnection::onTick);
    const int shortest
        = std::min({ limits.idleTimeoutMs, limits.requestTimeoutMs, headTimeoutMs(limits) });
    m_timer->start(qBound(10, shortest / 4, 1000));
    markActivity();
}

bool HttpConnection::backlogged() const
{
    return m_socket->bytesToWrite() > kMaxUnsentBytes || m_nextSeq - m_nextWrite >= kMaxInFlight;
}

void HttpConnection::resumeIfDrained()
{
    if (m_paused && !backlogged()) {
        m_paused = false;
        QTimer::singleShot(0, this, &HttpConnection::onReadyRead);
    }
}

void HttpConnection::onReadyRead()
{
    if (m_paused)
        return; // the bytes wait in the socket; the client's sends block once its window fills
    readAndParse();
    const bool allParsed = !m_paused && m_unread.isEmpty() && m_socket->bytesAvailable() == 0;
    if (allParsed && m_socket->readClosed() && m_socket->isOpen()) {
        // A half-close after a complete request still gets its answer; a request cut short can
        // never complete, and the client may still read why.
        if (m_state == State::Reading && m_parser.midRequest())
            reject(400,
                QStringLiteral("Request incomplete: the client closed its side before its end"), 0);
        closeWhenAnswered();
    }
}

void HttpConnection::readAndParse()
{
    markActivity();
    const QByteArray data
        = m_unread.isEmpty() ? m_socket->read(kReadChunk) : std::exchange(m_unread, {});
    QByteArrayView rest(data);
    while (!rest.isEmpty()) {
        if (m_state == State::Closing) // the last request said close: later bytes are not read
            return;
        if (m_state == State::Discard) { // after an early error answer: drop what still comes
            m_discardRemaining -= rest.size();
            if (m_discardRemaining <= 0)
                closeWhenAnswered();
            return;
        }
        if (m_parser.inHead() && backlogged()) {
            m_unread = rest.toByteArray();
            m_paused = true;
            return;
        }
        const quint64 begun = m_parser.requestsBegun();
        const RequestParser::Status status = m_parser.feed(&rest);
        if (m_parser.requestsBegun() != begun)
            m_requestStarted.start();
        switch (status) {
        case RequestParser::Status::NeedMore:
            break;
        case RequestParser::Status::Continue:
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            break;
        case RequestParser::Status::Complete:
            complete();
            break;
        case RequestParser::Status::Refused: {
            const RequestParser::Refusal &refusal = m_parser.refusal();
            reject(
                refusal.status, refusal.message, refusal.discard - rest.size(), refusal.headBytes);
            return;
        }
        }
    }
    if (m_socket->bytesAvailable() > 0) // read in chunks: what is left raises no new signal
        QTimer::singleShot(0, this, &HttpConnection::onReadyRead);
}

void HttpConnection::closeWhenAnswered()
{
    if (m_nextWrite < m_nextSeq)
        m_closeWhenAnswered = true;
    else
        m_socket->disconnectFromHost();
}

void HttpConnection::complete()
{
    const quint64 seq = m_nextSeq++;
    RequestHead head = m_parser.takeHead();
    if (!head.keepAlive)
        m_state = State::Closing;
    (*m_sink)(this, std::move(head), m_parser.takeBody(), seq);
}

void HttpConnection::finishResponse(quint64 seq, const QByteArray &bytes, bool close)
{
    if (seq != m_nextWrite) { // an earlier request is still being handled: keep the order
        m_ready.insert(seq, { bytes, close });
        return;
    }
    bool closeAfter = close;
    QByteArray out = bytes;
    for (;;) {
        ++m_nextWrite;
        m_socket->write(out);
        if (closeAfter) {
            m_socket->disconnectFromHost();
            return;
        }
        auto next = m_ready.find(m_nextWrite);
        if (next == m_ready.end())
            break;
        std::tie(out, closeAfter) = std::pair(next->first, next->second);
        m_ready.erase(next);
    }
    markActivity();
    if (m_closeWhenAnswered && m_nextWrite == m_nextSeq) {
        m_socket->disconnectFromHost();
        return;
    }
    resumeIfDrained();
}

// The refusal is the answer to the request being read: it leaves after the answers to those
// before it, and the connection closes behind it (after the client's discarded bytes, if any).
void HttpConnection::reject(
    int status, const QString &message, qint64 discard, QByteArray headBytes)
{
    m_state = discard > 0 ? State::Discard : State::Closing;
    m_discardRemaining = discard;
    if (m_observer && *m_observer) {
        (*m_observer)({ QDateTime::currentDateTimeUtc(), status, message,
            m_parser.takeHead().toRequest({}, m_peer), std::move(headBytes) });
    }
    const QByteArray answer = serialiseResponse(HttpResponse::error(status, message), false, true);
    finishResponse(m_nextSeq++, answer, discard <= 0);
}

void HttpConnection::onTick()
{
    const bool awaitingAnswer = m_nextWrite < m_nextSeq;
    if (awaitingAnswer || !m_socket->isOpen())
        return;
    const bool midRequest = m_state == State::Reading && m_parser.midRequest();
    if (midRequest && m_requestStarted.isValid()
        && m_requestStarted.elapsed() > m_limits.requestTimeoutMs) {
        reject(408, QStringLiteral("Request not completed in time"), 0, m_parser.pendingHead());
        return;
    }
    const bool midHead = m_state == State::Reading && m_parser.midHead();
    if (midHead && m_requestStarted.elapsed() > headTimeoutMs(m_limits)) {
        reject(
            408, QStringLiteral("Request head not completed in time"), 0, m_parser.pendingHead());
        return;
    }
    if (m_lastActivity.elapsed() > m_limits.idleTimeoutMs) {
        if (midRequest)
            reject(408, QStringLiteral("Request timed out: no data received"), 0,
                m_parser.pendingHead());
        else if (m_state == State::Discard)
            m_socket->abort();
        else
            m_socket->disconnectFromHost();
    }
}

ConnectionServer::ConnectionServer(
    const ServerLimits &limits, RequestSink sink, const RefusalObserver *observer, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_sink(std::move(sink))
    , m_observer(observer)
{ }

void ConnectionServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new PeerSocket(descriptor, this);
    connect(socket, &PeerSocket::disconnected, socket, &QObject::deleteLater);
    const QHostAddress peer = socket->peerAddress();
    const bool full = m_open >= m_limits.maxConnections;
    if (full || m_perPeer.value(peer) >= perPeerCap(m_limits)) {
        const QString reason = full ? QStringLiteral("Too many connections")
                                    : QStringLiteral("Too many connections from this address");
        socket->write(serialiseResponse(HttpResponse::error(503, reason), false, true));
        socket->disconnectFromHost();
        if (m_observer && *m_observer) {
            Refusal refusal { QDateTime::currentDateTimeUtc(), 503, reason, {}, {} };
            refusal.request.peer = peer;
            (*m_observer)(refusal);
        }
        return;
    }
    ++m_open;
    ++m_perPeer[peer];
    connect(socket, &QObject::destroyed, this, [this, peer] {
        --m_open;
        if (--m_perPeer[peer] <= 0)
            m_perPeer.remove(peer);
    });
    auto *connection = new HttpConnection(socket, m_limits, &m_sink, m_observer, m_nextId++);
    emit connectionOpened(connection);
}

} // namespace kiket
