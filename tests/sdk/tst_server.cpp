// The guarded server: limits, slow clients, disconnects, concurrency and HTTP framing edge cases.
#include "rawhttp.h"

#include <kiket/sdk.h>
#include <kiket/testing.h>

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace kiket;
using namespace kiket::testing;

class TestServer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    SdkOptions options()
    {
        SdkOptions o;
        o.webhookSecret = QStringLiteral("s");
        o.extensionId = QStringLiteral("com.example.server");
        o.manifestFolder = m_dir.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        return o;
    }

    static QByteArray signedPost(const QByteArray &target, const QByteArray &body)
    {
        const Signature s = generateSignature("s", body);
        return rawPost(target, body,
            "X-Kiket-Signature: " + s.signature + "\r\nX-Kiket-Timestamp: " + s.timestamp + "\r\n");
    }

    static bool healthy(quint16 port)
    {
        return rawExchange(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").status == 200;
    }

private slots:
    void bodyCapIsConfigurable()
    {
        SdkOptions o = options();
        o.limits.maxBodyBytes = 100;
        Sdk sdk(o);
        sdk.webhook("a.b", "v1") = [](const QJsonObject &, Context &) -> QJsonValue { return {}; };
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        QCOMPARE(rawExchange(port,
                     signedPost("/v/1/webhooks/a.b", "{\"x\":\"" + QByteArray(120, 'y') + "\"}"))
                     .status,
            413);
        QCOMPARE(rawExchange(port, signedPost("/v/1/webhooks/a.b", "{\"x\":1}")).status, 200);
        // A chunked body has no length up front; it is cut off once it passes the cap.
        const QByteArray chunk(60, 'z');
        const QByteArray chunked = "POST /v/1/webhooks/a.b HTTP/1.1\r\nHost: "
                                   "x\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n"
            + chunk + "\r\n3c\r\n" + chunk + "\r\n0\r\n\r\n";
        QCOMPARE(rawExchange(port, chunked).status, 413);
        QVERIFY(healthy(port));
    }

    void chunkedBodyWithinCapIsParsed()
    {
        Sdk sdk(options());
        sdk.webhook("a.b", "v1") = [](const QJsonObject &p, Context &) -> QJsonValue { return p; };
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        const QByteArray body = R"({"hello":"chunks"})";
        const Signature s = generateSignature("s", body);
        const QByteArray request
            = "POST /v/1/webhooks/a.b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
              "X-Kiket-Signature: "
            + s.signature + "\r\nX-Kiket-Timestamp: " + s.timestamp + "\r\n\r\n5\r\n" + body.left(5)
            + "\r\n" + QByteArray::number(body.size() - 5, 16) + "\r\n" + body.mid(5)
            + "\r\n0\r\n\r\n";
        const RawResponse r = rawExchange(port, request);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, body);
    }

    void headerCapAndMalformedRequests()
    {
        SdkOptions o = options();
        o.limits.maxHeaderBytes = 1024;
        Sdk sdk(o);
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        RawResponse r = rawExchange(
            port, "GET /health HTTP/1.1\r\nX-Big: " + QByteArray(2000, 'a') + "\r\n\r\n");
        QCOMPARE(r.status, 431);
        QCOMPARE(r.body, QByteArray(R"({"error":"Request header too large"})"));
        r = rawExchange(port, "GARBAGE\r\n\r\n");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body, QByteArray(R"({"error":"Malformed request line"})"));
        r = rawExchange(port,
            "POST /webhooks/a HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello");
        QCOMPARE(r.status, 400);
        r = rawExchange(port, "POST /webhooks/a HTTP/1.1\r\nContent-Length: -1\r\n\r\n");
        QCOMPARE(r.status, 400);
        r = rawExchange(port, "GET /health HTTP/1.1\r\nBad Header Line\r\n\r\n");
        QCOMPARE(r.status, 400);
        QVERIFY(healthy(port));
    }

    void bareLineFeedsAreRefusedAtOnce()
    {
        SdkOptions o = options();
        o.limits.idleTimeoutMs = 30000; // an answer within the 2 s below is not a timeout's
        o.limits.requestTimeoutMs = 30000;
        Sdk sdk(o);
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        for (const QByteArray &request : { QByteArray("GET /health HTTP/1.1\nHost: x\n\n"),
                 QByteArray("GET /health HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n"),
                 QByteArray("GET /health HTTP/1.1\r\nHost: x\r\n\n") }) {
            const RawResponse r = rawExchange(port, request, 2000);
            QCOMPARE(r.status, 400);
            QVERIFY2(r.body.contains("LF alone"), r.body.constData());
        }
        // CRLF split at every byte, the CR and its LF in different reads, is no bare LF.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(socket.waitForConnected());
        const QByteArray request = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
        for (char c : request) {
            socket.write(&c, 1);
            QVERIFY(socket.waitForBytesWritten());
            QTest::qWait(2);
        }
        QCOMPARE(readResponse(socket, 5000, false).status, 200);
        QVERIFY(healthy(port));
    }

    void controlCharactersInTargetsAndValuesAreRefused()
    {
        Sdk sdk(options());
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        RawResponse r = rawExchange(port, QByteArray("GET /health HTTP/1.1\r\nX-A: a\0b\r\n\r\n", 34));
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("control character"), r.body.constData());
        QCOMPARE(rawExchange(port, "GET /health HTTP/1.1\r\nX-A: a\x01b\r\n\r\n").status, 400);
        QCOMPARE(rawExchange(port, "GET /health HTTP/1.1\r\nX-A: a\tb\r\n\r\n").status, 200);
        QCOMPARE(rawExchange(port, "GET /hea%00lth HTTP/1.1\r\n\r\n").status, 400);
        QCOMPARE(rawExchange(port, "GET /health%00 HTTP/1.1\r\n\r\n").status, 400);
        QCOMPARE(rawExchange(port, QByteArray("GET /he\0alth HTTP/1.1\r\n\r\n", 25)).status, 400);
        QVERIFY(healthy(port));
    }

    void aClientThatDoesNotReadStopsBeingRead()
    {
        Sdk sdk(options());
        std::atomic<int> handled = 0;
        const QString pad(256 * 1024, QLatin1Char('x'));
        sdk.webhook("big.answer", "v1") = [&](const QJsonObject &, Context &) -> QJsonValue {
            ++handled;
            return QJsonObject { { "pad", pad } };
        };
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        // 200 pipelined deliveries, each answered with 256 KiB, and the answers left unread.
        const int count = 200;
        const QByteArray one = signedPost("/v/1/webhooks/big.answer", "{}");
        QTcpSocket greedy;
        greedy.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(greedy.waitForConnected());
        greedy.setReadBufferSize(4096); // this client takes nothing while it is not asked to
        greedy.write(one.repeated(count));
        QVERIFY(greedy.waitForBytesWritten());
        QTest::qWait(1500);
        // The server stopped once its unsent answers passed its cap; the rest wait unread,
        // and other clients are served meanwhile.
        QVERIFY2(handled < count / 2, qPrintable(QString::number(handled)));
        QVERIFY(healthy(port));
        // Read now: every delivery is answered, none lost.
        greedy.setReadBufferSize(0);
        QByteArray answers;
        int seen = 0;
        QElapsedTimer clock;
        clock.start();
        while (seen < count && clock.elapsed() < 60000) {
            if (greedy.bytesAvailable() || greedy.waitForReadyRead(1000))
                answers += greedy.readAll();
            for (qsizetype at = answers.indexOf("HTTP/1.1 200 OK"); at >= 0;
                 at = answers.indexOf("HTTP/1.1 200 OK")) {
                ++seen;
                answers.remove(0, at + 15);
            }
        }
        QCOMPARE(seen, count);
        QCOMPARE(handled.load(), count);
    }

    void oneAddressCannotTakeEverySlot()
    {
        SdkOptions o = options();
        o.limits.maxConnections = 8; // three quarters, 6, for one address
        Sdk sdk(o);
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        QList<QTcpSocket *> held;
        for (int i = 0; i < 7; ++i) {
            auto *s = new QTcpSocket(this);
            QVERIFY(s->bind(QHostAddress("127.0.0.2")));
            s->connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(s->waitForConnected());
            held << s;
        }
        const RawResponse seventh = readResponse(*held.last(), 5000, false);
        QCOMPARE(seventh.status, 503);
        QVERIFY2(seventh.body.contains("from this address"), seventh.body.constData());
        QVERIFY(healthy(port)); // 127.0.0.1 still gets in
        qDeleteAll(held);
    }

    void aDribbledHeadIsCutBeforeTheRequestDeadline()
    {
        SdkOptions o = options();
        o.limits.idleTimeoutMs = 5000;
        o.limits.requestTimeoutMs = 3000; // the head's deadline is a third of it
        Sdk sdk(o);
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        QTcpSocket loris;
        loris.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(loris.waitForConnected());
        loris.write("GET /health HTTP/1.1\r\n");
        QByteArray answer;
        for (int i = 0; i < 40 && answer.isEmpty(); ++i) {
            loris.write("X");
            loris.waitForBytesWritten(100);
            if (loris.waitForReadyRead(100))
                answer = loris.readAll();
        }
        QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.constData());
        QVERIFY2(answer.contains("head not completed in time"), answer.constData());
        QVERIFY(healthy(port));
    }

    void slowLorisIsDropped()
    {
        SdkOptions o = options();
        o.limits.idleTimeoutMs = 200;
        o.limits.requestTimeoutMs = 600;
        Sdk sdk(o);
        const quint16 port = sdk.start("127.0.0.1", 0).value();

        // Sends one header byte at a time, never finishing: the request deadline ends it.
        QTcpSocket loris;
        loris.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(loris.waitForConnected());
        loris.write("GET /health HTTP/1.1\r\n");
        QByteArray answer;
        for (int i = 0; i < 100 && loris.state() == QAbstractSocket::ConnectedState; ++i) {
            loris.write("X");
            loris.waitForBytesWritten(100);
            loris.waitForReadyRead(50);
            answer += loris.readAll();
        }
        answer += loris.readAll();
        QVERIFY2(
            loris.state() != QAbstractSocket::ConnectedState || loris.waitForDisconnected(2000),
            "not dropped");
        QVERIFY(answer.startsWith("HTTP/1.1 408"));

        // Opens a connection and sends nothing: the idle timeout closes it.
        QTcpSocket idle;
        idle.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(idle.waitForConnected());
        QVERIFY(idle.waitForDisconnected(5000));
        QVERIFY(healthy(port));
    }

    void connectionCap()
    {
        SdkOptions o = options();
        o.limits.maxConnections = 2;
        Sdk sdk(o);
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        QTcpSocket a, b;
        a.connectToHost(QHostAddress::LocalHost, port);
        b.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(a.waitForConnected() && b.waitForConnected());
        QTest::qWait(100);
        const RawResponse third = rawExchange(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(third.status, 503);
        QCOMPARE(third.body, QByteArray(R"({"error":"Too many connections"})"));
        a.abort();
        b.abort();
        QTRY_VERIFY(healthy(port));
    }

    void clientDisconnectingMidHandler()
    {
        auto entered = std::make_shared<QSemaphore>();
        auto release = std::make_shared<QSemaphore>();
        Sdk sdk(options());
        sdk.webhook("slow.event", "v1")
            = [entered, release](const QJsonObject &, Context &) -> QJsonValue {
            entered->release();
            release->tryAcquire(1, 10000);
            return QJsonObject { { "late", true } };
        };
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(socket.waitForConnected());
            socket.write(signedPost("/v/1/webhooks/slow.event", "{}"));
            QVERIFY(socket.waitForBytesWritten());
            QVERIFY(entered->tryAcquire(1, 5000));
            socket.abort(); // gone while the handler still runs
        }
        QTest::qWait(100);
        // Other connections are served while that handler is still blocked.
        QVERIFY(healthy(port));
        release->release();
        QTest::qWait(100);
        QVERIFY(healthy(port));
        sdk.stop();
    }

    void concurrentDeliveries()
    {
        Sdk sdk(options());
        sdk.webhook("issue.created", "v1") = [](const QJsonObject &p, Context &) -> QJsonValue {
            QThread::msleep(2);
            return QJsonObject { { "echo", p["n"] } };
        };
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        constexpr int kCount = 200;
        QList<QTcpSocket *> sockets;
        for (int i = 0; i < kCount; ++i) {
            auto *s = new QTcpSocket(this);
            s->connectToHost(QHostAddress::LocalHost, port);
            sockets << s;
        }
        for (int i = 0; i < kCount; ++i) {
            QVERIFY(sockets[i]->waitForConnected(5000));
            sockets[i]->write(
                signedPost("/v/1/webhooks/issue.created", "{\"n\":" + QByteArray::number(i) + "}"));
        }
        int correct = 0;
        for (int i = 0; i < kCount; ++i) {
            const RawResponse r = readResponse(*sockets[i], 20000);
            if (r.status == 200 && r.body == "{\"echo\":" + QByteArray::number(i) + "}")
                ++correct;
            delete sockets[i];
        }
        QCOMPARE(correct, kCount);
    }

    void slowHandlerDoesNotStallOthers()
    {
        auto release = std::make_shared<QSemaphore>();
        auto entered = std::make_shared<QSemaphore>();
        Sdk sdk(options());
        sdk.webhook("slow.event", "v1")
            = [release, entered](const QJsonObject &, Context &) -> QJsonValue {
            entered->release();
            release->tryAcquire(1, 20000); // blocks without the SDK knowing why
            return {};
        };
        sdk.webhook("fast.event", "v1") = [](const QJsonObject &, Context &) -> QJsonValue {
            return QJsonObject { { "fast", true } };
        };
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        QList<QTcpSocket *> slow;
        for (int i = 0; i < 3; ++i) {
            slow << new QTcpSocket(this);
            slow.last()->connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(slow.last()->waitForConnected());
            slow.last()->write(signedPost("/v/1/webhooks/slow.event", "{}"));
            QVERIFY(slow.last()->waitForBytesWritten());
            QVERIFY(entered->tryAcquire(1, 5000)); // each slow handler got a thread of its own
        }
        const RawResponse fast
            = rawExchange(port, signedPost("/v/1/webhooks/fast.event", "{}"), 5000);
        QCOMPARE(fast.status, 200);
        QCOMPARE(fast.body, QByteArray(R"({"fast":true})"));
        release->release(3);
        for (QTcpSocket *s : slow) {
            QCOMPARE(readResponse(*s).status, 200);
            delete s;
        }
    }

    void framingEdgeCases()
    {
        Sdk sdk(options());
        sdk.webhook("a.b", "v1") = [](const QJsonObject &p, Context &) -> QJsonValue { return p; };
        const quint16 port = sdk.start("127.0.0.1", 0).value();

        // A head split over several writes.
        QTcpSocket split;
        split.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(split.waitForConnected());
        const QByteArray request = signedPost("/v/1/webhooks/a.b", R"({"k":"split"})");
        for (qsizetype i = 0; i < request.size(); i += 7) {
            split.write(request.mid(i, 7));
            split.waitForBytesWritten();
            QTest::qWait(1);
        }
        RawResponse r = readResponse(split);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray(R"({"k":"split"})"));

        // Expect: 100-continue gets an interim answer, then the real one.
        QTcpSocket expect;
        expect.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(expect.waitForConnected());
        const QByteArray body = R"({"k":"continued"})";
        const Signature s = generateSignature("s", body);
        expect.write(
            "POST /v/1/webhooks/a.b HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\nX-Kiket-Signature: " + s.signature
            + "\r\nX-Kiket-Timestamp: " + s.timestamp + "\r\n\r\n");
        QVERIFY(expect.waitForReadyRead(3000));
        QVERIFY(expect.peek(100).startsWith("HTTP/1.1 100 Continue"));
        expect.write(body);
        r = readResponse(expect);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, body);

        // Pipelined requests in one write are all answered, in order.
        QTcpSocket pipelined;
        pipelined.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(pipelined.waitForConnected());
        pipelined.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
            + signedPost("/v/1/webhooks/a.b", R"({"n":2})")
            + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
            + signedPost("/v/1/webhooks/a.b", R"({"n":4})"));
        QCOMPARE(readResponse(pipelined).status, 200);
        r = readResponse(pipelined);
        QCOMPARE(r.body, QByteArray(R"({"n":2})"));
        QCOMPARE(readResponse(pipelined).status, 404);
        r = readResponse(pipelined);
        QCOMPARE(r.body, QByteArray(R"({"n":4})"));

        // A second request cut in half behind the first: its bytes are inspected once, not twice.
        QTcpSocket halves;
        halves.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(halves.waitForConnected());
        const QByteArray second = signedPost("/v/1/webhooks/a.b", R"({"n":"second"})");
        halves.write(signedPost("/v/1/webhooks/a.b", R"({"n":"first"})") + second.left(40));
        QCOMPARE(readResponse(halves).body, QByteArray(R"({"n":"first"})"));
        halves.write(second.mid(40));
        QCOMPARE(readResponse(halves).body, QByteArray(R"({"n":"second"})"));

        // Connection: close is honoured.
        QTcpSocket closing;
        closing.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(closing.waitForConnected());
        closing.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        r = readResponse(closing);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QVERIFY(closing.state() == QAbstractSocket::UnconnectedState
            || closing.waitForDisconnected(3000));
    }

    void busyServerAnswers503()
    {
        SdkOptions o = options();
        o.workerThreads = 1;
        o.maxQueuedDeliveries = 1;
        auto release = std::make_shared<QSemaphore>();
        Sdk sdk(o);
        sdk.webhook("a.b", "v1") = [release](const QJsonObject &, Context &) -> QJsonValue {
            release->tryAcquire(1, 10000);
            return {};
        };
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        QTcpSocket first;
        first.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(first.waitForConnected());
        first.write(signedPost("/v/1/webhooks/a.b", "{}"));
        first.waitForBytesWritten();
        QTest::qWait(100);
        const RawResponse second = rawExchange(port, signedPost("/v/1/webhooks/a.b", "{}"));
        QCOMPARE(second.status, 503);
        release->release();
        QCOMPARE(readResponse(first).status, 200);
    }

    void listenErrorsAreReported()
    {
        Sdk a(options());
        const quint16 port = a.start("127.0.0.1", 0).value();
        Sdk b(options());
        auto clash = b.start("127.0.0.1", port);
        QVERIFY(!clash.ok());
        QVERIFY(clash.error().message.contains(QString::number(port)));
        QVERIFY(!b.start("not-an-ip", 0).ok());
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
