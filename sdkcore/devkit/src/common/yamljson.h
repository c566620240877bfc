#pragma once

#include <kiket/result.h>

#include <QJsonValue>

#include <yaml-cpp/yaml.h>

namespace kiket::devkit {

/// YAML → JSON: scalars become numbers, booleans or null where they read as such, unless quoted.
QJsonValue yamlToJson(const YAML::Node &node);

/// JSON → YAML on an emitter, block style; a string that would read back as another type (`"true"`,
/// `"12"`, `""`) is quoted.
void emitJson(YAML::Emitter &out, const QJsonValue &value);

/// An error at a node's place in the file (1-based line and column).
Error yamlErrorAt(const QString &code, const YAML::Mark &mark, const QString &message);

} // namespace kiket::devkit
