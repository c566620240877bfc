#include "kiket/devkit/session.h"

#include <kiket/devkit/listener/listener.h>
#include <kiket/devkit/sandbox/sandboxplatform.h>

#include <QFileInfo>
#include <QProcess>

namespace kiket::devkit {

namespace {

Exchange logExchange(const LogLine &line)
{
    Exchange e;
    e.kind = ExchangeKind::Log;
    e.started = e.finished = line.at;
    e.event = line.fromStderr ? QStringLiteral("stderr") : QStringLiteral("stdout");
    e.note = line.text;
    return e;
}

// Runs the build steps one after the other; their output goes to the message hook.
Result<bool> build(const FolderConfig &config, const Session::MessageHook &say)
{
    for (const QStringList &step : config.build) {
        if (say)
            say(QStringLiteral("building: %1").arg(step.join(QLatin1Char(' '))));
        QProcess p;
        p.setWorkingDirectory(config.workingDir);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(step.first(), step.mid(1));
        if (!p.waitForStarted())
            return Error { QStringLiteral("build.start"),
                QStringLiteral("Cannot run %1: %2").arg(step.first(), p.errorString()) };
        while (!p.waitForFinished(200)) {
            if (p.state() == QProcess::NotRunning)
                break;
        }
        const QByteArray output = p.readAll();
        if (say) {
            for (const QByteArray &line : output.split('\n'))
                if (!line.trimmed().isEmpty())
                    say(QString::fromUtf8(line));
        }
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            return Error { QStringLiteral("build.failed"),
                QStringLiteral("The build step '%1' failed (exit code %2)")
                    .arg(step.join(QLatin1Char(' ')))
                    .arg(p.exitCode()) };
    }
    return true;
}

} // namespace

QMap<QString, QString> extensionEnvironment(const QString &sandboxUrl, const QString &webhookSecret,
    const QString &workspaceToken, const QMap<QString, QString> &secrets)
{
    QMap<QString, QString> env;
    env.insert(QStringLiteral("KIKET_BASE_URL"), sandboxUrl);
    env.insert(QStringLiteral("KIKET_SDK_TELEMETRY_URL"),
        sandboxUrl + QStringLiteral("/api/v1/ext/telemetry"));
    if (!webhookSecret.isEmpty())
        env.insert(QStringLiteral("KIKET_WEBHOOK_SECRET"), webhookSecret);
    if (!workspaceToken.isEmpty())
        env.insert(QStringLiteral("KIKET_WORKSPACE_TOKEN"), workspaceToken);
    for (auto it = secrets.begin(); it != secrets.end(); ++it)
        env.insert(secretEnvName(it.key()), it.value());
    return env;
}

struct Session::Private
{
    FolderConfig config;
    std::unique_ptr<CaptureWriter> captures;
    std::unique_ptr<SandboxPlatform> sandbox;
    std::unique_ptr<Runner> runner;
    std::unique_ptr<Listener> listener;
    CaptureHook onCaptured;
    MessageHook onMessage;
    SdkOptions listenerOptions; // what the listener's SDK and the extension's environment use
    std::unique_ptr<LocalSecrets> secrets;
    QList<QByteArray> rotating; // old delivery secrets still accepted (a rotation drill)
    QByteArray fixedDeliverySecret; // SessionOverrides::deliverySecret
    bool watch = true;

    // The listener's options with the local values applied.
    SdkOptions withSecrets(SdkOptions options) const
    {
        options.rotatingWebhookSecrets = rotating;
        options.webhookSecret.reset(); // only a local value sets it
        options.environment = QProcessEnvironment::systemEnvironment();
        const QMap<QString, QString> values = secrets->values();
        for (auto it = values.begin(); it != values.end(); ++it) {
            if (it.key() == kDeliverySecretKey)
                options.webhookSecret = it.value();
            else
                options.environment.insert(secretEnvName(it.key()), it.value());
        }
        if (!fixedDeliverySecret.isEmpty())
            options.webhookSecret = QString::fromUtf8(fixedDeliverySecret);
        return options;
    }

