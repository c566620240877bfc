#include "httpconnection.h"

#include "jsontext.h"

#include <QTcpSocket>
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

bool isTokenChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Whether a line of the head ends in LF alone. Lenient parsers accept that and strict ones wait
// for CRLF; answering at once says why instead of timing out.
bool hasBareLf(QByteArrayView head, qsizetype from = 0)
{
    for (qsizetype i = head.indexOf('\n', from); i >= 0; i = head.indexOf('\n', i + 1)) {
        if (i == 0 || head[i - 1] != '\r')
            return true;
    }
    return false;
}

const QString kBareLf = QStringLiteral(
    "Bad line ending: a request line or header ends with LF alone; HTTP/1.1 needs CRLF");

QByteArrayView withoutCr(QByteArrayView line)
{
    return line.endsWith('\r') ? line.chopped(1) : line;
}

// Control characters (NUL among them) have no place in a target or a header value (RFC 9110
// §5.5); a server or log further on might cut or keep them. HTAB is allowed in values.
bool hasControl(QByteArrayView text, bool allowTab)
{
    return std::any_of(text.begin(), text.end(), [allowTab](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && !(allowTab && u == '\t')) || u == 0x7f;
    });
}

// "METHOD target HTTP/1.x" into out; false when it is not one.
bool parseRequestLine(QByteArrayView line, RequestHead *out)
{
    const qsizetype first = line.indexOf(' ');
    const qsizetype second = first < 0 ? -1 : line.indexOf(' ', first + 1);
    if (second < 0 || line.indexOf(' ', second + 1) >= 0)
        return false;
    const QByteArrayView method = line.first(first);
    const QByteArrayView target = line.sliced(first + 1, second - first - 1);
    const QByteArrayView version = line.sliced(second + 1);
    if (!isToken(method) || !(target.startsWith('/') || target == "*")
        || !(version == "HTTP/1.1" || version == "HTTP/1.0") || hasControl(target, false)
        || target.toByteArray().toLower().contains("%00"))
        return false;
    out->method = method.toByteArray();
    out->target = target.toByteArray();
    out->version = version.toByteArray();
    return true;
}

bool parseHead(QByteArrayView head, RequestHead *out, QString *error)
{
    qsizetype lineEnd = head.indexOf('\n');
    const QByteArrayView requestLine = withoutCr(head.first(qMax<qsizetype>(lineEnd, 0)));
    if (!parseRequestLine(requestLine, out)) {
        *error = hasControl(requestLine, false)
                || requestLine.toByteArray().toLower().contains("%00")
            ? QStringLiteral("The request line holds a control character (such as NUL or %00)")
            : QStringLiteral("Malformed request line");
        return false;
    }
    for (qsizetype start = lineEnd + 1; start < head.size(); start = lineEnd + 1) {
        lineEnd = head.indexOf('\n', start);
        if (lineEnd < 0)
            lineEnd = head.size();
        const QByteArrayView line = withoutCr(head.sliced(start, lineEnd - start));
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon))) {
            *error = QStringLiteral("Malformed header line");
            return false;
        }
        if (hasControl(line.sliced(colon + 1), true)) {
            *error = QStringLiteral("A header value holds a control character (such as NUL)");
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
    char status[12];
    const auto statusEnd = std::to_chars(status, status + sizeof status, response.status).ptr;
    char length[24];
    const auto lengthEnd = std::to_chars(length, length + sizeof length, response.body.size()).ptr;
    const QByteArrayView reason = reasonText(response.status);
    qsizetype size = 80 + reason.size() + (headRequest ? 0 : response.body.size());
    for (const auto &h : response.headers)
        size += h.first.size() + h.second.size() + 4;
    QByteArray out;
    out.reserve(size);
    out.append("HTTP/1.1 ").append(status, statusEnd - status).append(' ').append(reason);
    out.append("\r\n");
    for (const auto &h : response.headers) {
        if (h.first.compare("content-length", Qt::CaseInsensitive) != 0
            && h.first.compare("connection", Qt::CaseInsensitive) != 0)
            out.append(h.first).append(": ").append(h.second).append("\r\n");
    }
    out.append("Content-Length: ").append(length, lengthEnd - length).append("\r\n");
    out.append(close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n");
    if (!headRequest)
        out.append(response.body);
    return out;
}

HttpConnection::HttpConnection(
    QTcpSocket *socket, const ServerLimits &limits, const RequestSink *sink, quint64 id)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_sink(sink)
    , m_id(id)
    , m_peer(socket->peerAddress())
    , m_timer(new QTimer(this))
    , m_chunked(limits.maxBodyBytes, limits.maxHeaderBytes)
{
    // Qt would otherwise read all a client sends into memory, whether or not it is parsed yet.
    socket->setReadBufferSize(kReadChunk);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::resumeIfDrained);
    connect(m_timer, &QTimer::timeout, this, &HttpConnection::onTick);
    const int shortest = std::min({ limits.idleTimeoutMs, limits.requestTimeoutMs, headTimeoutMs(limits) });
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
    markActivity();
    const QByteArray data = m_unread.isEmpty() ? m_socket->read(kReadChunk) : std::exchange(m_unread, {});
    QByteArrayView rest(data);
    while (!rest.isEmpty()) {
        if (m_state == State::Head && backlogged()) {
            m_unread = rest.toByteArray();
            m_paused = true;
            return;
        }
        switch (m_state) {
        case State::Head:
            rest = readHead(rest);
            break;
        case State::Body:
            rest = readBody(rest);
            break;
        case State::Chunked:
            rest = readChunked(rest);
            break;
        case State::Closing: // the last request said close: later bytes are not read
            return;
        case State::Discard: // after an early error answer: drop what the client still sends
            m_discardRemaining -= rest.size();
            if (m_discardRemaining <= 0)
                m_socket->disconnectFromHost();
            return;
        }
    }
    if (m_socket->bytesAvailable() > 0) // read in chunks: what is left raises no new signal
        QTimer::singleShot(0, this, &HttpConnection::onReadyRead);
}

