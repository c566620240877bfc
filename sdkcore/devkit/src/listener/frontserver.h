#pragma once

#include <kiket/devkit/capture/capturewriter.h>
#include <kiket/devkit/folder/folderconfig.h>
#include <kiket/httpserver.h>

#include <QThread>

#include <functional>

namespace kiket::devkit {

class Forwarder;

/// What the front server hands deliveries to when no C++ plugin answers them.
struct FrontTarget
{
    HandlerKind kind = HandlerKind::Forward;
    quint16 extensionPort = 0; ///< Forward: the extension's own server on 127.0.0.1.
    int timeoutMs = 5000; ///< Forward: no answer by then is a 504.
    QList<CannedAnswer> canned; ///< Canned: the answers; forward: those while nothing answers.
    QByteArray webhookSecret; ///< To show each delivery's signature verdict (not enforced here).
    QList<QByteArray> rotatingSecrets; ///< Accepted as well during a rotation.
    ServerLimits limits; ///< The same as the in-process server's.
};

/// The listener's server for the forward and canned targets, on a thread of its own. Every
/// request is captured (with the extension's answer, or the 502/504 given instead) before the
/// answer leaves.
class FrontServer
{
public:
    using CaptureHook = std::function<void(const Exchange &)>;

    FrontServer(FrontTarget target, CaptureWriter &captures, CaptureHook onCaptured);
    ~FrontServer();

    Result<quint16> listen(const QHostAddress &address, quint16 port);

private:
    void handle(const HttpRequest &request, const Responder &responder);
    void answer(const HttpRequest &request, const Responder &responder,
        const HttpResponse &response, const QDateTime &received, const StageTimes &timings,
        const QString &note);

    FrontTarget m_target;
    CaptureWriter &m_captures;
    CaptureHook m_onCaptured;
    QThread m_thread;
    HttpServer *m_server = nullptr; // lives on m_thread
    QObject *m_receiver = nullptr; // lives on m_thread: stored captures come back to it
    std::unique_ptr<Forwarder> m_forwarder; // used on m_thread
    int m_unanswered = 0; // announced to m_captures, not yet answered; used on m_thread
};

/// Event and version from a delivery path (`/v/{version}/webhooks/{event}` or `/webhooks/{event}`
/// with the X-Kiket-Event-Version header); empty when the path is not a delivery's.
std::pair<QString, QString> deliveryRoute(const HttpRequest &request);

} // namespace kiket::devkit
