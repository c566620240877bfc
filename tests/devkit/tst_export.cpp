// Exports of captured exchanges: HAR 1.2 fields, NDJSON, cURL, fixtures, and secrets redacted by
// default.
#include <kiket/devkit/capture/export.h>
#include <kiket/devkit/delivery/eventcatalogue.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <QUrl>

using namespace kiket;
using namespace kiket::devkit;

namespace {

Exchange delivery()
{
    Exchange e;
    e.id = 7;
    e.kind = ExchangeKind::Delivery;
    e.started = QDateTime::fromMSecsSinceEpoch(1'800'000'000'000, Qt::UTC);
    e.finished = e.started.addMSecs(12);
    e.method = "POST";
    e.target = "/v/1/webhooks/issue.created?source=it's";
    e.requestHeaders
        = { { "Content-Type", "application/json" }, { "X-Kiket-Signature", "abcdef0123" },
              { "X-Kiket-Timestamp", "1800000000" }, { "Authorization", "Bearer wk_live_secret" } };
    e.requestBody
        = R"({"authentication":{"runtime_token":"eyJ.token.sig","scopes":["a"]},"issue":{"id":"1"},)"
          R"("secrets":{"SLACK_BOT_TOKEN":"xoxb-very-secret"},"api":{"base_url":"http://127.0.0.1:8090"},"event":"issue.created"})";
    e.status = 200;
    e.responseHeaders = { { "Content-Type", "application/json" } };
    e.responseBody = R"({"ok":true})";
    e.event = QStringLiteral("issue.created");
    e.version = QStringLiteral("v1");
    e.authCause = QStringLiteral("ok");
    return e;
}

Exchange secretCall()
{
    Exchange e;
    e.id = 8;
    e.kind = ExchangeKind::ApiCall;
    e.parentId = 7;
    e.started = QDateTime::fromMSecsSinceEpoch(1'800'000'000'005, Qt::UTC);
    e.finished = e.started.addMSecs(1);
    e.method = "POST";
    e.target = "/api/v1/extensions/com.example.marketing/secrets/WEBHOOK_TOKEN";
    e.requestHeaders = { { "X-Kiket-Runtime-Token", "eyJ.token.sig" } };
    e.requestBody = R"({"value":"abc123"})";
    e.status = 200;
    e.responseBody = QByteArray("\xff\xfe binary", 9);
    return e;
}

const QList<QByteArray> kSecrets { "abcdef0123", "wk_live_secret", "eyJ.token.sig",
    "xoxb-very-secret", "abc123" };

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

private slots:
    void harHasEveryRequiredField()
    {
        const QJsonObject log = QJsonDocument::fromJson(toHar({ delivery(), secretCall() }))
                                    .object()["log"]
                                    .toObject();
        QCOMPARE(log["version"].toString(), QStringLiteral("1.2"));
        QVERIFY(log["creator"].toObject().contains("name")
            && log["creator"].toObject().contains("version"));
        const QJsonArray entries = log["entries"].toArray();
        QCOMPARE(entries.size(), 2);
        for (const QJsonValue &v : entries) {
            const QJsonObject entry = v.toObject();
            for (const char *k :
                { "startedDateTime", "time", "request", "response", "cache", "timings" })
                QVERIFY2(entry.contains(QLatin1String(k)), k);
            const QJsonObject request = entry["request"].toObject();
            for (const char *k : { "method", "url", "httpVersion", "cookies", "headers",
                     "queryString", "headersSize", "bodySize" })
                QVERIFY2(request.contains(QLatin1String(k)), k);
            const QJsonObject response = entry["response"].toObject();
            for (const char *k : { "status", "statusText", "httpVersion", "cookies", "headers",
                     "content", "redirectURL", "headersSize", "bodySize" })
                QVERIFY2(response.contains(QLatin1String(k)), k);
            QVERIFY(response["content"].toObject().contains("size")
                && response["content"].toObject().contains("mimeType"));
            for (const char *k : { "send", "wait", "receive" })
                QVERIFY(entry["timings"].toObject().contains(QLatin1String(k)));
        }
        const QJsonObject first = entries[0].toObject();
        QCOMPARE(first["startedDateTime"].toString(), QStringLiteral("2027-01-15T08:00:00.000Z"));
        QCOMPARE(first["time"].toDouble(), 12.0);
        QCOMPARE(
            first["request"].toObject()["queryString"].toArray()[0].toObject()["value"].toString(),
            QStringLiteral("it's"));
        QCOMPARE(entries[1]
                     .toObject()["response"]
                     .toObject()["content"]
                     .toObject()["encoding"]
                     .toString(),
            QStringLiteral("base64"));
    }

