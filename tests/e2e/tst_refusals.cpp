// What the listener answers itself, before any handler (a head or body past the limits, bytes
// that are not HTTP/1.1, too many connections), is captured like every other delivery.
#include "../sdk/rawhttp.h"

#include <kiket/devkit/listener/listener.h>

#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

class TestRefusals : public QObject
{
    Q_OBJECT

    QTemporaryDir m_folder;
    std::unique_ptr<CaptureWriter> m_captures;

    SdkOptions options()
    {
        SdkOptions o;
        o.webhookSecret = QStringLiteral("s");
        o.extensionId = QStringLiteral("com.example.marketing");
        o.manifestFolder = m_folder.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        o.limits.maxHeaderBytes = 2048;
        o.limits.maxBodyBytes = 4096;
        o.limits.maxConnections = 2;
        return o;
    }

    // The last capture once everything queued is stored.
    Exchange lastCapture()
    {
        m_captures->flushQueued();
        const QList<Exchange> all = m_captures->load();
        return all.isEmpty() ? Exchange() : all.last();
    }

    void refusalsAreCaptured(quint16 port, const QString &handlerKind)
    {
        RawResponse r = rawExchange(port, "GET /health HTTP/1.1\r\nX-Big: " + QByteArray(3000, 'a') + "\r\n\r\n");
        QCOMPARE(r.status, 431);
        Exchange e = lastCapture();
        QCOMPARE(e.status, 431);
        QCOMPARE(e.kind, ExchangeKind::Delivery);
        QCOMPARE(e.handlerKind, handlerKind);
        QVERIFY2(e.note.contains("Answered by the listener itself"), qPrintable(e.note));
        QVERIFY(e.requestBody.startsWith("GET /health HTTP/1.1\r\nX-Big: aaa")); // the head as it came
        QVERIFY(e.responseBody.contains("Request header too large"));

        r = rawExchange(port, "POST /v/1/webhooks/issue.created HTTP/1.1\r\nContent-Length: 9999\r\n\r\n{}");
        QCOMPARE(r.status, 413);
        e = lastCapture();
        QCOMPARE(e.status, 413);
        QCOMPARE(e.method, QByteArray("POST")); // the head was whole: what it said is kept
        QCOMPARE(e.target, QByteArray("/v/1/webhooks/issue.created"));
        QCOMPARE(headerValue(e.requestHeaders, "content-length"), QByteArray("9999"));

        r = rawExchange(port, "POST /v/1/webhooks/issue.created HTTP/1.1\nHost: x\n\n");
        QCOMPARE(r.status, 400);
        QCOMPARE(lastCapture().status, 400);

        // Both slots taken: the third connection is refused, and that is captured too.
        QTcpSocket first, second;
        for (QTcpSocket *s : { &first, &second }) {
            s->connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(s->waitForConnected());
        }
        QTRY_VERIFY(rawExchange(port, "GET /health HTTP/1.1\r\n\r\n").status == 503);
        e = lastCapture();
        QCOMPARE(e.status, 503);
        QVERIFY(e.responseBody.contains("Too many connections"));
    }

private slots:
    void initTestCase() { m_captures = std::move(CaptureWriter::open(m_folder.path())).value(); }

    void inProcess()
    {
        auto plugin = ExtensionPlugin::load(QStringLiteral(HELLO_PLUGIN));
        QVERIFY(plugin.ok());
        auto listener = Listener::start(options(), plugin.value(), *m_captures, "127.0.0.1", 0);
        QVERIFY(listener.ok());
        refusalsAreCaptured(listener.value()->port(), QStringLiteral("in-process"));
    }

    void canned()
    {
        auto listener = Listener::startCanned(options(), {}, *m_captures, "127.0.0.1", 0);
        QVERIFY(listener.ok());
        refusalsAreCaptured(listener.value()->port(), QStringLiteral("canned"));
    }
};

QTEST_GUILESS_MAIN(TestRefusals)
#include "tst_refusals.moc"
