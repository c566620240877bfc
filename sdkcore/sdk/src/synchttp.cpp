#include "synchttp.h"

#include "plainhttp.h"
#include "workerpool.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>
#include <QThreadStorage>
#include <QTimer>

#include <memory>

namespace kiket {

namespace {

// One manager per worker thread, kept for the thread's life: a manager owns a network thread and
// its kept-alive connections, and making both for every call cost more than the call itself.
// The main thread makes one per call, since nothing there outlives QCoreApplication safely.
QThreadStorage<QNetworkAccessManager *> t_managers;

QNetworkAccessManager *threadManager(
    bool mainThread, std::unique_ptr<QNetworkAccessManager> &scratch)
{
    if (mainThread) {
        scratch = std::make_unique<QNetworkAccessManager>();
        return scratch.get();
    }
    if (!t_managers.hasLocalData())
        t_managers.setLocalData(new QNetworkAccessManager);
    return t_managers.localData();
}

} // namespace

SyncReply syncRequest(const QByteArray &method, const QUrl &url, const HeaderList &headers,
    const QByteArray &body, int timeoutMs)
{
    SyncReply out;
    QCoreApplication *app = QCoreApplication::instance();
    const bool mainThread = !app || QThread::currentThread() == app->thread();
    if (mainThread && app && app->inherits("QGuiApplication")) {
        out.errorString = QStringLiteral("blocking HTTP call refused on the GUI thread");
        return out;
    }
    // The main thread keeps its local event loop while it waits: objects of that thread (a
    // test's server, say) go on answering.
    if (!mainThread && plainRequestFits(method, url)) {
        WorkerPool::blockingBegin(); // lets another handler run while this one waits
        out = plainRequest(method, url, headers, body, timeoutMs);
        WorkerPool::blockingEnd();
        if (out.timedOut)
            out.errorString = QStringLiteral("timed out after %1 ms").arg(timeoutMs);
        return out;
    }
    std::unique_ptr<QNetworkAccessManager> scratch;
    QNetworkAccessManager *manager = threadManager(mainThread, scratch);
    QNetworkRequest request(url);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    // Each call stands alone: nothing one answer sets is sent with the next.
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(
        QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = manager->sendCustomRequest(request, method, body);
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&out, reply] {
        out.timedOut = true;
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    deadline.start(timeoutMs);
    if (!reply->isFinished()) {
        WorkerPool::blockingBegin(); // lets another handler run while this one waits
        loop.exec();
        WorkerPool::blockingEnd();
    }
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    for (const auto &pair : reply->rawHeaderPairs())
        out.headers.append(pair);
    if (reply->isOpen())
        out.body = reply->readAll();
    if (out.status == 0)
        out.errorString = out.timedOut ? QStringLiteral("timed out after %1 ms").arg(timeoutMs)
                                       : reply->errorString();
    delete reply;
    return out;
}

} // namespace kiket
