#include "loadgen.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QList>
#include <QTcpSocket>

#include <algorithm>
#include <memory>

namespace {

// One keep-alive connection that sends a request, waits for the whole answer, and repeats.
struct Connection
{
    std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
    QByteArray buffer;
};

// Length of one complete response at the start of buffer, or -1 while incomplete.
qsizetype completeResponse(const QByteArray &buffer)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return -1;
    const QByteArray head = buffer.left(headEnd).toLower();
    const qsizetype at = head.indexOf("content-length:");
    const qint64 length
        = at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
    return buffer.size() >= headEnd + 4 + length ? headEnd + 4 + length : -1;
}

} // namespace

int sendExactly(quint16 port, const QByteArray &request, int total, int connections)
{
    return sendEach(port, QList<QByteArray>(total, request), connections);
}

int sendEach(quint16 port, const QList<QByteArray> &requests, int connections)
{
    const int total = int(requests.size());
    if (total == 0)
        return 0;
    QEventLoop loop;
    int sent = 0;
    int answered = 0;
    int ok = 0;
    QList<Connection *> all;
    for (int i = 0; i < connections && i < total; ++i) {
        auto *c = new Connection;
        all << c;
        QObject::connect(c->socket.get(), &QTcpSocket::connected, &loop,
            [c, &sent, &requests] { c->socket->write(requests[sent++]); });
        QObject::connect(c->socket.get(), &QTcpSocket::readyRead, &loop, [&, c] {
            c->buffer += c->socket->readAll();
            qsizetype n;
            while ((n = completeResponse(c->buffer)) > 0) {
                ok += c->buffer.startsWith("HTTP/1.1 200");
                c->buffer.remove(0, n);
                if (++answered == total)
                    loop.quit();
                else if (sent < total)
                    c->socket->write(requests[sent++]);
            }
        });
        QObject::connect(
            c->socket.get(), &QTcpSocket::errorOccurred, &loop, [&loop] { loop.quit(); });
        c->socket->connectToHost(QHostAddress::LocalHost, port);
    }
    loop.exec();
    qDeleteAll(all);
    return ok;
}

QList<double> timeSequential(quint16 port, const QByteArray &request, int count)
{
    QList<double> micros;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return micros;
    QByteArray buffer;
    QElapsedTimer clock;
    for (int i = 0; i < count; ++i) {
        clock.start();
        socket.write(request);
        qsizetype n;
        while ((n = completeResponse(buffer)) < 0) {
            if (!socket.waitForReadyRead(15000))
                return micros;
            buffer += socket.readAll();
        }
        micros << clock.nsecsElapsed() / 1000.0;
        buffer.remove(0, n);
    }
    return micros;
}

QByteArray rawRequest(const kiket::HttpRequest &r, quint16 port)
{
    QByteArray out = r.method + ' ' + r.target
        + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    for (const auto &h : r.headers)
        out += h.first + ": " + h.second + "\r\n";
    return out + "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n\r\n" + r.body;
}

double percentile(QList<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[qMin(values.size() - 1, qsizetype(values.size() * p))];
}

double residentMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}
