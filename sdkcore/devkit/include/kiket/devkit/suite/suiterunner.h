#pragma once

#include <kiket/devkit/session.h>
#include <kiket/devkit/suite/suite.h>

#include <QThread>

#include <functional>
#include <memory>

class QTemporaryDir;

namespace kiket::devkit {

/// The result of one case.
struct CaseResult
{
    QString suite;
    SuiteCase testCase;
    CaseOutcome outcome;
    QList<CheckFailure> failures;
    QString error; ///< The case could not be sent (no sample payload, …).
    QStringList log; ///< What the extension printed while the case ran.
    bool passed() const { return error.isEmpty() && failures.isEmpty(); }
};

/// Runs suite cases against an extension folder started as `serve` starts it (in-process, forward
/// or canned), but with state of its own: an empty sandbox seeded from `.kiket/fixtures.yaml`, no
/// local secret values, a delivery secret made up for the run, free ports, no file watching. So a
/// suite gives the same result on any machine. The session runs on a thread of its own; run() may
/// be called from any one thread and blocks until the case is judged.
class SuiteRunner
{
public:
    static Result<std::unique_ptr<SuiteRunner>> start(const QString &folder,
        SessionOverrides overrides = {}, Session::MessageHook onMessage = {});
    ~SuiteRunner();

    CaseResult run(const SuiteCase &testCase, const QString &suite = {});
    /// Every case of every suite in order; `each` hears each result as it comes.
    QList<CaseResult> runAll(
        const QList<Suite> &suites, const std::function<void(const CaseResult &)> &each = {});

    QString listenerUrl() const;
    /// How long to wait for a case's answer (the platform allows up to 60 s).
    void setTimeoutMs(int ms);

private:
    SuiteRunner();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kiket::devkit
