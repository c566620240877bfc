// Commands that work on a folder's captured history: replay, export, diff.
#include "commands.h"

#include <kiket/devkit/capture/capturestore.h>
#include <kiket/devkit/delivery/delivery.h>
#include <kiket/devkit/capture/diff.h>
#include <kiket/devkit/capture/export.h>

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

using namespace kiket::devkit;

namespace {

const QCommandLineOption kFolder(QStringLiteral("folder"),
    QStringLiteral("Extension folder whose history to use (default: .)."), QStringLiteral("dir"),
    QStringLiteral("."));

std::unique_ptr<CaptureStore> openStore(const QCommandLineParser &parser, QTextStream &err)
{
    auto store = CaptureStore::open(parser.value(kFolder));
    if (!store) {
        err << "kiket-workbench: " << store.error().message << Qt::endl;
        return nullptr;
    }
    if (!store.value()->warning().isEmpty())
        err << "kiket-workbench: " << store.value()->warning() << Qt::endl;
    return std::move(store).value();
}

// The exchange with the id given as text, or an error on err.
std::optional<Exchange> findExchange(const CaptureStore &store, const QString &id, QTextStream &err)
{
    bool number = false;
    const qint64 value = id.toLongLong(&number);
    const auto found = number ? store.find(value) : std::nullopt;
    if (!found)
        err << "kiket-workbench: no exchange '" << id << "' in " << store.path() << Qt::endl;
    return found;
}

QString shown(const QJsonValue &value, bool secret)
{
    if (secret)
        return QStringLiteral("[redacted]");
    if (value.isUndefined())
        return QStringLiteral("(none)");
    return QString::fromUtf8(
        QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact).mid(1).chopped(1));
}

void printHeaders(
    QTextStream &out, const char *title, const QList<HeaderRow> &rows, bool reveal, bool *differs)
{
    for (const HeaderRow &row : rows) {
        if (row.same())
            continue;
        *differs = true;
        const bool secret = !reveal && isSecretHeader(row.name);
        const auto values = [secret](const QList<QByteArray> &list) {
            return list.isEmpty() ? QStringLiteral("(none)")
                : secret          ? QStringLiteral("[redacted]")
                                  : QString::fromLatin1(list.join(", "));
        };
        out << title << " header " << row.name << ": " << values(row.left) << " -> "
            << values(row.right) << '\n';
    }
}

void printBody(QTextStream &out, const char *title, const BodyDiff &body, bool secretsEndpoint,
    bool reveal, bool *differs)
{
    if (body.equal)
        return;
    *differs = true;
    if (!body.json) {
        out << title << " body: the bytes differ (not JSON on both sides)\n";
        return;
    }
    static const char *const kinds[] = { "+", "-", "~" };
    for (const JsonChange &c : body.changes) {
        const bool secret = !reveal && isSecretJsonPath(c.path, secretsEndpoint);
        out << title << " body " << kinds[c.kind] << ' ' << (c.path.isEmpty() ? "." : c.path)
            << ": " << shown(c.before, secret) << " -> " << shown(c.after, secret) << '\n';
    }
}

} // namespace

