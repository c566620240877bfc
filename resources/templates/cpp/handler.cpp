    sdk.webhook("{{event}}", "v1")
        = [](const QJsonObject & /*payload*/, kiket::Context &ctx) -> QJsonValue {
        ctx.endpoints().logEvent("{{event}}", { { "handled", true } });
        return QJsonObject { { "ok", true }, { "event", "{{event}}" } };
    };
