#pragma once

#include <kiket/http.h>
#include <kiket/result.h>

#include <QMap>
#include <QStringList>

#include <optional>

namespace kiket::devkit {

/// What answers the deliveries the listener receives.
enum class HandlerKind {
    InProcess, ///< A C++ extension loaded as a plugin.
    Forward, ///< The extension's own server, started by the runner; requests proxied to it.
    Canned, ///< Configured answers, before any code exists.
};

/// "in-process", "forward", "canned".
QString handlerKindName(HandlerKind kind);
std::optional<HandlerKind> handlerKindFromName(const QString &name);

/// A configured answer for one (event, version); an empty version matches every version.
struct CannedAnswer
{
    QString event;
    QString version;
    int status = 200;
    HeaderList headers;
    QByteArray body;
    int delayMs = 0;
};

/// The first answer for the event and version, if any.
std::optional<CannedAnswer> findCanned(
    const QList<CannedAnswer> &answers, const QString &event, const QString &version);

/// How the workbench runs an extension folder: detected from its files, then overridden by
/// `.kiket/workbench.yaml`.
struct FolderConfig
{
    QString folder; ///< Absolute.
    QString language; ///< "ruby", "node", "python", "cpp" or empty when nothing was recognised.
    QString detected; ///< What detection found, in words, for the user to check.
    bool fromFile = false; ///< `.kiket/workbench.yaml` was read.

    HandlerKind handler = HandlerKind::InProcess;
    QStringList command; ///< Program and arguments that start the extension (no shell).
    QList<QStringList> build; ///< Commands run before starting (a C++ build).
    QString workingDir; ///< Absolute; the folder unless configured.
    int port = 0; ///< The extension's own port (PORT); 0 picks a free one at start.
    QMap<QString, QString> env; ///< Extra environment for the extension.
    QString healthPath = QStringLiteral("/health");
    QString plugin; ///< Absolute path of the in-process module.
    int listenerPort = 8080;
    int sandboxPort = 8090;
    QString auth = QStringLiteral("auto");
    QList<CannedAnswer> canned;

    /// The canned answer for a delivery, if one is configured.
    std::optional<CannedAnswer> cannedFor(const QString &event, const QString &version) const;
};

/// Looks at the folder's files: Gemfile (Ruby), package.json (Node), pyproject.toml or
/// requirements.txt (Python), a CMakeLists.txt using the Kiket SDK package (C++).
FolderConfig detectFolder(const QString &folder);

/// Detection, then `.kiket/workbench.yaml` on top; unknown keys and bad values are errors with the
/// line and column.
Result<FolderConfig> loadFolderConfig(const QString &folder);

/// Applies the YAML text of a workbench.yaml to a configuration (exposed for tests and editors).
Result<FolderConfig> applyWorkbenchYaml(FolderConfig config, const QByteArray &yaml);

/// `<folder>/.kiket/workbench.yaml`.
QString workbenchYamlPath(const QString &folder);

} // namespace kiket::devkit
