// The manifest lint's rules for output fields and the setup wizard (PROTOCOL.md §7).
#include "manifestlint_p.h"

namespace kiket::devkit {

namespace {

using Severity = LintFinding::Severity;

void obtain(LintSink &sink, const YAML::Node &spec)
{
    static const QStringList types { "oauth2", "oauth2_client_credentials", "api_key", "token",
        "input", "basic", "auto_generate" };
    if (!spec)
        return;
    const YAML::Node type = spec.IsMap() ? spec["type"] : YAML::Node();
    if (!type || !type.IsScalar() || !types.contains(text(type))) {
        sink.add(Severity::Error, type ? type : spec, "setup-obtain", "unknown or missing obtain type", types.join(", "));
        return;
    }
    if (text(type).startsWith(QLatin1String("oauth2")) && (!spec["authorization_url"] || !spec["token_url"]))
        sink.add(Severity::Error, spec, "setup-obtain", "an oauth2 secret needs authorization_url and token_url");
}

void configureField(LintSink &sink, const YAML::Node &field)
{
    static const QStringList types { "text", "select", "number", "boolean", "dynamic",
        "issue_type", "workflow_status", "board", "priority", "project" };
    const YAML::Node type = field["type"];
    if (type && (!type.IsScalar() || !types.contains(text(type))))
        sink.add(Severity::Error, type, "setup-field", "unknown field type", types.join(", "));
    else if (type && text(type) == QLatin1String("select") && !field["options"])
        sink.add(Severity::Error, field, "setup-field", "a select field needs options");
}

void fieldsStep(LintSink &sink, const QString &kind, const YAML::Node &body, const YAML::Node &configuration)
{
    if (!body.IsMap() || (!body["fields"] && !body["collect"])) {
        sink.add(Severity::Error, body, "setup-step", QStringLiteral("a %1 step needs fields or collect").arg(kind));
        return;
    }
    const YAML::Node collect = body["collect"];
    for (const YAML::Node &key : collect) {
        if (!key.IsScalar() || !configuration.IsMap() || !configuration[key.Scalar()])
            sink.add(Severity::Error, key, "setup-collect",
                QStringLiteral("'%1' is not a field of extension.configuration").arg(key.IsScalar() ? text(key) : QString()));
    }
    const YAML::Node fields = body["fields"];
    for (const YAML::Node &field : fields) {
        if (!field.IsMap() || !field["key"]) {
            sink.add(Severity::Error, field, "setup-field", "each field needs a 'key'");
            continue;
        }
        if (kind == QLatin1String("secrets"))
            obtain(sink, field["obtain"]);
        else
            configureField(sink, field);
    }
}

} // namespace

void lintOutputFields(LintSink &sink, const YAML::Node &fields)
{
    if (!fields.IsMap()) {
        sink.add(Severity::Error, fields, "value-type", "'output_fields' must be a mapping");
        return;
    }
    static const QStringList types { "copyable", "url", "code", "badge", "status" };
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const QString key = text(it->first);
        if (!matches("[a-z][a-z0-9_]*", key))
            sink.add(Severity::Error, it->first, "output-field",
                QStringLiteral("the output field '%1' is not snake_case").arg(key), "e.g. `ticket_url`");
        const YAML::Node field = it->second;
        if (!field.IsMap()) {
            sink.add(Severity::Error, field, "value-type", QStringLiteral("'%1' must be a mapping").arg(key));
            continue;
        }
        if (!field["label"])
            sink.add(Severity::Warning, field, "output-field", QStringLiteral("the output field '%1' has no label").arg(key));
        if (const YAML::Node type = field["type"]; type && (!type.IsScalar() || !types.contains(text(type))))
            sink.add(Severity::Error, type, "output-field", QStringLiteral("unknown output field type"),
                types.join(", ") + " (copyable when absent)");
        if (const YAML::Node icon = field["icon"]; icon && (!icon.IsScalar() || !matches("[a-z0-9-]+", text(icon))))
            sink.add(Severity::Error, icon, "output-field", "the icon must be a Bootstrap icon name", "e.g. `link-45deg`");
        if (const YAML::Node url = field["help_url"]; url && (!url.IsScalar() || !matches("https?://.+", text(url))))
            sink.add(Severity::Error, url, "output-field", "'help_url' must be an http or https address");
    }
}

void lintSetup(LintSink &sink, const YAML::Node &setup, const YAML::Node &configuration)
{
    if (!setup.IsSequence()) {
        sink.add(Severity::Error, setup, "setup-step", "'setup' must be a list of steps");
        return;
    }
    for (const YAML::Node &step : setup) {
        if (!step.IsMap() || step.size() != 1) {
            sink.add(Severity::Error, step, "setup-step", "each setup step is a mapping with one key",
                "secrets, configure, test or info");
            continue;
        }
        const QString kind = text(step.begin()->first);
        const YAML::Node body = step.begin()->second;
        if (kind == QLatin1String("secrets") || kind == QLatin1String("configure"))
            fieldsStep(sink, kind, body, configuration);
        else if (kind == QLatin1String("test")) {
            if (!body.IsMap() || !body["action"] || !body["action"].IsScalar()
                || !matches(R"([A-Za-z0-9_.-]+\.testConnection)", text(body["action"])))
                sink.add(Severity::Error, body, "setup-test", "a test step needs `action: <name>.testConnection`");
        } else if (kind == QLatin1String("info")) {
            if (!body.IsMap() || !body["title"])
                sink.add(Severity::Error, body, "setup-info", "an info step needs a title");
        } else {
            sink.add(Severity::Error, step.begin()->first, "setup-step",
                QStringLiteral("unknown setup step '%1'").arg(kind), "secrets, configure, test or info");
        }
    }
}

} // namespace kiket::devkit