int runReplay(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Sends a captured delivery again. The listener links the new capture to the old one."));
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The captured delivery."));
    parser.addOptions({ kFolder,
        { QStringLiteral("mode"),
            QStringLiteral("resign (default), verbatim, unsigned, wrong-secret, stale, body-only."),
            QStringLiteral("mode"), QStringLiteral("resign") },
        { QStringLiteral("secret"),
            QStringLiteral("Webhook secret (default: $KIKET_WEBHOOK_SECRET)."),
            QStringLiteral("S") },
        { QStringLiteral("to"), QStringLiteral("The listener's base URL."), QStringLiteral("url"),
            QStringLiteral("http://127.0.0.1:8080") },
        { QStringLiteral("body"),
            QStringLiteral("Send this JSON body instead (an edited copy; - for stdin)."),
            QStringLiteral("file") } });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    const auto mode = replayModeFromString(parser.value(QStringLiteral("mode")));
    if (parser.positionalArguments().size() != 1 || !mode) {
        err << "kiket-workbench: replay needs one ID and a known --mode (see replay --help)"
            << Qt::endl;
        return ExitUsage;
    }
    const QByteArray secret = webhookSecret(parser);
    const bool needsSecret = *mode == ReplayMode::Resign || *mode == ReplayMode::Stale
        || *mode == ReplayMode::BodyOnly;
    if (needsSecret && secret.isEmpty()) {
        err << "kiket-workbench: --mode " << replayModeName(*mode)
            << " signs the delivery: give --secret or KIKET_WEBHOOK_SECRET" << Qt::endl;
        return ExitUsage;
    }
    const auto store = openStore(parser, err);
    if (!store)
        return ExitFailed;
    const auto original = findExchange(*store, parser.positionalArguments().first(), err);
    if (!original)
        return ExitFailed;
    if (original->kind != ExchangeKind::Delivery) {
        err << "kiket-workbench: exchange " << original->id << " is "
            << exchangeKindName(original->kind) << ", not a delivery" << Qt::endl;
        return ExitFailed;
    }
    kiket::HttpRequest edited = requestOf(*original);
    if (parser.isSet(QStringLiteral("body"))) {
        if (!readInput(parser.value(QStringLiteral("body")), &edited.body, err))
            return ExitUsage;
        QJsonParseError error;
        if (!QJsonDocument::fromJson(edited.body, &error).isObject()) {
            err << "kiket-workbench: the body is not a JSON object: " << error.errorString()
                << " at offset " << error.offset << Qt::endl;
            return ExitUsage;
        }
    }
    kiket::HttpRequest request = prepareReplay(edited, *mode, secret);
    request.headers.append({ kReplayOfHeaderName, QByteArray::number(original->id) });
    const QString to = parser.value(QStringLiteral("to"));
    const kiket::HttpResponse response = kiket::sendHttp(to, request);
    return printAnswer(to, request, response, out, err);
}

int runExport(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes captured exchanges to FILE (- for stdout). Secrets are redacted unless "
        "--reveal-secrets."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("Output file, or -."));
    parser.addOptions({ kFolder, { QStringLiteral("har"), QStringLiteral("HAR 1.2.") },
        { QStringLiteral("ndjson"), QStringLiteral("One JSON object per line.") },
        { QStringLiteral("curl"), QStringLiteral("A curl command (one --id).") },
        { QStringLiteral("fixture"), QStringLiteral("A catalogue sample (one --id).") },
        { QStringLiteral("id"), QStringLiteral("An exchange to export (repeatable; default: all)."),
            QStringLiteral("id") },
        { QStringLiteral("last"), QStringLiteral("Only the latest N exchanges."),
            QStringLiteral("n") },
        { QStringLiteral("reveal-secrets"),
            QStringLiteral("Keep signatures, tokens and secret values.") },
        { QStringLiteral("base-url"),
            QStringLiteral("Scheme and host for URLs (default: http:// and the Host each request "
                           "was sent to)."),
            QStringLiteral("url") } });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    QStringList formats;
    for (const char *f : { "har", "ndjson", "curl", "fixture" }) {
        if (parser.isSet(QLatin1String(f)))
            formats << QLatin1String(f);
    }
    const QStringList ids = parser.values(QStringLiteral("id"));
    const bool single = formats == QStringList { QStringLiteral("curl") }
        || formats == QStringList { QStringLiteral("fixture") };
    if (formats.size() != 1 || parser.positionalArguments().size() != 1
        || (single && ids.size() != 1)) {
        err << "kiket-workbench: export needs FILE and one of --har, --ndjson, --curl, --fixture "
               "(--curl and --fixture with one --id)"
            << Qt::endl;
        return ExitUsage;
    }
    const auto store = openStore(parser, err);
    if (!store)
        return ExitFailed;
    QList<Exchange> exchanges;
    for (const QString &id : ids) {
        const auto found = findExchange(*store, id, err);
        if (!found)
            return ExitFailed;
        exchanges.append(*found);
    }
    if (ids.isEmpty())
        exchanges = store->load(parser.isSet(QStringLiteral("last"))
                ? parser.value(QStringLiteral("last")).toInt()
                : -1);
    ExportOptions options;
    options.revealSecrets = parser.isSet(QStringLiteral("reveal-secrets"));
    options.baseUrl = parser.value(QStringLiteral("base-url"));
    const QString format = formats.first();
    const QByteArray data = format == QLatin1String("har") ? toHar(exchanges, options)
        : format == QLatin1String("ndjson")                ? toNdjson(exchanges, options)
        : format == QLatin1String("curl") ? toCurl(exchanges.first(), options).toUtf8() + '\n'
                                          : toFixture(exchanges.first());
    if (format == QLatin1String("fixture") && exchanges.first().kind != ExchangeKind::Delivery) {
        err << "kiket-workbench: only a delivery makes a fixture" << Qt::endl;
        return ExitFailed;
    }
    const QString name = parser.positionalArguments().first();
    QFile file(name);
    const bool opened = name == QLatin1String("-") ? file.open(stdout, QIODevice::WriteOnly)
                                                   : file.open(QIODevice::WriteOnly);
    // Revealed secrets are for the owner alone, from before the first byte is written.
    if (opened && options.revealSecrets && name != QLatin1String("-"))
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!opened || file.write(data) != data.size()) {
        err << "kiket-workbench: cannot write " << name << ": " << file.errorString() << Qt::endl;
        return ExitFailed;
    }
    if (name != QLatin1String("-"))
        err << "kiket-workbench: wrote " << exchanges.size() << " exchange(s) to " << name
            << Qt::endl;
    return ExitOk;
}

