#include "forwarder.h"

#include "httpsyntax.h"
#include "peersocket.h"
#include "responseparser.h"

#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace kiket::devkit {

namespace {

// The forwarding peer's address as text: IPv4 written directly, since it is nearly always
// 127.0.0.1 and QHostAddress::toString() costs as much as writing the whole request.
QByteArray peerText(const QHostAddress &peer)
{
    if (peer.isNull())
        return QByteArrayLiteral("127.0.0.1");
    if (peer.protocol() != QAbstractSocket::IPv4Protocol)
        return peer.toString().toLatin1();
    const quint32 v4 = peer.toIPv4Address();
    char text[16];
    char *w = text;
    for (int shift = 24; shift >= 0; shift -= 8) {
        w = std::to_chars(w, text + sizeof text, (v4 >> shift) & 0xff).ptr;
        if (shift > 0)
            *w++ = '.';
    }
    return QByteArray(text, w - text);
}

// The request as bytes on the wire: a body the server already de-chunked goes with its length.
QByteArray wireRequest(const HttpRequest &r)
{
    const bool chunked = headerValue(r.headers, "transfer-encoding").toLower().contains("chunked");
    const QByteArray peer = peerText(r.peer);
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

// One forwarded request; owns its socket until the answer is in, then pools or drops it. The
// socket tells it of new bytes directly: connecting signals for each request cost more than
// reading the answer.
struct Forwarder::Call final : PeerSocket::Observer
{
    Forwarder *owner = nullptr;
    quint16 port = 0;
    PeerSocket *socket = nullptr;
    bool reused = false;
    int timeoutMs = 0;
    qint64 deadline = 0; // on owner->m_clock, in ms
    qint64 startedNs = 0; // on owner->m_clock
    QByteArray received;
    AnswerProgress progress; // what the parser has read of received
    ForwardResult result;
    std::function<void(const ForwardResult &)> done;

    // Each of these may end the call, which destroys it: nothing may follow that.
    void begin(PeerSocket *pooled);
    void socketReadyRead() override;
    void socketDisconnected() override;
    void failed();
};

void Forwarder::Call::begin(PeerSocket *pooled)
{
    reused = pooled != nullptr;
    socket = pooled ? pooled : new PeerSocket;
    received.clear();
    progress = {};
    if (!reused)
        socket->connectToHost(QHostAddress::LocalHost, port);
    if (!socket->isOpen()) { // could not even start to connect
        failed();
        return;
    }
    socket->setObserver(this);
    socket->write(result.bytesSent); // may end the call at once
}

void Forwarder::Call::socketReadyRead()
{
    received += socket->read(socket->bytesAvailable());
    QString why;
    switch (parseResponse(received, false, &result.response, &why, &progress)) {
    case AnswerState::Incomplete:
        if (socket->readClosed())
            failed();
        break;
    case AnswerState::Complete:
        owner->finish(this, {},
            !socket->readClosed()
                && headerValue(result.response.headers, "connection").toLower() != "close");
        break;
    case AnswerState::Malformed:
        result.response = {};
        result.response.status = 0;
        owner->finish(
            this, QStringLiteral("The extension's answer is malformed: %1").arg(why), false);
        break;
    }
}

void Forwarder::Call::socketDisconnected()
{
    failed();
}

// The connection closed, or could not be made, before a whole answer came.
void Forwarder::Call::failed()
{
    const int error = socket->error();
    if (error == 0
        && parseResponse(received, true, &result.response, nullptr, &progress)
            == AnswerState::Complete) { // an answer that ends where the connection does
        owner->finish(this, {}, false);
        return;
    }
    if (reused && received.isEmpty()) { // a pooled connection the server had closed: once more
        socket->setObserver(nullptr);
        socket->deleteLater();
        begin(nullptr);
        return;
    }
    result.response = {};
    result.response.status = 0;
    result.refused = true;
    owner->finish(this,
        error == ECONNREFUSED
            ? QStringLiteral("Nothing is listening on port %1: the extension is not running or "
                             "not ready")
                  .arg(port)
            : QStringLiteral("The connection to the extension on port %1 failed: %2")
                  .arg(port)
                  .arg(error == 0 ? QStringLiteral("the extension closed it before answering")
                                  : qt_error_string(error)),
        false);
}

Forwarder::Forwarder()
{
    m_clock.start();
}

Forwarder::~Forwarder()
{
    for (const auto &call : m_calls) {
        call->socket->setObserver(nullptr);
        delete call->socket;
    }
    for (const auto &idle : m_idle)
        delete idle.second;
}

PeerSocket *Forwarder::takeIdle(quint16 port)
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

void Forwarder::keepIdle(quint16 port, PeerSocket *socket)
{
    constexpr qsizetype kMaxIdle = 64;
    if (m_idle.size() >= kMaxIdle)
        delete m_idle.takeFirst().second;
    m_idle.append({ port, socket });
}

void Forwarder::forward(quint16 port, const HttpRequest &request, int timeoutMs,
    std::function<void(const ForwardResult &)> done)
{
    auto owned = std::make_unique<Call>();
    Call *call = owned.get();
    m_calls.push_back(std::move(owned));
    call->owner = this;
    call->port = port;
    call->timeoutMs = timeoutMs;
    call->done = std::move(done);
    call->result.bytesSent = wireRequest(request);
    call->result.response.status = 0; // until an answer is parsed
    call->startedNs = m_clock.nsecsElapsed();
    call->deadline = call->startedNs / 1000000 + timeoutMs;
    if (!m_timer) {
        m_timer = std::make_unique<QTimer>();
        m_timer->setSingleShot(true);
        QObject::connect(m_timer.get(), &QTimer::timeout, [this] { expire(); });
    }
    if (m_armedFor == 0 || call->deadline < m_armedFor) {
        m_armedFor = call->deadline;
        m_timer->start(timeoutMs);
    }
    call->begin(takeIdle(port));
}

void Forwarder::finish(Call *call, const QString &error, bool keepSocket)
{
    ForwardResult result = std::move(call->result);
    result.error = error;
    result.ms = double(m_clock.nsecsElapsed() - call->startedNs) / 1e6;
    const auto done = std::move(call->done);
    PeerSocket *socket = call->socket;
    socket->setObserver(nullptr);
    if (keepSocket) {
        keepIdle(call->port, socket);
    } else {
        socket->abort();
        socket->deleteLater();
    }
    const auto at = std::find_if(m_calls.begin(), m_calls.end(),
        [call](const std::unique_ptr<Call> &c) { return c.get() == call; });
    std::swap(*at, m_calls.back());
    m_calls.pop_back(); // the call is gone
    done(result);
}

// The timer fired: calls past their deadline end with 504s, and it is armed for the next one.
// A coarse timer may fire a little early; then nothing is due yet and it is armed again.
void Forwarder::expire()
{
    m_armedFor = 0;
    const auto due = [this] {
        const qint64 now = m_clock.elapsed();
        return std::find_if(m_calls.begin(), m_calls.end(),
            [now](const std::unique_ptr<Call> &c) { return c->deadline <= now; });
    };
    for (auto at = due(); at != m_calls.end(); at = due()) {
        Call *call = at->get();
        call->result.timedOut = true;
        call->result.response = {};
        call->result.response.status = 0;
        finish(call,
            QStringLiteral("The extension on port %1 did not answer within %2 ms")
                .arg(call->port)
                .arg(call->timeoutMs),
            false);
    }
    if (m_calls.empty() || m_armedFor != 0) // none left, or a new call armed it meanwhile
        return;
    const auto earliest = std::min_element(m_calls.begin(), m_calls.end(),
        [](const auto &a, const auto &b) { return a->deadline < b->deadline; });
    m_armedFor = (*earliest)->deadline;
    m_timer->start(int(qMax<qint64>(0, m_armedFor - m_clock.elapsed())));
}

} // namespace kiket::devkit
