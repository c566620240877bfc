// The window on the Python example run in forward mode, offscreen: the header's extension light
// follows the process, the console shows its output, a delivery reaches it, a delivery-secret
// rotation restarts it with the new secret, and stopping it from the header leaves nothing running.
#include "console.h"
#include "headerstrip.h"
#include "mainwindow.h"
#include "secretspanel.h"
#include "trafficmodel.h"

#include <kiket/devkit/session.h>

#include <QFile>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include "../support.h"

using namespace kiket;
using namespace kiket::ui;

class TestWindowForward : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config; // the window's QSettings live here, not in the user's config

private slots:
    void initTestCase() { qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path())); }

    void headerConsoleAndSecretsDriveTheProcess()
    {
        QTemporaryDir dir;
        QVERIFY(copyTree(QStringLiteral(PYTHON_EXAMPLE), dir.path()));
        qputenv("KIKET_WEBHOOK_SECRET", "py-window-secret");
        TrafficModel traffic;
        devkit::SessionOverrides o;
        o.listenerPort = 0;
        o.sandboxPort = 0;
        o.keychain = false;
        auto session = devkit::Session::open(dir.path(), o, [&traffic](const devkit::Exchange &e) {
            if (e.kind != devkit::ExchangeKind::Log)
                traffic.add(devkit::summaryOf(e));
        });
        QVERIFY2(session.ok(), qPrintable(session.ok() ? QString() : session.error().toString()));
        MainWindow window(*session.value(), traffic);
        window.show();
        HeaderStrip *header = window.header();
        QTRY_COMPARE_WITH_TIMEOUT(
            header->light(HeaderStrip::Extension), HeaderStrip::Light::Ready, 20000);
        QVERIFY(header->text().contains("ready on 127.0.0.1:"));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.console()->text()->toPlainText().contains("python extension listening"), 5000);

        const auto deliveries = [&traffic](int status) {
            int n = 0;
            for (int row = 0; row < traffic.rowCount(); ++row) {
                const auto &s = traffic.summaryAt(row);
                n += s.kind == devkit::ExchangeKind::Delivery && s.status == status ? 1 : 0;
            }
            return n;
        };
        window.sendSample(QStringLiteral("issue.created"));
        QTRY_COMPARE_WITH_TIMEOUT(deliveries(200), 1, 15000);

        // A new delivery secret: the process restarts with it and accepts what the window signs.
        const qint64 before = session.value()->runner()->processId();
        QVERIFY(window.secrets()->rotate(devkit::kDeliverySecretKey, "py-rotated").ok());
        QTRY_VERIFY_WITH_TIMEOUT(session.value()->runner()->processId() != before
                && header->light(HeaderStrip::Extension) == HeaderStrip::Light::Ready,
            20000);
        window.sendSample(QStringLiteral("issue.created"));
        QTRY_COMPARE_WITH_TIMEOUT(deliveries(200), 2, 15000);

        // Stop from the header: the light goes off and the process is gone.
        const qint64 pid = session.value()->runner()->processId();
        QVERIFY(pid > 0);
        header->stopButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(
            header->light(HeaderStrip::Extension), HeaderStrip::Light::Off, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!processRunning(pid), 10000);
        QCOMPARE(header->stopButton()->text(), QStringLiteral("Start"));
    }
};

QTEST_MAIN(TestWindowForward)
#include "tst_window_forward.moc"