    void store(Exchange e)
    {
        const auto id = captures->append(e);
        e.id = id ? id.value() : 0;
        if (onCaptured)
            onCaptured(e);
    }
    void say(const QString &message) const
    {
        if (onMessage)
            onMessage(message);
    }
    // KIKET_SECRET_* of the workbench's own environment pass through as well.
    QMap<QString, QString> runnerEnvironment(const Config &resolved) const
    {
        QMap<QString, QString> local = secrets->values();
        local.remove(kDeliverySecretKey);
        QMap<QString, QString> env = extensionEnvironment(
            sandbox->baseUrl(), resolved.webhookSecret, resolved.workspaceToken, local);
        env.insert(config.env);
        return env;
    }
    Result<bool> startTarget(
        const SdkOptions &options, const SessionOverrides &overrides, const Config &resolved);
};

Result<bool> Session::Private::startTarget(
    const SdkOptions &options, const SessionOverrides &overrides, const Config &resolved)
{
    const QString host = QStringLiteral("127.0.0.1");
    const auto port = quint16(config.listenerPort);
    const auto hook = [this](const Exchange &e) {
        if (onCaptured)
            onCaptured(e);
    };
    Result<std::unique_ptr<Listener>> started = Error {};
    if (config.handler == HandlerKind::InProcess) {
        if (overrides.plugin.isEmpty()) {
            auto built = build(config, onMessage);
            if (!built)
                return built;
        }
        auto plugin = ExtensionPlugin::load(config.plugin);
        if (!plugin)
            return plugin.error();
        started = Listener::start(options, plugin.value(), *captures, host, port, hook);
    } else if (config.handler == HandlerKind::Canned) {
        started = Listener::startCanned(options, config.canned, *captures, host, port, hook);
    } else {
        RunnerOptions r;
        r.command = config.command;
        r.workingDir = config.workingDir;
        r.port = config.port;
        r.env = runnerEnvironment(resolved);
        r.healthPath = config.healthPath;
        r.watchFolder = watch ? config.workingDir : QString();
        runner = std::make_unique<Runner>(r);
        QObject::connect(runner.get(), &Runner::logLine, runner.get(),
            [this](const LogLine &line) { store(logExchange(line)); });
        QObject::connect(runner.get(), &Runner::stateChanged, runner.get(),
            [this](RunState state, const QString &detail) {
                say(QStringLiteral("extension %1: %2").arg(runStateName(state), detail));
            });
        runner->start();
        started
            = Listener::startForward(options, quint16(runner->port()), *captures, host, port, hook,
                config.canned);
    }
    if (!started)
        return started.error();
    listener = std::move(started).value();
    if (config.handler == HandlerKind::InProcess && watch) {
        listener->watchModule([this](const Result<bool> &reloaded) {
            say(reloaded ? QStringLiteral("reloaded %1").arg(listener->pluginPath())
                         : QStringLiteral("reload failed, the previous build keeps running: %1")
                               .arg(reloaded.error().message));
        });
    }
    return true;
}

Session::Session()
    : d(std::make_unique<Private>())
{ }

Session::~Session()
{
    d->listener.reset(); // no delivery in flight after this
    d->runner.reset(); // the extension and everything it started
    d->sandbox.reset();
}

Result<std::unique_ptr<Session>> Session::open(const QString &folder,
    const SessionOverrides &overrides, CaptureHook onCaptured, MessageHook onMessage)
{
    auto loaded = loadFolderConfig(folder);
    if (!loaded)
        return loaded.error();
    std::unique_ptr<Session> session(new Session);
    Private *d = session->d.get();
    d->onCaptured = std::move(onCaptured);
    d->onMessage = std::move(onMessage);
    FolderConfig &config = d->config = loaded.value();
    if (!overrides.plugin.isEmpty()) {
        config.plugin = QFileInfo(overrides.plugin).absoluteFilePath();
        config.handler = HandlerKind::InProcess;
    }
    if (overrides.handler)
        config.handler = *overrides.handler;
    if (overrides.listenerPort)
        config.listenerPort = *overrides.listenerPort;
    if (overrides.sandboxPort)
        config.sandboxPort = *overrides.sandboxPort;
    if (!overrides.auth.isEmpty())
        config.auth = overrides.auth;
    d->say(QStringLiteral("detected %1%2; handler %3%4")
               .arg(config.detected,
                   config.fromFile ? QStringLiteral(", overridden by .kiket/workbench.yaml")
                                   : QString(),
                   handlerKindName(config.handler),
                   config.handler == HandlerKind::Forward && !config.command.isEmpty()
                       ? QStringLiteral(": ") + config.command.join(QLatin1Char(' '))
                       : QString()));
    // What the handler needs, checked before anything is created in the folder.
    if (config.handler == HandlerKind::InProcess && config.plugin.isEmpty())
        return Error { QStringLiteral("session.plugin"),
            QStringLiteral("No plugin to load: set 'plugin' in .kiket/workbench.yaml or give one "
                           "with --plugin (%1)")
                .arg(config.detected) };
    if (config.handler == HandlerKind::Forward && config.command.isEmpty())
        return Error { QStringLiteral("session.command"),
            QStringLiteral("No command starts this extension: set 'command' in "
                           ".kiket/workbench.yaml (%1)")
                .arg(config.detected) };

    d->fixedDeliverySecret = overrides.deliverySecret;
    d->watch = overrides.watch;
    const QString state = overrides.stateFolder.isEmpty() ? config.folder : overrides.stateFolder;
    auto secrets = LocalSecrets::open(state, overrides.keychain);
    if (!secrets)
        return secrets.error();
    d->secrets = std::move(secrets).value();
    SdkOptions sdkOptions;
    sdkOptions.manifestFolder = config.folder;
    sdkOptions.authMode = authModeFromString(config.auth).value_or(AuthMode::Auto);
    sdkOptions = d->withSecrets(sdkOptions);
    auto resolved = resolveConfig(sdkOptions);
    if (!resolved)
        return resolved.error();
    auto captures = CaptureWriter::open(state, overrides.retention);
    if (!captures)
        return captures.error();
    d->captures = std::move(captures).value();
    if (!d->captures->warning().isEmpty())
        d->say(d->captures->warning());

    SandboxOptions sandboxOptions;
    sandboxOptions.folder = config.folder;
    sandboxOptions.stateFolder = overrides.stateFolder;
    sandboxOptions.port = quint16(config.sandboxPort);
    sandboxOptions.extensionId = resolved.value().extensionId;
    sandboxOptions.extensionVersion = resolved.value().extensionVersion;
    sandboxOptions.workspaceToken = resolved.value().workspaceToken;
    sandboxOptions.rateLimit = overrides.rateLimit;
    sandboxOptions.rateWindowSeconds = overrides.rateWindowSeconds;
    auto sandbox = SandboxPlatform::start(sandboxOptions);
    if (!sandbox)
        return Error { sandbox.error().code,
            QStringLiteral("sandbox: %1").arg(sandbox.error().toString()) };
    d->sandbox = std::move(sandbox).value();
    if (!d->sandbox->warning().isEmpty())
        d->say(d->sandbox->warning());
    d->sandbox->setObserver([d](const SandboxCall &call) { d->store(apiCallExchange(call)); });

    SdkOptions listenerOptions = sdkOptions;
    listenerOptions.baseUrl = d->sandbox->baseUrl();
    listenerOptions.trustedBaseUrls = { d->sandbox->baseUrl() };
    listenerOptions.telemetryUrl = d->sandbox->baseUrl() + QStringLiteral("/api/v1/ext/telemetry");
    d->listenerOptions = listenerOptions;
    auto target = d->startTarget(listenerOptions, overrides, resolved.value());
    if (!target)
        return Error { target.error().code,
            QStringLiteral("listener: %1").arg(target.error().toString()) };
    return session;
}

QString Session::manifestPath() const
{
    return findManifest(d->config.folder);
}

Result<bool> Session::reloadConfiguration()
{
    d->listenerOptions = d->withSecrets(d->listenerOptions);
    auto resolved = resolveConfig(d->listenerOptions);
    if (!resolved)
        return resolved.error();
    d->listener->setOptions(d->listenerOptions);
    Result<bool> applied = true;
    switch (d->listener->handlerKind()) {
    case HandlerKind::InProcess:
        applied = d->listener->reload();
        break;
    case HandlerKind::Canned:
        applied = d->listener->useCanned(d->config.canned);
        break;
    case HandlerKind::Forward:
        if (d->runner) {
            d->runner->setEnvironment(d->runnerEnvironment(resolved.value()));
            d->runner->restart();
            applied = d->listener->useForward(quint16(d->runner->port()), 5000, d->config.canned);
        }
        break;
    }
    if (applied)
        d->say(QStringLiteral("configuration reloaded from %1").arg(manifestPath()));
    return applied;
}

LocalSecrets &Session::localSecrets()
{
    return *d->secrets;
}

Result<Config> Session::currentConfig() const
{
    return resolveConfig(d->withSecrets(d->listenerOptions));
}

QByteArray Session::deliverySecret() const
{
    const auto resolved = currentConfig();
    return resolved ? resolved.value().webhookSecret.toUtf8() : QByteArray();
}

Result<bool> Session::rotateDeliverySecret(const QString &newValue)
{
    const QByteArray old = deliverySecret();
    auto stored = d->secrets->set(kDeliverySecretKey, newValue);
    if (!stored)
        return stored;
    if (!old.isEmpty() && old != newValue.toUtf8() && !d->rotating.contains(old))
        d->rotating.append(old);
    return reloadConfiguration();
}

Result<bool> Session::endRotation()
{
    d->rotating.clear();
    return reloadConfiguration();
}

bool Session::rotationInProgress() const
{
    return !d->rotating.isEmpty();
}

const FolderConfig &Session::config() const
{
    return d->config;
}

QString Session::listenerUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(d->listener->port());
}

QString Session::sandboxUrl() const
{
    return d->sandbox->baseUrl();
}

CaptureWriter &Session::captures()
{
    return *d->captures;
}

Listener &Session::listener()
{
    return *d->listener;
}

SandboxPlatform &Session::sandbox()
{
    return *d->sandbox;
}

Runner *Session::runner()
{
    return d->runner.get();
}

} // namespace kiket::devkit
