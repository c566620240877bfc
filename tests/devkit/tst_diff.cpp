// JSON-aware diff of exchanges: key order ignored, paths with values, headers aligned.
#include <kiket/devkit/capture/diff.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

class TestDiff : public QObject
{
    Q_OBJECT

private slots:
    void keyOrderAndWhitespaceDoNotMatter()
    {
        const BodyDiff d = diffBodies(
            R"({"b":1,"a":{"x":[1,2]}})", "{\n  \"a\": {\"x\": [1, 2]},\n  \"b\": 1\n}");
        QVERIFY(d.json);
        QVERIFY(d.equal);
        QVERIFY(d.changes.isEmpty());
    }

    void pathsWithValues()
    {
        const QList<JsonChange> changes = diffJson(
            QJsonObject { { "issue",
                              QJsonObject { { "title", "Old" },
                                  { "labels", QJsonArray { "a", "b", "c" } } } },
                { "gone", true }, { "odd.key", 1 } },
            QJsonObject { { "issue",
                              QJsonObject { { "title", "New" },
                                  { "labels", QJsonArray { "a", "x" } }, { "status", "open" } } },
                { "odd.key", 2 } });
        auto find = [&changes](const QString &path) {
            for (const JsonChange &c : changes) {
                if (c.path == path)
                    return c;
            }
            return JsonChange { JsonChange::Changed, QStringLiteral("<missing>"), {}, {} };
        };
        QCOMPARE(changes.size(), 6);
        QCOMPARE(find("issue.title").kind, JsonChange::Changed);
        QCOMPARE(find("issue.title").before, QJsonValue("Old"));
        QCOMPARE(find("issue.title").after, QJsonValue("New"));
        QCOMPARE(find("issue.labels[1]").after, QJsonValue("x"));
        QCOMPARE(find("issue.labels[2]").kind, JsonChange::Removed);
        QCOMPARE(find("issue.labels[2]").before, QJsonValue("c"));
        QCOMPARE(find("issue.status").kind, JsonChange::Added);
        QCOMPARE(find("gone").kind, JsonChange::Removed);
        QCOMPARE(find(R"(["odd.key"])").after, QJsonValue(2));
    }

    void prettyTextKnowsTheLineOfEveryPath()
    {
        const QJsonObject doc = QJsonDocument::fromJson(
            R"({"b":[1,{"x":true}],"a":{"title":"T","odd key":null},"e":{},"f":[]})")
                                    .object();
        const PrettyJson p = prettyJson(doc);
        const QStringList lines = p.text.split('\n');
        QCOMPARE(QJsonDocument::fromJson(p.text.toUtf8()).object(), doc); // still the same JSON
        QCOMPARE(lines.at(p.lines.value("a.title")).trimmed(), QStringLiteral("\"title\": \"T\""));
        QCOMPARE(lines.at(p.lines.value("a[\"odd key\"]")).trimmed(),
            QStringLiteral("\"odd key\": null,"));
        QCOMPARE(lines.at(p.lines.value("b[1].x")).trimmed(), QStringLiteral("\"x\": true"));
        QCOMPARE(lines.at(p.lines.value("b[0]")).trimmed(), QStringLiteral("1,"));
        QCOMPARE(lines.at(p.lines.value("e")).trimmed(), QStringLiteral("\"e\": {},"));
        QCOMPARE(p.lines.value(QString(), -1), 0);
        // Every path diffJson reports is one prettyJson knows.
        QJsonObject other = doc;
        other.insert("a", QJsonObject { { "title", "U" } });
        for (const JsonChange &c : diffJson(doc, other))
            QVERIFY2(p.lines.contains(c.path), qPrintable(c.path));
    }

    void typeChangesAreChanges()
    {
        const QList<JsonChange> changes
            = diffJson(QJsonObject { { "n", 1 } }, QJsonObject { { "n", "1" } });
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes[0].kind, JsonChange::Changed);
    }

    void nonJsonBodiesCompareAsBytes()
    {
        QVERIFY(!diffBodies("plain", "plain").json);
        QVERIFY(diffBodies("plain", "plain").equal);
        QVERIFY(!diffBodies("plain", "{}").equal);
    }

    void headersAligned()
    {
        const QList<HeaderRow> rows
            = alignHeaders({ { "Content-Type", "application/json" }, { "X-Kiket-Signature", "a" } },
                { { "x-kiket-signature", "b" }, { "content-type", "application/json" },
                    { "X-Kiket-Delivery", "dlv_2" } });
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0].name, QByteArray("Content-Type"));
        QVERIFY(rows[0].same());
        QCOMPARE(rows[1].left, QList<QByteArray> { "a" });
        QCOMPARE(rows[1].right, QList<QByteArray> { "b" });
        QVERIFY(!rows[1].same());
        QVERIFY(rows[2].left.isEmpty());
    }

    void exchanges()
    {
        Exchange a;
        a.method = "POST";
        a.target = "/v/1/webhooks/issue.created";
        a.status = 200;
        a.requestBody = R"({"issue":{"id":"1"}})";
        a.responseBody = R"({"ok":true})";
        Exchange b = a;
        b.status = 401;
        b.requestBody = R"({"issue":{"id":"2"}})";
        const ExchangeDiff d = diffExchanges(a, b);
        QVERIFY(d.sameTarget);
        QVERIFY(!d.sameStatus);
        QCOMPARE(d.requestBody.changes.size(), 1);
        QCOMPARE(d.requestBody.changes[0].path, QStringLiteral("issue.id"));
        QVERIFY(d.responseBody.equal);
    }
};

QTEST_GUILESS_MAIN(TestDiff)
#include "tst_diff.moc"
