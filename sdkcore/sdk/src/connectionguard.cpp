#include "connectionguard.h"

#include "jsontext.h"

#include <QTcpSocket>
#include <QTimer>

namespace kiket {

namespace {

bool isTokenChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool parseHead(const QByteArray &head, RequestHead *out, QString *error)
{
    const qsizetype firstEnd = head.indexOf('\n');
    const QByteArray first
        = head.left(firstEnd > 0 && head[firstEnd - 1] == '\r' ? firstEnd - 1 : firstEnd);
    const QList<QByteArray> requestLine = first.split(' ');
    if (requestLine.size() != 3 || !isToken(requestLine[0])
        || !(requestLine[1].startsWith('/') || requestLine[1] == "*")
        || !(requestLine[2] == "HTTP/1.1" || requestLine[2] == "HTTP/1.0")) {
        *error = QStringLiteral("Malformed request line");
        return false;
    }
    out->method = requestLine[0];
    out->target = requestLine[1];
    out->version = requestLine[2];
    for (qsizetype start = firstEnd + 1; start < head.size();) {
        qsizetype end = head.indexOf('\n', start);
        if (end < 0)
            end = head.size();
        const QByteArrayView line = QByteArrayView(head)
                                        .sliced(start, end - start)
                                        .chopped(end > start && head[end - 1] == '\r' ? 1 : 0);
        start = end + 1;
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon).toByteArray())) {
            *error = QStringLiteral("Malformed header line");
            return false;
        }
        out->headers.emplaceBack(
            line.first(colon).toByteArray(), line.sliced(colon + 1).trimmed().toByteArray());
    }
    const QByteArray connection = headerValue(out->headers, "connection").toLower();
    out->keepAlive = out->version == "HTTP/1.1" ? !connection.contains("close")
                                                : connection.contains("keep-alive");
    return true;
}

} // namespace

QByteArray serialiseResponse(const HttpResponse &response, bool headRequest, bool close)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' '
        + reasonPhrase(response.status) + "\r\n";
    for (const auto &h : response.headers) {
        if (h.first.compare("content-length", Qt::CaseInsensitive) != 0
            && h.first.compare("connection", Qt::CaseInsensitive) != 0)
            out += h.first + ": " + h.second + "\r\n";
    }
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
    if (!headRequest)
        out += response.body;
    return out;
}

ConnectionGuard::ConnectionGuard(
    QTcpSocket *socket, const ServerLimits &limits, QObject *httpServer, quint64 id)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_httpServer(httpServer)
    , m_id(id)
    , m_timer(new QTimer(this))
{
    // Connected before the HTTP server sees the socket, so this slot runs first and can peek.
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(m_timer, &QTimer::timeout, this, &ConnectionGuard::onTick);
    const int shortest = qMin(limits.idleTimeoutMs, limits.requestTimeoutMs);
    m_timer->start(qBound(10, shortest / 4, 1000));
    markActivity();
}

void ConnectionGuard::markActivity()
{
    m_lastActivity.start();
}

void ConnectionGuard::onReadyRead()
{
    markActivity();
    if (m_state == State::Discard) {
        const QByteArray dropped = m_socket->readAll();
        m_bodyRemaining -= dropped.size();
        if (m_bodyRemaining <= 0)
            m_socket->disconnectFromHost();
        return;
    }
    // Bytes the parser left unread last time were seen already; only the rest is new.
    const qint64 available = m_socket->bytesAvailable();
    const qint64 fresh = available - m_seenUnread;
    if (fresh <= 0)
        return;
    // A body of known length only needs counting; copies are made only for request heads.
    if (m_state == State::Body && m_bodyRemaining >= fresh) {
        m_bodyRemaining -= fresh;
        if (m_bodyRemaining == 0)
            m_state = State::Head;
        return;
    }
    consume(m_socket->peek(available).mid(m_seenUnread));
}

void ConnectionGuard::afterParser()
{
    if (m_state == State::Discard)
        return;
    m_seenUnread = m_socket->bytesAvailable();
    // The parser takes one request per readyRead; pipelined ones wait in the buffer. Wake it
    // again while it keeps making progress and complete heads are queued.
    if (m_seenUnread > 0 && !m_heads.isEmpty() && m_headsTaken != m_headsTakenAtWake) {
        m_headsTakenAtWake = m_headsTaken;
        QMetaObject::invokeMethod(
            m_socket, [socket = m_socket] { emit socket->readyRead(); }, Qt::QueuedConnection);
    }
}

void ConnectionGuard::consume(const QByteArray &data)
{
    qsizetype pos = 0;
    while (pos < data.size() && m_state != State::Discard) {
        if (m_state == State::Head) {
            if (m_headBuffer.isEmpty()) {
                while (pos < data.size() && (data[pos] == '\r' || data[pos] == '\n'))
                    ++pos;
                if (pos == data.size())
                    return;
                m_requestStarted.start();
            }
            const qsizetype searchFrom = qMax<qsizetype>(0, m_headBuffer.size() - 3);
            m_headBuffer.append(data.constData() + pos, data.size() - pos);
            const qsizetype end = m_headBuffer.indexOf("\r\n\r\n", searchFrom);
            if (end < 0) {
                if (m_headBuffer.size() > m_limits.maxHeaderBytes)
                    reject(431, QStringLiteral("Request header too large"), 0);
                return;
            }
            if (end + 4 > m_limits.maxHeaderBytes) {
                reject(431, QStringLiteral("Request header too large"), 0);
                return;
            }
            const qsizetype consumedHere = end + 4 - (m_headBuffer.size() - (data.size() - pos));
            const QByteArray head = m_headBuffer.left(end + 4);
            m_headBuffer.clear();
            pos += consumedHere;
            headComplete(head);
        } else {
            const qint64 available = data.size() - pos;
            if (m_bodyRemaining < 0) { // chunked: the parser tells us the end
                m_bodySeen += available;
                if (m_bodySeen > m_limits.maxBodyBytes)
                    // Drop up to one more cap's worth so the client can read the 413 before
                    // closing.
                    reject(413, QStringLiteral("Request body too large"), m_limits.maxBodyBytes);
                return;
            }
            const qint64 take = qMin(available, m_bodyRemaining);
            m_bodyRemaining -= take;
            pos += take;
            if (m_bodyRemaining == 0)
                m_state = State::Head;
        }
    }
}

