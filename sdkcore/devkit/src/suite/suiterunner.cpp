// Delivery suites: a session of their own, one case at a time.
#include "kiket/devkit/suite/suiterunner.h"

#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/delivery/eventcatalogue.h>
#include <kiket/devkit/sandbox/sandboxplatform.h>

#include <QElapsedTimer>
#include <QMutex>
#include <QRandomGenerator>
#include <QTemporaryDir>

namespace kiket::devkit {

namespace {

std::optional<ReplayMode> replayModeOf(CaseSigning signing)
{
    switch (signing) {
    case CaseSigning::Signed:
        return std::nullopt;
    case CaseSigning::WrongSecret:
        return ReplayMode::WrongSecret;
    case CaseSigning::Unsigned:
        return ReplayMode::Unsigned;
    case CaseSigning::Stale:
        return ReplayMode::Stale;
    case CaseSigning::BodyOnly:
        return ReplayMode::BodyOnly;
    }
    return std::nullopt;
}

// A payload secret's value for a run: $KIKET_SECRET_<KEY> when set, else a stand-in, so a suite
// never depends on values kept on one machine.
QString secretForRun(const QString &key)
{
    const QByteArray variable = secretEnvName(key).toUtf8();
    if (qEnvironmentVariableIsSet(variable.constData()))
        return qEnvironmentVariable(variable.constData());
    return QStringLiteral("suite-value-of-") + key;
}

} // namespace

struct SuiteRunner::Private
{
    std::unique_ptr<QTemporaryDir> state;
    QThread thread; // the session lives here
    QObject *context = nullptr; // on `thread`
    std::unique_ptr<Session> session; // used on `thread`, except the thread-safe parts
    QByteArray secret;
    QString extensionId;
    QString listenerUrl;
    QString sandboxUrl;
    int timeoutMs = 10000;
    std::optional<EventCatalogue> catalogue;

    QMutex mutex;
    QList<Exchange> seen; // captured since the case began; under `mutex`

    void onThread(const std::function<void()> &work)
    {
        QMetaObject::invokeMethod(context, work, Qt::BlockingQueuedConnection);
    }
    Result<bool> waitUntilReady();
    QList<Exchange> takeSeen()
    {
        QMutexLocker lock(&mutex);
        return std::exchange(seen, {});
    }
};

Result<bool> SuiteRunner::Private::waitUntilReady()
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 60000) {
        RunState state = RunState::Ready;
        QString problem;
        onThread([&] {
            if (Runner *runner = session->runner()) {
                state = runner->state();
                problem = runner->lastProblem();
            }
        });
        if (state == RunState::Ready)
            return true;
        if (state == RunState::Crashed || state == RunState::Stopped) {
            QThread::msleep(100); // its last output lines are on their way to the capture hook
            QStringList printed;
            for (const Exchange &e : takeSeen())
                if (e.kind == ExchangeKind::Log)
                    printed << QStringLiteral("  ") + e.note;
            return Error { QStringLiteral("suite.extension"),
                QStringLiteral("the extension did not start: %1%2")
                    .arg(problem,
                        printed.isEmpty() ? QString()
                                          : QStringLiteral("; it printed:\n")
                                + printed.mid(qMax(0, printed.size() - 15)).join('\n')) };
        }
        QThread::msleep(20);
    }
    return Error { QStringLiteral("suite.extension"),
        QStringLiteral("the extension did not answer its health check within 60 s") };
}

SuiteRunner::SuiteRunner()
    : d(std::make_unique<Private>())
{ }

SuiteRunner::~SuiteRunner()
{
    if (d->context) {
        d->onThread([this] { d->session.reset(); });
        d->context->deleteLater();
    }
    d->thread.quit();
    d->thread.wait();
}

