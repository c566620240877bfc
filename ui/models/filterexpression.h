#pragma once

#include <kiket/devkit/capture/exchange.h>
#include <kiket/result.h>

#include <QStringList>

#include <functional>

namespace kiket::ui {

/// The traffic list's filter: terms separated by spaces, all of which must hold, for example
/// `event:issue.* status:>=400 auth:stale kind:api version:v2 "free text" -method:GET`.
///
/// - `event:`, `version:`, `auth:`, `kind:`, `method:`, `path:`, `handler:` take a value with `*`
///   and `?` wildcards, compared without regard to case; `kind:api` means API calls.
/// - `status:` and `duration:` (milliseconds) take a number with `=`, `<`, `<=`, `>`, `>=`, a range
///   `400-499`, and status a class such as `4xx`.
/// - A bare word or a "quoted phrase" is looked for in event, path, method, version and verdict.
/// - A leading `-` negates a term.
class FilterExpression
{
public:
    /// Parses the text; an error names the problem and its column (1-based) in the text.
    static Result<FilterExpression> parse(const QString &text);
    /// The field names, for completion.
    static QStringList fieldNames();

    /// True when the exchange passes every term (always, for an empty expression).
    bool matches(const devkit::ExchangeSummary &exchange) const;
    bool isEmpty() const { return m_terms.empty(); }

private:
    using Term = std::function<bool(const devkit::ExchangeSummary &)>;
    std::vector<Term> m_terms;
};

} // namespace kiket::ui
