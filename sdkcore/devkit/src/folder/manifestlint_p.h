// What the manifest lint's files share: YAML helpers and where findings go.
#pragma once

#include "kiket/devkit/folder/manifestlint.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <functional>

namespace kiket::devkit {

inline QString text(const YAML::Node &node) { return QString::fromStdString(node.Scalar()); }

inline bool matches(const QString &pattern, const QString &value)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(value).hasMatch();
}

/// Receives a finding at a node's place.
struct LintSink
{
    std::function<void(LintFinding::Severity, const YAML::Node &, const QString &rule,
        const QString &message, const QString &hint)>
        report;
    void add(LintFinding::Severity severity, const YAML::Node &at, const QString &rule,
        const QString &message, const QString &hint = QString())
    {
        report(severity, at, rule, message, hint);
    }
};

/// The rules for `extension.output_fields` and the `extension.setup` wizard (manifestlint_setup.cpp).
void lintOutputFields(LintSink &sink, const YAML::Node &fields);
void lintSetup(LintSink &sink, const YAML::Node &setup, const YAML::Node &configuration);

} // namespace kiket::devkit
