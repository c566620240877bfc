// How a connection begins and ends: requests whose end two parsers could read differently, a
// client that half-closes after its request, and refusals among pipelined requests.
#include "rawhttp.h"

#include <kiket/sdk.h>

#include <QTest>
#include <QThread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace kiket;

namespace {

// A connection made with the socket calls, for what QTcpSocket cannot do: shutdown(SHUT_WR).
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    }
    ~RawClient() { ::close(m_fd); }
    bool connected() const { return m_connected; }
    bool send(const QByteArray &bytes)
    {
        return ::send(m_fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL) == bytes.size();
    }
    void finishSending() { ::shutdown(m_fd, SHUT_WR); }
    /// Everything the server sends until it closes (or the time is up), while events run.
    QByteArray readUntilClosed(int timeoutMs = 5000)
    {
        QByteArray in;
        QElapsedTimer timer;
        timer.start();
        char buffer[4096];
        while (timer.elapsed() < timeoutMs) {
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n == 0)
                return in;
            if (n > 0)
                in.append(buffer, n);
            else
                QTest::qWait(5);
        }
        return in + "<timed out>";
    }

private:
    int m_fd = -1;
    bool m_connected = false;
};

} // namespace

class TestConnection : public QObject
{
    Q_OBJECT

    SdkOptions options()
    {
        SdkOptions o;
        o.webhookSecret = QStringLiteral("s");
        o.extensionId = QStringLiteral("com.example.connection");
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        return o;
    }

    static bool healthy(quint16 port)
    {
        return rawExchange(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").status == 200;
    }

    static QByteArray signedPost(const QByteArray &target, const QByteArray &body)
    {
        const Signature s = generateSignature("s", body);
        return rawPost(target, body,
            "X-Kiket-Signature: " + s.signature + "\r\nX-Kiket-Timestamp: " + s.timestamp + "\r\n");
    }

private slots:
    // Each way two parsers could disagree on where a request ends gets 400 and a reason, and
    // the bytes behind it are never read as a request of their own.
    void requestSmugglingClassesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("reason");
        const QByteArray hidden = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
        QTest::newRow("length and chunked") << "POST /webhooks/a HTTP/1.1\r\nContent-Length: "
                                               "5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + hidden << QByteArray("Content-Length and Transfer-Encoding together");
        QTest::newRow("length twice, same value")
            << "POST /webhooks/a HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"
                + hidden
            << QByteArray("Content-Length sent more than once");
        QTest::newRow("length twice, two values")
            << "POST /webhooks/a HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}"
                + hidden
            << QByteArray("Content-Length sent more than once");
        QTest::newRow("length as a list")
            << "POST /webhooks/a HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\n{}" + hidden
            << QByteArray("digits only");
        QTest::newRow("signed length")
            << "POST /webhooks/a HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}" + hidden
            << QByteArray("digits only");
        QTest::newRow("tab after the length")
            << "POST /webhooks/a HTTP/1.1\r\nContent-Length: 2\t\r\n\r\n{}" + hidden
            << QByteArray("only spaces may follow it");
        QTest::newRow("tab after chunked")
            << "POST /webhooks/a HTTP/1.1\r\nTransfer-Encoding: chunked\t\r\n\r\n0\r\n\r\n" + hidden
            << QByteArray("only spaces may follow it");
        QTest::newRow("encoding not chunked")
            << "POST /webhooks/a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
                + hidden
            << QByteArray("only one, chunked");
        QTest::newRow("encoding twice") << "POST /webhooks/a HTTP/1.1\r\nTransfer-Encoding: "
                                           "chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"
                + hidden << QByteArray("only one, chunked");
        QTest::newRow("obs-fold")
            << "POST /webhooks/a HTTP/1.1\r\nX-A: 1\r\n Content-Length: 2\r\n\r\n{}" + hidden
            << QByteArray("obs-fold");
        QTest::newRow("space before colon")
            << "POST /webhooks/a HTTP/1.1\r\nContent-Length : 2\r\n\r\n{}" + hidden
            << QByteArray("Malformed header line");
        QTest::newRow("separator in a name")
            << "POST /webhooks/a HTTP/1.1\r\nContent-Length: 2\r\nX@A: 1\r\n\r\n{}" + hidden
            << QByteArray("Malformed header line");
        QTest::newRow("space in a chunk size") << "POST /webhooks/a HTTP/1.1\r\nTransfer-Encoding: "
                                                  "chunked\r\n\r\n2 \r\n{}\r\n0\r\n\r\n"
                + hidden << QByteArray("Invalid chunk size");
        QTest::newRow("length in the trailer")
            << "POST /webhooks/a HTTP/1.1\r\nTransfer-Encoding: "
               "chunked\r\n\r\n2\r\n{}\r\n0\r\nContent-Length: 9\r\n\r\n"
                + hidden
            << QByteArray("may not carry Content-Length");
        QTest::newRow("bare LF") << "POST /webhooks/a HTTP/1.1\r\nContent-Length: 2\n\r\n{}"
                + hidden << QByteArray("LF alone");
        // CR LF CR and then not LF: no blank line yet, and a CR alone.
        QTest::newRow("CR alone after a line") << "POST /webhooks/a HTTP/1.1\r\nContent-Length: "
                                                  "2\r\n\rX: 1\r\n\r\n{}"
                + hidden << QByteArray("CR alone");
    }