    void secretsAreRedactedUnlessAsked()
    {
        const QByteArray har = toHar({ delivery(), secretCall() });
        const QByteArray ndjson = toNdjson({ delivery(), secretCall() });
        const QByteArray curl = toCurl(delivery()).toUtf8() + toCurl(secretCall()).toUtf8();
        for (const QByteArray &secret : kSecrets) {
            QVERIFY2(!har.contains(secret), secret.constData());
            QVERIFY2(!ndjson.contains(secret), secret.constData());
            QVERIFY2(!curl.contains(secret), secret.constData());
        }
        QVERIFY(har.contains("[redacted]"));
        QVERIFY(
            har.contains("issue.created") && har.contains("X-Kiket-Timestamp")); // the rest is kept

        ExportOptions reveal;
        reveal.revealSecrets = true;
        const QByteArray revealed = toHar({ delivery(), secretCall() }, reveal)
            + toNdjson({ delivery(), secretCall() }, reveal);
        for (const QByteArray &secret : kSecrets)
            QVERIFY2(revealed.contains(secret), secret.constData());
    }

    // serve's NDJSON lines are written by hand; each must read as the object QJsonDocument would
    // have written, whatever the bytes: control characters, quotes, Latin-1, non-UTF-8 bodies.
    void ndjsonLinesReadAsTheirJsonObjects()
    {
        Exchange odd = delivery();
        odd.method = "P\"O\\ST\xe9";
        odd.target = "/v/1/webhooks/a\tb?q=\x01\x7f\xff";
        odd.requestBody = "{\"t\":\"line\\nbreak \u00e9 \u2028 \U0001F600\"}\r\n\x02";
        odd.responseBody = QByteArray("\xc3\x28 not UTF-8");
        odd.event = QStringLiteral("issue.\u00e9\n\"q\"");
        odd.error = QStringLiteral("failed:\t\\ \U0001F600");
        odd.note = QStringLiteral("note \x1f");
        odd.parentId = 1'234'567'890'123;
        odd.replayOf = 9;
        odd.status = 502;
        odd.timings = { { StageTimes::Upstream, 0.734 }, { StageTimes::Total, 12.0 } };
        Exchange log = odd;
        log.kind = ExchangeKind::Log;
        log.error.clear();
        Exchange empty;
        for (const Exchange &e : { delivery(), secretCall(), odd, log, empty }) {
            const Exchange r = redacted(e);
            QJsonObject expected { { QStringLiteral("id"), r.id },
                { QStringLiteral("kind"), exchangeKindName(r.kind) },
                { QStringLiteral("started"), r.started.toUTC().toString(Qt::ISODateWithMs) },
                { QStringLiteral("method"), QString::fromLatin1(r.method) },
                { QStringLiteral("target"), QString::fromLatin1(r.target) },
                { QStringLiteral("status"), r.status }, { QStringLiteral("event"), r.event },
                { QStringLiteral("version"), r.version }, { QStringLiteral("auth"), r.authCause },
                { QStringLiteral("parent_id"), r.parentId },
                { QStringLiteral("replay_of"), r.replayOf },
                { QStringLiteral("timings"), r.timings.toJsonObject() } };
            for (const auto &[key, body] : { std::pair { "request_body", r.requestBody },
                     std::pair { "response_body", r.responseBody } })
                expected.insert(QLatin1String(key),
                    QUtf8StringView(body).isValidUtf8() ? QString::fromUtf8(body)
                                                        : QString::fromLatin1(body.toBase64()));
            if (!r.error.isEmpty())
                expected.insert(QStringLiteral("error"), r.error);
            if (r.kind == ExchangeKind::Log) {
                expected.insert(QStringLiteral("stream"), r.event);
                expected.insert(QStringLiteral("text"), r.note);
            } else if (!r.note.isEmpty()) {
                expected.insert(QStringLiteral("note"), r.note);
            }
            const QByteArray line = toNdjson({ e });
            QVERIFY(line.endsWith('\n') && line.count('\n') == 1);
            QJsonParseError error;
            const QJsonDocument parsed = QJsonDocument::fromJson(line, &error);
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            QCOMPARE(parsed.object(), expected);
            // The same bytes QJsonDocument writes, for lines it writes the same way.
            if (!line.contains("\\u00"))
                QCOMPARE(line, QJsonDocument(expected).toJson(QJsonDocument::Compact) + '\n');
        }
    }

