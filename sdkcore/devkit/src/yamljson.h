#pragma once

#include <kiket/result.h>

#include <QJsonValue>

#include <yaml-cpp/yaml.h>

namespace kiket::devkit {

/// YAML → JSON: scalars become numbers, booleans or null where they read as such, unless quoted.
QJsonValue yamlToJson(const YAML::Node &node);

/// An error at a node's place in the file (1-based line and column).
Error yamlErrorAt(const QString &code, const YAML::Mark &mark, const QString &message);

} // namespace kiket::devkit
