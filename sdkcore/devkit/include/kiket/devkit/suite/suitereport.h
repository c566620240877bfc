#pragma once

#include <kiket/devkit/suite/suiterunner.h>

#include <QDateTime>
#include <QDir>
#include <QJsonObject>

namespace kiket::devkit {

/// "suite/case".
QString caseLabel(const CaseResult &result);
/// One line per failed expectation: `FILE:LINE:COLUMN: what: message`, the file relative to
/// `relativeTo`.
QStringList failureLines(const CaseResult &result, const QDir &relativeTo);
/// The failed expectations side by side, for a diff: each keyed by what it checks (`status`,
/// `body.issue.title`, `api_calls[0] events.log`, …), its expected value on the left and what came
/// on the right (absent when nothing came).
std::pair<QJsonObject, QJsonObject> expectedAndActual(const CaseResult &result);
/// `{"passed", "failed", "cases": [{suite, name, file, passed, duration_ms, status, error?,
/// failures: [{what, message, expected, actual?, line, column}]}]}`.
QJsonObject suiteResultsJson(const QList<CaseResult> &results);
/// JUnit XML in the Ant form that CI servers read: a <testsuite> per suite.
QByteArray suiteResultsJUnit(const QList<CaseResult> &results, const QDateTime &started);

} // namespace kiket::devkit
