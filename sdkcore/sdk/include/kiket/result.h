#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace kiket {

/// An error with a stable code, a message for a person and, for file input, a position.
struct Error
{
    QString code; ///< Machine-readable kind, e.g. "yaml.syntax" or "http.connect".
    QString message; ///< One sentence a person can act on.
    int line = 0; ///< 1-based line in the input, 0 when not about a file.
    int column = 0; ///< 1-based column in the input, 0 when not about a file.

    /// "message (line L, column C)" or just the message.
    QString toString() const
    {
        if (line <= 0)
            return message;
        return QStringLiteral("%1 (line %2, column %3)").arg(message).arg(line).arg(column);
    }
};

/// Either a value or an Error; the SDK's expected-style return type.
template<class T> class Result
{
public:
    /// A successful result.
    Result(T value)
        : m_data(std::move(value))
    { }
    /// A failed result.
    Result(Error error)
        : m_data(std::move(error))
    { }

    /// True when a value is held.
    bool ok() const { return m_data.index() == 0; }
    /// Same as ok().
    explicit operator bool() const { return ok(); }
    /// The value; only valid when ok().
    const T &value() const & { return std::get<0>(m_data); }
    /// The value, moved out; only valid when ok().
    T &&value() && { return std::get<0>(std::move(m_data)); }
    /// The error; only valid when !ok().
    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

} // namespace kiket
