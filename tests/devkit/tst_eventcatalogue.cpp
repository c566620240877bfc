// The built-in sample deliveries and catalogue folders: shapes of PROTOCOL §5, clear errors.
#include <kiket/devkit/delivery/eventcatalogue.h>

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

class TestEventCatalogue : public QObject
{
    Q_OBJECT

private slots:
    void builtInCoversTheProtocolEvents()
    {
        auto catalogue = EventCatalogue::builtIn();
        QVERIFY2(
            catalogue.ok(), qPrintable(catalogue.ok() ? QString() : catalogue.error().toString()));
        const QStringList names = catalogue.value().names();
        QVERIFY(names.size() >= 12);
        for (const char *required :
            { "issue.created", "issue.updated", "issue.transitioned", "workflow.sla_status",
                "automation.dispatch", "workflow.before_transition", "approval.requested" })
            QVERIFY2(names.contains(QLatin1String(required)), required);
        QVERIFY(std::is_sorted(names.begin(), names.end()));
        for (const CatalogueEvent &e : catalogue.value().events()) {
            QCOMPARE(e.payload["event"].toString(), e.event);
            QCOMPARE(e.version, QStringLiteral("v1"));
            QVERIFY(!e.description.isEmpty());
            QVERIFY2(!e.payload.contains("authentication") && !e.payload.contains("secrets"),
                "the envelope is added when sending");
        }
    }

    void shapesFollowTheProtocol()
    {
        const EventCatalogue catalogue = EventCatalogue::builtIn().value();
        for (const CatalogueEvent &e : catalogue.events()) {
            if (!e.payload.contains("issue"))
                continue;
            const QJsonObject issue = e.payload["issue"].toObject();
            for (const char *key :
                { "id", "key", "title", "status", "project_id", "organization_id" })
                QVERIFY2(
                    issue.contains(QLatin1String(key)), qPrintable(e.event + ": issue." + key));
        }
        const QJsonObject transition
            = catalogue.find("issue.transitioned")->payload["transition"].toObject();
        for (const char *key : { "from", "to", "performed_by" })
            QVERIFY(transition.contains(QLatin1String(key)));
        const QJsonObject sla = catalogue.find("workflow.sla_status")->payload["sla"].toObject();
        QCOMPARE(sla["state"].toString(), QStringLiteral("imminent"));
        QVERIFY(sla["definition"].toObject().contains("status"));
        QVERIFY(sla.contains("triggered_at"));
        QVERIFY(!catalogue.find("no.such.event"));
    }

    void folderWithABrokenFile()
    {
        QTemporaryDir dir;
        QFile good(dir.filePath("a.json"));
        QVERIFY(good.open(QIODevice::WriteOnly));
        good.write(R"({"event":"custom.thing","version":"2","payload":{"x":1}})");
        good.close();
        auto ok = EventCatalogue::fromDirectory(dir.path());
        QVERIFY(ok.ok());
        QCOMPARE(ok.value().find("custom.thing")->version, QStringLiteral("2"));

        QFile bad(dir.filePath("b.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\n  \"event\": \"x\",\n  \"version\": \"v1\"\n  \"payload\": {}\n}\n");
        bad.close();
        auto broken = EventCatalogue::fromDirectory(dir.path());
        QVERIFY(!broken.ok());
        QVERIFY(broken.error().message.contains("b.json"));
        QCOMPARE(broken.error().line, 4);

        QVERIFY(!parseCatalogueEvent(R"({"event":"x","payload":{}})", "f").ok());
        QVERIFY(!parseCatalogueEvent(R"({"version":"v1","payload":{}})", "f").ok());
        QVERIFY(!parseCatalogueEvent(R"({"event":"x","version":"v1","payload":[]})", "f").ok());
        QVERIFY(!EventCatalogue::fromDirectory(dir.filePath("missing")).ok());
    }
};

QTEST_GUILESS_MAIN(TestEventCatalogue)
#include "tst_eventcatalogue.moc"
