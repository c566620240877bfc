// The sandbox platform's state on real SQLite: custom-data records, the event log, notifications.
#include <kiket/devkit/sandbox/sandboxstore.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

class TestSandboxStore : public QObject
{
    Q_OBJECT

    const RecordTable m_contacts { "proj-1", "com.example.crm.contacts", "automation_records" };

private slots:
    void recordLifecycle()
    {
        QTemporaryDir folder;
        auto store = SandboxStore::open(folder.path()).value();
        const QJsonObject created
            = store
                  ->createRecord(
                      m_contacts, { { "email", "lead@example.com" }, { "status", "active" } })
                  .value();
        const QString id = created["id"].toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(created["email"].toString(), QStringLiteral("lead@example.com"));
        QVERIFY(
            QDateTime::fromString(created["created_at"].toString(), Qt::ISODateWithMs).isValid());

        QCOMPARE(
            store->record(m_contacts, id)->value("status").toString(), QStringLiteral("active"));
        const QJsonObject updated = *store->updateRecord(
            m_contacts, id, { { "status", "won" }, { "email", QJsonValue::Null } });
        QCOMPARE(updated["status"].toString(), QStringLiteral("won"));
        QVERIFY(!updated.contains("email"));
        QCOMPARE(updated["id"].toString(), id);
        QVERIFY(!store->updateRecord(m_contacts, "999", { { "x", 1 } }));

        QVERIFY(store->deleteRecord(m_contacts, id));
        QVERIFY(!store->deleteRecord(m_contacts, id));
        QVERIFY(!store->record(m_contacts, id));
    }

    void listWithLimitAndFilters()
    {
        QTemporaryDir folder;
        auto store = SandboxStore::open(folder.path()).value();
        for (int i = 0; i < 6; ++i)
            store->createRecord(
                m_contacts, { { "n", i }, { "status", i % 2 ? "active" : "lost" } });
        store->createRecord(
            { "proj-2", m_contacts.module, m_contacts.table }, { { "status", "active" } });
        QCOMPARE(store->listRecords(m_contacts).size(), 6);
        QCOMPARE(store->listRecords(m_contacts, 2).size(), 2);
        const QJsonArray active = store->listRecords(m_contacts, 0, { { "status", "active" } });
        QCOMPARE(active.size(), 3);
        QCOMPARE(active[0].toObject()["n"].toInt(), 1);
        QCOMPARE(store->listRecords(m_contacts, 2, { { "status", "active" } }).size(), 2);
        QCOMPARE(
            store->listRecords(m_contacts, 0, { { "status", "active" }, { "n", 3 } }).size(), 1);
        QCOMPARE(store->listRecords({ "proj-2", m_contacts.module, m_contacts.table }).size(), 1);
        QCOMPARE(store->listRecords({ "proj-1", m_contacts.module, "other" }).size(), 0);
    }

    void secretsAndFileMode()
    {
        QTemporaryDir folder;
        auto store = SandboxStore::open(folder.path()).value();
        store->setSecret("com.example.marketing", "WEBHOOK_TOKEN", "abc123");
        store->setSecret("com.example.marketing", "API_KEY", "k1");
        store->setSecret("com.example.marketing", "API_KEY", "k2");
        store->setSecret("other", "X", "y");
        QCOMPARE(store->secretKeys("com.example.marketing"),
            QStringList({ "API_KEY", "WEBHOOK_TOKEN" }));
        QCOMPARE(store->secret("com.example.marketing", "API_KEY"), std::optional<QString>("k2"));
        QVERIFY(!store->secret("com.example.marketing", "X"));
        QVERIFY(store->deleteSecret("com.example.marketing", "API_KEY"));
        QVERIFY(!store->deleteSecret("com.example.marketing", "API_KEY"));
        const QFile::Permissions others
            = QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther;
        for (const char *name : { "sandbox.sqlite", "sandbox.sqlite-wal" }) {
            const QString path
                = folder.filePath(QStringLiteral(".kiket/workbench/") + QLatin1String(name));
            QVERIFY2(QFile::exists(path), name);
            QCOMPARE(QFile::permissions(path) & others, QFile::Permissions());
        }
    }

    void corruptFileIsKeptAsideAndAnEmptyOneStarts()
    {
        QTemporaryDir folder;
        QDir().mkpath(folder.filePath(".kiket/workbench"));
        QFile junk(folder.filePath(".kiket/workbench/sandbox.sqlite"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'x'));
        junk.close();
        auto store = SandboxStore::open(folder.path());
        QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().toString()));
        const QString warning = store.value()->warning();
        QVERIFY2(warning.contains(folder.filePath(".kiket/workbench/sandbox.sqlite"))
                && warning.contains("kept as") && warning.contains("empty sandbox"),
            qPrintable(warning));
        store.value()->setSecret("e", "K", "v");
        QCOMPARE(store.value()->secret("e", "K"), std::optional<QString>("v"));
        const QStringList aside
            = QDir(folder.filePath(".kiket/workbench")).entryList({ "sandbox.sqlite.corrupt-*" });
        QCOMPARE(aside.size(), 1);
        QFile kept(folder.filePath(".kiket/workbench/" + aside.first()));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray(4096, 'x')); // nothing of the old file lost
        QVERIFY(SandboxStore::open(folder.path()).value()->warning().isEmpty()); // and then quiet
    }

    void persistsAcrossReopen()
    {
        QTemporaryDir folder;
        {
            auto store = SandboxStore::open(folder.path()).value();
            store->createRecord(m_contacts, { { "kept", true } });
            store->logEvent("com.example.marketing", "event",
                { { "event", "issue.created" }, { "data", QJsonObject { { "summary", "Hi" } } } });
            store->logEvent("other.extension", "event", { { "event", "x" } });
            store->notify({ { "title", "Rate limit warning" }, { "body", "Only 3 requests remain" },
                { "level", "warning" } });
        }
        auto store = SandboxStore::open(folder.path()).value();
        QCOMPARE(store->listRecords(m_contacts).size(), 1);
        const QJsonArray log = store->eventLog("com.example.marketing");
        QCOMPARE(log.size(), 1);
        QCOMPARE(log[0].toObject()["event"].toString(), QStringLiteral("issue.created"));
        QCOMPARE(log[0].toObject()["kind"].toString(), QStringLiteral("event"));
        const QJsonArray notes = store->notifications();
        QCOMPARE(notes.size(), 1);
        QCOMPARE(notes[0].toObject()["level"].toString(), QStringLiteral("warning"));
    }
};

QTEST_GUILESS_MAIN(TestSandboxStore)
#include "tst_sandboxstore.moc"
