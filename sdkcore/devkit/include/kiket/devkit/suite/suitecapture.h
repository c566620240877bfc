#pragma once

#include <kiket/devkit/capture/exchange.h>
#include <kiket/result.h>

#include <QList>

namespace kiket::devkit {

/// A suite case (YAML) that repeats a captured delivery: its event, version and payload without
/// the platform's envelope, payload secrets by key only, the signing its verdict shows and the
/// runtime token's scopes; it expects what came back — the status, each top-level field of a JSON
/// answer, the API calls made (endpoint, method, count). A value equal to a payload secret's is
/// written as `{exists: true}`, so no secret value reaches the file.
QByteArray caseFromCapture(const Exchange &delivery, const QList<Exchange> &apiCalls);

/// Writes caseFromCapture() to `.kiket/suites/SUITE/NAME.yaml` in the extension folder, NAME made
/// from the event and the capture's id (with a number added when taken). Returns the path.
Result<QString> addCaptureToSuite(const QString &extensionFolder, const QString &suite,
    const Exchange &delivery, const QList<Exchange> &apiCalls);

} // namespace kiket::devkit
