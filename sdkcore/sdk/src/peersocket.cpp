#include "peersocket.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kiket {

namespace {

// How long a closing socket drains what the client still sends before it closes anyway.
constexpr int kLingerMs = 2000;
constexpr qint64 kDefaultReadChunk = 64 * 1024;

bool wouldBlock()
{
    return errno == EAGAIN || errno == EWOULDBLOCK;
}

} // namespace

PeerSocket::PeerSocket(qintptr descriptor, QObject *parent)
    : QObject(parent)
    , m_fd(int(descriptor))
{
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    sockaddr_storage address {};
    socklen_t length = sizeof address;
    if (::getpeername(m_fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        m_peer = QHostAddress(reinterpret_cast<const sockaddr *>(&address));
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &PeerSocket::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &PeerSocket::onWritable);
}

PeerSocket::~PeerSocket()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

QByteArray PeerSocket::read(qint64 max)
{
    QByteArray out;
    if (max >= m_in.size()) {
        out.swap(m_in);
    } else {
        out = m_in.first(max);
        m_in.remove(0, max);
    }
    if (m_fd >= 0 && !m_readClosed && !m_lingering)
        m_readNotifier->setEnabled(true); // there is room again
    return out;
}

void PeerSocket::onReadable()
{
    if (m_lingering) { // our side is shut: drop what still comes until the client closes too
        char sink[16384];
        for (;;) {
            const ssize_t n = ::recv(m_fd, sink, sizeof sink, 0);
            if (n > 0)
                continue;
            if (n < 0 && wouldBlock())
                return;
            closeNow();
            return;
        }
    }
    const qint64 cap = m_readBufferSize > 0 ? m_readBufferSize : kDefaultReadChunk;
    const qint64 room = cap - m_in.size();
    if (room <= 0) {
        m_readNotifier->setEnabled(false); // read() turns it on again
        return;
    }
    const qsizetype before = m_in.size();
    m_in.resize(before + room);
    const ssize_t n = ::recv(m_fd, m_in.data() + before, size_t(room), 0);
    m_in.resize(before + qMax<qsizetype>(n, 0));
    if (n > 0) {
        emit readyRead();
    } else if (n == 0) {
        m_readClosed = true;
        m_readNotifier->setEnabled(false);
        emit readyRead();
    } else if (!wouldBlock() && errno != EINTR) {
        closeNow(); // reset by the client
    }
}

void PeerSocket::write(const QByteArray &bytes)
{
    if (m_fd < 0 || m_closing)
        return;
    if (m_outSent > 0) {
        m_out.remove(0, m_outSent);
        m_outSent = 0;
    }
    m_out.append(bytes);
    flush();
}

// Sends what it can without blocking; true when nothing is left to send.
bool PeerSocket::flush()
{
    while (m_outSent < m_out.size()) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outSent,
            size_t(m_out.size() - m_outSent), MSG_NOSIGNAL);
        if (n > 0) {
            m_outSent += n;
        } else if (n < 0 && wouldBlock()) {
            m_writeNotifier->setEnabled(true);
            return false;
        } else if (!(n < 0 && errno == EINTR)) {
            closeNow(); // the client is gone
            return false;
        }
    }
    m_out.clear();
    m_outSent = 0;
    m_writeNotifier->setEnabled(false);
    return true;
}

void PeerSocket::onWritable()
{
    const qint64 before = bytesToWrite();
    const bool done = flush();
    if (m_fd < 0)
        return;
    if (before > bytesToWrite())
        emit bytesWritten(before - bytesToWrite());
    if (done && m_closing && m_fd >= 0 && !m_lingering)
        finishClosing();
}

void PeerSocket::disconnectFromHost()
{
    if (m_fd < 0 || m_closing)
        return;
    m_closing = true;
    if (bytesToWrite() == 0)
        finishClosing();
}

// Everything is sent: shut our side, then wait briefly for the client to close its own.
void PeerSocket::finishClosing()
{
    ::shutdown(m_fd, SHUT_WR);
    if (m_readClosed) {
        closeNow();
        return;
    }
    m_lingering = true;
    m_in.clear();
    m_readNotifier->setEnabled(true);
    m_linger = new QTimer(this);
    m_linger->setSingleShot(true);
    connect(m_linger, &QTimer::timeout, this, &PeerSocket::closeNow);
    m_linger->start(kLingerMs);
}

void PeerSocket::abort()
{
    closeNow();
}

void PeerSocket::closeNow()
{
    if (m_fd < 0)
        return;
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(false);
    if (m_linger)
        m_linger->stop();
    ::close(m_fd);
    m_fd = -1;
    m_closing = true;
    m_out.clear();
    m_outSent = 0;
    emit disconnected();
}

} // namespace kiket
