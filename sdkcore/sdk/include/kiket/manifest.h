#pragma once

#include "kiket/result.h"

#include <QJsonValue>
#include <QList>
#include <QProcessEnvironment>
#include <QStringList>

#include <optional>

namespace kiket {

/// One declared setting of an extension.
struct SettingSpec
{
    QString key;
    QJsonValue defaultValue
        = QJsonValue(QJsonValue::Undefined); ///< Undefined when the manifest gives none.
    bool secret = false;
};

/// A custom-data permission: a module and the operations (read, write, delete, admin) granted on
/// it.
struct CustomDataPermission
{
    QString module;
    QStringList operations;
};

/// A non-fatal remark about a manifest, with its position.
struct ManifestWarning
{
    QString message;
    int line = 0;
    int column = 0;
};

/// An extension manifest, flat or nested (`extension:`) form, with `env:` references resolved.
struct Manifest
{
    QString path; ///< The file it was read from (empty when parsed from text).
    bool nested = false; ///< True for the CLI's `extension:` form.
    QString id;
    QString version;
    QString name;
    QString description;
    QString deliverySecret;
    QList<SettingSpec> settings;
    QStringList events;
    QStringList scopes;
    QList<CustomDataPermission> customDataPermissions;
    QList<ManifestWarning> warnings;
};

/// File names tried in an extension folder, in order.
QStringList manifestSearchOrder();
/// The first manifest found in the folder, or an empty string.
QString findManifest(const QString &folder);
/// What every YAML file of ours is checked for before its fields are read: a key given twice in
/// one mapping (YAML readers differ on which one wins) and aliases that expand past `maxValues`
/// values (a small file that unfolds into gigabytes). The error's code is
/// "<codePrefix>.duplicate-key" or "<codePrefix>.too-large", with line and column; text that does
/// not parse passes, for the reader to report.
std::optional<Error> checkYamlTree(
    const QByteArray &yaml, const QString &codePrefix, int maxValues = 100000);
/// Parses manifest text; errors carry line and column.
Result<Manifest> parseManifest(const QByteArray &yaml,
    const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
/// Reads and parses a manifest file.
Result<Manifest> loadManifest(
    const QString &path, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());

} // namespace kiket
