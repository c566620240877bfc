// The handler context: secret lookup order, scopes, headers, auth block, response helpers.
#include <kiket/sdk.h>
#include <kiket/testing.h>

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket;
using namespace kiket::testing;

class TestContext : public QObject
{
    Q_OBJECT

    static Context make(
        QJsonObject payloadSecrets, QProcessEnvironment env, QStringList scopes = {})
    {
        AuthInfo auth;
        auth.scopes = std::move(scopes);
        return Context("issue.created", "v1", {}, "ext", "1.0", {}, std::move(payloadSecrets), auth,
            {}, std::move(env));
    }

private slots:
    void secretLookupOrder()
    {
        QProcessEnvironment env;
        env.insert("SLACK_BOT_TOKEN", "from-env");
        env.insert("ONLY_ENV", "env-value");
        const Context c = make(
            { { "SLACK_BOT_TOKEN", "from-payload" }, { "EMPTY", "" }, { "ONLY_PAYLOAD", "p" } },
            env);
        QCOMPARE(c.secret("SLACK_BOT_TOKEN"), std::optional<QString>("from-payload"));
        QCOMPARE(c.secret("ONLY_ENV"), std::optional<QString>("env-value"));
        QCOMPARE(c.secret("ONLY_PAYLOAD"), std::optional<QString>("p"));
        QCOMPARE(c.secret("EMPTY"), std::nullopt); // empty payload value falls through
        QCOMPARE(c.secret("MISSING"), std::nullopt);
        env.insert("EMPTY", "env-fallback");
        QCOMPARE(
            make({ { "EMPTY", "" } }, env).secret("EMPTY"), std::optional<QString>("env-fallback"));
    }

    void requireScopes()
    {
        const Context c = make({}, {}, { "a", "b" });
        c.requireScopes({ "a" });
        c.requireScopes({});
        try {
            c.requireScopes({ "a", "c", "d" });
            QFAIL("expected ScopeError");
        } catch (const ScopeError &e) {
            QCOMPARE(e.missingScopes(), QStringList({ "c", "d" }));
            QCOMPARE(e.requiredScopes(), QStringList({ "a", "c", "d" }));
        }
        make({}, {}, { "*" }).requireScopes({ "anything" });
        QCOMPARE(missingScopes({ "x", "x" }, {}), QStringList({ "x" }));
    }

    void contextFromDelivery()
    {
        QTemporaryDir dir;
        SdkOptions o;
        o.webhookSecret = QStringLiteral("s");
        o.extensionId = QStringLiteral("com.example.ctx");
        o.extensionVersion = QStringLiteral("9.9");
        o.settings = { { "MAX_RETRIES", 3 } };
        o.manifestFolder = dir.path();
        o.environment = QProcessEnvironment();
        o.telemetryEnabled = false;
        Sdk sdk(o);
        TokenIssuer issuer;
        QJsonObject seen;
        sdk.webhook("issue.created", "v1")
            = [&seen](const QJsonObject &, Context &ctx) -> QJsonValue {
            seen = { { "event", ctx.event }, { "version", ctx.eventVersion },
                { "ext", ctx.extensionId }, { "extVersion", ctx.extensionVersion },
                { "settings", ctx.settings }, { "custom", ctx.headers.value("x-custom") },
                { "delivery", ctx.headers.value("x-kiket-delivery") },
                { "token", ctx.auth.runtimeToken }, { "type", ctx.auth.tokenType },
                { "expires", ctx.auth.expiresAt }, { "org", ctx.auth.orgId },
                { "proj", ctx.auth.projId },
                { "scopes", QJsonArray::fromStringList(ctx.auth.scopes) },
                { "payloadSecret", ctx.payloadSecrets.value("K") },
                { "runtimeHeader", ctx.client().options().runtimeToken },
                { "versionHeader", ctx.client().options().eventVersion } };
            return {};
        };
        const QByteArray token = issuer.mint({ "issues.read" });
        QJsonObject payload { { "secrets", QJsonObject { { "K", "V" } } },
            { "authentication", QJsonObject { { "expires_at", "2026-12-01T00:00:00Z" } } } };
        const HttpResponse r = sdk.dispatch(DeliveryBuilder("issue.created", "1")
                                                .payload(payload)
                                                .runtimeToken(token)
                                                .secret("s")
                                                .header("X-Custom", "yes")
                                                .header("X-Kiket-Delivery", "d-1")
                                                .request());
        QCOMPARE(r.status, 200);
        QCOMPARE(seen["event"].toString(), QStringLiteral("issue.created"));
        QCOMPARE(seen["version"].toString(), QStringLiteral("v1"));
        QCOMPARE(seen["ext"].toString(), QStringLiteral("com.example.ctx"));
        QCOMPARE(seen["extVersion"].toString(), QStringLiteral("9.9"));
        QCOMPARE(seen["settings"].toObject(), QJsonObject({ { "MAX_RETRIES", 3 } }));
        QCOMPARE(seen["custom"].toString(), QStringLiteral("yes"));
        QCOMPARE(seen["delivery"].toString(), QStringLiteral("d-1"));
        QCOMPARE(seen["token"].toString(), QString::fromUtf8(token));
        QCOMPARE(seen["type"].toString(), QStringLiteral("runtime"));
        QCOMPARE(seen["expires"].toString(), QStringLiteral("2026-12-01T00:00:00Z"));
        QCOMPARE(seen["org"].toString(), QStringLiteral("org-1"));
        QCOMPARE(seen["proj"].toString(), QStringLiteral("proj-1"));
        QCOMPARE(seen["scopes"].toArray(), QJsonArray({ "issues.read" }));
        QCOMPARE(seen["payloadSecret"].toString(), QStringLiteral("V"));
        QCOMPARE(seen["runtimeHeader"].toString(), QString::fromUtf8(token));
        QCOMPARE(seen["versionHeader"].toString(), QStringLiteral("v1"));
    }

    void responseHelpers()
    {
        QCOMPARE(allow(), QJsonObject({ { "status", "allow" }, { "metadata", QJsonObject {} } }));
        QCOMPARE(allow("ok", { { "a", 1 } }, { { "field", "x" } }),
            QJsonObject({ { "status", "allow" }, { "message", "ok" },
                { "metadata",
                    QJsonObject {
                        { "a", 1 }, { "output_fields", QJsonObject { { "field", "x" } } } } } }));
        QCOMPARE(deny("no", { { "why", "policy" } }),
            QJsonObject({ { "status", "deny" }, { "message", "no" },
                { "metadata", QJsonObject { { "why", "policy" } } } }));
        QCOMPARE(pending("wait"),
            QJsonObject({ { "status", "pending" }, { "message", "wait" },
                { "metadata", QJsonObject {} } }));
    }
};

QTEST_GUILESS_MAIN(TestContext)
#include "tst_context.moc"
