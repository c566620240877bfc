// A captured delivery becomes a suite case: what it says, what it expects, and that no secret value
// reaches the file.
#include <kiket/devkit/suite/suite.h>
#include <kiket/devkit/suite/suitecapture.h>

#include <kiket/jwt.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::devkit;

namespace {

const QString kSecretValue = QStringLiteral("sk-live-0123456789");

// The payload a handler sees, with every string that YAML could read as something else.
const QJsonObject kPayload = QJsonDocument::fromJson(R"({
    "issue": {"id": "iss_1", "title": "Launch: plan #1", "labels": ["true", "12", "", "null", "~"],
              "estimate": 2.5, "points": 3, "done": false, "owner": null, "meta": {}, "tags": []},
    "note": "- starts like a list", "quoted": "\"quoted\" and 'single'", "unicode": "Zürich ✓"
})").object();

Exchange captured(const QStringList &scopes)
{
    QJsonObject body = kPayload;
    body.insert(QStringLiteral("secrets"), QJsonObject { { QStringLiteral("API_KEY"), kSecretValue } });
    const QByteArray token = signJwt(
        { { QStringLiteral("jti"), QStringLiteral("t1") },
            { QStringLiteral("scopes"), QJsonArray::fromStringList(scopes) } },
        EcKey::generate(), QStringLiteral("k1"));
    body.insert(QStringLiteral("authentication"),
        QJsonObject { { QStringLiteral("runtime_token"), QString::fromLatin1(token) } });
    body.insert(QStringLiteral("api"), QJsonObject { { QStringLiteral("base_url"), QStringLiteral("http://x") } });
    Exchange e;
    e.id = 42;
    e.event = QStringLiteral("issue.created");
    e.version = QStringLiteral("v2");
    e.started = QDateTime::currentDateTimeUtc();
    e.requestHeaders = { { "X-Kiket-Signature", "ab" }, { "X-Kiket-Timestamp", "1" } };
    e.requestBody = QJsonDocument(body).toJson();
    e.authCause = QStringLiteral("ok");
    e.status = 200;
    e.responseBody = QByteArray(R"({"ok":true,"echo":"key )") + kSecretValue.toUtf8()
        + R"(","count":2,"version":"12","detail":{"a":[1,2]}})";
    return e;
}

Exchange call(const char *endpoint, const QByteArray &method)
{
    Exchange c;
    c.kind = ExchangeKind::ApiCall;
    c.event = QString::fromLatin1(endpoint);
    c.method = method;
    c.requestBody = R"({"value":")" + kSecretValue.toUtf8() + "\"}";
    c.status = 200;
    return c;
}

} // namespace

class TestSuiteCapture : public QObject
{
    Q_OBJECT

private slots:
    void caseRepeatsTheCapture()
    {
        const Exchange e = captured({ QStringLiteral("issues.read"), QStringLiteral("events.write") });
        const QList<Exchange> calls { call("events.log", "POST"), call("secrets.set", "PUT"),
            call("events.log", "POST") };
        const QByteArray text = caseFromCapture(e, calls);
        QVERIFY2(!text.contains(kSecretValue.toUtf8()), text);
        QVERIFY2(!text.contains("runtime_token") && !text.contains("base_url"), text);
        auto parsedCase = parseSuiteCase(text, QStringLiteral("/s/c.yaml"));
        QVERIFY2(parsedCase, parsedCase ? "" : qPrintable(parsedCase.error().toString() + text));
        const SuiteCase c = parsedCase.value();
        QCOMPARE(c.event, QStringLiteral("issue.created"));
        QCOMPARE(c.version, QStringLiteral("v2"));
        QCOMPARE(c.signing, CaseSigning::Signed);
        QVERIFY(c.payload);
        QCOMPARE(*c.payload, kPayload); // every tricky string read back as the same string
        QCOMPARE(c.secrets, QStringList { QStringLiteral("API_KEY") });
        QCOMPARE(c.scopes.value_or(QStringList()),
            (QStringList { QStringLiteral("issues.read"), QStringLiteral("events.write") }));
        QCOMPARE(c.status, 200);
        QCOMPARE(c.apiCalls.size(), 2);
        QCOMPARE(c.apiCalls[0].endpoint, QStringLiteral("events.log"));
        QCOMPARE(c.apiCalls[0].count, 2);
        QCOMPARE(c.apiCalls[1].endpoint, QStringLiteral("secrets.set"));
        QCOMPARE(c.apiCalls[1].method, QStringLiteral("PUT"));

        // The same outcome passes; a changed one fails where it changed.
        CaseOutcome same;
        same.response.status = 200;
        same.response.body = e.responseBody;
        for (const Exchange &x : calls)
            same.apiCalls.append({ x.event, x.method, "/", x.requestBody, 200 });
        const auto sameFailures = evaluateCase(c, same);
        QVERIFY2(sameFailures.isEmpty(), qPrintable(sameFailures.value(0).what + ": " + sameFailures.value(0).message));
        CaseOutcome changed = same;
        changed.response.body = R"({"ok":true,"echo":"x","count":2,"version":12,"detail":{"a":[1]}})";
        changed.apiCalls.removeLast();
        QStringList what;
        for (const CheckFailure &f : evaluateCase(c, changed))
            what << f.what;
        QCOMPARE(what.size(), 3);
        QVERIFY2(what.contains(QStringLiteral("body.version")), qPrintable(what.join(',')));
        QVERIFY2(what.contains(QStringLiteral("body.detail")), qPrintable(what.join(',')));
    }

