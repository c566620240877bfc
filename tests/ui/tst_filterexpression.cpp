// The traffic filter language: what each term matches, and clear errors with their column.
#include "filterexpression.h"

#include <QTest>

using namespace kiket::ui;
using kiket::devkit::ExchangeKind;
using kiket::devkit::ExchangeSummary;

namespace {

ExchangeSummary delivery(
    const QString &event, int status, const QString &auth = QStringLiteral("ok"))
{
    ExchangeSummary s;
    s.kind = ExchangeKind::Delivery;
    s.event = event;
    s.version = QStringLiteral("v2");
    s.status = status;
    s.authCause = auth;
    s.method = "POST";
    s.target = "/v/v2/webhooks/" + event.toLatin1() + "?x=1";
    s.durationMs = 120;
    s.handlerKind = QStringLiteral("forward");
    return s;
}

ExchangeSummary apiCall()
{
    ExchangeSummary s;
    s.kind = ExchangeKind::ApiCall;
    s.event = QStringLiteral("secrets.set");
    s.method = "POST";
    s.target = "/api/v1/extensions/com.example/secrets/TOKEN";
    s.status = 403;
    s.durationMs = 3;
    return s;
}

} // namespace

class TestFilterExpression : public QObject
{
    Q_OBJECT

private slots:
    void matching_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("created"); // issue.created 200 ok
        QTest::addColumn<bool>("stale"); // issue.updated 401 stale
        QTest::addColumn<bool>("api"); // secrets.set 403
        QTest::newRow("empty") << "" << true << true << true;
        QTest::newRow("event glob") << "event:issue.*" << true << true << false;
        QTest::newRow("event exact, any case") << "event:ISSUE.CREATED" << true << false << false;
        QTest::newRow("status >=400") << "status:>=400" << false << true << true;
        QTest::newRow("status class") << "status:4xx" << false << true << true;
        QTest::newRow("status range") << "status:400-402" << false << true << false;
        QTest::newRow("status equal") << "status:200" << true << false << false;
        QTest::newRow("auth") << "auth:stale" << false << true << false;
        QTest::newRow("kind api") << "kind:api" << false << false << true;
        QTest::newRow("kind delivery") << "kind:delivery" << true << true << false;
        QTest::newRow("version") << "version:v2" << true << true << false;
        QTest::newRow("method") << "method:post" << true << true << true;
        QTest::newRow("path without query") << "path:/v/v2/webhooks/*" << true << true << false;
        QTest::newRow("handler") << "handler:forward" << true << true << false;
        QTest::newRow("duration") << "duration:>100" << true << true << false;
        QTest::newRow("free word") << "secrets" << false << false << true;
        QTest::newRow("quoted phrase") << "\"issue.up\"" << false << true << false;
        QTest::newRow("negation") << "-kind:api" << true << true << false;
        QTest::newRow("all together")
            << "event:issue.* status:>=400 auth:stale kind:delivery version:v2 \"updated\"" << false
            << true << false;
        QTest::newRow("quoted value") << "event:\"issue.created\"" << true << false << false;
    }

    void matching()
    {
        QFETCH(QString, text);
        QFETCH(bool, created);
        QFETCH(bool, stale);
        QFETCH(bool, api);
        const auto parsed = FilterExpression::parse(text);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed.value().matches(delivery("issue.created", 200)), created);
        QCOMPARE(parsed.value().matches(delivery("issue.updated", 401, "stale")), stale);
        QCOMPARE(parsed.value().matches(apiCall()), api);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown field") << "status:200 evnt:x" << 12 << "unknown field 'evnt'";
        QTest::newRow("negated unknown field") << "-evnt:x" << 2 << "unknown field 'evnt'";
        QTest::newRow("not a number") << "status:lots" << 8 << "'lots' is not a number test";
        QTest::newRow("no class for duration") << "duration:4xx" << 10 << "not a number test";
        QTest::newRow("empty value") << "event:" << 7 << "'event:' needs a value";
        QTest::newRow("open quote") << "event:\"issue" << 7 << "not closed";
        QTest::newRow("lone minus") << "kind:api -" << 11 << "lone '-'";
    }

    void errors()
    {
        QFETCH(QString, text);
        QFETCH(int, column);
        QFETCH(QString, says);
        const auto parsed = FilterExpression::parse(text);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.contains(says), qPrintable(parsed.error().message));
        QCOMPARE(parsed.error().column, column);
    }

    void fieldNamesForCompletion()
    {
        const QStringList names = FilterExpression::fieldNames();
        for (const char *name : { "event", "status", "auth", "kind", "version" })
            QVERIFY(names.contains(QLatin1String(name)));
    }
};

QTEST_GUILESS_MAIN(TestFilterExpression)
#include "tst_filterexpression.moc"
