// The HTTP reader under kiket::HttpServer, over real loopback sockets: bytes in any split,
// chunked bodies, heads kept exactly as sent, and the framing errors it answers itself.
#include "rawhttp.h"

#include <kiket/httpserver.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <QThread>

using namespace kiket;

namespace {

// An HttpServer on its own thread that answers every request with what it received.
class EchoServer
{
public:
    explicit EchoServer(const ServerLimits &limits = {})
        : m_server(new HttpServer(limits))
    {
        m_server->setHandler([](const HttpRequest &request, const Responder &responder) {
            QJsonArray headers;
            for (const auto &h : request.headers)
                headers.append(QString::fromLatin1(h.first + ": " + h.second));
            HttpResponse response = HttpResponse::json(200,
                { { "method", QString::fromLatin1(request.method) },
                    { "target", QString::fromLatin1(request.target) }, { "headers", headers } });
            response.headers.emplaceBack("X-Body", request.body.toBase64());
            responder.send(response);
        });
        m_server->moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            m_server, [this] { m_port = m_server->listen().value(); },
            Qt::BlockingQueuedConnection);
    }
    ~EchoServer()
    {
        QMetaObject::invokeMethod(
            m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }

private:
    QThread m_thread;
    HttpServer *m_server;
    quint16 m_port = 0;
};

QByteArray bodyOf(const RawResponse &r)
{
    return QByteArray::fromBase64(r.header("x-body"));
}

QJsonObject echoOf(const RawResponse &r)
{
    return HttpResponse { r.status, {}, r.body }.jsonObject();
}

// Writes the first `cut` bytes, lets the server read them, then the rest.
RawResponse splitExchange(quint16 port, const QByteArray &bytes, qsizetype cut)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(3000))
        return {};
    socket.write(bytes.left(cut));
    socket.waitForBytesWritten();
    QThread::usleep(200);
    socket.write(bytes.mid(cut));
    socket.waitForBytesWritten();
    return readResponse(socket);
}

const QByteArray kChunked = "POST /in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5;name=value\r\nhello\r\n"
                            "19\r\n, chunked world, in parts\r\n"
                            "A\r\n 0123456.8\r\n"
                            "0\r\nX-Trailer: yes\r\n\r\n";

} // namespace

class TestHttpReader : public QObject
{
    Q_OBJECT

private slots:
    void chunkedBodySplitAtEveryByte()
    {
        EchoServer server;
        for (qsizetype cut = 1; cut < kChunked.size(); ++cut) {
            const RawResponse r = splitExchange(server.port(), kChunked, cut);
            QCOMPARE(r.status, 200);
            QCOMPARE(bodyOf(r), QByteArray("hello, chunked world, in parts 0123456.8"));
        }
    }

