#pragma once

#include "chunkeddecoder.h"
#include "kiket/http.h"
#include "kiket/httpserver.h"

#include <QString>

namespace kiket {

/// The request line and header lines exactly as a client sent them.
struct RequestHead
{
    QByteArray method;
    QByteArray target;
    QByteArray version;
    HeaderList headers;
    bool keepAlive = true;

    /// The request as handlers see it: this head, the body and the client's address.
    HttpRequest toRequest(QByteArray &&body, const QHostAddress &peer) &&
    {
        HttpRequest request;
        request.method = std::move(method);
        request.target = std::move(target);
        request.headers = std::move(headers);
        request.body = std::move(body);
        request.peer = peer;
        return request;
    }
};

/// Frames HTTP/1.1 requests out of a byte stream within the limits: no sockets, no timers, so
/// a connection, a fuzzer and a differential check all read requests the same way.
class RequestParser
{
public:
    enum class Status {
        NeedMore, ///< Every byte given was taken; the request is not complete yet.
        Continue, ///< A head asking "Expect: 100-continue" is complete and its body follows.
        Complete, ///< A request is complete: takeHead() and takeBody(); the rest stays in data.
        Refused, ///< The stream is not acceptable: refusal() says why; nothing more is read.
    };
    /// Why the stream was refused, and how many more bytes to drop so the client can read it.
    struct Refusal
    {
        int status = 0;
        QString message;
        qint64 discard = 0;
        QByteArray headBytes; ///< The first bytes of a head that could not be read, at most 1 KiB.
    };

    explicit RequestParser(const ServerLimits &limits);

    /// Takes bytes from the front of data until a request completes or more are needed.
    Status feed(QByteArrayView *data);
    /// The request's head; after a refusal, as far as it was read.
    RequestHead takeHead() { return std::exchange(m_head, {}); }
    QByteArray takeBody() { return std::exchange(m_body, {}); }
    const Refusal &refusal() const { return m_refusal; }

    /// True between requests, before any byte of the next head (empty lines aside).
    bool idle() const { return m_step == Step::Head && m_headBuffer.isEmpty(); }
    /// True while reading a head or its request line.
    bool inHead() const { return m_step == Step::Head; }
    /// True once a request has begun and is not complete.
    bool midRequest() const { return !idle() && m_step != Step::Refused; }
    /// True when a partial head is waiting for more bytes.
    bool midHead() const { return m_step == Step::Head && !m_headBuffer.isEmpty(); }
    /// The first bytes (at most 1 KiB) of a head still arriving.
    QByteArray pendingHead() const { return m_headBuffer.left(1024); }
    /// Counts the requests begun: a caller times each from the moment this changes.
    quint64 requestsBegun() const { return m_begun; }

private:
    enum class Step { Head, Body, Chunked, Refused };
    Status readHead(QByteArrayView *data);
    Status judgeHead(QByteArrayView seen, qsizetype from, qsizetype *end);
    Status headComplete(QByteArrayView head);
    Status refuse(int status, const QString &message, qint64 discard = 0, QByteArrayView head = {});

    ServerLimits m_limits;
    Step m_step = Step::Head;
    QByteArray m_headBuffer; ///< A head that arrived in pieces.
    RequestHead m_head;
    QByteArray m_body;
    qint64 m_bodyRemaining = 0;
    ChunkedDecoder m_chunked;
    Refusal m_refusal;
    quint64 m_begun = 0;
};

} // namespace kiket