void ConnectionGuard::headComplete(const QByteArray &head)
{
    RequestHead parsed;
    QString error;
    if (!parseHead(head, &parsed, &error)) {
        reject(400, error, 0);
        return;
    }
    const QList<QByteArray> lengths = headerValues(parsed.headers, "content-length");
    const QByteArray encoding
        = headerValue(parsed.headers, "transfer-encoding").trimmed().toLower();
    qint64 length = 0;
    for (const QByteArray &value : lengths) {
        bool ok = !value.isEmpty();
        for (char c : value)
            ok = ok && c >= '0' && c <= '9';
        if (!ok || value.size() > 15 || (length && value.toLongLong() != length)) {
            reject(400, QStringLiteral("Invalid Content-Length header"), 0);
            return;
        }
        length = value.toLongLong();
    }
    if (!encoding.isEmpty() && (encoding != "chunked" || !lengths.isEmpty())) {
        reject(400, QStringLiteral("Unsupported Transfer-Encoding"), 0);
        return;
    }
    if (length > m_limits.maxBodyBytes) {
        reject(413, QStringLiteral("Request body too large"), length);
        return;
    }
    if (headerValue(parsed.headers, "expect").toLower() == "100-continue")
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    m_heads.enqueue(std::move(parsed));
    m_bodySeen = 0;
    m_bodyRemaining = encoding == "chunked" ? -1 : length;
    m_state = m_bodyRemaining == 0 ? State::Head : State::Body;
}

RequestHead ConnectionGuard::takeHead()
{
    ++m_headsTaken;
    if (m_state == State::Body && m_bodyRemaining < 0)
        m_state = State::Head; // the parser finished a chunked body
    return m_heads.isEmpty() ? RequestHead() : m_heads.dequeue();
}

quint64 ConnectionGuard::beginResponse()
{
    return m_nextSeq++;
}

void ConnectionGuard::finishResponse(quint64 seq, const QByteArray &bytes, bool close)
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
}

void ConnectionGuard::reject(int status, const QString &message, qint64 discard)
{
    // Take the socket away from the HTTP parser so it buffers nothing more.
    QObject::disconnect(m_socket, &QTcpSocket::readyRead, m_httpServer, nullptr);
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    const qint64 pending = m_socket->bytesAvailable();
    m_socket->read(pending);
    m_headBuffer.clear();
    m_heads.clear();
    m_ready.clear();
    m_state = State::Discard;
    m_bodyRemaining = discard > 0 ? discard - pending : 0;
    HttpResponse response = HttpResponse::error(status, message);
    m_socket->write(serialiseResponse(response, false, true));
    if (m_bodyRemaining <= 0)
        m_socket->disconnectFromHost();
}

void ConnectionGuard::onTick()
{
    const bool awaitingAnswer = m_nextWrite < m_nextSeq;
    if (awaitingAnswer || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    const bool midRequest = m_state != State::Head || !m_headBuffer.isEmpty();
    if (midRequest && m_requestStarted.isValid()
        && m_requestStarted.elapsed() > m_limits.requestTimeoutMs) {
        reject(408, QStringLiteral("Request not completed in time"), 0);
        return;
    }
    if (m_lastActivity.elapsed() > m_limits.idleTimeoutMs) {
        if (midRequest)
            reject(408, QStringLiteral("Request timed out: no data received"), 0);
        else if (m_state != State::Discard)
            m_socket->disconnectFromHost();
        else
            m_socket->abort();
    }
}

void GuardedTcpServer::armNewGuards()
{
    for (const QPointer<ConnectionGuard> &guard : std::as_const(m_unarmed)) {
        if (guard)
            connect(qobject_cast<QTcpSocket *>(guard->parent()), &QTcpSocket::readyRead, guard,
                &ConnectionGuard::afterParser);
    }
    m_unarmed.clear();
}

GuardedTcpServer::GuardedTcpServer(const ServerLimits &limits, QObject *httpServer, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_httpServer(httpServer)
{ }

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (m_open >= m_limits.maxConnections) {
        socket->write(serialiseResponse(
            HttpResponse::error(503, QStringLiteral("Too many connections")), false, true));
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        return;
    }
    ++m_open;
    connect(socket, &QObject::destroyed, this, [this] { --m_open; });
    auto *guard = new ConnectionGuard(socket, m_limits, m_httpServer, m_nextId++);
    m_unarmed.append(guard);
    emit guardCreated(guard);
    addPendingConnection(socket); // QTcpServer emits newConnection() after this returns
}

} // namespace kiket
