#include "httpdiff.h"

#include "requestparser.h"

#include <http_parser.h>

namespace kiket::fuzz {

namespace {

struct Reading
{
    Framing framing;
    FramedRequest current;
    bool inValue = false;
    bool headersDone = false;
};

Reading *reading(http_parser *p)
{
    return static_cast<Reading *>(p->data);
}

int onBegin(http_parser *p)
{
    Reading *r = reading(p);
    r->current = {};
    r->inValue = false;
    r->headersDone = false;
    r->framing.end = Framing::End::Incomplete;
    return 0;
}

int onUrl(http_parser *p, const char *at, size_t length)
{
    reading(p)->current.target.append(at, qsizetype(length));
    return 0;
}

int onField(http_parser *p, const char *at, size_t length)
{
    Reading *r = reading(p);
    if (r->headersDone)
        return 0; // a chunked body's trailer
    if (r->inValue || r->current.headers.isEmpty())
        r->current.headers.append(QPair<QByteArray, QByteArray>());
    r->inValue = false;
    r->current.headers.last().first.append(at, qsizetype(length));
    return 0;
}

int onValue(http_parser *p, const char *at, size_t length)
{
    Reading *r = reading(p);
    if (r->headersDone)
        return 0;
    r->inValue = true;
    r->current.headers.last().second.append(at, qsizetype(length));
    return 0;
}

int onHeadersComplete(http_parser *p)
{
    Reading *r = reading(p);
    r->headersDone = true;
    r->current.method = http_method_str(static_cast<http_method>(p->method));
    r->current.keepAlive = http_should_keep_alive(p) != 0;
    for (auto &h : r->current.headers)
        h.second = h.second.trimmed();
    return 0;
}

int onBody(http_parser *p, const char *at, size_t length)
{
    reading(p)->current.body.append(at, qsizetype(length));
    return 0;
}

int onComplete(http_parser *p)
{
    Reading *r = reading(p);
    r->framing.requests.append(r->current);
    r->framing.end = Framing::End::Idle;
    return 0;
}

QString describe(const FramedRequest &r)
{
    QString out = QString::fromLatin1(r.method + ' ' + r.target);
    for (const auto &h : r.headers)
        out += QStringLiteral(" | ") + QString::fromLatin1(h.first + ": " + h.second);
    return out + QStringLiteral(" | body %1 bytes%2").arg(r.body.size()).arg(r.keepAlive ? "" : " | then close");
}

// Methods the reference knows; we take any token (RFC 9110 §9.1), the handler answers 405.
bool referenceKnowsMethod(const QByteArray &method)
{
    for (int m = 0; m < 64; ++m) {
        const char *name = http_method_str(static_cast<http_method>(m));
        if (name && method == name && QByteArray(name) != "<unknown>")
            return true;
    }
    return false;
}

// http-parser 2.9.4 takes a header whose name only begins with "Transfer-Encoding" for that
// header, and refuses the request (as a bad encoding, or one with Content-Length too); the name
// is another header's (RFC 9110 §5.1).
bool referenceMisreadsTransferEncoding(const FramedRequest &r, const Framing &reference)
{
    const bool framingError = reference.why == QLatin1String("HPE_INVALID_TRANSFER_ENCODING")
        || reference.why == QLatin1String("HPE_UNEXPECTED_CONTENT_LENGTH");
    if (!framingError || !headerValues(r.headers, "transfer-encoding").isEmpty())
        return false;
    for (const auto &h : r.headers) {
        if (h.first.toLower().startsWith("transfer-encoding"))
            return true;
    }
    return false;
}

} // namespace

Framing frameWithSdk(const QByteArray &stream)
{
    ServerLimits limits;
    limits.maxHeaderBytes = 80 * 1024; // the reference's own cap
    limits.maxBodyBytes = 1 << 30;
    RequestParser parser(limits);
    Framing out;
    QByteArrayView data(stream);
    while (!data.isEmpty()) {
        const RequestParser::Status status = parser.feed(&data);
        if (status == RequestParser::Status::Complete) {
            RequestHead head = parser.takeHead();
            out.requests.append({ head.method, head.target, head.headers, parser.takeBody(), head.keepAlive });
            if (!head.keepAlive) {
                out.end = Framing::End::Stopped;
                out.why = QStringLiteral("close");
                return out;
            }
        } else if (status == RequestParser::Status::Refused) {
            out.end = Framing::End::Refused;
            out.status = parser.refusal().status;
            out.why = parser.refusal().message;
            return out;
        }
    }
    out.end = parser.midRequest() ? Framing::End::Incomplete : Framing::End::Idle;
    return out;
}

Framing frameWithReference(const QByteArray &stream)
{
    http_parser_settings settings;
    http_parser_settings_init(&settings);
    settings.on_message_begin = onBegin;
    settings.on_url = onUrl;
    settings.on_header_field = onField;
    settings.on_header_value = onValue;
    settings.on_headers_complete = onHeadersComplete;
    settings.on_body = onBody;
    settings.on_message_complete = onComplete;
    http_parser parser;
    http_parser_init(&parser, HTTP_REQUEST);
    Reading r;
    parser.data = &r;
    http_parser_execute(&parser, &settings, stream.constData(), size_t(stream.size()));
    const auto error = HTTP_PARSER_ERRNO(&parser);
    if (parser.upgrade) {
        r.framing.end = Framing::End::Stopped;
        r.framing.why = QStringLiteral("upgrade");
    } else if (error == HPE_CLOSED_CONNECTION
        || (!r.framing.requests.isEmpty() && !r.framing.requests.last().keepAlive)) {
        r.framing.end = Framing::End::Stopped;
        r.framing.why = QStringLiteral("close");
    } else if (error != HPE_OK) {
        r.framing.end = Framing::End::Refused;
        r.framing.why = QString::fromLatin1(http_errno_name(error));
    }
    return r.framing;
}

QString disagreement(const Framing &ours, const Framing &reference)
{
    const qsizetype both = qMin(ours.requests.size(), reference.requests.size());
    for (qsizetype i = 0; i < both; ++i) {
        if (!ours.requests[i].sameAs(reference.requests[i]))
            return QStringLiteral("request %1 differs: ours %2, reference %3")
                .arg(i + 1)
                .arg(describe(ours.requests[i]), describe(reference.requests[i]));
    }
    if (ours.requests.size() > both) {
        // We read a request the reference did not: only where a decision says we may.
        const FramedRequest &extra = ours.requests[both];
        if (reference.end == Framing::End::Stopped)
            return {}; // after a close or an upgrade the reference reads nothing more
        if (reference.end == Framing::End::Refused
            && (!referenceKnowsMethod(extra.method) || referenceMisreadsTransferEncoding(extra, reference)))
            return {};
        return QStringLiteral("ours read request %1 (%2) where the reference ended %3 %4")
            .arg(both + 1)
            .arg(describe(extra))
            .arg(int(reference.end))
            .arg(reference.why);
    }
    if (reference.requests.size() > both) {
        // The reference read a request we did not: we must have refused it, not be waiting.
        if (ours.end == Framing::End::Refused || ours.end == Framing::End::Stopped)
            return {};
        return QStringLiteral("the reference read request %1 (%2) where ours is %3")
            .arg(both + 1)
            .arg(describe(reference.requests[both]))
            .arg(ours.end == Framing::End::Incomplete ? QStringLiteral("waiting for more")
                                                      : QStringLiteral("idle"));
    }
    // The same requests: a stream one parser calls complete, the other must not call a request.
    return {};
}

} // namespace kiket::fuzz