QByteArrayView HttpConnection::readHead(QByteArrayView data)
{
    const qint64 cap = m_limits.maxHeaderBytes;
    if (m_headBuffer.isEmpty()) {
        // Empty lines before a request line are allowed (RFC 9112 §2.2).
        qsizetype skip = 0;
        while (skip < data.size() && (data[skip] == '\r' || data[skip] == '\n'))
            ++skip;
        data = data.sliced(skip);
        if (data.isEmpty())
            return data;
        m_requestStarted.start();
        // Usually the whole head is in this read: parse it where it lies.
        const qsizetype end = data.indexOf("\r\n\r\n");
        if (hasBareLf(end >= 0 ? data.first(end) : data)) {
            reject(400, kBareLf, 0);
            return {};
        }
        if (end >= 0 && end + 4 <= cap) {
            headComplete(data.first(end + 4));
            return data.sliced(end + 4);
        }
        if (end >= 0 || data.size() > cap) {
            reject(431, QStringLiteral("Request header too large"), 0);
            return {};
        }
        m_headBuffer = data.toByteArray();
        return {};
    }
    const qsizetype before = m_headBuffer.size();
    const qsizetype searchFrom = qMax<qsizetype>(0, before - 3);
    m_headBuffer.append(data.first(qMin<qsizetype>(data.size(), cap + 4 - before)));
    const qsizetype end = m_headBuffer.indexOf("\r\n\r\n", searchFrom);
    const QByteArrayView seen = QByteArrayView(m_headBuffer).first(end >= 0 ? end : m_headBuffer.size());
    if (hasBareLf(seen, before)) {
        reject(400, kBareLf, 0);
        return {};
    }
    if ((end < 0 && m_headBuffer.size() > cap) || end + 4 > cap) {
        reject(431, QStringLiteral("Request header too large"), 0);
        return {};
    }
    if (end < 0)
        return {};
    const QByteArray head = m_headBuffer.left(end + 4);
    m_headBuffer.clear();
    headComplete(head);
    return data.sliced(end + 4 - before);
}

void HttpConnection::headComplete(QByteArrayView head)
{
    m_head = RequestHead();
    QString error;
    if (!parseHead(head, &m_head, &error)) {
        reject(400, error, 0);
        return;
    }
    const QList<QByteArray> lengths = headerValues(m_head.headers, "content-length");
    const QByteArray encoding = headerValue(m_head.headers, "transfer-encoding").toLower();
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
    const bool chunked = encoding == "chunked";
    if (!encoding.isEmpty() && (!chunked || !lengths.isEmpty())) {
        reject(400, QStringLiteral("Unsupported Transfer-Encoding"), 0);
        return;
    }
    if (length > m_limits.maxBodyBytes) {
        reject(413, QStringLiteral("Request body too large"), length);
        return;
    }
    m_body = QByteArray();
    if (!chunked && length == 0) {
        complete();
        return;
    }
    if (headerValue(m_head.headers, "expect").toLower() == "100-continue")
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if (chunked) {
        m_chunked = ChunkedDecoder(m_limits.maxBodyBytes, m_limits.maxHeaderBytes);
        m_state = State::Chunked;
    } else {
        m_body.reserve(length);
        m_bodyRemaining = length;
        m_state = State::Body;
    }
}

