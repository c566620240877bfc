// A workbench session on a scratch copy of the example folder, for the window tests.
#pragma once

#include "trafficmodel.h"

#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/sandbox/sandboxplatform.h>
#include <kiket/devkit/session.h>

#include <QCoreApplication>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>

#include <future>

namespace kiket::ui::testing {

// The window's QSettings go to this folder, never the user's configuration.
inline void keepSettingsIn(const QTemporaryDir &folder)
{
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(folder.path()));
    QCoreApplication::setOrganizationName(QStringLiteral("KiketTest"));
}

// A session on a copy of the example folder with the example plugin in-process.
struct Fixture
{
    explicit Fixture(int rateWindowSeconds = 60)
        : session(open(rateWindowSeconds))
    { }
    QTemporaryDir folder;
    TrafficModel traffic;
    Result<std::unique_ptr<devkit::Session>> session;

    Result<std::unique_ptr<devkit::Session>> open(int rateWindowSeconds)
    {
        QFile::copy(QStringLiteral(EXAMPLE_MANIFEST), folder.filePath("extension.yaml"));
        qputenv("KIKET_WEBHOOK_SECRET", "window-secret");
        devkit::SessionOverrides o;
        o.plugin = QStringLiteral(HELLO_PLUGIN);
        o.listenerPort = 0;
        o.sandboxPort = 0;
        o.rateWindowSeconds = rateWindowSeconds;
        o.keychain = false; // local values in the folder's 0600 file
        return devkit::Session::open(folder.path(), o, [this](const devkit::Exchange &e) {
            if (e.kind != devkit::ExchangeKind::Log)
                traffic.add(devkit::summaryOf(e));
        });
    }
    QString problem() const { return session.ok() ? QString() : session.error().toString(); }
    // Sends a delivery signed with the secret from another thread (the listener answers on this
    // one) and gives its status.
    int sendSignedWith(const QByteArray &secret, const QJsonObject &payloadSecrets = {}) const
    {
        devkit::Session *s = session.value().get();
        devkit::DeliverySpec spec;
        spec.issuer = &s->sandbox().issuer();
        spec.apiBaseUrl = s->sandboxUrl();
        spec.grant.scopes = { QStringLiteral("*") };
        spec.event = QStringLiteral("issue.created");
        spec.version = QStringLiteral("v1");
        spec.payload = QJsonObject { { "issue", QJsonObject { { "id", "1" } } } };
        spec.webhookSecret = secret;
        spec.payloadSecrets = payloadSecrets;
        const HttpRequest request = devkit::prepareDelivery(spec).request;
        const QString to = s->listenerUrl();
        auto status = std::async(
            std::launch::async, [to, request] { return sendHttp(to, request, 10000).status; });
        while (status.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready)
            QCoreApplication::processEvents();
        return status.get();
    }
    int count(devkit::ExchangeKind kind, int status = -1) const
    {
        int n = 0;
        for (int row = 0; row < traffic.rowCount(); ++row) {
            const auto &s = traffic.summaryAt(row);
            n += s.kind == kind && (status < 0 || s.status == status) ? 1 : 0;
        }
        return n;
    }
};

} // namespace kiket::ui::testing
