// The window's docks on a real session (the example extension in-process), offscreen: the
// manifest editor applies a new delivery secret, the secrets panel adds, masks, reveals, rotates
// and deletes, the rate gauge and telemetry follow the traffic (also from a "real" platform).
#include "durationchart.h"
#include "mainwindow.h"
#include "manifesteditor.h"
#include "rategauge.h"
#include "secretsmodel.h"
#include "secretspanel.h"
#include "telemetrymodel.h"
#include "telemetrypanel.h"
#include "windowfixture.h"

#include <kiket/devkit/listener/listener.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QSpinBox>
#include <QTest>

using namespace kiket;
using namespace kiket::ui;
using kiket::ui::testing::Fixture;

class TestWindowPanels : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

private slots:
    void initTestCase() { testing::keepSettingsIn(m_config); }

    void manifestSaveReloadsTheDeliverySecret()
    {
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        ManifestEditor *manifest = window.manifest();
        QCOMPARE(manifest->path(), f.folder.filePath("extension.yaml"));
        const auto signedWith = [&f](const QByteArray &secret) { return f.sendSignedWith(secret); };
        QCOMPARE(signedWith("window-secret"), 200);

        // A broken edit is saved but not applied: the running secret stays.
        manifest->setText(manifest->text().replace(
            "delivery_secret: env:KIKET_WEBHOOK_SECRET", "delivery_secret: [broken"));
        QVERIFY(manifest->save());
        QCOMPARE(signedWith("window-secret"), 200);

        manifest->setText(manifest->text().replace(
            "delivery_secret: [broken", "delivery_secret: rotated-in-the-editor"));
        QVERIFY(manifest->save());
        QCOMPARE(f.session.value()->listener().sdk()->config().webhookSecret,
            QStringLiteral("rotated-in-the-editor"));
        QCOMPARE(signedWith("window-secret"), 401);
        QCOMPARE(signedWith("rotated-in-the-editor"), 200);
    }

    void aSecretDeclaredInTheEditorShowsInTheSecretsPanel()
    {
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        ManifestEditor *manifest = window.manifest();
        SecretsModel *model = window.secrets()->model();
        QCOMPARE(model->rowOf("SMTP_PASSWORD"), -1);
        manifest->setText(manifest->text().replace("  - key: MAX_RETRIES",
            "  - key: SMTP_PASSWORD\n    secret: true\n  - key: MAX_RETRIES"));
        QVERIFY(manifest->save());
        // The panel hears of the applied manifest from the session, not from the window.
        QVERIFY(model->rowOf("SMTP_PASSWORD") >= 0);
        QCOMPARE(
            model->index(model->rowOf("SMTP_PASSWORD"), SecretsModel::Declared).data().toString(),
            QStringLiteral("declared"));
    }

    void secretsAddMaskRevealRotateDelete()
    {
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        SecretsPanel *panel = window.secrets();
        SecretsModel *model = panel->model();
        QAbstractItemModelTester tester(
            model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(panel->notice()->text().contains("local-secrets.json"));
        QVERIFY(model->rowOf("API_KEY") >= 0); // declared by the manifest, no value yet
        QCOMPARE(model->index(model->rowOf("API_KEY"), SecretsModel::Declared).data().toString(),
            QStringLiteral("declared"));

        // Add a local value: masked, revealed on demand, and handed to the in-process SDK.
        QVERIFY(panel->setSecret(SecretPlace::Local, "API_KEY", "sk-local-9876").ok());
        const int row = model->rowOf("API_KEY");
        const QModelIndex local = model->index(row, SecretsModel::Local);
        QVERIFY(!local.data().toString().contains("sk-local"));
        QVERIFY(model->index(row, SecretsModel::Fingerprint).data().toString().endsWith("9876"));
        model->setRevealed("API_KEY", true);
        QCOMPARE(local.data().toString(), QStringLiteral("sk-local-9876"));
        model->setRevealed("API_KEY", false);
        QCOMPARE(f.session.value()->listener().sdk()->config().settings.value("API_KEY").toString(),
            QStringLiteral("sk-local-9876"));

        // The sandbox store: what the extension's secrets.get will read.
        QVERIFY(panel->setSecret(SecretPlace::Sandbox, "CRM_TOKEN", "crm-1").ok());
        QCOMPARE(model->index(model->rowOf("CRM_TOKEN"), SecretsModel::Sandbox)
                     .data(SecretsModel::ValueRole)
                     .toString(),
            QStringLiteral("crm-1"));

        // A rotation drill of the delivery secret: old and new both pass, then only the new.
        QVERIFY(panel->rotate(devkit::kDeliverySecretKey, "rotated-secret").ok());
        QVERIFY(f.session.value()->rotationInProgress());
        QCOMPARE(f.sendSignedWith("window-secret"), 200);
        QCOMPARE(f.sendSignedWith("rotated-secret"), 200);
        QCOMPARE(f.sendSignedWith("unrelated"), 401);
        QVERIFY(panel->endRotation().ok());
        QCOMPARE(f.sendSignedWith("window-secret"), 401);
        QCOMPARE(f.sendSignedWith("rotated-secret"), 200);

        // Delete asks first; "no" keeps the value.
        QStringList asked;
        bool answer = false;
        panel->setConfirm([&](const QString &q) {
            asked << q;
            return answer;
        });
        QCOMPARE(panel->removeSecret(SecretPlace::Local, "API_KEY").value(), false);
        QVERIFY(f.session.value()->localSecrets().value("API_KEY").has_value());
        answer = true;
        QVERIFY(panel->removeSecret(SecretPlace::Local, "API_KEY").value());
        QCOMPARE(asked.size(), 2);
        QVERIFY(asked.first().contains("API_KEY"));
        QVERIFY(!f.session.value()->localSecrets().value("API_KEY").has_value());
        QCOMPARE(model->index(model->rowOf("API_KEY"), SecretsModel::Local).data().toString(),
            QStringLiteral("—"));
    }

    void gaugeReadsARealPlatformWhenOneIsConfigured()
    {
        // Another sandbox stands in for the real platform: its own limit and workspace token.
        QTemporaryDir elsewhere;
        devkit::SandboxOptions o;
        o.folder = elsewhere.path();
        o.port = 0;
        o.workspaceToken = QStringLiteral("ws-real-token");
        o.rateLimit = 77;
        auto platform = devkit::SandboxPlatform::start(o);
        QVERIFY(platform.ok());
        qputenv("KIKET_BASE_URL", platform.value()->baseUrl().toUtf8());
        qputenv("KIKET_WORKSPACE_TOKEN", "ws-real-token");
        Fixture f;
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        qunsetenv("KIKET_BASE_URL");
        qunsetenv("KIKET_WORKSPACE_TOKEN");
        TelemetryPanel *panel = window.telemetry();
        QCOMPARE(panel->rateSourceBox()->count(), 2);
        QVERIFY(panel->rateSourceBox()->itemText(1).contains(platform.value()->baseUrl()));
        panel->rateSourceBox()->setCurrentIndex(1);
        QTRY_COMPARE_WITH_TIMEOUT(panel->gauge()->limit(), 77, 5000);
        QVERIFY(panel->gauge()->remaining() <= 77);
        QVERIFY(!panel->limitBox()->isEnabled()); // the platform's limit is not ours to change
        panel->rateSourceBox()->setCurrentIndex(0);
        panel->refresh();
        QCOMPARE(panel->gauge()->limit(), 600);
    }

    void gaugeAndTelemetryFollowTheTraffic()
    {
        Fixture f(5); // a short window: the throttled handler's retries end soon
        QVERIFY2(f.session.ok(), qPrintable(f.problem()));
        MainWindow window(*f.session.value(), f.traffic);
        window.show();
        TelemetryPanel *panel = window.telemetry();
        QAbstractItemModelTester tester(
            panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel->refresh();
        QCOMPARE(panel->gauge()->limit(), 600);
        QCOMPARE(panel->gauge()->remaining(), 600);

        // issue.created makes two API calls (events.log, secrets.set) that count against the limit.
        window.sendSample(QStringLiteral("issue.created"));
        QTRY_VERIFY_WITH_TIMEOUT(f.count(devkit::ExchangeKind::ApiCall) >= 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(
            panel->gauge()->remaining(), 600 - f.count(devkit::ExchangeKind::ApiCall), 5000);
        QVERIFY(panel->gauge()->text().contains("of 600 API calls left"));
        QTRY_VERIFY_WITH_TIMEOUT(panel->model()->rowCount() >= 1, 5000);
        bool inProcess = false;
        for (int row = 0; row < panel->model()->rowCount(); ++row) {
            const auto cell
                = [&](int column) { return panel->model()->index(row, column).data().toString(); };
            if (cell(TelemetryModel::Source) == "in-process SDK"
                && cell(TelemetryModel::Event) == "issue.created")
                inProcess = cell(TelemetryModel::Count) == "1";
        }
        QVERIFY(inProcess);
        QTRY_COMPARE_WITH_TIMEOUT(panel->chart()->pointCount(DurationChart::Ok), 1, 5000);

        // A throttling rehearsal: a limit already used up answers the next calls with 429.
        panel->limitBox()->setValue(1);
        panel->applyLimit();
        QCOMPARE(panel->gauge()->limit(), 1);
        QCOMPARE(panel->gauge()->remaining(), 0);
        window.sendSample(QStringLiteral("issue.created"));
        QTRY_VERIFY_WITH_TIMEOUT(f.count(devkit::ExchangeKind::ApiCall, 429) >= 1, 10000);
        // Its calls wait out the window and retry; then the delivery lands on the timeline.
        const auto points = [panel] {
            return panel->chart()->pointCount(DurationChart::Ok)
                + panel->chart()->pointCount(DurationChart::Failed);
        };
        QTRY_COMPARE_WITH_TIMEOUT(points(), 2, 30000);
        QCOMPARE(DurationChart::outcomeOf(401), DurationChart::Refused);
    }
};

QTEST_MAIN(TestWindowPanels)
#include "tst_windowpanels.moc"
