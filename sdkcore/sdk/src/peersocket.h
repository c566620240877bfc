#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

#include "socketpoller.h"

class QTimer;

namespace kiket {

/// One TCP connection, on the descriptor itself. Unlike QTcpSocket it keeps writing after the
/// client has half-closed (shutdown(SHUT_WR) once its request is sent), and it closes gracefully:
/// unsent bytes first, then its own side, then it drains what the client still sends for a moment
/// so the client is not reset before it has read the answer. A write leaves at once when the
/// kernel takes it: the event loop is not asked to watch for room, so it is not woken for it.
/// It is used on the thread that made it.
class PeerSocket : public QObject, private PollClient
{
    Q_OBJECT
public:
    /// Told of new bytes and of the connection's end directly, before the signals. For a user
    /// that takes the socket over from another (a pool of connections), where connecting and
    /// disconnecting signals for each request would cost more than reading its answer. The
    /// observer must not delete the socket from these calls.
    class Observer
    {
    public:
        virtual void socketReadyRead() = 0;
        virtual void socketDisconnected() = 0;

    protected:
        ~Observer() = default;
    };

    /// A server's end: takes the connected descriptor; the socket is open until disconnected().
    explicit PeerSocket(qintptr descriptor, QObject *parent = nullptr);
    /// A client's end: connectToHost() dials.
    explicit PeerSocket(QObject *parent = nullptr);
    ~PeerSocket() override;

    /// Connects without blocking; what is written meanwhile leaves once connected. When the
    /// connection cannot be made the socket closes (disconnected(), at once or later) and error()
    /// says why. TCP_NODELAY is set: each write is a whole request.
    void connectToHost(const QHostAddress &address, quint16 port);
    /// The errno the connection failed with (ECONNREFUSED, ECONNRESET…), or 0.
    int error() const { return m_error; }

    QHostAddress peerAddress() const { return m_peer; }
    /// True until the socket is closing or closed (and while it connects).
    bool isOpen() const { return m_fd >= 0 && !m_closing; }
    /// True once the client has sent everything it will send.
    bool readClosed() const { return m_readClosed; }
    /// One observer at a time; nullptr for none.
    void setObserver(Observer *observer) { m_observer = observer; }
    /// Bytes read and not yet taken: reading stops while this many are waiting.
    void setReadBufferSize(qint64 size) { m_readBufferSize = size; }
    qint64 bytesAvailable() const { return m_in.size(); }
    QByteArray read(qint64 max);
    /// Queues bytes; they leave as fast as the client takes them.
    void write(const QByteArray &bytes);
    qint64 bytesToWrite() const { return m_out.size() - m_outSent; }
    /// Closes after the queued bytes are written.
    void disconnectFromHost();
    /// Closes now; queued bytes are dropped.
    void abort();

signals:
    /// New bytes are waiting, or the client has finished sending (readClosed()).
    void readyRead();
    void bytesWritten(qint64 bytes);
    /// The connection is closed; emitted once.
    void disconnected();

private:
    void adopt(int descriptor);
    void fail(int error);
    void watch(SocketPoller::Interest kind, bool on);
    void socketReadable() override;
    void socketWritable() override;
    bool flush();
    void finishClosing();
    void closeNow();
    void tellReadyRead();

    int m_fd = -1;
    QHostAddress m_peer;
    SocketPoller *m_poller = nullptr;
    QTimer *m_linger = nullptr;
    Observer *m_observer = nullptr;
    QByteArray m_in;
    QByteArray m_out;
    qsizetype m_outSent = 0;
    qint64 m_readBufferSize = 0;
    bool m_readClosed = false;
    bool m_closing = false; ///< disconnectFromHost() was called.
    bool m_lingering = false; ///< Our side is shut; draining the client's last bytes.
    bool m_connecting = false; ///< A client's connect() is in progress.
    int m_error = 0;
};

} // namespace kiket
