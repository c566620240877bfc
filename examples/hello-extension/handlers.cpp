#include "handlers.h"

#include <kiket/kiket.h>

#include <QDebug>
#include <QJsonArray>

using kiket::Context;

namespace {

QString projectOf(const QJsonObject &payload)
{
    return payload["issue"]["project_id"].toVariant().toString();
}

} // namespace

void registerHelloHandlers(kiket::Sdk &sdk)
{
    // README: "Register webhook handler (v1)".
    sdk.webhook("issue.created", "v1")
        = [](const QJsonObject &payload, Context &ctx) -> QJsonValue {
        const QString summary = payload["issue"]["title"].toString();
        qInfo().noquote() << "Event version:"
                          << ctx.eventVersion; // the README's puts, as a log line
        ctx.endpoints().logEvent("issue.created", { { "summary", summary } });
        ctx.secrets().set("WEBHOOK_TOKEN", "abc123");
        return QJsonObject { { "ok", true } };
    };

    // README: "Register webhook handler (v2)".
    sdk.webhook("issue.created", "v2")
        = [](const QJsonObject &payload, Context &ctx) -> QJsonValue {
        const QString summary = payload["issue"]["title"].toString();
        ctx.endpoints().logEvent("issue.created", { { "summary", summary }, { "schema", "v2" } });
        return QJsonObject { { "ok", true }, { "version", ctx.eventVersion } };
    };

    // README: custom data list/create sync (on issue.updated, so it does not replace issue.created
    // v1).
    sdk.webhook("issue.updated", "v1")
        = [](const QJsonObject &payload, Context &ctx) -> QJsonValue {
        const auto customData = ctx.endpoints().customData(projectOf(payload));
        const QJsonObject list = customData.list(
            "com.example.crm.contacts", "automation_records", 10, { { "status", "active" } });
        customData.create("com.example.crm.contacts", "automation_records",
            { { "email", "lead@example.com" },
                { "metadata", QJsonObject { { "source", "webhook" } } } });
        return QJsonObject { { "synced", list["data"].toArray().size() } };
    };

    // README: live SLA alerts.
    sdk.webhook("workflow.sla_status", "v1")
        = [](const QJsonObject &payload, Context &ctx) -> QJsonValue {
        const QJsonObject events
            = ctx.endpoints().slaEvents(projectOf(payload)).list({}, "imminent", 5);
        const QJsonArray data = events["data"].toArray();
        if (data.isEmpty())
            return QJsonObject { { "ok", true } };
        const QJsonObject first = data.first().toObject();
        ctx.endpoints().logEvent(
            "sla.warning", { { "issue_id", first["issue_id"] }, { "state", first["state"] } });
        return QJsonObject { { "acknowledged", true } };
    };

    // README: rate-limit check before heavy automation.
    sdk.webhook("automation.dispatch", "v1") = [](const QJsonObject &, Context &ctx) -> QJsonValue {
        const kiket::RateLimit limits = ctx.endpoints().rateLimit();
        if (limits.remaining < 5) {
            ctx.endpoints().notify("Rate limit warning",
                QStringLiteral("Only %1 requests remain (reset in %2s)")
                    .arg(limits.remaining)
                    .arg(limits.resetIn),
                "warning");
            return QJsonObject { { "deferred", true } };
        }
        return QJsonObject { { "ok", true } };
    };

    // README: scopes declared at registration time.
    sdk.webhook("issue.transitioned", "v1", { "issues.read", "issues.write" })
        = [](const QJsonObject &payload, Context &ctx) -> QJsonValue {
        ctx.endpoints().logEvent("issue.processed", { { "id", payload["issue"]["id"] } });
        return QJsonObject { { "ok", true } };
    };

    // README: scopes checked inside the handler.
    sdk.webhook("workflow.triggered", "v1")
        = [](const QJsonObject &payload, Context &ctx) -> QJsonValue {
        ctx.requireScopes({ "workflows.execute", "custom_data.write" });
        ctx.endpoints()
            .customData(projectOf(payload))
            .create("com.example.crm.contacts", "automation_records",
                { { "workflow", payload["workflow"]["id"] } });
        return QJsonObject { { "ok", true } };
    };

    // README: the secret helper, payload secrets first, then the environment.
    sdk.webhook("extension.testConnection", "v1")
        = [](const QJsonObject &, Context &ctx) -> QJsonValue {
        const std::optional<QString> apiKey = ctx.secret("API_KEY");
        if (!apiKey)
            return kiket::deny("API_KEY not configured");
        return kiket::allow("Connection works", { { "key_length", int(apiKey->size()) } });
    };
}
