// The SDK's blocking HTTP calls over plain http: a worker thread keeps its connection, a kept
// connection the server closed is replaced without the caller noticing, and every way an answer
// can be framed, cut short or never come gives the answer or a clear error.
#include <kiket/http.h>
#include <kiket/httpserver.h>

#include <QCoreApplication>
#include <QMutex>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace kiket;

namespace {

// Answers each request with the next scripted reply, on a thread of its own.
class ScriptedServer
{
public:
    struct Reply
    {
        QByteArray bytes; ///< Written as they are; empty: no answer at all.
        bool closeAfter = false; ///< Close the connection once written.
    };

    explicit ScriptedServer(QList<Reply> replies)
        : m_replies(std::move(replies))
    {
        m_thread.start();
        m_context.moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            &m_context, [this] { listen(); }, Qt::BlockingQueuedConnection);
    }
    ~ScriptedServer()
    {
        QMetaObject::invokeMethod(
            &m_context,
            [this] {
                delete m_server; // and the connections it made
                m_context.moveToThread(QCoreApplication::instance()->thread());
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    int connections() const { return m_connections; }
    QList<QByteArray> requests() const
    {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }

private:
    void listen()
    {
        m_server = new QTcpServer;
        m_server->listen(QHostAddress::LocalHost, 0);
        m_port = m_server->serverPort();
        QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                ++m_connections;
                QObject::connect(
                    socket, &QTcpSocket::readyRead, socket, [this, socket] { read(socket); });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    // One request is a head and, when it says so, a body of Content-Length bytes.
    void read(QTcpSocket *socket)
    {
        QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
        for (;;) {
            const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
            if (headEnd < 0)
                break;
            qsizetype length = 0;
            for (const QByteArray &line : buffer.left(headEnd).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (buffer.size() < headEnd + 4 + length)
                break;
            const QByteArray request = buffer.left(headEnd + 4 + length);
            buffer.remove(0, request.size());
            Reply reply;
            {
                QMutexLocker lock(&m_mutex);
                m_requests << request;
                reply = m_replies.value(m_requests.size() - 1);
            }
            socket->write(reply.bytes);
            if (reply.closeAfter)
                socket->disconnectFromHost();
        }
        socket->setProperty("buffer", buffer);
    }

    QThread m_thread;
    QObject m_context;
    QTcpServer *m_server = nullptr; // lives on m_thread
    quint16 m_port = 0;
    std::atomic<int> m_connections { 0 };
    mutable QMutex m_mutex;
    QList<QByteArray> m_requests;
    QList<Reply> m_replies;
};

const QByteArray kOk = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
                       "\r\n{\"ok\":true}";

HttpRequest post(const QByteArray &target, const QByteArray &body = "{}")
{
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.headers = { { "Content-Type", "application/json" }, { "Host", "elsewhere" },
        { "Content-Length", "999" } };
    r.body = body;
    return r;
}

// Runs the calls on a thread of their own, as a handler's worker does.
QList<HttpResponse> onWorker(
    const QString &baseUrl, const QList<HttpRequest> &requests, int timeoutMs = 5000)
{
    QList<HttpResponse> answers;
    QThread *worker = QThread::create([&] {
        for (const HttpRequest &r : requests)
            answers << sendHttp(baseUrl, r, timeoutMs);
    });
    worker->start();
    worker->wait();
    delete worker;
    return answers;
}

QString errorOf(const HttpResponse &r)
{
    return r.jsonObject().value(QStringLiteral("error")).toString();
}

} // namespace

class TestPlainHttp : public QObject
{
    Q_OBJECT

private slots:
    void aWorkerKeepsItsConnection()
    {
        ScriptedServer server({ { kOk }, { kOk }, { kOk }, { kOk }, { kOk } });
        const QList<HttpResponse> answers = onWorker(server.baseUrl(),
            { post("/api/v1/a?x=1", "first"), post("/api/v1/b"), post("/api/v1/c") });
        QCOMPARE(answers.size(), 3);
        for (const HttpResponse &a : answers) {
            QCOMPARE(a.status, 200);
            QCOMPARE(a.body, QByteArray(R"({"ok":true})"));
            QCOMPARE(a.header("content-type"), QByteArray("application/json"));
        }
        QCOMPARE(server.connections(), 1);
        // The client frames the message itself: its own Host and Content-Length, once each.
        const QByteArray first = server.requests().first();
        QVERIFY(first.startsWith("POST /api/v1/a?x=1 HTTP/1.1\r\nHost: 127.0.0.1:"));
        QCOMPARE(first.count("Host:"), 1);
        QCOMPARE(first.count("Content-Length:"), 1);
        QVERIFY(first.contains("Content-Length: 5\r\n"));
        QVERIFY(first.endsWith("\r\n\r\nfirst"));
        QVERIFY(!first.contains("elsewhere"));
    }

    void theMainThreadGoesOnServingWhileItWaits()
    {
        // A server of the calling thread answers a blocking call made on that thread.
        HttpServer local;
        local.setHandler([](const HttpRequest &request, const Responder &r) {
            r.send(HttpResponse::json(200, { { "path", QString::fromLatin1(request.target) } }));
        });
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(local.listen().value());
        const HttpResponse answer = sendHttp(base, post("/here"), 3000);
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.jsonObject().value("path").toString(), QStringLiteral("/here"));
    }

    void aKeptConnectionTheServerClosedIsReplaced()
    {
        // The first answer looks kept-alive, but the server closes right after it.
        ScriptedServer server({ { kOk, true }, { kOk } });
        const QList<HttpResponse> answers
            = onWorker(server.baseUrl(), { post("/first"), post("/second") });
        QCOMPARE(answers.at(0).status, 200);
        QCOMPARE(answers.at(1).status, 200);
        QCOMPARE(server.connections(), 2);
        QCOMPARE(server.requests().size(), 2); // the second went once, on the new connection
        QVERIFY(server.requests().at(1).startsWith("POST /second "));
    }

    void answersFramedEveryWayAreRead()
    {
        ScriptedServer server({
            { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" },
            { "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok" },
            { "HTTP/1.1 204 No Content\r\n\r\n" },
            { "HTTP/1.0 200 OK\r\n\r\nuntil the end", true },
            { kOk },
        });
        const QList<HttpResponse> answers = onWorker(server.baseUrl(),
            { post("/chunked"), post("/interim"), post("/empty"), post("/close"), post("/next") });
        QCOMPARE(answers.at(0).status, 200);
        QCOMPARE(answers.at(0).body, QByteArray("hello world"));
        QCOMPARE(answers.at(1).status, 201);
        QCOMPARE(answers.at(1).body, QByteArray("ok"));
        QCOMPARE(answers.at(2).status, 204);
        QVERIFY(answers.at(2).body.isEmpty());
        QCOMPARE(answers.at(3).status, 200);
        QCOMPARE(answers.at(3).body, QByteArray("until the end"));
        QCOMPARE(answers.at(4).status, 200);
        QCOMPARE(server.connections(), 2); // the HTTP/1.0 answer ended its connection
    }

    void brokenAnswersGiveAClearErrorAndAreNotSentTwice()
    {
        ScriptedServer server({
            { "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n" },
            { "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true },
            { kOk },
        });
        const QList<HttpResponse> answers
            = onWorker(server.baseUrl(), { post("/bad-length"), post("/cut"), post("/after") });
        QCOMPARE(answers.at(0).status, 0);
        QVERIFY2(
            errorOf(answers.at(0)).contains("Content-Length"), qPrintable(errorOf(answers[0])));
        QCOMPARE(answers.at(1).status, 0);
        QVERIFY2(errorOf(answers.at(1)).contains("closed before the answer was complete"),
            qPrintable(errorOf(answers.at(1))));
        QCOMPARE(answers.at(2).status, 200);
        QCOMPARE(server.requests().size(), 3); // nothing sent again
    }

    void silenceTimesOutAndNothingListeningIsRefused()
    {
        ScriptedServer server({ { QByteArray() } });
        const QList<HttpResponse> answers = onWorker(server.baseUrl(), { post("/slow") }, 300);
        QCOMPARE(answers.at(0).status, 0);
        QCOMPARE(errorOf(answers.at(0)), QStringLiteral("timed out after 300 ms"));

        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort());
        closed.close();
        const HttpResponse refused = onWorker(url, { post("/x") }).first();
        QCOMPARE(refused.status, 0);
        QVERIFY2(errorOf(refused).contains("refused", Qt::CaseInsensitive),
            qPrintable(errorOf(refused)));
    }
};

QTEST_GUILESS_MAIN(TestPlainHttp)
#include "tst_plainhttp.moc"