    // A body without a field redaction looks at is exported byte for byte, not re-encoded; a
    // secret field whose key is spelled with \u escapes is still found.
    void bodiesWithoutSecretFieldsAreExportedAsTheyCame()
    {
        Exchange plain = delivery();
        plain.requestBody = "{ \"issue\": {\"title\": \"Caf\u00e9\"},\n  \"b\": 1.50, \"a\": 2 }";
        const QJsonObject line = QJsonDocument::fromJson(toNdjson({ plain }).trimmed()).object();
        QCOMPARE(line[QStringLiteral("request_body")].toString().toUtf8(), plain.requestBody);

        Exchange escaped = delivery();
        escaped.requestBody = R"({"auth\u0065ntication":{"runtime_token":"eyJ.escaped.sig"},)"
                              R"("s\u0065crets":{"K":"xoxb-escaped-9f2k"}})";
        for (const QByteArray &text : { toNdjson({ escaped }), toHar({ escaped }) }) {
            QVERIFY2(!text.contains("eyJ.escaped.sig"), text.constData());
            QVERIFY2(!text.contains("xoxb-escaped-9f2k"), text.constData());
        }
    }

    void secretValuesAreRedactedWhereverTheyAppear()
    {
        const QByteArray token = "wk_workspace_token_123";
        Exchange call = secretCall();
        call.target = "/api/v1/ext/rate_limit?debug_token=" + token;
        call.requestHeaders = { { "Authorization", "Bearer " + token },
            { "X-Debug-Echo", "seen " + token }, { "Host", "127.0.0.1:41234" } };
        call.requestBody = "{\"note\":\"token " + token + " in a field\",\"id\":\"short1\"}";
        Exchange other = delivery(); // carries the token only where no field rule looks
        other.responseBody = "{\"echo\":\"" + token + "\"}";
        const QByteArray har = toHar({ call, other });
        const QByteArray ndjson = toNdjson({ call, other });
        const QByteArray curl = toCurl(call).toUtf8();
        for (const QByteArray &text : { har, ndjson, curl }) {
            QVERIFY2(!text.contains(token), text.constData());
            QVERIFY2(!text.contains(QUrl::toPercentEncoding(QString::fromLatin1(token))),
                text.constData());
        }
        QVERIFY(curl.contains("'X-Debug-Echo: seen [redacted]'"));
        QVERIFY(curl.contains("debug_token=[redacted]"));
        // A value is never a secret for being short and near one.
        QVERIFY(ndjson.contains("short1"));
        QVERIFY(secretValuesOf(call).contains(token));
        QVERIFY(!secretValuesOf(call).contains("Bearer"));
        const QList<QByteArray> none = secretValuesOf(Exchange {});
        QVERIFY(none.isEmpty());
    }

