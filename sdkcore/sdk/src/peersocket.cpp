#include "peersocket.h"

#include <QTimer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
{
    adopt(int(descriptor));
    sockaddr_storage address {};
    socklen_t length = sizeof address;
    if (::getpeername(m_fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        m_peer = QHostAddress(reinterpret_cast<const sockaddr *>(&address));
}

PeerSocket::PeerSocket(QObject *parent)
    : QObject(parent)
{ }

void PeerSocket::connectToHost(const QHostAddress &address, quint16 port)
{
    if (m_fd >= 0 || m_closing)
        return;
    sockaddr_storage storage {};
    socklen_t length = 0;
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        length = sizeof *in6;
    } else {
        auto *in = reinterpret_cast<sockaddr_in *>(&storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof *in;
    }
    const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        m_error = errno;
        m_closing = true;
        emit disconnected();
        return;
    }
    adopt(fd);
    m_peer = address;
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&storage), length) == 0)
        return;
    if (errno != EINPROGRESS) {
        fail(errno);
        return;
    }
    m_connecting = true;
    watch(SocketPoller::Write, true);
}

void PeerSocket::adopt(int descriptor)
{
    m_fd = descriptor;
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    m_poller = SocketPoller::acquire();
    m_poller->add(m_fd, this);
    watch(SocketPoller::Read, true);
}

PeerSocket::~PeerSocket()
{
    if (m_fd >= 0) {
        m_poller->remove(m_fd);
        ::close(m_fd);
    }
    if (m_poller)
        m_poller->release();
}

void PeerSocket::watch(SocketPoller::Interest kind, bool on)
{
    const quint8 now = m_poller->interest(m_fd);
    m_poller->setInterest(m_fd, on ? now | kind : now & ~kind);
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
        watch(SocketPoller::Read, true); // there is room again
    return out;
}

void PeerSocket::socketReadable()
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
        watch(SocketPoller::Read, false); // read() turns it on again
        return;
    }
    // Received on the stack and then copied: a buffer grown to the chunk size for each read would
    // go with read()'s bytes, and cost a 64 KiB allocation per request.
    char chunk[kDefaultReadChunk];
    const ssize_t n = ::recv(m_fd, chunk, size_t(qMin<qint64>(room, sizeof chunk)), 0);
    if (n > 0) {
        m_in.append(chunk, n);
        tellReadyRead();
    } else if (n == 0) {
        m_readClosed = true;
        watch(SocketPoller::Read, false);
        tellReadyRead();
    } else if (!wouldBlock() && errno != EINTR) {
        fail(errno); // reset by the other side, or a connection refused
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
    if (m_connecting)
        return false;
    while (m_outSent < m_out.size()) {
        const ssize_t n = ::send(
            m_fd, m_out.constData() + m_outSent, size_t(m_out.size() - m_outSent), MSG_NOSIGNAL);
        if (n > 0) {
            m_outSent += n;
        } else if (n < 0 && wouldBlock()) {
            watch(SocketPoller::Write, true);
            return false;
        } else if (!(n < 0 && errno == EINTR)) {
            fail(n < 0 ? errno : EPIPE); // the other side is gone
            return false;
        }
    }
    m_out.clear();
    m_outSent = 0;
    watch(SocketPoller::Write, false);
    return true;
}

void PeerSocket::socketWritable()
{
    if (m_connecting) {
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            fail(error);
            return;
        }
        m_connecting = false;
    }
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
    watch(SocketPoller::Read, true);
    m_linger = new QTimer(this);
    m_linger->setSingleShot(true);
    connect(m_linger, &QTimer::timeout, this, &PeerSocket::closeNow);
    m_linger->start(kLingerMs);
}

void PeerSocket::abort()
{
    closeNow();
}

void PeerSocket::fail(int error)
{
    m_error = error;
    closeNow();
}

void PeerSocket::closeNow()
{
    if (m_fd < 0)
        return;
    m_poller->remove(m_fd);
    if (m_linger)
        m_linger->stop();
    ::close(m_fd);
    m_fd = -1;
    m_closing = true;
    m_out.clear();
    m_outSent = 0;
    if (m_observer)
        m_observer->socketDisconnected();
    emit disconnected();
}

void PeerSocket::tellReadyRead()
{
    if (m_observer)
        m_observer->socketReadyRead();
    emit readyRead();
}

} // namespace kiket
