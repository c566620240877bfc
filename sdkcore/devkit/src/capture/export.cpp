#include "kiket/devkit/capture/export.h"

#include "common/jsontext.h"
#include "httpsyntax.h"
#include "scrubber.h"

#include <kiket/http.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

namespace kiket::devkit {

namespace {

const QString kRedacted = QStringLiteral("[redacted]");
const QByteArray kRedactedBytes = kRedacted.toLatin1();

// Whether a body may hold a field that redaction looks at. One that cannot is neither parsed nor
// rewritten: it is exported as it came. A key spelled with \u escapes counts as a maybe.
bool mayHoldSecretFields(const QByteArray &body, bool secretsEndpoint)
{
    const std::string_view text(body.constData(), size_t(body.size()));
    const auto has = [&text](std::string_view word) { return text.find(word) != text.npos; };
    return has("authentication") || has("secret") || (secretsEndpoint && has("value"))
        || has("\\u");
}

// Redacts secret parts of a JSON body; other bodies are returned as they are.
QByteArray redactBody(const QByteArray &body, bool secretsEndpoint)
{
    if (!mayHoldSecretFields(body, secretsEndpoint))
        return body;
    QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return body;
    QJsonObject o = doc.object();
    QJsonObject auth = o.value(QStringLiteral("authentication")).toObject();
    if (auth.contains(QStringLiteral("runtime_token"))) {
        auth.insert(QStringLiteral("runtime_token"), kRedacted);
        o.insert(QStringLiteral("authentication"), auth);
    }
    QJsonObject secrets = o.value(QStringLiteral("secrets")).toObject();
    for (auto it = secrets.begin(); it != secrets.end(); ++it)
        it.value() = kRedacted;
    if (!secrets.isEmpty())
        o.insert(QStringLiteral("secrets"), secrets);
    if (secretsEndpoint && o.contains(QStringLiteral("value")))
        o.insert(QStringLiteral("value"), kRedacted);
    if (secretsEndpoint && o.value(QStringLiteral("secret")).isObject()) { // Python SDK dialect
        QJsonObject inner = o.value(QStringLiteral("secret")).toObject();
        inner.insert(QStringLiteral("value"), kRedacted);
        o.insert(QStringLiteral("secret"), inner);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// Passes each header to `change`, which says whether it changed it: the list is only copied
// (shared with the exchange it came from until then) when one does.
template<typename Change> void rewriteHeaders(HeaderList &headers, Change change)
{
    for (qsizetype i = 0; i < headers.size(); ++i) {
        std::pair<QByteArray, QByteArray> header = std::as_const(headers)[i];
        if (change(header))
            headers[i] = std::move(header);
    }
}

// Secret fields redacted, then the scrubber's values wherever they stand, even where no secret
// belongs (a header name, the method).
Exchange redactedWith(const Exchange &exchange, const Scrubber &scrubber)
{
    Exchange e = exchange;
    const bool secretsEndpoint = e.target.contains("/secrets");
    e.requestBody = redactBody(e.requestBody, secretsEndpoint);
    e.responseBody = redactBody(e.responseBody, secretsEndpoint);
    for (HeaderList *headers : { &e.requestHeaders, &e.responseHeaders }) {
        rewriteHeaders(*headers, [&scrubber](std::pair<QByteArray, QByteArray> &header) {
            const bool secret = isSecretHeader(header.first);
            if (secret)
                header.second = kRedactedBytes;
            const bool name = scrubber.scrub(header.first);
            return scrubber.scrub(header.second) || name || secret;
        });
    }
    for (QByteArray *text : { &e.method, &e.target, &e.requestBody, &e.responseBody })
        scrubber.scrub(*text);
    return e;
}

// Each exchange redacted, also of the secret values the others carry.
QList<Exchange> prepared(const QList<Exchange> &exchanges, const ExportOptions &options)
{
    if (options.revealSecrets)
        return exchanges;
    QList<QByteArray> values;
    for (const Exchange &e : exchanges)
        values += secretValuesOf(e);
    const Scrubber scrubber(values, kRedactedBytes);
    QList<Exchange> out;
    for (const Exchange &e : exchanges)
        out.append(redactedWith(e, scrubber));
    return out;
}

QJsonArray harHeaders(const HeaderList &headers)
{
    QJsonArray out;
    for (const auto &h : headers)
        out.append(QJsonObject { { QStringLiteral("name"), QString::fromLatin1(h.first) },
            { QStringLiteral("value"), QString::fromLatin1(h.second) } });
    return out;
}

// A body as text, in UTF-8 bytes: UTF-8 as it is, anything else in base64 (the second value says
// which).
std::pair<QByteArray, bool> bodyText(const QByteArray &body)
{
    if (QUtf8StringView(body).isValidUtf8())
        return { body, false };
    return { body.toBase64(), true };
}

std::pair<QString, bool> harText(const QByteArray &body)
{
    const auto [text, base64] = bodyText(body);
    return { QString::fromUtf8(text), base64 };
}

QJsonObject harEntry(const Exchange &e, const ExportOptions &options)
{
    const QString url = requestUrl(e, options);
    const QByteArray mime = headerValue(e.requestHeaders, "content-type");
    QJsonArray query;
    for (const auto &item : QUrlQuery(QUrl(url).query()).queryItems(QUrl::FullyDecoded))
        query.append(QJsonObject {
            { QStringLiteral("name"), item.first }, { QStringLiteral("value"), item.second } });
    QJsonObject request { { QStringLiteral("method"), QString::fromLatin1(e.method) },
        { QStringLiteral("url"), url },
        { QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1") },
        { QStringLiteral("cookies"), QJsonArray() },
        { QStringLiteral("headers"), harHeaders(e.requestHeaders) },
        { QStringLiteral("queryString"), query }, { QStringLiteral("headersSize"), -1 },
        { QStringLiteral("bodySize"), e.requestBody.size() } };
    if (!e.requestBody.isEmpty()) {
        const auto [text, base64] = harText(e.requestBody);
        QJsonObject post { { QStringLiteral("mimeType"), QString::fromLatin1(mime) },
            { QStringLiteral("text"), text } };
        if (base64)
            post.insert(QStringLiteral("comment"), QStringLiteral("base64"));
        request.insert(QStringLiteral("postData"), post);
    }
    const auto [text, base64] = harText(e.responseBody);
    QJsonObject content { { QStringLiteral("size"), e.responseBody.size() },
        { QStringLiteral("mimeType"),
            QString::fromLatin1(headerValue(e.responseHeaders, "content-type")) },
        { QStringLiteral("text"), text } };
    if (base64)
        content.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
    const QJsonObject response { { QStringLiteral("status"), e.status },
        { QStringLiteral("statusText"), QString::fromLatin1(reasonPhrase(e.status)) },
        { QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1") },
        { QStringLiteral("cookies"), QJsonArray() },
        { QStringLiteral("headers"), harHeaders(e.responseHeaders) },
        { QStringLiteral("content"), content }, { QStringLiteral("redirectURL"), QString() },
        { QStringLiteral("headersSize"), -1 },
        { QStringLiteral("bodySize"), e.responseBody.size() } };
    const double total
        = e.started.isValid() && e.finished.isValid() ? double(e.started.msecsTo(e.finished)) : 0.0;
    return { { QStringLiteral("startedDateTime"), e.started.toUTC().toString(Qt::ISODateWithMs) },
        { QStringLiteral("time"), total }, { QStringLiteral("request"), request },
        { QStringLiteral("response"), response }, { QStringLiteral("cache"), QJsonObject() },
        { QStringLiteral("timings"),
            QJsonObject { { QStringLiteral("send"), 0 }, { QStringLiteral("wait"), total },
                { QStringLiteral("receive"), 0 } } },
        { QStringLiteral("comment"),
            QStringLiteral("%1 #%2").arg(exchangeKindName(e.kind)).arg(e.id) } };
}

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace

bool isSecretHeader(const QByteArray &name)
{
    return http::isFieldNameIn(name,
        { "x-kiket-signature", "x-kiket-runtime-token", "x-runtime-token", "authorization",
            "x-kiket-api-key", "cookie", "set-cookie" });
}

bool isSecretJsonPath(const QString &path, bool secretsEndpoint)
{
    if (path == QLatin1String("authentication.runtime_token") || path == QLatin1String("secrets")
        || path.startsWith(QLatin1String("secrets.")) || path.startsWith(QLatin1String("secrets[")))
        return true;
    return secretsEndpoint
        && (path == QLatin1String("value") || path == QLatin1String("secret")
            || path == QLatin1String("secret.value"));
}

QList<QByteArray> secretValuesOf(const Exchange &e)
{
    QList<QByteArray> values;
    for (const HeaderList *headers : { &e.requestHeaders, &e.responseHeaders }) {
        for (const auto &[name, value] : *headers) {
            if (!isSecretHeader(name))
                continue;
            const QByteArray trimmed = value.trimmed();
            values << trimmed;
            const qsizetype space = trimmed.indexOf(' '); // "Bearer <token>"
            if (space > 0)
                values << trimmed.mid(space + 1).trimmed();
        }
    }
    const bool secretsEndpoint = e.target.contains("/secrets");
    for (const QByteArray *body : { &e.requestBody, &e.responseBody }) {
        if (!mayHoldSecretFields(*body, secretsEndpoint))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(*body).object();
        values << o.value(QStringLiteral("authentication"))
                      .toObject()
                      .value(QStringLiteral("runtime_token"))
                      .toString()
                      .toUtf8();
        for (const QJsonValue &v : o.value(QStringLiteral("secrets")).toObject())
            values << v.toString().toUtf8();
        if (secretsEndpoint) {
            values << o.value(QStringLiteral("value")).toString().toUtf8();
            values << o.value(QStringLiteral("secret"))
                          .toObject()
                          .value(QStringLiteral("value"))
                          .toString()
                          .toUtf8();
        }
    }
    values.removeIf([](const QByteArray &v) { return v.size() < 8 || v == kRedactedBytes; });
    longestFirst(values);
    return values;
}

Exchange redacted(const Exchange &exchange, const QList<QByteArray> &also)
{
    return redactedWith(exchange, Scrubber(secretValuesOf(exchange) + also, kRedactedBytes));
}

QString requestUrl(const Exchange &e, const ExportOptions &options)
{
    QString base = options.baseUrl;
    if (base.isEmpty()) {
        const QByteArray host = headerValue(e.requestHeaders, "host");
        base = host.isEmpty() ? QStringLiteral("http://127.0.0.1:8080")
                              : QStringLiteral("http://") + QString::fromLatin1(host);
    }
    return base + QString::fromLatin1(e.target);
}

QByteArray toHar(const QList<Exchange> &exchanges, const ExportOptions &options)
{
    QJsonArray entries;
    for (const Exchange &e : prepared(exchanges, options))
        entries.append(harEntry(e, options));
    const QJsonObject log { { QStringLiteral("version"), QStringLiteral("1.2") },
        { QStringLiteral("creator"),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("Kiket Workbench") },
                { QStringLiteral("version"), QStringLiteral("0.1") } } },
        { QStringLiteral("entries"), entries } };
    return QJsonDocument(QJsonObject { { QStringLiteral("log"), log } })
        .toJson(QJsonDocument::Indented);
}

namespace {

// One NDJSON line, written directly: QJsonObject and toJson cost most of the time serve spends
// printing an exchange. Keys in the order QJsonDocument writes them (sorted), so lines read the
// same as they always have.
void appendNdjsonLine(QByteArray &out, const Exchange &e)
{
    // `"key":` in one write: appending its three pieces went through QByteArray::insert each.
    const auto key = [&out](std::string_view name) {
        const qsizetype at = out.size();
        out.resize(at + qsizetype(name.size()) + 3);
        char *w = out.data() + at;
        *w++ = '"';
        std::memcpy(w, name.data(), name.size());
        std::memcpy(w + name.size(), "\":", 2);
    };
    const auto text
        = [&out, &key](std::string_view name, QByteArrayView bytes, TextBytes encoding) {
              key(name);
              appendJsonString(out, bytes, encoding);
              out += ',';
          };
    const auto string = [&text](std::string_view name, const QString &value) {
        text(name, value.toUtf8(), TextBytes::Utf8);
    };
    const auto number = [&out, &key](std::string_view name, qint64 value) {
        key(name);
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        out.append(digits, end - digits).append(',');
    };
    const auto body = [&text](std::string_view name, const QByteArray &bytes) {
        text(name, bodyText(bytes).first, TextBytes::Utf8);
    };
    const bool log = e.kind == ExchangeKind::Log; // a line the extension printed
    out += '{';
    string("auth", e.authCause);
    if (!e.error.isEmpty())
        string("error", e.error);
    string("event", e.event);
    number("id", e.id);
    string("kind", exchangeKindName(e.kind));
    text("method", e.method, TextBytes::Latin1);
    if (!log && !e.note.isEmpty())
        string("note", e.note);
    number("parent_id", e.parentId);
    number("replay_of", e.replayOf);
    body("request_body", e.requestBody);
    body("response_body", e.responseBody);
    key("started");
    out += '"';
    appendIsoUtc(out, e.started);
    out += "\",";
    number("status", e.status);
    if (log)
        string("stream", e.event);
    text("target", e.target, TextBytes::Latin1);
    if (log)
        string("text", e.note);
    key("timings");
    e.timings.appendJson(out);
    out += ',';
    string("version", e.version);
    out.chop(1); // the last comma
    out += "}\n";
}

} // namespace

QByteArray toNdjson(const QList<Exchange> &exchanges, const ExportOptions &options)
{
    const QList<Exchange> lines = prepared(exchanges, options);
    qsizetype size = 0;
    for (const Exchange &e : lines)
        size += e.requestBody.size() + e.responseBody.size() + e.target.size() + 320;
    QByteArray out;
    out.reserve(size);
    for (const Exchange &e : lines)
        appendNdjsonLine(out, e);
    return out;
}

QString toCurl(const Exchange &original, const ExportOptions &options)
{
    const Exchange e = prepared({ original }, options).first();
    QStringList parts { QStringLiteral("curl -sS -X %1").arg(QString::fromLatin1(e.method)) };
    for (const auto &h : e.requestHeaders) {
        const QByteArray name = h.first.toLower();
        if (name == "content-length" || name == "host" || name == "connection")
            continue; // curl writes these itself
        parts << QStringLiteral("-H %1").arg(
            shellQuote(QString::fromLatin1(h.first + ": " + h.second)));
    }
    if (!e.requestBody.isEmpty())
        parts
            << QStringLiteral("--data-binary %1").arg(shellQuote(QString::fromUtf8(e.requestBody)));
    parts << shellQuote(requestUrl(e, options));
    return parts.join(QLatin1Char(' '));
}

QByteArray toFixture(const Exchange &exchange)
{
    QJsonObject payload = QJsonDocument::fromJson(exchange.requestBody).object();
    for (const char *envelope : { "authentication", "api", "secrets" })
        payload.remove(QLatin1String(envelope));
    const QJsonObject doc { { QStringLiteral("event"), exchange.event },
        { QStringLiteral("version"), exchange.version },
        { QStringLiteral("description"), QStringLiteral("Captured delivery #%1").arg(exchange.id) },
        { QStringLiteral("payload"), payload } };
    return QJsonDocument(doc).toJson(QJsonDocument::Indented);
}

} // namespace kiket::devkit
