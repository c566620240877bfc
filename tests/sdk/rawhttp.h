#pragma once

// Test helper: speaks raw HTTP/1.1 over a blocking QTcpSocket, so tests control every byte.

#include <QByteArray>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <QVariant>

struct RawResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    bool closed = false; ///< The server closed the connection.

    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

// Reads one response (Content-Length framed) from a connected socket.
inline RawResponse readResponse(QTcpSocket &socket, int timeoutMs = 5000, bool headRequest = false)
{
    RawResponse r;
    // Bytes of a following (pipelined) response are kept on the socket for the next call.
    QByteArray buffer = socket.property("rawhttp_leftover").toByteArray();
    QElapsedTimer timer;
    timer.start();
    qsizetype headEnd = -1;
    qint64 length = -1;
    while (timer.elapsed() < timeoutMs) {
        if (headEnd < 0 && (headEnd = buffer.indexOf("\r\n\r\n")) >= 0) {
            r.head = buffer.left(headEnd);
            r.status = r.head.mid(9, 3).toInt();
            length = headRequest ? 0 : r.header("content-length").toLongLong();
            if (r.status == 100) { // interim answer: drop it and read on
                buffer = buffer.mid(headEnd + 4);
                headEnd = -1;
                continue;
            }
        }
        if (headEnd >= 0 && buffer.size() >= headEnd + 4 + length) {
            r.body = buffer.mid(headEnd + 4, length);
            socket.setProperty("rawhttp_leftover", buffer.mid(headEnd + 4 + length));
            return r;
        }
        if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0) {
            r.closed = true;
            return r;
        }
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(50))
            continue;
        buffer += socket.readAll();
    }
    return r;
}

// Opens a connection, writes the bytes, reads one response.
inline RawResponse rawExchange(quint16 port, const QByteArray &bytes, int timeoutMs = 5000)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(bytes);
    socket.waitForBytesWritten(timeoutMs);
    return readResponse(socket, timeoutMs, bytes.startsWith("HEAD "));
}

// A POST request with a JSON content type and the given extra header lines ("Name: value\r\n"
// each).
inline QByteArray rawPost(
    const QByteArray &target, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + extraHeaders + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}
