#pragma once

#include "peersocket.h"
#include "requestparser.h"
#include "kiket/http.h"
#include "kiket/httpserver.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QMap>
#include <QObject>
#include <QTcpServer>

#include <functional>

class QTimer;

namespace kiket {

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
    /// Watches the socket (and becomes its child); sink and observer must outlive the connection.
    HttpConnection(PeerSocket *socket, const ServerLimits &limits, const RequestSink *sink,
        const RefusalObserver *observer, quint64 id);

    quint64 id() const { return m_id; }
    const QHostAddress &peer() const { return m_peer; }
    /// Queues the answer for a sequence number; answers leave in request order.
    void finishResponse(quint64 seq, const QByteArray &bytes, bool close);

private:
    enum class State { Reading, Closing, Discard };
    void onReadyRead();
    void onTick();
    void readAndParse();
    void complete();
    void reject(int status, const QString &message, qint64 discard, QByteArray headBytes = {});
    // The client sends nothing more: the answers it is owed still go out, then the socket closes.
    void closeWhenAnswered();
    void markActivity() { m_lastActivity.start(); }
    // A client that sends requests without reading the answers is not read from meanwhile.
    bool backlogged() const;
    void resumeIfDrained();

    PeerSocket *m_socket;
    ServerLimits m_limits;
    const RequestSink *m_sink;
    const RefusalObserver *m_observer;
    quint64 m_id;
    QHostAddress m_peer;
    QTimer *m_timer;
    State m_state = State::Reading;
    RequestParser m_parser;
    qint64 m_discardRemaining = 0;
    QElapsedTimer m_lastActivity;
    QElapsedTimer m_requestStarted;
    quint64 m_nextSeq = 0;
    quint64 m_nextWrite = 0;
    QMap<quint64, QPair<QByteArray, bool>> m_ready;
    QByteArray m_unread; ///< Bytes read but not yet parsed, while backlogged.
    bool m_paused = false;
    bool m_closeWhenAnswered = false;
};

/// A QTcpServer that puts an HttpConnection on each socket and caps the number of connections.
class ConnectionServer : public QTcpServer
{
    Q_OBJECT
public:
    /// observer may be empty; it must outlive the server.
    ConnectionServer(const ServerLimits &limits, RequestSink sink, const RefusalObserver *observer,
        QObject *parent = nullptr);
    int openConnections() const { return m_open; }

signals:
    void connectionOpened(kiket::HttpConnection *connection);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ServerLimits m_limits;
    RequestSink m_sink;
    const RefusalObserver *m_observer;
    int m_open = 0;
    QHash<QHostAddress, int> m_perPeer;
    quint64 m_nextId = 1;
};

/// Serialises a response as HTTP/1.1 bytes (no body for HEAD requests).
QByteArray serialiseResponse(const HttpResponse &response, bool headRequest, bool close);

} // namespace kiket