Result<std::unique_ptr<SuiteRunner>> SuiteRunner::start(
    const QString &folder, SessionOverrides overrides, Session::MessageHook onMessage)
{
    std::unique_ptr<SuiteRunner> runner(new SuiteRunner);
    Private *d = runner->d.get();
    d->state = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("kiket-suite-XXXXXX")));
    if (!d->state->isValid())
        return Error { QStringLiteral("suite.state"),
            QStringLiteral("cannot create a folder for the run: %1").arg(d->state->errorString()) };
    d->secret = QByteArray::number(QRandomGenerator::system()->generate64(), 16)
        + QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    overrides.stateFolder = d->state->path();
    overrides.deliverySecret = d->secret;
    overrides.keychain = false;
    overrides.watch = false;
    overrides.listenerPort = 0;
    overrides.sandboxPort = 0;
    d->thread.setObjectName(QStringLiteral("kiket-suite"));
    d->thread.start();
    d->context = new QObject;
    d->context->moveToThread(&d->thread);
    Error failure;
    d->onThread([&] {
        auto opened = Session::open(
            folder, overrides,
            [d](const Exchange &e) {
                QMutexLocker lock(&d->mutex);
                d->seen.append(e);
            },
            onMessage);
        if (!opened) {
            failure = opened.error();
            return;
        }
        d->session = std::move(opened).value();
        d->listenerUrl = d->session->listenerUrl();
        d->sandboxUrl = d->session->sandboxUrl();
        const auto config = d->session->currentConfig();
        if (config)
            d->extensionId = config.value().extensionId;
    });
    if (!d->session)
        return failure;
    if (auto ready = d->waitUntilReady(); !ready)
        return ready.error();
    if (auto catalogue = EventCatalogue::builtIn())
        d->catalogue = catalogue.value();
    return runner;
}

QString SuiteRunner::listenerUrl() const
{
    return d->listenerUrl;
}

void SuiteRunner::setTimeoutMs(int ms)
{
    d->timeoutMs = ms;
}

CaseResult SuiteRunner::run(const SuiteCase &testCase, const QString &suite)
{
    CaseResult result;
    result.suite = suite;
    result.testCase = testCase;
    DeliverySpec spec;
    spec.event = testCase.event;
    spec.version = testCase.version;
    if (testCase.payload) {
        spec.payload = *testCase.payload;
    } else if (const auto sample = d->catalogue ? d->catalogue->find(testCase.event) : std::nullopt) {
        spec.payload = sample->payload;
        if (spec.version.isEmpty())
            spec.version = sample->version;
    } else {
        result.error = QStringLiteral("no sample payload for %1: give 'payload' or 'payload_file'")
                           .arg(testCase.event);
        return result;
    }
    if (spec.version.isEmpty())
        spec.version = QStringLiteral("v1");
    spec.webhookSecret = d->secret;
    // Each case starts with the whole rate budget, so a result never depends on the cases before it.
    d->session->sandbox().rateWindow().reset();
    if (testCase.runtimeToken)
        spec.issuer = &d->session->sandbox().issuer();
    spec.grant.scopes = testCase.scopes.value_or(QStringList { QStringLiteral("*") });
    spec.grant.extensionId = d->extensionId;
    spec.apiBaseUrl = d->sandboxUrl;
    for (const QString &key : testCase.secrets)
        spec.payloadSecrets.insert(key, secretForRun(key));
    const PreparedDelivery prepared = prepareDelivery(spec);
    HttpRequest request = prepared.request;
    if (const auto mode = replayModeOf(testCase.signing))
        request = prepareReplay(request, *mode, d->secret);

    d->takeSeen();
    QElapsedTimer clock;
    clock.start();
    CaseOutcome &outcome = result.outcome;
    outcome.response = sendHttp(d->listenerUrl, request, d->timeoutMs);
    outcome.durationMs = clock.nsecsElapsed() / 1e6;
    if (outcome.response.status == 0)
        outcome.transportError = outcome.response.jsonObject().value(QStringLiteral("error")).toString();
    d->session->sandbox().waitIdle(); // every call made before the answer is observed now
    const QString tokenId = tokenIdOf(prepared.runtimeToken);
    for (const Exchange &e : d->takeSeen()) {
        if (e.kind == ExchangeKind::Delivery) {
            outcome.verdict = e.authCause;
        } else if (e.kind == ExchangeKind::Log) {
            result.log.append(e.note);
        } else if (e.kind == ExchangeKind::ApiCall
            && (e.tokenId.isEmpty() || tokenId.isEmpty() || e.tokenId == tokenId)) {
            outcome.apiCalls.append({ e.event, e.method, e.target, e.requestBody, e.status });
        }
    }
    result.failures = evaluateCase(testCase, outcome);
    return result;
}

QList<CaseResult> SuiteRunner::runAll(
    const QList<Suite> &suites, const std::function<void(const CaseResult &)> &each)
{
    QList<CaseResult> results;
    for (const Suite &suite : suites) {
        for (const SuiteCase &c : suite.cases) {
            results.append(run(c, suite.name));
            if (each)
                each(results.last());
        }
    }
    return results;
}

} // namespace kiket::devkit
