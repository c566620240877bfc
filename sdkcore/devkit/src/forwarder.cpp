#include "forwarder.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace kiket::devkit {

namespace {

// The request as bytes on the wire: a body the server already de-chunked goes with its length.
QByteArray wireRequest(const HttpRequest &r)
{
    QByteArray out = r.method + ' ' + r.target + " HTTP/1.1\r\n";
    const bool chunked = headerValue(r.headers, "transfer-encoding").toLower().contains("chunked");
    for (const auto &h : r.headers) {
        if (chunked && h.first.compare("transfer-encoding", Qt::CaseInsensitive) == 0)
            continue;
        out += h.first + ": " + h.second + "\r\n";
    }
    if (chunked)
        out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
    const QByteArray peer
        = r.peer.isNull() ? QByteArray("127.0.0.1") : r.peer.toString().toLatin1();
    out += "X-Forwarded-For: " + peer + "\r\n\r\n";
    return out + r.body;
}

// Decodes a chunked body starting at data[from]; false while incomplete.
bool dechunk(const QByteArray &data, qsizetype from, QByteArray *body)
{
    body->clear();
    qsizetype at = from;
    for (;;) {
        const qsizetype lineEnd = data.indexOf("\r\n", at);
        if (lineEnd < 0)
            return false;
        bool ok = false;
        const qsizetype size
            = data.mid(at, lineEnd - at).split(';').first().trimmed().toLongLong(&ok, 16);
        if (!ok)
            return false;
        at = lineEnd + 2;
        if (size == 0)
            return data.indexOf("\r\n\r\n", at - 2) >= 0; // the trailer ends with an empty line
        if (data.size() < at + size + 2)
            return false;
        body->append(data.mid(at, size));
        at += size + 2;
    }
}

} // namespace

bool parseResponse(const QByteArray &data, bool closed, HttpResponse *out)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QList<QByteArray> lines = data.left(headEnd).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    out->status = statusLine.value(1).toInt();
    out->headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            out->headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    const qsizetype bodyStart = headEnd + 4;
    if (out->status == 204 || out->status == 304 || out->status / 100 == 1) {
        out->body.clear();
        return true;
    }
    if (headerValue(out->headers, "transfer-encoding").toLower().contains("chunked"))
        return dechunk(data, bodyStart, &out->body);
    const QByteArray length = headerValue(out->headers, "content-length");
    if (!length.isEmpty()) {
        const qsizetype n = length.trimmed().toLongLong();
        if (data.size() < bodyStart + n)
            return false;
        out->body = data.mid(bodyStart, n);
        return true;
    }
    out->body = data.mid(bodyStart);
    return closed;
}

void forwardRequest(quint16 port, const HttpRequest &request, int timeoutMs,
    std::function<void(const ForwardResult &)> done)
{
    struct Call
    {
        QTcpSocket socket;
        QTimer deadline;
        QElapsedTimer clock;
        QByteArray received;
        ForwardResult result;
        std::function<void(const ForwardResult &)> done;
        bool finished = false;
    };
    auto call = std::make_shared<Call>();
    call->done = std::move(done);
    call->result.bytesSent = wireRequest(request);
    call->result.response.status = 0; // until an answer is parsed
    call->clock.start();
    const auto finish = [call](const QString &error) {
        if (call->finished)
            return;
        call->finished = true;
        call->deadline.stop();
        call->result.error = error;
        call->result.ms = call->clock.nsecsElapsed() / 1e6;
        call->socket.disconnect();
        call->deadline.disconnect();
        call->socket.abort();
        call->done(call->result);
        // The socket goes once this event has been handled.
        QTimer::singleShot(0, [call] {});
    };
    call->deadline.setSingleShot(true);
    QObject::connect(&call->deadline, &QTimer::timeout, [call, finish, port, timeoutMs] {
        call->result.timedOut = true;
        finish(QStringLiteral("The extension on port %1 did not answer within %2 ms")
                   .arg(port)
                   .arg(timeoutMs));
    });
    QObject::connect(&call->socket, &QTcpSocket::connected,
        [call] { call->socket.write(call->result.bytesSent); });
    QObject::connect(&call->socket, &QTcpSocket::readyRead, [call, finish] {
        call->received += call->socket.readAll();
        if (parseResponse(call->received, false, &call->result.response))
            finish({});
    });
    QObject::connect(&call->socket, &QTcpSocket::errorOccurred,
        [call, finish, port](QAbstractSocket::SocketError error) {
            call->received += call->socket.readAll();
            if (error == QAbstractSocket::RemoteHostClosedError
                && parseResponse(call->received, true, &call->result.response)) {
                finish({});
                return;
            }
            call->result.response = {};
            call->result.response.status = 0;
            call->result.refused = true;
            finish(error == QAbstractSocket::ConnectionRefusedError
                    ? QStringLiteral("Nothing is listening on port %1: the extension is not "
                                     "running or not ready")
                          .arg(port)
                    : QStringLiteral("The connection to the extension on port %1 failed: %2")
                          .arg(port)
                          .arg(call->socket.errorString()));
        });
    call->deadline.start(timeoutMs);
    call->socket.connectToHost(QHostAddress::LocalHost, port);
}

} // namespace kiket::devkit
