#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

class QSocketNotifier;
class QTimer;

namespace kiket {

/// A server's end of one TCP connection, on the descriptor itself. Unlike QTcpSocket it keeps
/// writing after the client has half-closed (shutdown(SHUT_WR) once its request is sent), and it
/// closes gracefully: unsent bytes first, then its own side, then it drains what the client still
/// sends for a moment so the client is not reset before it has read the answer.
class PeerSocket : public QObject
{
    Q_OBJECT
public:
    /// Takes the connected descriptor; the socket is open until disconnected() is emitted.
    explicit PeerSocket(qintptr descriptor, QObject *parent = nullptr);
    ~PeerSocket() override;

    QHostAddress peerAddress() const { return m_peer; }
    /// True until the socket is closing or closed.
    bool isOpen() const { return m_fd >= 0 && !m_closing; }
    /// True once the client has sent everything it will send.
    bool readClosed() const { return m_readClosed; }
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
    void onReadable();
    void onWritable();
    bool flush();
    void finishClosing();
    void closeNow();

    int m_fd = -1;
    QHostAddress m_peer;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QTimer *m_linger = nullptr;
    QByteArray m_in;
    QByteArray m_out;
    qsizetype m_outSent = 0;
    qint64 m_readBufferSize = 0;
    bool m_readClosed = false;
    bool m_closing = false; ///< disconnectFromHost() was called.
    bool m_lingering = false; ///< Our side is shut; draining the client's last bytes.
};

} // namespace kiket
