// Exports of arbitrary exchanges: HAR is one JSON document, NDJSON one JSON document a line, and
// with secrets hidden (the default) no token-like secret value of an exchange appears in any
// export of it.
#include "fuzzing.h"

#include <kiket/devkit/capture/export.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace kiket::fuzz;
using kiket::devkit::Exchange;

namespace {

kiket::HeaderList headers(FuzzedDataProvider &in)
{
    static const QByteArray names[] = { "Authorization", "X-Kiket-Signature", "X-Kiket-Timestamp",
        "Content-Type", "Host", "Cookie", "X-Api-Key", "X-Kiket-Runtime-Token" };
    kiket::HeaderList out;
    for (int n = in.ConsumeIntegralInRange(0, 4); n > 0; --n) {
        const QByteArray name
            = in.ConsumeBool() ? names[in.ConsumeIntegralInRange(0, 7)] : bytes(in, 24);
        out.append({ name, bytes(in, 120) });
    }
    return out;
}

// A secret worth looking for: long enough not to occur by chance, and written the same in JSON,
// URLs and shell quoting.
bool tokenLike(const QByteArray &value)
{
    if (value.size() < 12)
        return false;
    for (char c : value) {
        if (!(QChar::isLetterOrNumber(uchar(c)) && uchar(c) < 128) && c != '-' && c != '_'
            && c != '.')
            return false;
    }
    return true;
}

// Everything the exports write for an exchange that holds nothing.
const QByteArray &formatWords()
{
    static const QByteArray words = kiket::devkit::toHar({ Exchange() })
        + kiket::devkit::toNdjson({ Exchange() }) + kiket::devkit::toCurl(Exchange()).toUtf8();
    return words;
}

// Each string and key of a JSON document as a reader gets it, escapes undone. The encoded text is
// no place to look: after a "\u0000" escape, a value's own "0000000rest" reads "\u00000000000rest",
// which holds a secret "000000000rest" that no reader sees.
void decodedStrings(const QJsonValue &value, QByteArrayList &out)
{
    if (value.isString()) {
        out << value.toString().toUtf8();
    } else if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            decodedStrings(item, out);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            out << it.key().toUtf8();
            decodedStrings(it.value(), out);
        }
    }
}

bool anyHolds(const QByteArrayList &texts, const QByteArray &secret)
{
    return std::any_of(texts.begin(), texts.end(),
        [&secret](const QByteArray &text) { return text.contains(secret); });
}

} // namespace

KIKET_FUZZ_TARGET(data, size)
{
    FuzzedDataProvider in(data, size);
    Exchange e;
    e.id = in.ConsumeIntegral<qint64>();
    e.kind = static_cast<kiket::devkit::ExchangeKind>(in.ConsumeIntegralInRange(0, 4));
    e.method = bytes(in, 12);
    e.target = bytes(in, 120);
    e.status = in.ConsumeIntegralInRange(0, 999);
    e.event = QString::fromUtf8(bytes(in, 40));
    e.requestHeaders = headers(in);
    e.responseHeaders = headers(in);
    e.responseBody = bytes(in, 400);
    e.requestBody = rest(in);

    const QByteArray har = kiket::devkit::toHar({ e });
    const QJsonDocument harDocument = QJsonDocument::fromJson(har);
    check(harDocument.isObject(), "HAR is not a JSON object", har);
    QByteArrayList harStrings;
    decodedStrings(harDocument.object(), harStrings);
    const QByteArray ndjson = kiket::devkit::toNdjson({ e });
    QByteArrayList ndjsonStrings;
    for (const QByteArray &line : ndjson.split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonDocument lineDocument = QJsonDocument::fromJson(line);
        check(lineDocument.isObject(), "an NDJSON line is not a JSON object", line);
        decodedStrings(lineDocument.object(), ndjsonStrings);
    }
    const QByteArray curl = kiket::devkit::toCurl(e).toUtf8();
    kiket::devkit::toFixture(e);
    for (const QByteArray &secret : kiket::devkit::secretValuesOf(e)) {
        // The event name is the workbench's own label, not captured bytes, and the formats' own
        // words ("response_body") are no data: neither is redacted.
        if (!tokenLike(secret) || e.event.toUtf8().contains(secret)
            || formatWords().contains(secret))
            continue;
        check(
            !anyHolds(harStrings, secret), "a secret value in the HAR export", secret + '\n' + har);
        check(!anyHolds(ndjsonStrings, secret), "a secret value in the NDJSON export",
            secret + '\n' + ndjson);
        check(!curl.contains(secret), "a secret value in the cURL export", secret + '\n' + curl);
    }
    return 0;
}
