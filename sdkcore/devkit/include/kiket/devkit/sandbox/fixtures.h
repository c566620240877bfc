#pragma once

#include <kiket/result.h>

#include <QJsonArray>
#include <QString>

namespace kiket::devkit {

/// Platform data the sandbox cannot make up: projects and SLA events, from `.kiket/fixtures.yaml`,
/// a file the developer edits (a commented starting point is written when it is missing).
struct Fixtures
{
    QJsonArray projects; ///< `{id, name, organization_id}`.
    QJsonArray slaEvents; ///< `{id, issue_id, project_id, state, triggered_at, resolved_at?,
                          ///< definition?, metrics?}`.

    /// SLA events of a project, filtered by issue and state when given, at most `limit` (≤ 0: all).
    QJsonArray slaEventsFor(const QString &projectId, const QString &issueId = {},
        const QString &state = {}, int limit = 0) const;
};

/// Parses fixtures text; errors carry line and column.
Result<Fixtures> parseFixtures(const QByteArray &yaml);
/// Reads the folder's fixtures file, writing the starting point first when there is none.
Result<Fixtures> loadFixtures(const QString &extensionFolder);
/// Where the fixtures file of a folder lives.
QString fixturesPath(const QString &extensionFolder);

} // namespace kiket::devkit
