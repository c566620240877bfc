#pragma once

#include "kiket/httpserver.h"
#include "kiket/sdk.h"
#include "workerpool.h"

#include <QAtomicInt>
#include <QReadWriteLock>
#include <QThread>

namespace kiket {

struct RegisteredHandler
{
    Handler handler;
    QStringList requiredScopes;
};

struct Sdk::Private
{
    SdkOptions options;
    Config config;
    std::optional<Error> configError;
    mutable QReadWriteLock lock;
    QHash<QPair<QString, QString>, RegisteredHandler> handlers;
    QStringList events;
    std::unique_ptr<Telemetry> telemetry;
    std::shared_ptr<JwksCache> jwks;
    std::unique_ptr<TokenVerifier> verifier;
    std::function<void(const HttpRequest &, const DeliveryOutcome &)> observer;
    RefusalObserver refusalObserver;

    WorkerPool *pool = nullptr; ///< Lives on the server thread while serving.
    QAtomicInt queued = 0;
    QThread serverThread;
    HttpServer *server = nullptr;
    quint16 port = 0;

    std::optional<RegisteredHandler> find(
        const QString &event, const QString &version, QString *registered) const;
};

/// The alternate spelling of a version: "1" ↔ "v1"; empty when there is none.
QString alternateVersion(const QString &version);

} // namespace kiket