    void signingAndTokenFromTheCapture_data()
    {
        QTest::addColumn<QByteArray>("signature");
        QTest::addColumn<QByteArray>("timestamp");
        QTest::addColumn<QString>("cause");
        QTest::addColumn<CaseSigning>("signing");
        QTest::newRow("signed") << QByteArray("ab") << QByteArray("1") << "ok" << CaseSigning::Signed;
        QTest::newRow("wrong secret") << QByteArray("ab") << QByteArray("1") << "mismatch"
                                      << CaseSigning::WrongSecret;
        QTest::newRow("stale") << QByteArray("ab") << QByteArray("1") << "stale" << CaseSigning::Stale;
        QTest::newRow("unsigned") << QByteArray() << QByteArray() << "header-missing"
                                  << CaseSigning::Unsigned;
        QTest::newRow("body only") << QByteArray("ab") << QByteArray() << "header-missing"
                                   << CaseSigning::BodyOnly;
    }

    void signingAndTokenFromTheCapture()
    {
        QFETCH(QByteArray, signature);
        QFETCH(QByteArray, timestamp);
        QFETCH(QString, cause);
        QFETCH(CaseSigning, signing);
        Exchange e = captured({ QStringLiteral("*") });
        e.requestHeaders.clear();
        if (!signature.isEmpty())
            e.requestHeaders.append({ "X-Kiket-Signature", signature });
        if (!timestamp.isEmpty())
            e.requestHeaders.append({ "X-Kiket-Timestamp", timestamp });
        e.authCause = cause;
        e.status = 401;
        e.responseBody = "denied"; // not JSON: only the status is expected
        const auto c = parseSuiteCase(caseFromCapture(e, {}), QStringLiteral("/s/c.yaml"));
        QVERIFY(c);
        QCOMPARE(c.value().signing, signing);
        QVERIFY(!c.value().scopes); // all scopes: the default
        QVERIFY(c.value().runtimeToken);
        QVERIFY(c.value().body.isEmpty());
        QCOMPARE(c.value().status, 401);

        QJsonObject body = QJsonDocument::fromJson(e.requestBody).object();
        body.remove(QStringLiteral("authentication"));
        e.requestBody = QJsonDocument(body).toJson();
        const auto withoutToken = parseSuiteCase(caseFromCapture(e, {}), QStringLiteral("/s/c.yaml"));
        QVERIFY(withoutToken);
        QVERIFY(!withoutToken.value().runtimeToken);
    }

    void addsFilesUnderTheSuite()
    {
        QTemporaryDir dir;
        const Exchange e = captured({ QStringLiteral("*") });
        const auto first = addCaptureToSuite(dir.path(), QStringLiteral("from window"), e, {});
        QVERIFY(first);
        QCOMPARE(QFileInfo(first.value()).fileName(), QStringLiteral("issue.created-42.yaml"));
        const auto second = addCaptureToSuite(dir.path(), QStringLiteral("from window"), e, {});
        QVERIFY(second);
        QCOMPARE(QFileInfo(second.value()).fileName(), QStringLiteral("issue.created-42-2.yaml"));
        const auto suites = loadSuites(dir.path());
        QVERIFY(suites);
        QCOMPARE(suites.value().size(), 1);
        QCOMPARE(suites.value()[0].name, QStringLiteral("from-window"));
        QCOMPARE(suites.value()[0].cases.size(), 2);
        for (const QString &path : { first.value(), second.value() }) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(!f.readAll().contains(kSecretValue.toUtf8()));
        }
        QVERIFY(!addCaptureToSuite(dir.path(), QStringLiteral(".."), e, {}));
        QVERIFY(!addCaptureToSuite(dir.path(), QString(), e, {}));
    }
};

QTEST_GUILESS_MAIN(TestSuiteCapture)
#include "tst_suitecapture.moc"
