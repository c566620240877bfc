// The capture store on real SQLite files: round trips, reopening, retention, links, a corrupt file.
#include <kiket/devkit/capture/capturestore.h>

#include <algorithm>
#include <atomic>

#include <QDir>
#include <QFile>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace kiket;
using namespace kiket::devkit;

namespace {

Exchange sample(const QByteArray &body = "{\"issue\":{\"id\":\"1\"}}")
{
    Exchange e;
    e.kind = ExchangeKind::Delivery;
    e.started = QDateTime::fromMSecsSinceEpoch(1'800'000'000'123, Qt::UTC);
    e.finished = e.started.addMSecs(7);
    e.timings = { { StageTimes::Auth, 0.2 }, { StageTimes::Handler, 5.1 } };
    e.method = "POST";
    e.target = "/v/1/webhooks/issue.created?x=%2F";
    // Names keep their case, repeats their order; values may hold JSON's special characters and
    // Latin-1 bytes.
    e.requestHeaders = { { "Content-Type", "application/json" }, { "X-Kiket-Signature", "a" },
        { "X-Kiket-Signature", "b" }, { "X-Odd", "say \"hi\" \\ tab\there \x01 caf\xe9 \x7f" } };
    e.requestBody = body;
    e.status = 401;
    e.responseHeaders = { { "Content-Type", "application/json" } };
    e.responseBody = R"({"error":"Invalid signature"})";
    e.authCause = QStringLiteral("mismatch");
    e.authDetail = QStringLiteral("sent twice with different values");
    e.event = QStringLiteral("issue.created");
    e.version = QStringLiteral("v1");
    e.handlerKind = QStringLiteral("in-process");
    e.note = QStringLiteral("first try");
    return e;
}

// A sample of the given kind made with a runtime token.
Exchange withToken(ExchangeKind kind, const QString &tokenId)
{
    Exchange e = sample();
    e.kind = kind;
    e.tokenId = tokenId;
    return e;
}

} // namespace

