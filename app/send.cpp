// `send`: one delivery as the platform sends it, with its retry schedule and callback timeout.
#include "commands.h"

#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/delivery/eventcatalogue.h>
#include <kiket/devkit/delivery/sender.h>
#include <kiket/devkit/sandbox/tokenissuer.h>
#include <kiket/http.h>

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QTextStream>

namespace {

kiket::devkit::SendPolicy policyOf(const QCommandLineParser &parser)
{
    kiket::devkit::SendPolicy policy;
    policy.callbackTimeoutMs = parser.value(QStringLiteral("timeout")).toInt();
    policy.retry = parser.isSet(QStringLiteral("retry"));
    policy.timeScale = parser.value(QStringLiteral("time-scale")).toDouble();
    return policy;
}

// Sends with the policy; prints each retried attempt on stderr and the final answer.
int deliver(const QCommandLineParser &parser, const kiket::devkit::SendPolicy &policy,
    const kiket::HttpRequest &request, const QByteArray &secret, QTextStream &out, QTextStream &err)
{
    const QString to = parser.value(QStringLiteral("to"));
    const auto report = [&err](const kiket::devkit::SendAttempt &a) {
        if (a.nextDelayMs >= 0) {
            err << "kiket-workbench: attempt " << a.number << ": "
                << (a.timedOut ? QStringLiteral("no answer within the callback timeout")
                           : a.response.status ? QStringLiteral("HTTP %1").arg(a.response.status)
                                               : QStringLiteral("no connection"))
                << "; retrying in " << a.nextDelayMs << " ms" << Qt::endl;
        }
        return true;
    };
    int code = ExitOk;
    const int copies = parser.isSet(QStringLiteral("twice")) ? 2 : 1;
    for (int copy = 0; copy < copies; ++copy) {
        const auto attempts = kiket::devkit::sendDelivery(to, request, secret, policy, report);
        code = std::max(code, printAnswer(to, request, attempts.last().response, out, err));
    }
    return code;
}

} // namespace

