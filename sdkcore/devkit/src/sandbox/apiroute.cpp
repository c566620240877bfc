#include "kiket/devkit/sandbox/apiroute.h"

#include <algorithm>

#include <QList>
#include <QUrl>

namespace kiket::devkit {

namespace {

using E = ApiEndpoint;

// Methods → endpoints for one path shape; the first entry whose method matches wins.
struct Choice
{
    const char *method;
    ApiEndpoint endpoint;
};

ApiRoute pick(const QByteArray &method, std::initializer_list<Choice> choices, ApiRoute route)
{
    QByteArray allow;
    for (const Choice &c : choices) {
        if (method == c.method || (method == "HEAD" && QByteArray(c.method) == "GET")) {
            route.endpoint = c.endpoint;
            return route;
        }
        allow += (allow.isEmpty() ? "" : ", ") + QByteArray(c.method);
    }
    route.allow = allow;
    return route;
}

QString decode(const QByteArray &segment)
{
    return QUrl::fromPercentEncoding(segment);
}

} // namespace

ApiRoute matchApiRoute(const QByteArray &method, const QByteArray &rawPath)
{
    ApiRoute route;
    if (rawPath == "/.well-known/jwks.json")
        return pick(method, { { "GET", E::Jwks } }, route);
    QList<QByteArray> p = rawPath.split('/');
    if (p.size() < 2 || !p.first().isEmpty())
        return route;
    p.removeFirst();
    if (p.size() >= 2 && p[0] == "api" && p[1] == "v1")
        p = p.mid(2);
    else
        route.legacyPath = true;
    const qsizetype n = p.size();
    if (n >= 1 && p[0] == "extensions") {
        if (n == 2 && (p[1] == "notifications" || p[1] == "logs" || p[1] == "metrics")) {
            const E e = p[1] == "notifications" ? E::Notify : p[1] == "logs" ? E::Logs : E::Metrics;
            return pick(method, { { "POST", e } }, route);
        }
        if (n >= 2)
            route.extensionId = decode(p[1]);
        if (n == 2)
            return pick(method, { { "GET", E::Metadata } }, route);
        if (n == 3 && p[2] == "events")
            return pick(method, { { "POST", E::EventsLog } }, route);
        if (n == 3 && p[2] == "secrets")
            return pick(method, { { "GET", E::SecretsList }, { "POST", E::SecretsCreate } }, route);
        if (n == 4 && p[2] == "secrets") {
            route.key = decode(p[3]);
            return pick(method,
                { { "GET", E::SecretsGet }, { "POST", E::SecretsSet },
                    { "PATCH", E::SecretsUpdate }, { "PUT", E::SecretsUpdate },
                    { "DELETE", E::SecretsDelete } },
                route);
        }
        return {};
    }
    if (n >= 1 && p[0] == "ext") {
        if (n == 2 && p[1] == "rate_limit")
            return pick(method, { { "GET", E::RateLimit } }, route);
        if (n == 2 && p[1] == "telemetry")
            return pick(method, { { "POST", E::Telemetry } }, route);
        if (n == 3 && p[1] == "sla" && p[2] == "events")
            return pick(method, { { "GET", E::SlaEventsList } }, route);
        if ((n == 4 || n == 5) && p[1] == "custom_data") {
            route.module = decode(p[2]);
            route.table = decode(p[3]);
            if (n == 4)
                return pick(method,
                    { { "GET", E::CustomDataList }, { "POST", E::CustomDataCreate } }, route);
            route.recordId = decode(p[4]);
            return pick(method,
                { { "GET", E::CustomDataGet }, { "PATCH", E::CustomDataUpdate },
                    { "PUT", E::CustomDataUpdate }, { "DELETE", E::CustomDataDelete } },
                route);
        }
    }
    return {};
}

QStringList knownScopes()
{
    return { QStringLiteral("*"), QStringLiteral("custom_data.read"),
        QStringLiteral("custom_data.write"), QStringLiteral("secrets.read"),
        QStringLiteral("secrets.write"), QStringLiteral("sla.read"),
        QStringLiteral("notifications.write"), QStringLiteral("events.write") };
}

QString requiredScope(ApiEndpoint endpoint)
{
    switch (endpoint) {
    case E::CustomDataList:
    case E::CustomDataGet:
        return QStringLiteral("custom_data.read");
    case E::CustomDataCreate:
    case E::CustomDataUpdate:
    case E::CustomDataDelete:
        return QStringLiteral("custom_data.write");
    case E::SecretsList:
    case E::SecretsGet:
        return QStringLiteral("secrets.read");
    case E::SecretsSet:
    case E::SecretsCreate:
    case E::SecretsUpdate:
    case E::SecretsDelete:
        return QStringLiteral("secrets.write");
    case E::SlaEventsList:
        return QStringLiteral("sla.read");
    case E::Notify:
        return QStringLiteral("notifications.write");
    case E::EventsLog:
    case E::Logs:
    case E::Metrics:
        return QStringLiteral("events.write");
    case E::None:
    case E::Jwks:
    case E::Metadata:
    case E::RateLimit:
    case E::Telemetry:
        return {};
    }
    return {};
}

QString endpointName(ApiEndpoint endpoint)
{
    static const char *const names[]
        = { "none", "jwks", "metadata", "events.log", "notify", "secrets.list", "secrets.get",
              "secrets.set", "secrets.create", "secrets.update", "secrets.delete",
              "custom_data.list", "custom_data.get", "custom_data.create", "custom_data.update",
              "custom_data.delete", "sla.list", "rate_limit", "telemetry", "logs", "metrics" };
    return QString::fromLatin1(names[int(endpoint)]);
}

qsizetype loneSurrogateAt(const QByteArray &json)
{
    const auto unit = [&](qsizetype at) -> int { // the \uXXXX escape at `at`, or -1
        if (at + 6 > json.size() || json[at] != '\\' || json[at + 1] != 'u')
            return -1;
        bool ok = false;
        const int value = json.mid(at + 2, 4).toInt(&ok, 16);
        return ok ? value : -1;
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        if (json[i] != '\\')
            continue;
        const int u = unit(i);
        if (u >= 0xDC00 && u <= 0xDFFF)
            return i;
        if (u >= 0xD800 && u <= 0xDBFF) {
            const int low = unit(i + 6);
            if (low < 0xDC00 || low > 0xDFFF)
                return i;
            i += 6;
        }
        i += 1; // the escaped character (or the 'u' of an escape)
    }
    return -1;
}

bool isPrintableName(const QString &name)
{
    return !name.isEmpty()
        && std::none_of(name.begin(), name.end(), [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
}

} // namespace kiket::devkit
