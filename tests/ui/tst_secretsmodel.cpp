// The secrets table: keys joined from every place, values masked until revealed, fingerprints
// that show whether the places agree; under QAbstractItemModelTester.
#include "secretsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace kiket::ui;

class TestSecretsModel : public QObject
{
    Q_OBJECT

private slots:
    void joinsMasksRevealsAndCompares()
    {
        SecretsModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        SecretSources sources;
        sources.declared = { "API_KEY", "delivery_secret" };
        sources.local = { { "API_KEY", "local-value-1234" } };
        sources.sandbox = { { "API_KEY", "other-value-9999" }, { "CRM_TOKEN", "crm-token-abcd" } };
        sources.payload = { { "CRM_TOKEN", "crm-token-abcd" } };
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setSources(sources);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 3); // API_KEY, CRM_TOKEN, delivery_secret
        const int api = model.rowOf("API_KEY");
        const int crm = model.rowOf("CRM_TOKEN");
        const int hook = model.rowOf("delivery_secret");
        QVERIFY(api >= 0 && crm >= 0 && hook >= 0);

        // Masked everywhere until the row is revealed; the value itself only by ValueRole.
        for (int row = 0; row < model.rowCount(); ++row)
            for (int c = SecretsModel::Local; c <= SecretsModel::Payload; ++c)
                QVERIFY(!model.index(row, c).data().toString().contains("value"));
        QCOMPARE(model.index(api, SecretsModel::Local).data(SecretsModel::ValueRole).toString(),
            QStringLiteral("local-value-1234"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setRevealed("API_KEY", true);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(api, SecretsModel::Local).data().toString(),
            QStringLiteral("local-value-1234"));
        QVERIFY(!model.index(crm, SecretsModel::Sandbox).data().toString().contains("crm"));
        model.setSources(sources); // a refresh keeps the row revealed
        QVERIFY(model.isRevealed("API_KEY"));
        model.setRevealed("API_KEY", false);
        QCOMPARE(changed.count(), 2);

        // Fingerprints: the places disagree on API_KEY, agree on CRM_TOKEN; no value, no print.
        QVERIFY(model.index(api, SecretsModel::Fingerprint).data().toString().contains("differ"));
        const QString crmPrint = model.index(crm, SecretsModel::Fingerprint).data().toString();
        QVERIFY(crmPrint.endsWith("abcd") && !crmPrint.contains("differ"));
        QCOMPARE(model.index(hook, SecretsModel::Fingerprint).data().toString(),
            QStringLiteral("no value"));
        QCOMPARE(model.index(hook, SecretsModel::Declared).data().toString(),
            QStringLiteral("declared"));
        QCOMPARE(model.index(hook, SecretsModel::Local).data().toString(), QStringLiteral("—"));
    }
};

QTEST_MAIN(TestSecretsModel)
#include "tst_secretsmodel.moc"
