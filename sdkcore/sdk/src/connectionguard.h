#pragma once

#include "kiket/http.h"
#include "kiket/httpserver.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QTcpServer>

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

/// Watches one socket below the HTTP parser: enforces the limits, keeps raw heads, orders answers.
class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    ConnectionGuard(
        QTcpSocket *socket, const ServerLimits &limits, QObject *httpServer, quint64 id);

    quint64 id() const { return m_id; }
    /// The head of the next request the parser completes, in arrival order.
    RequestHead takeHead();
    /// Runs after the parser's readyRead handling: notes what it left unread, wakes it for
    /// pipelined requests.
    void afterParser();
    /// The parser delivered a request: it now awaits an answer with this sequence number.
    quint64 beginResponse();
    /// Queues the answer for a sequence number; answers leave in request order.
    void finishResponse(quint64 seq, const QByteArray &bytes, bool close);

private:
    enum class State { Head, Body, Discard };
    void onReadyRead();
    void onTick();
    void consume(const QByteArray &data);
    void headComplete(const QByteArray &head);
    void reject(int status, const QString &message, qint64 discard);
    void markActivity();

    QTcpSocket *m_socket;
    ServerLimits m_limits;
    QObject *m_httpServer;
    quint64 m_id;
    QTimer *m_timer;
    State m_state = State::Head;
    QByteArray m_headBuffer;
    qint64 m_bodyRemaining = 0; ///< -1 while reading a chunked body.
    qint64 m_bodySeen = 0;
    QQueue<RequestHead> m_heads;
    qint64 m_seenUnread = 0; ///< Bytes at the front of the socket buffer already inspected.
    quint64 m_headsTaken = 0;
    quint64 m_headsTakenAtWake = ~quint64(0);
    QElapsedTimer m_lastActivity;
    QElapsedTimer m_requestStarted;
    quint64 m_nextSeq = 0;
    quint64 m_nextWrite = 0;
    QMap<quint64, QPair<QByteArray, bool>> m_ready;
};

/// A QTcpServer that puts a ConnectionGuard on each socket and caps the number of connections.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    GuardedTcpServer(const ServerLimits &limits, QObject *httpServer, QObject *parent = nullptr);
    int openConnections() const { return m_open; }
    /// Makes the guards of new sockets watch the parser's reads too; call after the parser took
    /// them.
    void armNewGuards();

signals:
    void guardCreated(kiket::ConnectionGuard *guard);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ServerLimits m_limits;
    QObject *m_httpServer;
    int m_open = 0;
    quint64 m_nextId = 1;
    QList<QPointer<ConnectionGuard>> m_unarmed;
};

/// Serialises a response as HTTP/1.1 bytes (no body for HEAD requests).
QByteArray serialiseResponse(const HttpResponse &response, bool headRequest, bool close);

} // namespace kiket
