#include "localplatform.h"

#include <QJsonArray>
#include <QTextStream>

using kiket::HttpRequest;
using kiket::HttpResponse;

LocalPlatform::LocalPlatform()
{
    m_platform.setAnswer([](const HttpRequest &request) {
        const QByteArray path = request.path();
        // Secret values never reach the terminal.
        const QByteArray shown = path.contains("/secrets") ? QByteArray("[body hidden: secrets]")
                                                           : request.body.left(200);
        QTextStream(stderr) << "local platform: " << request.method << ' ' << request.target << ' '
                            << shown << Qt::endl;
        if (path == "/api/v1/ext/rate_limit")
            return HttpResponse::json(200,
                { { "rate_limit",
                    QJsonObject { { "limit", 100 }, { "remaining", 42 }, { "window_seconds", 60 },
                        { "reset_in", 30 } } } });
        if (path.startsWith("/api/v1/ext/custom_data/") && request.method == "GET")
            return HttpResponse::json(200, { { "data", QJsonArray {} } });
        if (path.startsWith("/api/v1/ext/custom_data/"))
            return HttpResponse::json(200, { { "data", QJsonObject { { "id", "rec-1" } } } });
        if (path == "/api/v1/ext/sla/events")
            return HttpResponse::json(200, { { "data", QJsonArray {} } });
        return HttpResponse::json(200, {});
    });
}
