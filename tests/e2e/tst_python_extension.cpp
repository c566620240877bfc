// The Python example extension run by the workbench in forward mode, end to end: signed deliveries
// accepted, its API calls linked to them, its telemetry received, a tampered replay refused, a
// crash followed by a restart, and nothing left running afterwards.
#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/delivery/eventcatalogue.h>
#include <kiket/devkit/listener/listener.h>
#include <kiket/devkit/sandbox/sandboxplatform.h>
#include <kiket/devkit/session.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "../support.h"

using namespace kiket;
using namespace kiket::devkit;

class TestPythonExtension : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Session> m_session;

    HttpRequest delivery(const QString &event, const QJsonObject &payload = {})
    {
        DeliverySpec spec;
        spec.event = event;
        spec.version = QStringLiteral("v1");
        const auto sample = EventCatalogue::builtIn().value().find(event);
        spec.payload = sample ? sample->payload : payload;
        spec.webhookSecret = "py-secret";
        spec.issuer = &m_session->sandbox().issuer();
        spec.grant.scopes = { QStringLiteral("*") };
        spec.apiBaseUrl = m_session->sandboxUrl();
        return prepareDelivery(spec).request;
    }

    HttpResponse send(const HttpRequest &request)
    {
        return sendHttp(m_session->listenerUrl(), request, 10000);
    }

    Exchange lastDelivery()
    {
        const QList<Exchange> all = m_session->captures().load();
        for (auto it = all.crbegin(); it != all.crend(); ++it) {
            if (it->kind == ExchangeKind::Delivery)
                return *it;
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(copyTree(QStringLiteral(PYTHON_EXAMPLE), m_dir.path()));
        qputenv("KIKET_WEBHOOK_SECRET", "py-secret");
        SessionOverrides o;
        o.listenerPort = 0;
        o.sandboxPort = 0;
        auto opened = Session::open(m_dir.path(), o);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
        m_session = std::move(opened).value();
        QCOMPARE(m_session->config().handler, HandlerKind::Forward);
        QVERIFY(m_session->runner());
        QTRY_COMPARE_WITH_TIMEOUT(m_session->runner()->state(), RunState::Ready, 20000);
    }

    void signedDeliveryWithApiCallsAndTelemetry()
    {
        const HttpResponse answer = send(delivery("issue.updated"));
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.jsonObject()["synced"].toInt(), 1);
        const Exchange captured = lastDelivery();
        QCOMPARE(captured.status, 200);
        QCOMPARE(captured.authCause, QStringLiteral("ok"));
        QCOMPARE(captured.handlerKind, QStringLiteral("forward"));
        QStringList children;
        for (const Exchange &child : m_session->captures().load()) {
            if (child.parentId == captured.id)
                children << child.event;
        }
        QCOMPARE(children, QStringList({ "custom_data.list", "custom_data.create" }));
        QTRY_VERIFY_WITH_TIMEOUT(!m_session->sandbox().telemetry().stats().isEmpty(), 5000);
        const TelemetryStats stats = m_session->sandbox().telemetry().stats().first();
        QCOMPARE(stats.event, QStringLiteral("issue.updated"));
        QCOMPARE(stats.count, 1);
        // Its output is captured as log lines.
        QTRY_VERIFY_WITH_TIMEOUT(
            [this] {
                for (const Exchange &e : m_session->captures().load())
                    if (e.kind == ExchangeKind::Log
                        && e.note.contains("POST /v/v1/webhooks/issue.updated"))
                        return true;
                return false;
            }(),
            5000);
    }

    void tamperedReplayIsRefusedByTheExtension()
    {
        const HttpRequest original = delivery("issue.created");
        QCOMPARE(send(original).status, 200);
        HttpRequest tampered = original;
        tampered.body.replace("Launch plan", "Lunch plan");
        const HttpResponse answer = send(tampered);
        QCOMPARE(answer.status, 401);
        QCOMPARE(answer.jsonObject()["error"].toString(), QStringLiteral("Invalid signature"));
        const Exchange captured = lastDelivery();
        QCOMPARE(captured.status, 401);
        QCOMPARE(captured.authCause, QStringLiteral("mismatch")); // the workbench's verdict agrees
        const HttpResponse wrong
            = send(prepareReplay(original, ReplayMode::WrongSecret, "py-secret"));
        QCOMPARE(wrong.status, 401);
    }

    void crashIsFollowedByARestart()
    {
        Runner *runner = m_session->runner();
        const qint64 before = runner->processId();
        const HttpResponse answer = send(delivery("debug.crash", { { "crash", true } }));
        QCOMPARE(answer.status, 502);
        QCOMPARE(lastDelivery().status, 502);
        QTRY_COMPARE_WITH_TIMEOUT(runner->restarts(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(runner->state(), RunState::Ready, 20000);
        QVERIFY(runner->processId() != before);
        QVERIFY(!processRunning(before));
        QCOMPARE(send(delivery("issue.created")).status, 200);
    }

    void stoppingLeavesNoProcess()
    {
        const qint64 pid = m_session->runner()->processId();
        QVERIFY(processRunning(pid));
        m_session.reset();
        QTRY_VERIFY_WITH_TIMEOUT(!processRunning(pid), 5000);
    }
};

QTEST_GUILESS_MAIN(TestPythonExtension)
#include "tst_python_extension.moc"
