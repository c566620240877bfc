// Holds a Runner for the given command and prints "<extension pid> <child pid>" once it is ready
// (the child comes from the tiny extension's /spawn). The test then kills this process.
#include <kiket/devkit/runner/runner.h>
#include <kiket/http.h>

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    kiket::devkit::RunnerOptions options;
    options.command = app.arguments().mid(1);
    kiket::devkit::Runner runner(options);
    QObject::connect(&runner, &kiket::devkit::Runner::stateChanged, &app,
        [&runner](kiket::devkit::RunState state) {
            if (state != kiket::devkit::RunState::Ready)
                return;
            const QByteArray child = kiket::sendHttp(
                QStringLiteral("http://127.0.0.1:%1").arg(runner.port()),
                { "GET", "/spawn", {}, {},
                    {} }).body;
            QTextStream(stdout) << runner.processId() << ' ' << child << Qt::endl;
        });
    runner.start();
    return app.exec();
}
