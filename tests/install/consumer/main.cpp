// Registers a handler and dispatches one signed delivery in-process; exit 0 when answered 200.
#include <kiket/kiket.h>
#include <kiket/testing.h>

#include <QCoreApplication>
#include <QTextStream>

void registerOutOfTree(kiket::Sdk &sdk);

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    kiket::SdkOptions options;
    options.webhookSecret = QStringLiteral("test-secret");
    options.extensionId = QStringLiteral("com.example.outoftree");
    options.telemetryEnabled = false;
    options.manifestFolder = QCoreApplication::applicationDirPath();
    kiket::Sdk sdk(options);
    sdk.webhook("issue.created", "v1")
        = [](const QJsonObject &payload, kiket::Context &) -> QJsonValue {
        return QJsonObject { { "processed", payload["issue"]["id"] } };
    };
    const kiket::HttpResponse r
        = sdk.dispatch(kiket::testing::DeliveryBuilder("issue.created", "1")
                           .payload({ { "issue", QJsonObject { { "id", "123" } } } })
                           .secret("test-secret")
                           .request());
    QTextStream(stdout) << r.status << ' ' << r.body << Qt::endl;
    return r.status == 200 && r.body == R"({"processed":"123"})" ? 0 : 1;
}
