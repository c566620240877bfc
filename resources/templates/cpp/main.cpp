// {{name}} as a server of its own, on 127.0.0.1:$PORT (default 8080), with the manifest of the
// working folder.
#include <kiket/kiket.h>

#include <QCoreApplication>

void registerHandlers(kiket::Sdk &sdk);

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    kiket::SdkOptions options;
    options.manifestFolder = QStringLiteral(".");
    kiket::Sdk sdk(options);
    if (sdk.configurationError()) {
        qCritical("%s", qPrintable(sdk.configurationError()->toString()));
        return 1;
    }
    registerHandlers(sdk);
    bool ok = false;
    const int port = qEnvironmentVariableIntValue("PORT", &ok);
    return sdk.run(QStringLiteral("127.0.0.1"), quint16(ok ? port : 8080));
}