int runDiff(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compares two captured exchanges: status, target, headers and JSON bodies (key order "
        "ignored).\nExit 0 when they are the same, 1 when they differ."));
    parser.addPositionalArgument(QStringLiteral("a"), QStringLiteral("The first exchange."));
    parser.addPositionalArgument(QStringLiteral("b"), QStringLiteral("The second exchange."));
    parser.addOptions({ kFolder,
        { QStringLiteral("reveal-secrets"), QStringLiteral("Show secret values that differ.") } });
    int code = ExitOk;
    if (!parse(parser, arguments, out, err, &code))
        return code;
    if (parser.positionalArguments().size() != 2) {
        err << "kiket-workbench: diff needs two exchange ids" << Qt::endl;
        return ExitUsage;
    }
    const auto store = openStore(parser, err);
    if (!store)
        return ExitUsage;
    const auto a = findExchange(*store, parser.positionalArguments().at(0), err);
    const auto b = a ? findExchange(*store, parser.positionalArguments().at(1), err) : std::nullopt;
    if (!a || !b)
        return ExitUsage;
    const ExchangeDiff d = diffExchanges(*a, *b);
    const bool reveal = parser.isSet(QStringLiteral("reveal-secrets"));
    bool differs = false;
    if (!d.sameTarget) {
        differs = true;
        out << "target: " << a->method << ' ' << a->target << " -> " << b->method << ' '
            << b->target << '\n';
    }
    if (!d.sameStatus) {
        differs = true;
        out << "status: " << a->status << " -> " << b->status << '\n';
    }
    printHeaders(out, "request", d.requestHeaders, reveal, &differs);
    printBody(out, "request", d.requestBody, a->target.contains("/secrets"), reveal, &differs);
    printHeaders(out, "response", d.responseHeaders, reveal, &differs);
    printBody(out, "response", d.responseBody, a->target.contains("/secrets"), reveal, &differs);
    if (!differs)
        out << "exchanges " << a->id << " and " << b->id << " are the same\n";
    out.flush();
    return differs ? ExitFailed : ExitOk;
}
