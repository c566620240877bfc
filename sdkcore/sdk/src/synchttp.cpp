#include "synchttp.h"

#include "workerpool.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>
#include <QTimer>

namespace kiket {

SyncReply syncRequest(const QByteArray &method, const QUrl &url, const HeaderList &headers,
    const QByteArray &body, int timeoutMs)
{
    SyncReply out;
    QCoreApplication *app = QCoreApplication::instance();
    if (app && app->inherits("QGuiApplication") && QThread::currentThread() == app->thread()) {
        out.errorString = QStringLiteral("blocking HTTP call refused on the GUI thread");
        return out;
    }
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
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
