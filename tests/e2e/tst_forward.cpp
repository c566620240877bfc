// The listener's forward and canned targets, and switching targets on the same port: the bytes the
// extension's server receives, 502/504 when it is down or slow, captures of all of it.
#include <kiket/devkit/listener/listener.h>
#include <kiket/testing.h>

#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>

using namespace kiket;
using namespace kiket::devkit;

namespace {

// An extension server on its own thread that records each raw request and answers a fixed reply.
class RecordingServer : public QObject
{
public:
    QByteArray reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Ext: 1\r\n"
                       "Content-Length: 11\r\n\r\n{\"ok\":true}";
    std::atomic<int> delayMs = 0;
    bool keepAlive = false; ///< Answers and keeps the connection, as most servers do.
    QList<QByteArray> received;
    std::atomic<int> connections = 0;
    quint16 port = 0;

    RecordingServer()
    {
        m_thread.start();
        moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_server = new QTcpServer(this);
                m_server->listen(QHostAddress::LocalHost, 0);
                port = m_server->serverPort();
                connect(m_server, &QTcpServer::newConnection, this, [this] { accept(); });
            },
            Qt::BlockingQueuedConnection);
    }
    /// Closes the idle connections, as a server does after its keep-alive timeout.
    void closeConnections()
    {
        QMetaObject::invokeMethod(
            this,
            [this] {
                for (QTcpSocket *socket : m_server->findChildren<QTcpSocket *>())
                    socket->disconnectFromHost();
            },
            Qt::BlockingQueuedConnection);
    }

    ~RecordingServer() override
    {
        QMetaObject::invokeMethod(
            this, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

private:
    void accept()
    {
        QTcpSocket *socket = m_server->nextPendingConnection();
        ++connections;
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            const qsizetype headEnd = buffer->indexOf("\r\n\r\n");
            const qsizetype at = buffer->toLower().indexOf("content-length:");
            if (headEnd < 0 || at < 0)
                return;
            const int length
                = buffer->mid(at + 15, buffer->indexOf('\r', at) - at - 15).trimmed().toInt();
            if (buffer->size() < headEnd + 4 + length)
                return;
            received << buffer->left(headEnd + 4 + length);
            buffer->remove(0, headEnd + 4 + length);
            QTimer::singleShot(delayMs.load(), socket, [this, socket] {
                socket->write(reply);
                if (!keepAlive)
                    socket->disconnectFromHost();
            });
        });
    }

    QThread m_thread;
    QTcpServer *m_server = nullptr;
};

SdkOptions options(const QString &folder)
{
    SdkOptions o;
    o.webhookSecret = QStringLiteral("fw-secret");
    o.extensionId = QStringLiteral("com.example.marketing");
    o.manifestFolder = folder;
    o.environment = QProcessEnvironment();
    o.telemetryEnabled = false;
    return o;
}

HttpRequest delivery(const char *event = "issue.created")
{
    HttpRequest r = testing::DeliveryBuilder(event, "v1")
                        .payload({ { "issue",
                            QJsonObject { {
                                              "title",
                                              "Ünïcode",
                                          },
                                { "n", 1.50 } } } })
                        .secret("fw-secret")
                        .request();
    r.headers.emplaceBack("x-custom-lower", "Keep Me");
    return r;
}

} // namespace

class TestForward : public QObject
{
    Q_OBJECT

    QTemporaryDir m_folder;
    std::unique_ptr<CaptureWriter> m_captures;

private slots:
    void initTestCase() { m_captures = std::move(CaptureWriter::open(m_folder.path())).value(); }

    void forwardsByteExact()
    {
        RecordingServer extension;
        auto listener = std::move(Listener::startForward(options(m_folder.path()), extension.port,
                                      *m_captures, "127.0.0.1", 0))
                            .value();
        QCOMPARE(listener->handlerKind(), HandlerKind::Forward);
        const HttpRequest sent = delivery();
        const HttpResponse answer = testing::send(listener->port(), sent);
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.body, QByteArray(R"({"ok":true})"));
        QCOMPARE(answer.header("x-ext"), QByteArray("1"));

