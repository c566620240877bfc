#pragma once

#include <kiket/result.h>

#include <QStringList>

namespace kiket::devkit {

/// What a new extension folder is made of.
struct ScaffoldOptions
{
    QString folder; ///< Created when missing; must be empty when it exists.
    QString language; ///< cpp, python, node or ruby.
    QString id; ///< Empty: com.example.<the folder's name>.
    QString name; ///< Empty: the folder's name in words.
    QStringList events; ///< Empty: issue.created.
};

/// "cpp", "python", "node", "ruby".
QStringList scaffoldLanguages();

/// Writes a new extension: the manifest (nested form, lint-clean), a handler per event in the
/// language's layout (C++ against the installed Kiket::Sdk, also as a workbench plugin; Python
/// with the standard library only; Node and Ruby with Kiket's SDKs), a README, a .gitignore,
/// `.kiket/workbench.yaml` (with canned answers that stand in until the code answers), a starter
/// suite and a CI workflow running `kiket-workbench test`. Returns the files written, relative to
/// the folder. Nothing is written when an option is wrong.
Result<QStringList> createExtension(const ScaffoldOptions &options);

} // namespace kiket::devkit
