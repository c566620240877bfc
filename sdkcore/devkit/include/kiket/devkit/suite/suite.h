#pragma once

#include <kiket/http.h>
#include <kiket/result.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QStringList>

#include <optional>

namespace kiket::devkit {

/// How a case's delivery is signed: as the platform does, or in one of the ways a handler must
/// refuse (see ReplayMode).
enum class CaseSigning { Signed, WrongSecret, Unsigned, Stale, BodyOnly };

/// "signed", "wrong-secret", "unsigned", "stale", "body-only".
QString caseSigningName(CaseSigning signing);
std::optional<CaseSigning> caseSigningFromName(const QString &name);

/// What must hold of one value: a JSON field by path, a header, an API call's body field. Every
/// operator given must hold.
struct ValueCheck
{
    QString path; ///< `issue.title`, `items[0].id`, `$` for the whole body; a header's name.
    std::optional<QJsonValue> equals;
    std::optional<bool> exists;
    QString matches; ///< A regular expression, searched in the value's text.
    std::optional<QJsonArray> anyOf; ///< The value equals one of these.
    int line = 0; ///< Where the check is written (1-based).
    int column = 0;
};

/// An API call the handler must make against the sandbox (or, with `absent`, must not make).
struct ApiCallExpectation
{
    QString endpoint; ///< e.g. "secrets.set" (see endpointName()).
    QString method; ///< Empty: any.
    bool absent = false;
    std::optional<int> count; ///< Exactly this many matching calls; unset: at least one.
    QList<ValueCheck> body; ///< Fields of the call's JSON body.
    int line = 0;
    int column = 0;
};

/// One case of a delivery suite: a file `.kiket/suites/NAME/CASE.yaml` (or `.json`).
struct SuiteCase
{
    QString file; ///< Absolute path.
    QString name; ///< `name:` or the file's base name.
    QString event;
    QString version; ///< Empty: the catalogue sample's, else v1.
    std::optional<QJsonObject> payload; ///< Unset: the catalogue's sample for the event.
    CaseSigning signing = CaseSigning::Signed;
    bool runtimeToken = true; ///< Mint `authentication.runtime_token`.
    std::optional<QStringList> scopes; ///< The token's scopes; unset: all (`*`), as `send`.
    QStringList secrets; ///< Payload secrets, by key only.

    std::optional<int> status;
    int statusLine = 0;
    QList<ValueCheck> body;
    QList<ValueCheck> headers;
    QList<ApiCallExpectation> apiCalls;
    std::optional<int> maxDurationMs;
    int maxDurationLine = 0;
};

/// A folder of cases.
struct Suite
{
    QString name;
    QString folder; ///< Absolute.
    QList<SuiteCase> cases; ///< Sorted by file name.
};

/// Parses one case file (YAML, or JSON, which YAML reads too). Errors carry line and column;
/// `file` names where a `payload_file:` is resolved from.
Result<SuiteCase> parseSuiteCase(const QByteArray &text, const QString &file);
/// `<folder>/.kiket/suites`.
QString suitesPath(const QString &extensionFolder);
/// Every suite of the folder (or only the named one), every case parsed. The first broken file
/// is the error, its path in the message and its line and column in the error.
Result<QList<Suite>> loadSuites(const QString &extensionFolder, const QString &only = {});

/// What came back for a case: the answer and what the handler did meanwhile.
struct CaseOutcome
{
    HttpResponse response; ///< Status 0 when there was no answer.
    QString transportError;
    double durationMs = 0;
    struct ApiCall
    {
        QString endpoint;
        QByteArray method;
        QByteArray target;
        QByteArray body;
        int status = 0;
    };
    QList<ApiCall> apiCalls; ///< In the order they were made.
    QString verdict; ///< The listener's signature verdict (`ok`, `mismatch`, …).
};

/// One expectation that did not hold.
struct CheckFailure
{
    QString what; ///< `status`, `body.issue.title`, `headers.content-type`, `api_calls[0]`, …
    QString message; ///< In words: "expected 200, got 500".
    QJsonValue expected;
    QJsonValue actual; ///< Undefined when there was nothing.
    int line = 0;
    int column = 0;
};

/// The value at a path (`a.b[0].c`, `$` for the whole) or undefined when there is none.
QJsonValue valueAtPath(const QJsonValue &root, const QString &path);
/// The failures of one check against a value (undefined: absent).
QList<CheckFailure> checkValue(const ValueCheck &check, const QJsonValue &actual,
    const QString &what);
/// Every expectation of the case against the outcome; empty when the case passed.
QList<CheckFailure> evaluateCase(const SuiteCase &c, const CaseOutcome &outcome);

} // namespace kiket::devkit
