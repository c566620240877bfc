#include "kiket/devkit/sandbox/fixtures.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>

#include "common/yamljson.h"

#include <kiket/manifest.h>

namespace kiket::devkit {

namespace {

const char kStartingPoint[]
    = R"(# Platform data for the Kiket Workbench sandbox. Edit freely; the sandbox reads it when it starts.
projects:
  - id: proj_marketing
    name: Marketing
    organization_id: org_7Hq2
sla_events:
  # state is one of imminent, breached, recovered
  - id: sla_1
    issue_id: iss_1042
    project_id: proj_marketing
    state: imminent
    triggered_at: "2026-11-26T15:00:00Z"
    definition: {status: in_progress, target_minutes: 480}
    metrics: {elapsed_minutes: 420}
  - id: sla_2
    issue_id: iss_1043
    project_id: proj_marketing
    state: breached
    triggered_at: "2026-11-25T09:00:00Z"
    definition: {status: review, target_minutes: 240}
)";

Error errorAt(const YAML::Mark &mark, const QString &message)
{
    return yamlErrorAt(QStringLiteral("fixtures.invalid"), mark, message);
}

void requireList(const YAML::Node &root, const char *key)
{
    if (root[key] && !root[key].IsSequence())
        throw errorAt(
            root[key].Mark(), QStringLiteral("'%1' must be a list").arg(QLatin1String(key)));
}

} // namespace

QJsonArray Fixtures::slaEventsFor(
    const QString &projectId, const QString &issueId, const QString &state, int limit) const
{
    QJsonArray out;
    for (const QJsonValue &v : slaEvents) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("project_id")).toVariant().toString() != projectId)
            continue;
        if (!issueId.isEmpty()
            && e.value(QStringLiteral("issue_id")).toVariant().toString() != issueId)
            continue;
        if (!state.isEmpty() && e.value(QStringLiteral("state")).toString() != state)
            continue;
        if (limit > 0 && out.size() >= limit)
            break;
        out.append(e);
    }
    return out;
}

Result<Fixtures> parseFixtures(const QByteArray &yaml)
{
    if (auto problem = checkYamlTree(yaml, QStringLiteral("fixtures")))
        return *problem;
    // yaml-cpp reports problems by throwing; this is the one place that catches.
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (root.IsNull())
            return Fixtures {};
        if (!root.IsMap())
            return errorAt(root.Mark(), QStringLiteral("the fixtures file must be a mapping"));
        requireList(root, "projects");
        requireList(root, "sla_events");
        static const QStringList states { QStringLiteral("imminent"), QStringLiteral("breached"),
            QStringLiteral("recovered") };
        for (const YAML::Node &e : root["sla_events"]) {
            if (!e.IsMap() || !e["id"] || !e["project_id"] || !e["state"])
                throw errorAt(
                    e.Mark(), QStringLiteral("each SLA event needs id, project_id and state"));
            if (!states.contains(QString::fromStdString(e["state"].Scalar())))
                throw errorAt(e["state"].Mark(),
                    QStringLiteral("state must be imminent, breached or recovered"));
        }
        Fixtures f;
        if (root["projects"])
            f.projects = yamlToJson(root["projects"]).toArray();
        if (root["sla_events"])
            f.slaEvents = yamlToJson(root["sla_events"]).toArray();
        return f;
    } catch (const Error &e) {
        return e;
    } catch (const YAML::Exception &e) {
        return errorAt(e.mark, QString::fromStdString(e.msg));
    }
}

QString fixturesPath(const QString &extensionFolder)
{
    return QDir(extensionFolder).filePath(QStringLiteral(".kiket/fixtures.yaml"));
}

Result<Fixtures> loadFixtures(const QString &extensionFolder)
{
    const QString path = fixturesPath(extensionFolder);
    QFile file(path);
    if (!file.exists()) {
        QDir().mkpath(QFileInfo(path).path());
        if (!file.open(QIODevice::WriteOnly) || file.write(kStartingPoint) < 0)
            return Error { QStringLiteral("fixtures.write"),
                QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()) };
        file.close();
    }
    if (!file.open(QIODevice::ReadOnly))
        return Error { QStringLiteral("fixtures.read"),
            QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()) };
    auto parsed = parseFixtures(file.readAll());
    if (!parsed)
        return Error { parsed.error().code,
            QStringLiteral("%1: %2").arg(path, parsed.error().message), parsed.error().line,
            parsed.error().column };
    return parsed;
}

} // namespace kiket::devkit
