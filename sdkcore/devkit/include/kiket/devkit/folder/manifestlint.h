#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace kiket::devkit {

/// One remark of the manifest lint, at a place in a file.
struct LintFinding
{
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    QString rule; ///< A stable name, e.g. "id-format".
    QString message;
    QString hint; ///< What to do about it.
    QString file; ///< Empty for the manifest itself, else a path relative to the folder.
    int line = 0; ///< 1-based; 0 when the finding is about the folder, not a place.
    int column = 0;

    bool isError() const { return severity == Severity::Error; }
    QJsonObject toJson() const;
};

/// The rules of Kiket's CLI `extensions lint` (PROTOCOL.md §7) for the nested `extension:` form,
/// and those that apply to the SDK's flat form: required keys, id format, semantic version,
/// delivery and callback, sdk and api_version, known events, scopes the extension API knows,
/// secret settings, custom-data permissions against `.kiket/modules/*/schema.yaml`, output fields
/// and setup steps. `folder` (may be empty) is where README, tests and module schemas are looked
/// for. Findings are sorted by file, line and column.
QList<LintFinding> lintManifest(const QByteArray &yaml, const QString &folder = QString());

/// "N errors, M warnings".
QString lintSummary(const QList<LintFinding> &findings);

/// The event names Kiket is known to send (PROTOCOL.md §5 and the workbench's catalogue);
/// `external.webhook.<action>` is open-ended and not listed.
QStringList knownEventNames();
/// The candidate nearest to a misspelt word, or empty when none is near.
QString nearestName(const QString &word, const QStringList &candidates);

} // namespace kiket::devkit