class TestCaptureStore : public QObject
{
    Q_OBJECT

private slots:
    void roundTripKeepsEveryField()
    {
        QTemporaryDir folder;
        auto store = CaptureStore::open(folder.path());
        QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().message));
        CaptureStore &s = *store.value();
        QVERIFY(s.warning().isEmpty());
        static const char raw[] = "\x00\xff\x01 not utf-8";
        const QByteArray binary(raw, sizeof raw - 1);
        const qint64 id = s.append(sample(binary)).value();
        const Exchange back = *s.find(id);
        const Exchange in = sample(binary);
        QCOMPARE(back.id, id);
        QCOMPARE(back.kind, in.kind);
        QCOMPARE(back.started, in.started);
        QCOMPARE(back.finished, in.finished);
        QCOMPARE(back.timings, in.timings);
        QCOMPARE(back.method, in.method);
        QCOMPARE(back.target, in.target);
        QCOMPARE(back.requestHeaders, in.requestHeaders); // order and repeats kept
        QCOMPARE(back.requestBody, binary);
        QCOMPARE(back.status, in.status);
        QCOMPARE(back.responseHeaders, in.responseHeaders);
        QCOMPARE(back.responseBody, in.responseBody);
        QCOMPARE(back.authCause, in.authCause);
        QCOMPARE(back.authDetail, in.authDetail);
        QCOMPARE(back.event, in.event);
        QCOMPARE(back.version, in.version);
        QCOMPARE(back.handlerKind, in.handlerKind);
        QCOMPARE(back.note, in.note);
        QVERIFY(!s.find(id + 1));
    }

    void summariesLeaveTheBodiesOnDisk()
    {
        QTemporaryDir folder;
        auto store = std::move(CaptureStore::open(folder.path(), 3)).value();
        for (int i = 0; i < 5; ++i) {
            Exchange e = sample(QByteArray(100 + i, 'x'));
            e.parentId = i;
            store->append(e);
        }
        const QList<ExchangeSummary> rows = store->loadSummaries();
        QCOMPARE(rows.size(), 3); // the retention applies
        QCOMPARE(store->loadSummaries(2).size(), 2);
        const ExchangeSummary &last = rows.last();
        const Exchange whole = *store->find(last.id);
        QCOMPARE(rows.first().id, last.id - 2); // oldest first
        QCOMPARE(last.kind, whole.kind);
        QCOMPARE(last.started, whole.started);
        QCOMPARE(last.durationMs, 7);
        QCOMPARE(last.method, whole.method);
        QCOMPARE(last.target, whole.target);
        QCOMPARE(last.status, 401);
        QCOMPARE(last.event, whole.event);
        QCOMPARE(last.version, whole.version);
        QCOMPARE(last.authCause, whole.authCause);
        QCOMPARE(last.handlerKind, whole.handlerKind);
        QCOMPARE(last.parentId, 4);
        QCOMPARE(last.requestBytes, 104);
        QCOMPARE(last.responseBytes, whole.responseBody.size());
    }

    void survivesReopeningInWalMode()
    {
        QTemporaryDir folder;
        {
            auto s = CaptureStore::open(folder.path()).value();
            for (int i = 0; i < 5; ++i)
                QVERIFY(s->append(sample()).ok());
        }
        auto s = CaptureStore::open(folder.path()).value();
        QCOMPARE(s->count(), 5);
        const QList<Exchange> all = s->load();
        QCOMPARE(all.size(), 5);
        QVERIFY(all.first().id < all.last().id);
        QCOMPARE(s->load(2).size(), 2);
        QCOMPARE(s->load(2).last().id, all.last().id);

        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "probe");
        db.setDatabaseName(s->path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("PRAGMA journal_mode") && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        q.finish();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase("probe");
    }

    void ownerOnlyFolderAndFiles()
    {
        // What a store from before this rule left: a 0755 folder and 0644 files.
        QTemporaryDir folder;
        const QString dir = folder.filePath(".kiket/workbench");
        QVERIFY(QDir().mkpath(dir));
        const auto open = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
            | QFileDevice::ReadOther;
        QVERIFY(QFile::setPermissions(
            dir, open | QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther));
        {
            auto s = CaptureStore::open(folder.path()).value();
            QVERIFY(s->append(sample()).ok());
            QVERIFY(QFile::setPermissions(s->path(), open));
            QVERIFY(QFile::setPermissions(s->path() + "-wal", open));
        }
        auto s = CaptureStore::open(folder.path()).value();
        QVERIFY(s->append(sample()).ok());
        const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
        for (const QString &file : { s->path(), s->path() + "-wal", s->path() + "-shm" }) {
            QVERIFY2(QFileInfo::exists(file), qPrintable(file));
            QCOMPARE(QFileInfo(file).permissions() & ~QFileDevice::Permissions(0x0f00) /* user */,
                ownerOnly);
        }
        QCOMPARE(QFileInfo(dir).permissions() & ~QFileDevice::Permissions(0x0f00),
            ownerOnly | QFileDevice::ExeOwner);

        QTemporaryDir fresh; // and a new one is owner-only from the start
        auto n = CaptureStore::open(fresh.path()).value();
        QVERIFY(n->append(sample()).ok());
        QCOMPARE(QFileInfo(n->path() + "-wal").permissions() & ~QFileDevice::Permissions(0x0f00),
            ownerOnly);
    }

    void retentionDropsTheOldest()
    {
        QTemporaryDir folder;
        auto s = CaptureStore::open(folder.path(), 50).value();
        for (int i = 0; i < 200; ++i)
            QVERIFY(s->append(sample()).ok());
        QCOMPARE(s->count(), 50);
        const QList<Exchange> kept = s->load();
        QCOMPARE(kept.first().id, 151);
        QCOMPARE(kept.last().id, 200);
    }

    void linksApiCallsToTheirDelivery()
    {
        QTemporaryDir folder;
        auto s = CaptureStore::open(folder.path()).value();
        const qint64 delivery = s->append(sample()).value();
        Exchange call = sample();
        call.kind = ExchangeKind::ApiCall;
        call.parentId = delivery;
        call.target = "/api/v1/extensions/com.example.marketing/events";
        s->append(call);
        s->append(call);
        s->append(sample());
        const QList<Exchange> children = s->children(delivery);
        QCOMPARE(children.size(), 2);
        QCOMPARE(children.first().kind, ExchangeKind::ApiCall);
        QCOMPARE(exchangeKindName(children.first().kind), QStringLiteral("api-call"));
        Exchange replay = sample();
        replay.replayOf = delivery;
        QCOMPARE(s->find(s->append(replay).value())->replayOf, delivery);
    }

    void apiCallsJoinTheDeliveryThatCarriedTheirToken()
    {
        QTemporaryDir folder;
        auto s = CaptureStore::open(folder.path()).value();
        Exchange call = withToken(ExchangeKind::ApiCall, QStringLiteral("jti-1"));
        s->append(call);
        s->append(call);
        call.tokenId = QStringLiteral("jti-2");
        const qint64 other = s->append(call).value();
        const qint64 id
            = s->append(withToken(ExchangeKind::Delivery, QStringLiteral("jti-1"))).value();
        QCOMPARE(s->adoptChildren(id, QStringLiteral("jti-1")), 2);
        QCOMPARE(s->children(id).size(), 2);
        QCOMPARE(s->children(id).first().tokenId, QStringLiteral("jti-1"));
        QCOMPARE(s->adoptChildren(id, QStringLiteral("jti-1")), 0); // already linked
        QCOMPARE(s->adoptChildren(id, QString()), 0);
        QCOMPARE(s->find(other)->parentId, 0);
    }

    void aTokenSentAgainAdoptsOnlyTheCallsStillWaiting()
    {
        // A saved request replayed with curl carries the same token each time: every delivery
        // takes the calls made since the one before, and adoption searches only waiting calls.
        QTemporaryDir folder;
        {
            auto s = CaptureStore::open(folder.path()).value();
            const Exchange call = withToken(ExchangeKind::ApiCall, QStringLiteral("jti-1"));
            const Exchange delivery = withToken(ExchangeKind::Delivery, QStringLiteral("jti-1"));
            for (int round = 0; round < 3; ++round) {
                s->append(call);
                const qint64 id = s->appendAll({ delivery }).value().first();
                QCOMPARE(s->children(id).size(), 1);
            }
        }
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "plan");
        db.setDatabaseName(folder.filePath(".kiket/workbench/captures.sqlite"));
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec("SELECT name FROM sqlite_master WHERE type = 'index'"
                           " AND name LIKE 'exchanges_%' ORDER BY name"));
            QStringList names;
            while (q.next())
                names << q.value(0).toString();
            QCOMPARE(names,
                QStringList(
                    { "exchanges_by_parent", "exchanges_logs", "exchanges_orphans_by_token" }));
            QVERIFY(q.exec("SELECT COUNT(*) FROM exchanges INDEXED BY exchanges_orphans_by_token"
                           " WHERE token_jti = 'jti-1' AND kind <> 'delivery'"
                           " AND (parent_id IS NULL OR parent_id = 0)"));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 0); // all three calls adopted
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase("plan");
    }

    void threadsAppendAtOnceAndNothingIsLost()
    {
        // Writes run on the caller's thread, one writer at a time, while the opening thread reads.
        QTemporaryDir folder;
        auto s = CaptureStore::open(folder.path()).value();
        constexpr int kThreads = 4;
        constexpr int kRounds = 150;
        std::atomic<int> failures { 0 };
        QList<QThread *> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads << QThread::create([&s, &failures, t] {
                for (int i = 0; i < kRounds; ++i) {
                    const QString token = QStringLiteral("jti-%1-%2").arg(t).arg(i);
                    const auto callId = s->append(withToken(ExchangeKind::ApiCall, token));
                    const auto ids = s->appendAll({ withToken(ExchangeKind::Delivery, token) });
                    if (!callId || !ids)
                        ++failures;
                }
            });
            threads.last()->start();
        }
        qint64 seen = 0;
        while (std::any_of(
            threads.begin(), threads.end(), [](QThread *t) { return !t->isFinished(); }))
            seen = qMax(seen, s->count()); // reads go on meanwhile
        for (QThread *t : threads) {
            t->wait();
            delete t;
        }
        QCOMPARE(failures.load(), 0);
        QCOMPARE(s->count(), qint64(2 * kThreads * kRounds));
        QVERIFY(seen <= 2 * kThreads * kRounds);
        QSet<qint64> parents;
        for (const Exchange &e : s->load()) {
            if (e.kind == ExchangeKind::ApiCall)
                parents << e.parentId;
        }
        QCOMPARE(parents.size(), kThreads * kRounds); // each call adopted by its own delivery
        QVERIFY(!parents.contains(0));
    }

    void valuesKeepTheStorageClassesLookupsCompare()
    {
        // Lookups compare token_jti and kind as TEXT, method and bodies as BLOB; NULL keeps rows
        // out of the partial indexes.
        QTemporaryDir folder;
        {
            auto s = CaptureStore::open(folder.path()).value();
            Exchange withToken = sample();
            withToken.tokenId = QStringLiteral("jti-1");
            withToken.parentId = 0;
            s->append(withToken);
            Exchange child = sample("");
            child.kind = ExchangeKind::ApiCall;
            child.parentId = 1;
            child.note.clear();
            s->append(child);
        }
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "classes");
        db.setDatabaseName(folder.filePath(".kiket/workbench/captures.sqlite"));
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec("SELECT typeof(kind), typeof(method), typeof(request_body),"
                           " typeof(request_headers), typeof(token_jti), typeof(parent_id),"
                           " typeof(note), typeof(started_ms) FROM exchanges ORDER BY id"));
            QVERIFY(q.next());
            QStringList first;
            for (int i = 0; i < 8; ++i)
                first << q.value(i).toString();
            QCOMPARE(first,
                QStringList({ "text", "blob", "blob", "text", "text", "null", "text", "integer" }));
            QVERIFY(q.next());
            QCOMPARE(q.value(2).toString(), QStringLiteral("blob")); // empty, not null
            QCOMPARE(q.value(4).toString(), QStringLiteral("null"));
            QCOMPARE(q.value(5).toString(), QStringLiteral("integer"));
            QCOMPARE(q.value(6).toString(), QStringLiteral("null")); // a null string
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase("classes");
    }

    void olderStoreGainsTheTokenColumn()
    {
        QTemporaryDir folder;
        QDir().mkpath(folder.filePath(".kiket/workbench"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "old");
            db.setDatabaseName(folder.filePath(".kiket/workbench/captures.sqlite"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(
                "CREATE TABLE exchanges (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
                " started_ms INTEGER, finished_ms INTEGER, timings TEXT, method BLOB, target BLOB,"
                " request_headers TEXT, request_body BLOB, status INTEGER, response_headers TEXT,"
                " response_body BLOB, error TEXT, auth_cause TEXT, auth_detail TEXT, event TEXT,"
                " version TEXT, handler_kind TEXT, parent_id INTEGER, replay_of INTEGER, note "
                "TEXT)"));
            QVERIFY(q.exec("INSERT INTO exchanges (kind, status) VALUES ('delivery', 200)"));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase("old");
        auto s = CaptureStore::open(folder.path());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QVERIFY(s.value()->warning().isEmpty());
        QCOMPARE(s.value()->count(), 1);
        QVERIFY(s.value()->append(sample()).ok());
    }

    void corruptFileIsKeptAsideAndAFreshOneStarts()
    {
        QTemporaryDir folder;
        QDir().mkpath(folder.filePath(".kiket/workbench"));
        QFile junk(folder.filePath(".kiket/workbench/captures.sqlite"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'x'));
        junk.close();
        auto store = CaptureStore::open(folder.path());
        QVERIFY(store.ok());
        QVERIFY(store.value()->warning().contains("kept as"));
        QCOMPARE(store.value()->count(), 0);
        QVERIFY(store.value()->append(sample()).ok());
        const QStringList aside
            = QDir(folder.filePath(".kiket/workbench")).entryList({ "captures.sqlite.corrupt-*" });
        QCOMPARE(aside.size(), 1);
        QFile kept(folder.filePath(".kiket/workbench/" + aside.first()));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray(4096, 'x')); // nothing of the old file lost
    }
};

QTEST_GUILESS_MAIN(TestCaptureStore)
#include "tst_capturestore.moc"