        QTRY_COMPARE(extension.received.size(), 1);
        const Exchange captured = m_captures->load().last();
        // What the extension got: the listener's request line, headers in order, body untouched.
        QByteArray expected = captured.method + ' ' + captured.target + " HTTP/1.1\r\n";
        for (const auto &h : captured.requestHeaders)
            expected += h.first + ": " + h.second + "\r\n";
        expected += "X-Forwarded-For: 127.0.0.1\r\n\r\n" + sent.body;
        QCOMPARE(extension.received.first(), expected);
        QVERIFY(expected.contains("x-custom-lower: Keep Me\r\n"));
        QCOMPARE(captured.requestBody, sent.body);
        QCOMPARE(captured.status, 200);
        QCOMPARE(captured.handlerKind, QStringLiteral("forward"));
        QCOMPARE(captured.event, QStringLiteral("issue.created"));
        QCOMPARE(captured.version, QStringLiteral("v1"));
        QCOMPARE(captured.authCause, QStringLiteral("ok"));
        QCOMPARE(captured.note, QStringLiteral("forwarded byte-exact"));
        QVERIFY(captured.timings.has(StageTimes::Upstream));
    }

    // One connection to the extension serves delivery after delivery; when the extension closes
    // it while it is idle, the next delivery goes on a new one.
    void connectionsToTheExtensionAreReused()
    {
        RecordingServer extension;
        extension.keepAlive = true;
        auto listener = std::move(Listener::startForward(options(m_folder.path()), extension.port,
                                      *m_captures, "127.0.0.1", 0))
                            .value();
        for (int i = 0; i < 5; ++i)
            QCOMPARE(testing::send(listener->port(), delivery()).status, 200);
        QCOMPARE(extension.received.size(), 5);
        QCOMPARE(extension.connections, 1);

        extension.closeConnections();
        for (int i = 0; i < 3; ++i) {
            const HttpResponse answer = testing::send(listener->port(), delivery());
            QCOMPARE(answer.status, 200);
            QCOMPARE(answer.body, QByteArray(R"({"ok":true})"));
        }
        QCOMPARE(extension.received.size(), 8);
        QCOMPARE(extension.connections, 2);
        QCOMPARE(m_captures->load().last().note, QStringLiteral("forwarded byte-exact"));
    }

    // A chunked delivery reaches the extension de-chunked, with its length instead.
    void chunkedDeliveriesArriveWithTheirLength()
    {
        RecordingServer extension;
        auto listener = std::move(Listener::startForward(options(m_folder.path()), extension.port,
                                      *m_captures, "127.0.0.1", 0))
                            .value();
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, listener->port());
        QVERIFY(socket.waitForConnected());
        socket.write("POST /v/1/webhooks/issue.created HTTP/1.1\r\nHost: x\r\n"
                     "Transfer-Encoding: chunked\r\nX-A: 1\r\n\r\n"
                     "4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n");
        QTRY_COMPARE(extension.received.size(), 1);
        QCOMPARE(extension.received.first(),
            QByteArray("POST /v/1/webhooks/issue.created HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n"
                       "Content-Length: 7\r\nX-Forwarded-For: 127.0.0.1\r\n\r\n{\"a\":1}"));
    }

    void chunkedAnswersArrivePlain()
    {
        RecordingServer extension;
        extension.reply = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "4\r\n{\"a\"\r\n5\r\n:1}\r\n\r\n0\r\n\r\n";
        auto listener = std::move(Listener::startForward(options(m_folder.path()), extension.port,
                                      *m_captures, "127.0.0.1", 0))
                            .value();
        const HttpResponse answer = testing::send(listener->port(), delivery());
        QCOMPARE(answer.status, 201);
        QCOMPARE(answer.body, QByteArray("{\"a\":1}\r\n"));
    }

    // An answer whose framing cannot be read is a 502 with the reason, at once: a negative chunk
    // size once made the forwarder loop, growing without end.
    void malformedAnswersAreToldApart()
    {
        auto listener = std::move(
            Listener::startForward(options(m_folder.path()), 1, *m_captures, "127.0.0.1", 0))
                            .value();
        for (const auto &[reply, reason] :
            { std::pair<QByteArray, QString>(
                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nab\r\n0\r\n\r\n",
                  QStringLiteral("Invalid chunk size")),
                std::pair<QByteArray, QString>("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}",
                    QStringLiteral("Invalid Content-Length in the answer")),
                // Refused before a byte of it is kept, not buffered up to the timeout.
                std::pair<QByteArray, QString>(
                    "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n{}",
                    QStringLiteral("The answer is larger than 64 MiB")),
                std::pair<QByteArray, QString>(
                    "HTTP/1.1 200 OK\r\nX-Endless: " + QByteArray(70 * 1024, 'a'),
                    QStringLiteral("The answer's head is larger than 64 KiB")) }) {
            RecordingServer extension;
            extension.reply = reply;
            QVERIFY(listener->useForward(extension.port, 5000).ok());
            const HttpResponse answer = testing::send(listener->port(), delivery());
            QCOMPARE(answer.status, 502);
            QVERIFY2(
                answer.jsonObject()["error"].toString().contains(reason), answer.body.constData());
            QVERIFY(m_captures->load().last().error.contains(reason));
        }
    }

    void extensionDownOrSlow()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 closed = probe.serverPort();
        probe.close();
        auto listener = std::move(
            Listener::startForward(options(m_folder.path()), closed, *m_captures, "127.0.0.1", 0))
                            .value();
        HttpResponse answer = testing::send(listener->port(), delivery());
        QCOMPARE(answer.status, 502);
        QVERIFY2(answer.jsonObject()["error"].toString().startsWith(
                     QStringLiteral("Nothing is listening on port %1").arg(closed)),
            answer.body.constData());
        Exchange captured = m_captures->load().last();
        QCOMPARE(captured.status, 502);
        QVERIFY(captured.error.contains("Nothing is listening"));
        QVERIFY(!captured.requestBody.isEmpty()); // the delivery is kept

        RecordingServer slow;
        slow.delayMs = 2000;
        QVERIFY(listener->useForward(slow.port, 300).ok());
        answer = testing::send(listener->port(), delivery());
        QCOMPARE(answer.status, 504);
        QVERIFY(answer.jsonObject()["error"].toString().contains("did not answer within 300 ms"));
        captured = m_captures->load().last();
        QCOMPARE(captured.status, 504);
        QVERIFY(!captured.requestBody.isEmpty()); // the delivery is kept
    }

    // One timer keeps every call's deadline. When it fires for a call already answered, it is
    // armed again for the call still waiting, which then times out.
    void eachCallKeepsItsDeadline()
    {
        RecordingServer extension;
        extension.keepAlive = true;
        auto listener = std::move(Listener::startForward(options(m_folder.path()), extension.port,
                                      *m_captures, "127.0.0.1", 0))
                            .value();
        QVERIFY(listener->useForward(extension.port, 400).ok());
        QCOMPARE(testing::send(listener->port(), delivery()).status, 200);
        extension.delayMs = 3000;
        const HttpResponse late = testing::send(listener->port(), delivery());
        QCOMPARE(late.status, 504);
        QVERIFY2(late.jsonObject()["error"].toString().contains("did not answer within 400 ms"),
            late.body.constData());
        QCOMPARE(m_captures->load().last().status, 504);
    }

    void cannedAnswersStandInWhileTheExtensionIsDown()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 closed = probe.serverPort();
        probe.close();
        const QList<CannedAnswer> fallback { { "issue.created", "", 200, {}, R"({"ok":true})",
            0 } };
        auto listener = std::move(Listener::startForward(options(m_folder.path()), closed,
                                      *m_captures, "127.0.0.1", 0, {}, fallback))
                            .value();
        HttpResponse answer = testing::send(listener->port(), delivery());
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.body, QByteArray(R"({"ok":true})"));
        Exchange captured = m_captures->load().last();
        QVERIFY2(captured.note.startsWith("canned: the extension is not answering (Nothing is "
                                          "listening"),
            qPrintable(captured.note));
        QCOMPARE(testing::send(listener->port(), delivery("issue.updated")).status, 502);

        // Once the extension answers, it answers; a slow one is still a 504.
        RecordingServer extension;
        QVERIFY(listener->useForward(extension.port, 5000, fallback).ok());
        answer = testing::send(listener->port(), delivery());
        QCOMPARE(extension.received.size(), 1);
        QVERIFY(m_captures->load().last().note.startsWith("forwarded"));
        RecordingServer slow;
        slow.delayMs = 2000;
        QVERIFY(listener->useForward(slow.port, 300, fallback).ok());
        QCOMPARE(testing::send(listener->port(), delivery()).status, 504);
    }

    void cannedAnswersAndSwitchingTargets()
    {
        RecordingServer extension;
        auto listener = std::move(Listener::startForward(options(m_folder.path()), extension.port,
                                      *m_captures, "127.0.0.1", 0))
                            .value();
        const quint16 port = listener->port();
        CannedAnswer created { "issue.created", "v1", 202, { { "X-Canned", "yes" } },
            R"({"queued":true})", 150 };
        QVERIFY(listener->useCanned({ created }).ok());
        QCOMPARE(listener->handlerKind(), HandlerKind::Canned);
        QCOMPARE(listener->port(), port);
        HttpResponse answer = testing::send(port, delivery());
        QCOMPARE(answer.status, 202);
        QCOMPARE(answer.header("x-canned"), QByteArray("yes"));
        QCOMPARE(answer.body, QByteArray(R"({"queued":true})"));
        Exchange captured = m_captures->load().last();
        QCOMPARE(captured.handlerKind, QStringLiteral("canned"));
        QCOMPARE(captured.timings.ms(StageTimes::Delay), 150);
        QVERIFY(captured.timings.ms(StageTimes::Total) >= 150);

        answer = testing::send(port, delivery("issue.deleted"));
        QCOMPARE(answer.status, 404);
        QVERIFY(answer.jsonObject()["error"].toString().startsWith(
            "No canned answer for issue.deleted v1"));

        // Back to forwarding, then in-process: same port, no restart.
        QVERIFY(listener->useForward(extension.port).ok());
        QCOMPARE(testing::send(port, delivery()).body, QByteArray(R"({"ok":true})"));
        auto plugin = ExtensionPlugin::load(QStringLiteral(HELLO_PLUGIN));
        QVERIFY(plugin.ok());
        QVERIFY(listener->useInProcess(plugin.value()).ok());
        QCOMPARE(listener->handlerKind(), HandlerKind::InProcess);
        QVERIFY(listener->sdk());
        QCOMPARE(listener->port(), port);
        answer = testing::send(port, delivery("no.such.event"));
        QCOMPARE(answer.status, 404); // the SDK's pipeline answers now
        QVERIFY(answer.jsonObject()["error"].toString().startsWith("No handler registered"));
    }
};

QTEST_GUILESS_MAIN(TestForward)
#include "tst_forward.moc"
