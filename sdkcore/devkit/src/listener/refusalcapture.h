#pragma once

#include <kiket/devkit/capture/capturewriter.h>
#include <kiket/httpserver.h>

#include <QElapsedTimer>

#include <functional>

namespace kiket::devkit {

/// A request the listener's server answered itself (limits, framing, a full queue), as a capture.
Exchange refusalExchange(const Refusal &refusal, const QString &handlerKind, qint64 skipped = 0);

/// Captures a server's own refusals as deliveries, queued so the server thread never waits on
/// disk. Under a flood at most kPerSecond a second are kept; the next one kept says how many were
/// not. Used on the server's thread.
class RefusalCapture
{
public:
    static constexpr int kPerSecond = 50;
    using Hook = std::function<void(const Exchange &)>;

    /// receiver: an object whose thread runs the hook once a capture is stored.
    RefusalCapture(CaptureWriter &captures, QObject *receiver, QString handlerKind, Hook onCaptured);
    void operator()(const Refusal &refusal);

private:
    CaptureWriter &m_captures;
    QObject *m_receiver;
    QString m_handlerKind;
    Hook m_onCaptured;
    QElapsedTimer m_second;
    int m_inSecond = 0;
    qint64 m_skipped = 0;
};

} // namespace kiket::devkit
