#include "commands.h"

#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/delivery/eventcatalogue.h>
#include <kiket/devkit/sandbox/tokenissuer.h>
#include <kiket/hmac.h>
#include <kiket/http.h>
#include <kiket/jwt.h>

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

// Reads a file, or standard input for "-" or no name.
bool readInput(const QString &name, QByteArray *data, QTextStream &err)
{
    QFile file;
    const bool stdinInput = name.isEmpty() || name == QLatin1String("-");
    const bool opened = stdinInput ? file.open(stdin, QIODevice::ReadOnly)
                                   : (file.setFileName(name), file.open(QIODevice::ReadOnly));
    if (!opened) {
        err << "kiket-workbench: cannot read "
            << (stdinInput ? QStringLiteral("standard input") : name) << ": " << file.errorString()
            << Qt::endl;
        return false;
    }
    *data = file.readAll();
    return true;
}

bool parse(QCommandLineParser &parser, const QStringList &arguments, QTextStream &out,
    QTextStream &err, int *exitCode)
{
    const QCommandLineOption help(
        { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments)) {
        err << "kiket-workbench: " << parser.errorText() << Qt::endl;
        *exitCode = ExitUsage;
        return false;
    }
    if (parser.isSet(help)) {
        out << parser.helpText();
        *exitCode = ExitOk;
        return false;
    }
    return true;
}

QByteArray webhookSecret(const QCommandLineParser &parser)
{
    // The environment keeps the secret out of the process list.
    return (parser.isSet(QStringLiteral("secret")) ? parser.value(QStringLiteral("secret"))
                                                   : qEnvironmentVariable("KIKET_WEBHOOK_SECRET"))
        .toUtf8();
}

int printAnswer(const QString &to, const kiket::HttpRequest &request,
    const kiket::HttpResponse &response, QTextStream &out, QTextStream &err)
{
    if (response.status == 0) {
        err << "kiket-workbench: " << to << " did not answer: "
            << response.jsonObject().value(QStringLiteral("error")).toString() << Qt::endl;
        return ExitFailed;
    }
    out << "HTTP " << response.status << ' ' << kiket::reasonPhrase(response.status) << "  "
        << request.header("x-kiket-delivery") << '\n'
        << response.body << Qt::endl;
    return response.status >= 200 && response.status < 300 ? ExitOk : ExitFailed;
}

int runVerify(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Checks a delivery's HMAC signature and explains the verdict."));
    parser.addOptions({ { QStringLiteral("secret"),
                            QStringLiteral("The webhook secret (default: $KIKET_WEBHOOK_SECRET)."),
                            QStringLiteral("S") },
        { QStringLiteral("timestamp"), QStringLiteral("X-Kiket-Timestamp as sent."),
            QStringLiteral("T") },
        { QStringLiteral("signature"), QStringLiteral("X-Kiket-Signature as sent."),
            QStringLiteral("X") },
        { QStringLiteral("now"), QStringLiteral("Check as if it were this unix time."),
            QStringLiteral("T") } });
    parser.addPositionalArgument(
        QStringLiteral("body"), QStringLiteral("File with the raw body, or - for stdin."));
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    const QByteArray secret = webhookSecret(parser);
    if (secret.isEmpty() || !parser.isSet(QStringLiteral("signature"))
        || !parser.isSet(QStringLiteral("timestamp"))) {
        err << "kiket-workbench: verify needs --timestamp, --signature and a secret (--secret or "
               "KIKET_WEBHOOK_SECRET)"
            << Qt::endl;
        return ExitUsage;
    }
    kiket::HmacInput in;
    if (!readInput(parser.positionalArguments().value(0), &in.body, err))
        return ExitUsage;
    in.secret = secret;
    in.signatureHeaders = { parser.value(QStringLiteral("signature")).toUtf8() };
    in.timestampHeaders = { parser.value(QStringLiteral("timestamp")).toUtf8() };
    if (parser.isSet(QStringLiteral("now")))
        in.now = parser.value(QStringLiteral("now")).toLongLong();
    const kiket::HmacVerdict v = kiket::verifyHmac(in);
    out << v.causeName() << ": " << v.explanation() << Qt::endl;
    return v.ok() ? ExitOk : ExitFailed;
}

using TokenGrantDefaults = kiket::devkit::TokenGrant;

int runToken(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    const QString action = arguments.value(1);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("token mint: a runtime token signed with the folder's sandbox key.\n"
                       "token decode: the header and claims of a token, unverified."));
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("mint or decode"));
    parser.addOptions({ { QStringLiteral("scopes"), QStringLiteral("Comma-separated scopes."),
                            QStringLiteral("a,b"), QStringLiteral("*") },
        { QStringLiteral("folder"), QStringLiteral("Extension folder holding the key."),
            QStringLiteral("dir"), QStringLiteral(".") },
        { QStringLiteral("extension"), QStringLiteral("ext_id claim."), QStringLiteral("id") },
        { QStringLiteral("org"), QStringLiteral("org_id claim."), QStringLiteral("id"),
            TokenGrantDefaults().organizationId },
        { QStringLiteral("project"), QStringLiteral("proj_id claim."), QStringLiteral("id"),
            TokenGrantDefaults().projectId },
        { QStringLiteral("lifetime"), QStringLiteral("Seconds until it expires."),
            QStringLiteral("s"), QStringLiteral("900") } });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    if (action == QLatin1String("mint")) {
        auto issuer = kiket::devkit::TokenIssuer::forFolder(parser.value(QStringLiteral("folder")));
        if (!issuer) {
            err << "kiket-workbench: " << issuer.error().message << Qt::endl;
            return ExitFailed;
        }
        kiket::devkit::TokenGrant grant;
        grant.scopes
            = parser.value(QStringLiteral("scopes")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        grant.extensionId = parser.value(QStringLiteral("extension"));
        grant.organizationId = parser.value(QStringLiteral("org"));
        grant.projectId = parser.value(QStringLiteral("project"));
        grant.lifetimeSeconds = parser.value(QStringLiteral("lifetime")).toInt();
        out << issuer.value().mint(grant) << Qt::endl;
        return ExitOk;
    }
    if (action == QLatin1String("decode")) {
        QByteArray token = parser.positionalArguments().value(1).toLatin1();
        if (token.isEmpty() || token == "-") {
            if (!readInput({}, &token, err))
                return ExitUsage;
        }
        auto decoded = kiket::decodeJwt(token.trimmed());
        if (!decoded) {
            err << "kiket-workbench: not a JWT: " << decoded.error().message << Qt::endl;
            return ExitFailed;
        }
        const QJsonObject both { { QStringLiteral("header"), decoded.value().header },
            { QStringLiteral("claims"), decoded.value().claims } };
        out << QJsonDocument(both).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    err << "kiket-workbench: token needs 'mint' or 'decode' (see token --help)" << Qt::endl;
    return ExitUsage;
}
