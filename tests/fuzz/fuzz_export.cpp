// Exports of arbitrary exchanges: HAR is one JSON document, NDJSON one JSON document a line, and
// with secrets hidden (the default) no token-like secret value of an exchange appears in any
// export of it.
#include "fuzzing.h"

#include <kiket/devkit/capture/export.h>

#include <QJsonDocument>

using namespace kiket::fuzz;
using kiket::devkit::Exchange;

namespace {

kiket::HeaderList headers(FuzzedDataProvider &in)
{
    static const QByteArray names[] = { "Authorization", "X-Kiket-Signature", "X-Kiket-Timestamp",
        "Content-Type", "Host", "Cookie", "X-Api-Key", "X-Kiket-Runtime-Token" };
    kiket::HeaderList out;
    for (int n = in.ConsumeIntegralInRange(0, 4); n > 0; --n) {
        const QByteArray name = in.ConsumeBool() ? names[in.ConsumeIntegralInRange(0, 7)] : bytes(in, 24);
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
        if (!(QChar::isLetterOrNumber(uchar(c)) && uchar(c) < 128) && c != '-' && c != '_' && c != '.')
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
    QJsonParseError error;
    check(QJsonDocument::fromJson(har, &error).isObject(), "HAR is not a JSON object", har);
    const QByteArray ndjson = kiket::devkit::toNdjson({ e });
    for (const QByteArray &line : ndjson.split('\n')) {
        if (!line.isEmpty())
            check(QJsonDocument::fromJson(line).isObject(), "an NDJSON line is not a JSON object", line);
    }
    const QByteArray curl = kiket::devkit::toCurl(e).toUtf8();
    kiket::devkit::toFixture(e);
    for (const QByteArray &secret : kiket::devkit::secretValuesOf(e)) {
        // The event name is the workbench's own label, not captured bytes, and the formats' own
        // words ("response_body") are no data: neither is redacted.
        if (!tokenLike(secret) || e.event.toUtf8().contains(secret) || formatWords().contains(secret))
            continue;
        check(!har.contains(secret), "a secret value in the HAR export", secret + '\n' + har);
        check(!ndjson.contains(secret), "a secret value in the NDJSON export", secret + '\n' + ndjson);
        check(!curl.contains(secret), "a secret value in the cURL export", secret + '\n' + curl);
    }
    return 0;
}