    void lengthBodyByteByByte()
    {
        EchoServer server;
        const QByteArray request = rawPost("/v/1/webhooks/a%2Eb?x=1", R"({"k":"bytes"})");
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected());
        for (char c : request) {
            socket.write(&c, 1);
            socket.waitForBytesWritten();
        }
        const RawResponse r = readResponse(socket);
        QCOMPARE(r.status, 200);
        QCOMPARE(bodyOf(r), QByteArray(R"({"k":"bytes"})"));
        QCOMPARE(echoOf(r).value("target").toString(), QStringLiteral("/v/1/webhooks/a%2Eb?x=1"));
    }

    void headKeptAsSent()
    {
        EchoServer server;
        // Empty lines before the request line are allowed; names keep their case, repeats their
        // order.
        const RawResponse r = rawExchange(server.port(),
            "\r\n\r\nGET /a/%7E?q=%20 HTTP/1.1\r\nHost: x\r\nX-Mixed-CASE:  padded \r\n"
            "X-Twice: 1\r\nx-twice: 2\r\n\r\n");
        QCOMPARE(r.status, 200);
        const QJsonObject echo = echoOf(r);
        QCOMPARE(echo.value("method").toString(), QStringLiteral("GET"));
        QCOMPARE(echo.value("target").toString(), QStringLiteral("/a/%7E?q=%20"));
        QCOMPARE(echo.value("headers").toArray(),
            QJsonArray({ "Host: x", "X-Mixed-CASE: padded", "X-Twice: 1", "x-twice: 2" }));
        QCOMPARE(bodyOf(r), QByteArray());
    }

    void malformedChunkedBodies_data()
    {
        QTest::addColumn<QByteArray>("chunks");
        QTest::addColumn<QByteArray>("error");
        QTest::newRow("not hex") << QByteArray("zz\r\nab\r\n0\r\n\r\n")
                                 << QByteArray("Invalid chunk size");
        QTest::newRow("empty size") << QByteArray("\r\n") << QByteArray("Invalid chunk size");
        QTest::newRow("too many digits")
            << QByteArray("1000000000000000\r\n") << QByteArray("Invalid chunk size");
        QTest::newRow("data longer than size") << QByteArray("3\r\nabcd\r\n0\r\n\r\n")
                                               << QByteArray("Chunk data longer than its size");
        QTest::newRow("endless size line")
            << QByteArray(5000, '1') << QByteArray("Chunk size line too long");
        QTest::newRow("huge trailer") << "0\r\nX-T: " + QByteArray(3000, 'a') + "\r\n\r\n"
                                      << QByteArray("Chunked trailer too large");
    }

    void malformedChunkedBodies()
    {
        QFETCH(QByteArray, chunks);
        QFETCH(QByteArray, error);
        ServerLimits limits;
        limits.maxHeaderBytes = 2048;
        EchoServer server(limits);
        const RawResponse r = rawExchange(server.port(),
            "POST /in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body, R"({"error":")" + error + R"("})");
        QCOMPARE(r.header("connection"), QByteArray("close"));
        // The server is fine afterwards.
        QCOMPARE(rawExchange(server.port(), kChunked).status, 200);
    }

    void pipelinedBodiesAndClose()
    {
        EchoServer server;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected());
        // Three requests in one write; the second says close, so the third is never read.
        socket.write(rawPost("/1", "one") + kChunked
            + "GET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + rawPost("/3", "three"));
        RawResponse r = readResponse(socket);
        QCOMPARE(bodyOf(r), QByteArray("one"));
        r = readResponse(socket);
        QCOMPARE(bodyOf(r), QByteArray("hello, chunked world, in parts 0123456.8"));
        r = readResponse(socket);
        QCOMPARE(echoOf(r).value("target").toString(), QStringLiteral("/2"));
        QCOMPARE(r.header("connection"), QByteArray("close"));
        r = readResponse(socket, 1000);
        QVERIFY(r.closed);
        QCOMPARE(r.status, 0);
    }

    void http10KeepsAliveOnlyWhenAsked()
    {
        EchoServer server;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected());
        socket.write("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QCOMPARE(readResponse(socket).header("connection"), QByteArray("keep-alive"));
        socket.write("GET /b HTTP/1.0\r\n\r\n");
        const RawResponse r = readResponse(socket);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QVERIFY(socket.state() == QAbstractSocket::UnconnectedState
            || socket.waitForDisconnected(3000));
    }

    // A client that asks (in any case) is told to go on before it sends the body.
    void interimAnswerBeforeTheBody()
    {
        EchoServer server;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(3000));
        socket.write("POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                     "Expect: 100-Continue\r\n\r\n");
        QByteArray interim;
        while (!interim.contains("\r\n\r\n") && socket.waitForReadyRead(3000))
            interim += socket.readAll();
        QVERIFY2(interim.startsWith("HTTP/1.1 100 Continue\r\n"), interim.constData());
        socket.write("{}");
        const RawResponse r = readResponse(socket);
        QCOMPARE(r.status, 200);
        QCOMPARE(bodyOf(r), QByteArray("{}"));
    }

    void noInterimAnswerWithoutBody()
    {
        EchoServer server;
        const RawResponse r = rawExchange(
            server.port(), "GET /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n");
        QCOMPARE(r.status, 200);
        QVERIFY(!r.head.contains("100 Continue"));
    }
};

QTEST_GUILESS_MAIN(TestHttpReader)
#include "tst_httpreader.moc"
