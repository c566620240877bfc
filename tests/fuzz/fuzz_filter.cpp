// The traffic filter language: any text parses or says where it fails (a column inside the
// text), and a parsed filter can be matched against exchanges.
#include "fuzzing.h"
#include "models/filterexpression.h"

using namespace kiket::fuzz;
using kiket::devkit::ExchangeKind;
using kiket::devkit::ExchangeSummary;

namespace {

QList<ExchangeSummary> exchanges()
{
    ExchangeSummary delivery;
    delivery.kind = ExchangeKind::Delivery;
    delivery.method = "POST";
    delivery.target = "/v/2/webhooks/issue.created";
    delivery.status = 200;
    delivery.durationMs = 12;
    delivery.event = QStringLiteral("issue.created");
    delivery.version = QStringLiteral("v2");
    delivery.authCause = QStringLiteral("ok");
    delivery.handlerKind = QStringLiteral("in-process");
    ExchangeSummary call;
    call.kind = ExchangeKind::ApiCall;
    call.method = "GET";
    call.target = "/api/v1/ext/secrets/API_KEY";
    call.status = 404;
    return { delivery, call, ExchangeSummary() };
}

} // namespace

KIKET_FUZZ_TARGET(data, size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto filter = kiket::ui::FilterExpression::parse(text);
    if (!filter.ok()) {
        const kiket::Error &error = filter.error();
        check(!error.message.isEmpty(), "a filter error without words");
        check(error.column >= 1 && error.column <= text.size() + 1,
            "a filter error points outside the text", QByteArray::number(error.column));
        return 0;
    }
    static const QList<ExchangeSummary> all = exchanges();
    for (const ExchangeSummary &e : all)
        filter.value().matches(e);
    return 0;
}
