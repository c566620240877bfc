#include "plainhttp.h"

#include "responseparser.h"

#include <QDeadlineTimer>
#include <QNetworkProxy>
#include <QTcpSocket>
#include <QThreadStorage>

#include <memory>

namespace kiket {

namespace {

// A thread's kept-alive connection and where it goes; it closes when the thread ends.
struct KeptSocket
{
    QString host;
    int port = 0;
    std::unique_ptr<QTcpSocket> socket;
};

QThreadStorage<KeptSocket *> t_kept;

// The caller's headers go as given, except those that frame the message: this client sets them.
bool framingHeader(const QByteArray &name)
{
    for (const char *framing : { "host", "content-length", "transfer-encoding", "connection" }) {
        if (name.compare(framing, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray requestBytes(
    const QByteArray &method, const QUrl &url, const HeaderList &headers, const QByteArray &body)
{
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']'; // an IPv6 address
    if (url.port() != -1)
        host += ':' + QByteArray::number(url.port());
    QByteArray out;
    out.reserve(method.size() + target.size() + host.size() + body.size() + 512);
    out.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host);
    out.append("\r\n");
    for (const auto &h : headers) {
        if (!framingHeader(h.first))
            out.append(h.first).append(": ").append(h.second).append("\r\n");
    }
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        out.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n");
    return out.append("\r\n").append(body);
}

int msLeft(const QDeadlineTimer &deadline)
{
    return int(qMax<qint64>(0, deadline.remainingTime()));
}

struct Attempt
{
    SyncReply reply;
    bool keep = false; ///< The connection may carry the next request.
    bool stale = false; ///< Closed before any byte of the answer: worth one more try.
};

Attempt failed(const QString &why)
{
    Attempt a;
    a.reply.errorString = why;
    return a;
}

Attempt timedOut()
{
    Attempt a;
    a.reply.timedOut = true;
    return a;
}

// Bytes after an answer with a length: the server is out of step, so its connection is not kept.
bool trailingBytes(const QByteArray &data, const SyncReply &reply)
{
    if (headerValue(reply.headers, "content-length").isEmpty())
        return false;
    return data.size() > data.indexOf("\r\n\r\n") + 4 + reply.body.size();
}

// Reads one answer, skipping interim (1xx) ones.
Attempt readAnswer(QTcpSocket &socket, const QDeadlineTimer &deadline)
{
    QByteArray data;
    bool closed = false;
    bool anyByte = false;
    HttpResponse answer;
    AnswerProgress progress;
    for (;;) {
        if (!data.isEmpty() || closed) {
            QString why;
            const AnswerState state = parseResponse(data, closed, &answer, &why, &progress);
            if (state == AnswerState::Malformed)
                return failed(why);
            if (state == AnswerState::Complete && answer.status / 100 == 1) {
                data.remove(0, data.indexOf("\r\n\r\n") + 4);
                progress = {};
                continue;
            }
            if (state == AnswerState::Complete) {
                Attempt a;
                a.reply.status = answer.status;
                a.reply.headers = std::move(answer.headers);
                a.reply.body = std::move(answer.body);
                const bool framed = !headerValue(a.reply.headers, "content-length").isEmpty()
                    || !headerValue(a.reply.headers, "transfer-encoding").isEmpty()
                    || a.reply.status == 204 || a.reply.status == 304;
                a.keep = !closed && framed && data.startsWith("HTTP/1.1 ")
                    && !headerValue(a.reply.headers, "connection").toLower().contains("close")
                    && socket.bytesAvailable() == 0 && !trailingBytes(data, a.reply);
                return a;
            }
            if (closed) {
                Attempt a = failed(anyByte
                        ? QStringLiteral("The connection closed before the answer was complete")
                        : QStringLiteral("The connection closed without an answer"));
                a.stale = !anyByte;
                return a;
            }
        }
        if (data.size() > kMaxAnswerBytes)
            return failed(
                QStringLiteral("The answer is larger than %1 MiB").arg(kMaxAnswerBytes >> 20));
        if (deadline.hasExpired())
            return timedOut();
        if (!socket.waitForReadyRead(msLeft(deadline))) {
            if (socket.error() == QAbstractSocket::SocketTimeoutError)
                return timedOut();
            closed = true;
        }
        const QByteArray more = socket.readAll();
        anyByte = anyByte || !more.isEmpty();
        data += more;
    }
}

Attempt exchange(QTcpSocket &socket, const QByteArray &bytes, const QDeadlineTimer &deadline)
{
    socket.write(bytes);
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(msLeft(deadline))) {
            if (deadline.hasExpired())
                return timedOut();
            Attempt a = failed(socket.errorString());
            a.stale = true;
            return a;
        }
    }
    return readAnswer(socket, deadline);
}

std::unique_ptr<QTcpSocket> connectTo(
    const QString &host, int port, const QDeadlineTimer &deadline, Attempt *failure)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->setProxy(QNetworkProxy::NoProxy);
    socket->connectToHost(host, quint16(port));
    if (!socket->waitForConnected(msLeft(deadline))) {
        *failure = deadline.hasExpired() ? timedOut() : failed(socket->errorString());
        return nullptr;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1); // a request is one write
    return socket;
}

} // namespace

bool plainRequestFits(const QByteArray &method, const QUrl &url)
{
    if (url.scheme() != QLatin1String("http") || url.host().isEmpty() || !url.userInfo().isEmpty()
        || method == "HEAD" || method == "CONNECT")
        return false;
    // The proxy QNetworkAccessManager would use (loopback never has one).
    const QList<QNetworkProxy> proxies
        = QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(url));
    return proxies.isEmpty() || proxies.first().type() == QNetworkProxy::NoProxy;
}

SyncReply plainRequest(const QByteArray &method, const QUrl &url, const HeaderList &headers,
    const QByteArray &body, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    const QByteArray bytes = requestBytes(method, url, headers, body);
    const QString host = url.host();
    const int port = url.port(80);

    if (!t_kept.hasLocalData())
        t_kept.setLocalData(new KeptSocket);
    KeptSocket *kept = t_kept.localData();
    if (kept->socket
        && (kept->host != host || kept->port != port
            || kept->socket->state() != QAbstractSocket::ConnectedState))
        kept->socket.reset();

    Attempt attempt;
    for (int round = 0; round < 2; ++round) {
        const bool reused = kept->socket != nullptr;
        if (!reused) {
            kept->socket = connectTo(host, port, deadline, &attempt);
            if (!kept->socket)
                return attempt.reply;
            kept->host = host;
            kept->port = port;
        }
        attempt = exchange(*kept->socket, bytes, deadline);
        if (!attempt.keep)
            kept->socket.reset();
        if (!(reused && attempt.stale))
            break;
    }
    return attempt.reply;
}

} // namespace kiket