QByteArrayView HttpConnection::readBody(QByteArrayView data)
{
    const qsizetype take = qsizetype(qMin<qint64>(m_bodyRemaining, data.size()));
    m_body.append(data.first(take));
    m_bodyRemaining -= take;
    if (m_bodyRemaining == 0)
        complete();
    return data.sliced(take);
}

QByteArrayView HttpConnection::readChunked(QByteArrayView data)
{
    switch (m_chunked.feed(&data, &m_body)) {
    case ChunkedDecoder::Status::NeedMore:
        break;
    case ChunkedDecoder::Status::Done:
        complete();
        break;
    case ChunkedDecoder::Status::Malformed:
        reject(400, m_chunked.error(), 0);
        return {};
    case ChunkedDecoder::Status::TooLarge:
        // Drop up to one more cap's worth so the client can read the 413 before closing.
        reject(413, QStringLiteral("Request body too large"), m_limits.maxBodyBytes);
        return data;
    }
    return data;
}

void HttpConnection::complete()
{
    const quint64 seq = m_nextSeq++;
    m_state = m_head.keepAlive ? State::Head : State::Closing;
    (*m_sink)(this, std::move(m_head), std::move(m_body), seq);
    m_head = RequestHead();
    m_body = QByteArray();
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
    resumeIfDrained();
}

void HttpConnection::reject(int status, const QString &message, qint64 discard)
{
    m_headBuffer.clear();
    m_body.clear();
    m_ready.clear();
    m_state = discard > 0 ? State::Discard : State::Closing;
    m_discardRemaining = discard;
    m_socket->write(serialiseResponse(HttpResponse::error(status, message), false, true));
    if (discard <= 0)
        m_socket->disconnectFromHost();
}

void HttpConnection::onTick()
{
    const bool awaitingAnswer = m_nextWrite < m_nextSeq;
    if (awaitingAnswer || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    const bool midRequest = m_state == State::Body || m_state == State::Chunked
        || (m_state == State::Head && !m_headBuffer.isEmpty());
    if (midRequest && m_requestStarted.isValid()
        && m_requestStarted.elapsed() > m_limits.requestTimeoutMs) {
        reject(408, QStringLiteral("Request not completed in time"), 0);
        return;
    }
    const bool midHead = m_state == State::Head && !m_headBuffer.isEmpty();
    if (midHead && m_requestStarted.elapsed() > headTimeoutMs(m_limits)) {
        reject(408, QStringLiteral("Request head not completed in time"), 0);
        return;
    }
    if (m_lastActivity.elapsed() > m_limits.idleTimeoutMs) {
        if (midRequest)
            reject(408, QStringLiteral("Request timed out: no data received"), 0);
        else if (m_state == State::Discard)
            m_socket->abort();
        else
            m_socket->disconnectFromHost();
    }
}

ConnectionServer::ConnectionServer(const ServerLimits &limits, RequestSink sink, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_sink(std::move(sink))
{ }

void ConnectionServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    const QHostAddress peer = socket->peerAddress();
    const bool full = m_open >= m_limits.maxConnections;
    if (full || m_perPeer.value(peer) >= perPeerCap(m_limits)) {
        socket->write(serialiseResponse(HttpResponse::error(503,
                                            full ? QStringLiteral("Too many connections")
                                                 : QStringLiteral("Too many connections from "
                                                                  "this address")),
            false, true));
        socket->disconnectFromHost();
        return;
    }
    ++m_open;
    ++m_perPeer[peer];
    connect(socket, &QObject::destroyed, this, [this, peer] {
        --m_open;
        if (--m_perPeer[peer] <= 0)
            m_perPeer.remove(peer);
    });
    auto *connection = new HttpConnection(socket, m_limits, &m_sink, m_nextId++);
    emit connectionOpened(connection);
}

} // namespace kiket
