#include "refusalcapture.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace kiket::devkit {

Exchange refusalExchange(const Refusal &refusal, const QString &handlerKind, qint64 skipped)
{
    Exchange e = exchangeOf(ExchangeKind::Delivery, refusal.request,
        HttpResponse::error(refusal.status, refusal.reason), refusal.at, refusal.at);
    if (e.requestBody.isEmpty())
        e.requestBody = refusal.headBytes; // what arrived of a head that could not be read
    e.handlerKind = handlerKind;
    e.note = QStringLiteral("Answered by the listener itself, before any handler: %1").arg(refusal.reason);
    if (!refusal.headBytes.isEmpty())
        e.note += QStringLiteral(" (the body shown is the head as it arrived)");
    if (skipped > 0)
        e.note += QStringLiteral("; %1 more refusals were not captured (at most %2 a second)")
                      .arg(skipped)
                      .arg(RefusalCapture::kPerSecond);
    return e;
}

RefusalCapture::RefusalCapture(
    CaptureWriter &captures, QObject *receiver, QString handlerKind, Hook onCaptured)
    : m_captures(captures)
    , m_receiver(receiver)
    , m_handlerKind(std::move(handlerKind))
    , m_onCaptured(std::move(onCaptured))
{ }

void RefusalCapture::operator()(const Refusal &refusal)
{
    if (!m_second.isValid() || m_second.elapsed() >= 1000) {
        m_second.start();
        m_inSecond = 0;
    }
    if (++m_inSecond > kPerSecond) {
        ++m_skipped;
        return;
    }
    Exchange e = refusalExchange(refusal, m_handlerKind, std::exchange(m_skipped, 0));
    m_captures.appendQueued(e, m_receiver, [e, hook = m_onCaptured](qint64 id) mutable {
        e.id = id;
        if (hook)
            hook(e);
    });
}

} // namespace kiket::devkit