    // RFC 9110 §5.6.2: every one of these symbols may stand in a header name.
    void namesWithEveryTokenSymbolAreAccepted()
    {
        Sdk sdk(options());
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        QCOMPARE(
            rawExchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nX!#$%&'*+-.^_`|~9: v\r\n\r\n")
                .status,
            200);
    }

    void requestSmugglingClassesAreRefused()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, reason);
        Sdk sdk(options());
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(socket.waitForConnected());
        socket.write(request);
        const RawResponse r = readResponse(socket);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains(reason), r.body.constData());
        // One answer, then the connection closes: the request hidden behind is not answered.
        QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
        const QByteArray after
            = socket.property("rawhttp_leftover").toByteArray() + socket.readAll();
        QVERIFY2(!after.contains("HTTP/1.1"), after.constData());
        QVERIFY(healthy(port));
    }

    // A client may shut its sending side once its request is out (curl --no-keepalive, many
    // load tools): the answer still comes, even when the handler takes a while.
    void aHalfClosedClientStillGetsItsAnswers()
    {
        Sdk sdk(options());
        sdk.webhook("slow.event", "v1") = [](const QJsonObject &p, Context &) -> QJsonValue {
            QThread::msleep(300);
            return p;
        };
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        RawClient client(port);
        QVERIFY(client.connected());
        QVERIFY(client.send(signedPost("/v/1/webhooks/slow.event", "{\"n\":1}")
            + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
        client.finishSending();
        const QByteArray answers = client.readUntilClosed();
        QVERIFY2(answers.startsWith("HTTP/1.1 200"), answers.constData());
        QVERIFY2(answers.contains("{\"n\":1}"), answers.constData());
        QCOMPARE(answers.count("HTTP/1.1 200"), 2); // both, in order, then the server closes
        QVERIFY(answers.indexOf("{\"n\":1}") < answers.lastIndexOf("HTTP/1.1 200"));
        QVERIFY(healthy(port));
    }

    void aRequestCutShortByAHalfCloseIsToldSo()
    {
        Sdk sdk(options());
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        RawClient client(port);
        QVERIFY(client.connected());
        QVERIFY(client.send("POST /webhooks/a HTTP/1.1\r\nContent-Length: 10\r\n\r\n{\"a\""));
        client.finishSending();
        const QByteArray answer = client.readUntilClosed();
        QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.constData());
        QVERIFY2(answer.contains("closed its side"), answer.constData());
    }

    // A refusal is the answer to its own request: the answers before it still come first.
    void aRefusalWaitsForTheAnswersBeforeIt()
    {
        Sdk sdk(options());
        sdk.webhook("slow.event", "v1") = [](const QJsonObject &p, Context &) -> QJsonValue {
            QThread::msleep(200);
            return p;
        };
        const quint16 port = sdk.start("127.0.0.1", 0).value();
        RawClient client(port);
        QVERIFY(client.connected());
        QVERIFY(
            client.send(signedPost("/v/1/webhooks/slow.event", "{\"n\":2}") + "BROKEN\r\n\r\n"));
        const QByteArray answers = client.readUntilClosed();
        QVERIFY2(answers.startsWith("HTTP/1.1 200"), answers.constData());
        const qsizetype refusal = answers.indexOf("HTTP/1.1 400");
        QVERIFY2(refusal > answers.indexOf("{\"n\":2}"), answers.constData());
    }
};

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