int runSend(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Sends one delivery as the platform would: the catalogue's sample payload "
                       "(or --payload), a runtime\n"
                       "token minted with the folder's sandbox key, api.base_url, HMAC headers."));
    parser.addPositionalArgument(QStringLiteral("event"), QStringLiteral("e.g. issue.created"));
    parser.addOptions({
        { QStringLiteral("version"), QStringLiteral("Event version (default: the sample's)."),
            QStringLiteral("V") },
        { QStringLiteral("payload"),
            QStringLiteral("JSON file with the event data, or - for stdin."),
            QStringLiteral("file") },
        { QStringLiteral("scopes"), QStringLiteral("Scopes of the minted token."),
            QStringLiteral("a,b"), QStringLiteral("*") },
        { QStringLiteral("secret"),
            QStringLiteral("Webhook secret (default: $KIKET_WEBHOOK_SECRET)."),
            QStringLiteral("S") },
        { QStringLiteral("to"), QStringLiteral("The listener's base URL."), QStringLiteral("url"),
            QStringLiteral("http://127.0.0.1:8080") },
        { QStringLiteral("api-base"), QStringLiteral("api.base_url in the payload."),
            QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8090") },
        { QStringLiteral("folder"), QStringLiteral("Extension folder holding the sandbox key."),
            QStringLiteral("dir"), QStringLiteral(".") },
        { QStringLiteral("mode"),
            QStringLiteral("resign (default), verbatim, unsigned, wrong-secret, stale, body-only."),
            QStringLiteral("mode"), QStringLiteral("resign") },
        { QStringLiteral("timeout"), QStringLiteral("Callback timeout, 100–60000 ms."),
            QStringLiteral("ms"), QStringLiteral("5000") },
        { QStringLiteral("retry"),
            QStringLiteral("Retry like the platform: after 30 s, 1 m, 5 m, 30 m, 2 h, 8 h.") },
        { QStringLiteral("time-scale"),
            QStringLiteral("Shrink the retry waits, e.g. 0.001 (8 h becomes 28.8 s)."),
            QStringLiteral("f"), QStringLiteral("1") },
        { QStringLiteral("payload-secret"),
            QStringLiteral("Add KEY=VALUE to the payload's secrets; KEY alone takes "
                           "$KIKET_SECRET_<KEY> (repeatable)."),
            QStringLiteral("key[=value]") },
        { QStringLiteral("twice"),
            QStringLiteral("Send the identical delivery twice (a de-duplication check).") },
    });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    const kiket::devkit::SendPolicy policy = policyOf(parser);
    if (const QString problem = kiket::devkit::validatePolicy(policy); !problem.isEmpty()) {
        err << "kiket-workbench: " << problem << Qt::endl;
        return ExitUsage;
    }
    const QString event = parser.positionalArguments().value(0);
    const auto mode = kiket::devkit::replayModeFromString(parser.value(QStringLiteral("mode")));
    if (event.isEmpty() || !mode) {
        err << "kiket-workbench: send needs an EVENT and a known --mode (see send --help)"
            << Qt::endl;
        return ExitUsage;
    }
    kiket::devkit::DeliverySpec spec;
    spec.event = event;
    spec.version = parser.value(QStringLiteral("version"));
    if (parser.isSet(QStringLiteral("payload"))) {
        QByteArray text;
        if (!readInput(parser.value(QStringLiteral("payload")), &text, err))
            return ExitUsage;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
        if (!doc.isObject()) {
            err << "kiket-workbench: the payload is not a JSON object: " << error.errorString()
                << Qt::endl;
            return ExitUsage;
        }
        spec.payload = doc.object();
    } else {
        const auto catalogue = kiket::devkit::EventCatalogue::builtIn();
        const auto sample = catalogue ? catalogue.value().find(event) : std::nullopt;
        if (!sample) {
            err << "kiket-workbench: no sample payload for " << event << "; give one with --payload"
                << Qt::endl;
            return ExitUsage;
        }
        spec.payload = sample->payload;
        if (spec.version.isEmpty())
            spec.version = sample->version;
    }
    if (spec.version.isEmpty())
        spec.version = QStringLiteral("v1");
    auto issuer = kiket::devkit::TokenIssuer::forFolder(parser.value(QStringLiteral("folder")));
    if (!issuer) {
        err << "kiket-workbench: " << issuer.error().message << Qt::endl;
        return ExitFailed;
    }
    const QByteArray secret = webhookSecret(parser);
    if (secret.isEmpty())
        err << "kiket-workbench: no webhook secret (--secret or KIKET_WEBHOOK_SECRET): sending "
               "unsigned"
            << Qt::endl;
    spec.webhookSecret = secret;
    spec.issuer = &issuer.value();
    spec.grant.scopes
        = parser.value(QStringLiteral("scopes")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    spec.apiBaseUrl = parser.value(QStringLiteral("api-base"));
    for (const QString &item : parser.values(QStringLiteral("payload-secret"))) {
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        const QString key = eq < 0 ? item : item.left(eq);
        const QString variable = QStringLiteral("KIKET_SECRET_") + key.toUpper();
        if (key.isEmpty() || (eq < 0 && !qEnvironmentVariableIsSet(qPrintable(variable)))) {
            err << "kiket-workbench: --payload-secret " << item << ": give KEY=VALUE or set "
                << (key.isEmpty() ? QStringLiteral("KIKET_SECRET_<KEY>") : variable) << Qt::endl;
            return ExitUsage;
        }
        spec.payloadSecrets.insert(
            key, eq < 0 ? qEnvironmentVariable(qPrintable(variable)) : item.mid(eq + 1));
    }
    const kiket::devkit::PreparedDelivery delivery = kiket::devkit::prepareDelivery(spec);
    const kiket::HttpRequest request = *mode == kiket::devkit::ReplayMode::Resign
        ? delivery.request
        : kiket::devkit::prepareReplay(delivery.request, *mode, secret);
    return deliver(parser, policy, request, secret, out, err);
}
