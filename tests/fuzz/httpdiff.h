#pragma once
// The differential HTTP check: one byte stream read by the SDK's RequestParser and by Node's
// former parser (libhttp-parser, as Debian ships it). They must frame the same requests with the
// same method, target, headers and body, or one of them refuses; where only one refuses, the
// difference is named so the README's decisions can be checked against it.

#include <kiket/http.h>

#include <QByteArray>
#include <QList>
#include <QString>

namespace kiket::fuzz {

struct FramedRequest
{
    QByteArray method;
    QByteArray target;
    HeaderList headers;
    QByteArray body;
    bool keepAlive = true;
    /// The same request, whatever each parser thinks of keeping the connection: where they
    /// differ on that, the one that closes reads nothing more, which the end states show.
    bool sameAs(const FramedRequest &o) const
    {
        return method == o.method && target == o.target && headers == o.headers && body == o.body;
    }
};

/// What one parser made of a whole stream.
struct Framing
{
    QList<FramedRequest> requests;
    enum class End { Idle, Incomplete, Refused, Stopped } end = End::Idle;
    QString why; ///< For Refused: the parser's reason; Stopped: a close or upgrade.
    int status = 0; ///< Ours only: the refusal's status.
};

Framing frameWithSdk(const QByteArray &stream);
Framing frameWithReference(const QByteArray &stream);

/// Empty when the two framings agree (or differ only where a decision allows); else what differs.
QString disagreement(const Framing &ours, const Framing &reference);

} // namespace kiket::fuzz