    void manyExchangesAreRedactedOfEachOthersValues()
    {
        // A stream's worth of deliveries, each signed differently and each echoing the signature
        // of the one before: every value goes, wherever it stands, and nothing else changes.
        QList<Exchange> batch;
        for (int i = 0; i < 2000; ++i) {
            Exchange e = delivery();
            e.id = i + 1;
            const QByteArray signature = QByteArray::number(1'000'000'000 + i) + "deadbeef";
            e.requestHeaders[1].second = signature;
            e.responseBody = "{\"previous\":\"" + QByteArray::number(1'000'000'000 + i - 1)
                + "deadbeef\",\"n\":" + QByteArray::number(i) + "}";
            batch << e;
        }
        const QList<QByteArray> lines = toNdjson(batch).split('\n');
        QCOMPARE(lines.size(), 2001);
        for (int i = 0; i < 2000; ++i) {
            QVERIFY2(!lines[i].contains("deadbeef") || i == 0, lines[i].constData());
            const QJsonObject line = QJsonDocument::fromJson(lines[i]).object();
            QCOMPARE(line.value("id").toInt(), i + 1);
        }
        QVERIFY2(lines[1].contains(R"(\"previous\":\"[redacted]\")"), lines[1].constData());
        QVERIFY(lines[0].contains("999999999deadbeef")); // no exchange carries it as a secret
    }

    void urlsGoWhereTheRequestWent()
    {
        Exchange e = delivery();
        QCOMPARE(requestUrl(e),
            QStringLiteral("http://127.0.0.1:8080/v/1/webhooks/issue.created?source=it's"));
        e.requestHeaders.append(std::pair<QByteArray, QByteArray>("Host", "127.0.0.1:41234"));
        QVERIFY(toCurl(e).endsWith(
            "'http://127.0.0.1:41234/v/1/webhooks/issue.created?source=it'\\''s'"));
        QVERIFY(toHar({ e }).contains("http://127.0.0.1:41234/v/1/webhooks/"));
        ExportOptions o;
        o.baseUrl = QStringLiteral("http://localhost:9");
        QVERIFY(requestUrl(e, o).startsWith("http://localhost:9/v/1/"));
    }

    void ndjsonHasOneLinePerExchange()
    {
        const QList<QByteArray> lines = toNdjson({ delivery(), secretCall() }).split('\n');
        QCOMPARE(lines.size(), 3); // two lines and the final newline
        QCOMPARE(QJsonDocument::fromJson(lines[1]).object()["parent_id"].toInt(), 7);
        QCOMPARE(QJsonDocument::fromJson(lines[0]).object()["kind"].toString(),
            QStringLiteral("delivery"));
    }

    void curlCommandIsValidShell()
    {
        ExportOptions o;
        o.revealSecrets = true;
        o.baseUrl = QStringLiteral("http://127.0.0.1:9");
        const QString command = toCurl(delivery(), o);
        QVERIFY(command.startsWith("curl -sS -X POST "));
        QVERIFY(command.contains("-H 'X-Kiket-Signature: abcdef0123'"));
        QVERIFY(
            command.endsWith("'http://127.0.0.1:9/v/1/webhooks/issue.created?source=it'\\''s'"));
        // The shell must see exactly one URL and the body unchanged: let it echo the arguments
        // back.
        QProcess shell;
        shell.start(
            "/bin/sh", { "-c", "printf '%s\\n' " + command.mid(QStringLiteral("curl ").size()) });
        QVERIFY(shell.waitForFinished(5000));
        const QList<QByteArray> args = shell.readAllStandardOutput().split('\n');
        QVERIFY(args.contains(delivery().requestBody));
        QVERIFY(args.contains("http://127.0.0.1:9/v/1/webhooks/issue.created?source=it's"));
    }

    void fixtureLoadsAsACatalogueSample()
    {
        auto sample = parseCatalogueEvent(toFixture(delivery()), "fixture");
        QVERIFY(sample.ok());
        QCOMPARE(sample.value().event, QStringLiteral("issue.created"));
        QCOMPARE(sample.value().version, QStringLiteral("v1"));
        QVERIFY(!sample.value().payload.contains("authentication"));
        QVERIFY(!sample.value().payload.contains("secrets"));
        QVERIFY(!sample.value().payload.contains("api"));
        QCOMPARE(sample.value().payload["issue"].toObject()["id"].toString(), QStringLiteral("1"));
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
