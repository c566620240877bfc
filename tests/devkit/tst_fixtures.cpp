// The editable fixtures file: its starting point, parsing, errors with line and column, SLA
// filters.
#include "aliasbomb.h"

#include <kiket/devkit/sandbox/fixtures.h>

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

class TestFixtures : public QObject
{
    Q_OBJECT

private slots:
    void startingPointIsWrittenAndRead()
    {
        QTemporaryDir folder;
        auto f = loadFixtures(folder.path());
        QVERIFY2(f.ok(), qPrintable(f.ok() ? QString() : f.error().toString()));
        QVERIFY(QFile::exists(fixturesPath(folder.path())));
        QCOMPARE(f.value().projects.size(), 1);
        QCOMPARE(f.value().slaEvents.size(), 2);
        const QJsonObject first = f.value().slaEvents[0].toObject();
        QCOMPARE(first["state"].toString(), QStringLiteral("imminent"));
        QCOMPARE(first["triggered_at"].toString(), QStringLiteral("2026-11-26T15:00:00Z"));
        QCOMPARE(first["definition"].toObject()["target_minutes"].toInt(), 480);
    }

    void slaFilters()
    {
        const Fixtures f = parseFixtures(R"(sla_events:
  - {id: a, issue_id: i1, project_id: p1, state: imminent}
  - {id: b, issue_id: i2, project_id: p1, state: breached}
  - {id: c, issue_id: i1, project_id: p1, state: recovered}
  - {id: d, issue_id: i3, project_id: p2, state: imminent}
)")
                               .value();
        QCOMPARE(f.slaEventsFor("p1").size(), 3);
        QCOMPARE(f.slaEventsFor("p1", "i1").size(), 2);
        QCOMPARE(f.slaEventsFor("p1", {}, "imminent").size(), 1);
        QCOMPARE(f.slaEventsFor("p1", {}, {}, 2).size(), 2);
        QCOMPARE(f.slaEventsFor("p3").size(), 0);
        QVERIFY(parseFixtures("").ok());
    }

    void errorsCarryLineAndColumn_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("broken yaml")
            << QByteArray("projects:\n  - id: [x\n") << 3 << "end of sequence flow";
        QTest::newRow("bad state")
            << QByteArray("sla_events:\n  - id: a\n    project_id: p\n    state: late\n") << 4
            << "state must be imminent, breached or recovered";
        QTest::newRow("missing fields")
            << QByteArray("sla_events:\n  - id: a\n") << 2 << "needs id, project_id and state";
        QTest::newRow("not a list")
            << QByteArray("projects: 3\n") << 1 << "'projects' must be a list";
        QTest::newRow("a key twice")
            << QByteArray("projects:\n  - {id: p, id: q}\n") << 2 << "'id' is given twice";
        QTest::newRow("alias bomb") << aliasBomb("anchors") << 2 << "expands to too many values";
    }

    void errorsCarryLineAndColumn()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(QString, message);
        const auto f = parseFixtures(yaml);
        QVERIFY(!f.ok());
        QCOMPARE(f.error().line, line);
        QVERIFY(f.error().column > 0);
        QVERIFY2(f.error().message.contains(message), qPrintable(f.error().message));
    }

    void brokenFileNamesItself()
    {
        QTemporaryDir folder;
        QVERIFY(QDir().mkpath(folder.filePath(".kiket")));
        QFile file(fixturesPath(folder.path()));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("sla_events:\n  - {id: a, project_id: p, state: nope}\n");
        file.close();
        const auto f = loadFixtures(folder.path());
        QVERIFY(!f.ok());
        QVERIFY(f.error().message.startsWith(fixturesPath(folder.path())));
        QCOMPARE(f.error().line, 2);
        QFile kept(fixturesPath(folder.path()));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QVERIFY(kept.readAll().contains("nope")); // the developer's file is never overwritten
    }
};

QTEST_GUILESS_MAIN(TestFixtures)
#include "tst_fixtures.moc"
