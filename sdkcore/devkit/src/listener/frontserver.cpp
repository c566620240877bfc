#include "frontserver.h"

#include "forwarder.h"
#include "httpsyntax.h"
#include "refusalcapture.h"

#include <kiket/devkit/common/batchwork.h>
#include <kiket/hmac.h>

#include <QCoreApplication>
#include <QTimer>

#include <algorithm>

namespace kiket::devkit {

std::pair<QString, QString> deliveryRoute(const HttpRequest &request)
{
    // "/v/VERSION/webhooks/EVENT" or "/webhooks/EVENT", each part one non-empty segment.
    const QByteArray raw = request.path();
    const QByteArray path = raw.contains('%') ? QByteArray::fromPercentEncoding(raw) : raw;
    QByteArrayView parts[6]; // one more than a route has
    qsizetype count = 0;
    for (qsizetype from = 0; count < 6;) {
        const qsizetype slash = path.indexOf('/', from);
        parts[count++]
            = QByteArrayView(path).sliced(from, (slash < 0 ? path.size() : slash) - from);
        if (slash < 0)
            break;
        from = slash + 1;
    }
    // Before the leading slash there is nothing; after it, no part may be empty.
    const bool filled = parts[0].isEmpty()
        && std::none_of(
            parts + 1, parts + count, [](QByteArrayView part) { return part.isEmpty(); });
    if (count == 5 && parts[1] == "v" && parts[3] == "webhooks" && filled)
        return { QString::fromUtf8(parts[4]), QString::fromUtf8(parts[2]) };
    if (count == 3 && parts[1] == "webhooks" && filled)
        return { QString::fromUtf8(parts[2]),
            QString::fromUtf8(request.header("x-kiket-event-version")) };
    return {};
}

FrontServer::FrontServer(FrontTarget target, CaptureWriter &captures, CaptureHook onCaptured)
    : m_target(std::move(target))
    , m_captures(captures)
    , m_onCaptured(std::move(onCaptured))
{
    m_thread.setObjectName(QStringLiteral("kiket-listener"));
    startAsBatchWork(m_thread);
    m_server = new HttpServer(m_target.limits);
    m_server->moveToThread(&m_thread);
    m_receiver = new QObject;
    m_receiver->moveToThread(&m_thread);
    m_forwarder = std::make_unique<Forwarder>();
    m_server->setHandler([this](const HttpRequest &request, const Responder &responder) {
        handle(request, responder);
    });
    auto refusals = std::make_shared<RefusalCapture>(
        m_captures, m_receiver, handlerKindName(m_target.kind), m_onCaptured);
    m_server->setRefusalObserver([refusals](const Refusal &refusal) { (*refusals)(refusal); });
}

FrontServer::~FrontServer()
{
    HttpServer *server = m_server;
    QMetaObject::invokeMethod(
        server, [server] { delete server; }, Qt::BlockingQueuedConnection);
    // Captures still queued are committed; their answers have no connection left to go to.
    m_captures.flushQueued();
    QObject *receiver = m_receiver;
    QMetaObject::invokeMethod(
        receiver,
        [this] {
            m_forwarder.reset(); // its sockets and timer belong to this thread
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete receiver; // its thread has ended: what was posted to it goes with it
    m_captures.withdraw(m_unanswered); // answers cut short will not come to be captured
}

Result<quint16> FrontServer::listen(const QHostAddress &address, quint16 port)
{
    Result<quint16> bound = Error {};
    QMetaObject::invokeMethod(
        m_server, [&] { bound = m_server->listen(address, port); }, Qt::BlockingQueuedConnection);
    return bound;
}

void FrontServer::handle(const HttpRequest &request, const Responder &responder)
{
    const QDateTime received = QDateTime::currentDateTimeUtc();
    m_captures.announce(); // every path ends in answer()
    ++m_unanswered;
    if (m_target.kind == HandlerKind::Canned) {
        const auto [event, version] = deliveryRoute(request);
        const std::optional<CannedAnswer> found = findCanned(m_target.canned, event, version);
        if (!found) {
            answer(request, responder,
                HttpResponse::error(404,
                    QStringLiteral("No canned answer for %1 %2 in .kiket/workbench.yaml")
                        .arg(event.isEmpty() ? QString::fromLatin1(request.path()) : event,
                            version)),
                received, {}, {});
            return;
        }
        const HttpResponse response { found->status, found->headers, found->body };
        const int delayMs = found->delayMs;
        QTimer::singleShot(delayMs, m_server, [=, this] {
            answer(request, responder, response, received, { { StageTimes::Delay, delayMs } },
                QStringLiteral("canned"));
        });
        return;
    }
    m_forwarder->forward(
        m_target.extensionPort, request, m_target.timeoutMs, [=, this](const ForwardResult &r) {
            HttpResponse response = r.response;
            // The listener frames its own answer: the extension's framing headers do not apply.
            response.headers.removeIf([](const auto &h) {
                return http::isFieldNameIn(
                    h.first, { "transfer-encoding", "content-length", "connection", "keep-alive" });
            });
            if (response.status == 0 && !r.timedOut) {
                // Nothing listens yet (a new extension, a crash): a canned answer stands in.
                const auto [event, version] = deliveryRoute(request);
                if (const auto found = findCanned(m_target.canned, event, version)) {
                    answer(request, responder, { found->status, found->headers, found->body },
                        received, { { StageTimes::Upstream, r.ms } },
                        QStringLiteral("canned: the extension is not answering (%1)").arg(r.error));
                    return;
                }
            }
            if (response.status == 0)
                response = HttpResponse::error(r.timedOut ? 504 : 502, r.error);
            // The wire bytes end with the body: equal bytes prove nothing was re-encoded.
            const bool exact = r.bytesSent.endsWith(request.body);
            answer(request, responder, response, received, { { StageTimes::Upstream, r.ms } },
                r.response.status == 0 ? r.error
                    : exact            ? QStringLiteral("forwarded byte-exact")
                            : QStringLiteral("forwarded body differs from the received one"));
        });
}

void FrontServer::answer(const HttpRequest &request, const Responder &responder,
    const HttpResponse &response, const QDateTime &received, const StageTimes &timings,
    const QString &note)
{
    Exchange e = exchangeOf(
        ExchangeKind::Delivery, request, response, received, QDateTime::currentDateTimeUtc());
    e.timings = timings;
    e.timings.set(StageTimes::Total, received.msecsTo(e.finished));
    std::tie(e.event, e.version) = deliveryRoute(request);
    e.handlerKind = handlerKindName(m_target.kind);
    e.note = note;
    if (response.status == 502 || response.status == 504)
        e.error = note;
    linkDelivery(e, request);
    if (!e.event.isEmpty()) { // the verdict the extension should reach, for the user to compare
        HmacInput in;
        in.secret = m_target.webhookSecret;
        in.acceptedSecrets = m_target.rotatingSecrets;
        in.signatureHeaders = headerValues(request.headers, "x-kiket-signature");
        in.timestampHeaders = headerValues(request.headers, "x-kiket-timestamp");
        in.body = request.body;
        const HmacVerdict verdict = verifyHmac(in);
        e.authCause = verdict.causeName();
        e.authDetail = verdict.explanation();
    }
    // Answered once it is on disk (and observed, so a suite that reads the answer finds its
    // capture); deliveries arriving meanwhile share the commit.
    --m_unanswered;
    m_captures.appendAnnounced(e, m_receiver, [this, e, responder, response](qint64 id) mutable {
        e.id = id;
        if (m_onCaptured)
            m_onCaptured(e);
        responder.send(response);
    });
}

} // namespace kiket::devkit
