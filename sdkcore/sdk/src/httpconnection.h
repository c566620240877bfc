#pragma once

#include "chunkeddecoder.h"
#include "kiket/http.h"
#include "kiket/httpserver.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QMap>
#include <QObject>
#include <QTcpServer>

#include <functional>

class QTcpSocket;
class QTimer;

namespace kiket {

/// The request line and header lines exactly as a client sent them.
struct RequestHead
{
    QByteArray method;
    QByteArray target;
    QByteArray version;
    HeaderList headers;
    bool keepAlive = true;
};

class HttpConnection;

/// Receives each complete request of a connection with the sequence number its answer carries.
using RequestSink
    = std::function<void(HttpConnection *, RequestHead &&, QByteArray &&body, quint64 seq)>;

/// One client connection: reads HTTP/1.1 requests within the limits, hands each complete one to
/// the sink, and writes the answers in request order.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    /// Watches the socket (and becomes its child); sink must outlive the connection.
    HttpConnection(
        QTcpSocket *socket, const ServerLimits &limits, const RequestSink *sink, quint64 id);

    quint64 id() const { return m_id; }
    const QHostAddress &peer() const { return m_peer; }
    /// Queues the answer for a sequence number; answers leave in request order.
    void finishResponse(quint64 seq, const QByteArray &bytes, bool close);

private:
    enum class State { Head, Body, Chunked, Closing, Discard };
    void onReadyRead();
    void onTick();
    QByteArrayView readHead(QByteArrayView data);
    QByteArrayView readBody(QByteArrayView data);
    QByteArrayView readChunked(QByteArrayView data);
    void headComplete(QByteArrayView head);
    void complete();
    void reject(int status, const QString &message, qint64 discard);
    void markActivity() { m_lastActivity.start(); }
    // A client that sends requests without reading the answers is not read from meanwhile.
    bool backlogged() const;
    void resumeIfDrained();

    QTcpSocket *m_socket;
    ServerLimits m_limits;
    const RequestSink *m_sink;
    quint64 m_id;
    QHostAddress m_peer;
    QTimer *m_timer;
    State m_state = State::Head;
    QByteArray m_headBuffer; ///< A head that arrived in pieces.
    RequestHead m_head; ///< The request being read.
    QByteArray m_body;
    qint64 m_bodyRemaining = 0;
    qint64 m_discardRemaining = 0;
    ChunkedDecoder m_chunked;
    QElapsedTimer m_lastActivity;
    QElapsedTimer m_requestStarted;
    quint64 m_nextSeq = 0;
    quint64 m_nextWrite = 0;
    QMap<quint64, QPair<QByteArray, bool>> m_ready;
    QByteArray m_unread; ///< Bytes read but not yet parsed, while backlogged.
    bool m_paused = false;
};

/// A QTcpServer that puts an HttpConnection on each socket and caps the number of connections.
class ConnectionServer : public QTcpServer
{
    Q_OBJECT
public:
    ConnectionServer(const ServerLimits &limits, RequestSink sink, QObject *parent = nullptr);
    int openConnections() const { return m_open; }

signals:
    void connectionOpened(kiket::HttpConnection *connection);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ServerLimits m_limits;
    RequestSink m_sink;
    int m_open = 0;
    QHash<QHostAddress, int> m_perPeer;
    quint64 m_nextId = 1;
};

/// Serialises a response as HTTP/1.1 bytes (no body for HEAD requests).
QByteArray serialiseResponse(const HttpResponse &response, bool headRequest, bool close);

} // namespace kiket
