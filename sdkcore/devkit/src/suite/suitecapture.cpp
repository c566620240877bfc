#include "kiket/devkit/suite/suitecapture.h"

#include "kiket/devkit/suite/suite.h"
#include "common/yamljson.h"

#include <kiket/jwt.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

namespace kiket::devkit {

namespace {

QString signingOf(const Exchange &delivery)
{
    const QByteArray signature = headerValue(delivery.requestHeaders, "x-kiket-signature");
    const QByteArray timestamp = headerValue(delivery.requestHeaders, "x-kiket-timestamp");
    if (signature.isEmpty())
        return QStringLiteral("unsigned");
    if (timestamp.isEmpty())
        return QStringLiteral("body-only");
    if (delivery.authCause == QLatin1String("stale") || delivery.authCause == QLatin1String("future"))
        return QStringLiteral("stale");
    if (delivery.authCause == QLatin1String("mismatch"))
        return QStringLiteral("wrong-secret");
    return QStringLiteral("signed");
}

// A value that is, or holds, one of the secret values is only said to exist.
QJsonValue withoutSecrets(const QJsonValue &value, const QStringList &secretValues)
{
    const QString text = value.isString() ? value.toString()
        : value.isObject() ? QString::fromUtf8(QJsonDocument(value.toObject()).toJson())
        : value.isArray()  ? QString::fromUtf8(QJsonDocument(value.toArray()).toJson())
                           : QString();
    for (const QString &secret : secretValues)
        if (!secret.isEmpty() && text.contains(secret))
            return QJsonObject { { QStringLiteral("exists"), true } };
    return value;
}

void emitCalls(YAML::Emitter &out, const QList<Exchange> &apiCalls)
{
    // In the order first made; repeated calls become one expectation with a count.
    QList<std::pair<QString, QByteArray>> order;
    QHash<QString, int> counts;
    for (const Exchange &call : apiCalls) {
        const QString key = call.event + QLatin1Char(' ') + QString::fromLatin1(call.method);
        if (!counts.contains(key))
            order.append({ call.event, call.method });
        ++counts[key];
    }
    out << YAML::Key << "api_calls" << YAML::Value << YAML::BeginSeq;
    for (const auto &[endpoint, method] : order) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "endpoint" << YAML::Value << endpoint.toStdString();
        out << YAML::Key << "method" << YAML::Value << method.toStdString();
        const int n = counts.value(endpoint + QLatin1Char(' ') + QString::fromLatin1(method));
        if (n > 1)
            out << YAML::Key << "count" << YAML::Value << n;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

} // namespace

QByteArray caseFromCapture(const Exchange &delivery, const QList<Exchange> &apiCalls)
{
    QJsonObject payload = QJsonDocument::fromJson(delivery.requestBody).object();
    const QJsonObject secrets = payload.value(QStringLiteral("secrets")).toObject();
    QStringList secretValues;
    for (const QJsonValue &v : secrets)
        secretValues << v.toString();
    const QByteArray token = payload.value(QStringLiteral("authentication"))
                                 .toObject()
                                 .value(QStringLiteral("runtime_token"))
                                 .toString()
                                 .toUtf8();
    for (const char *envelope : { "authentication", "api", "secrets" })
        payload.remove(QLatin1String(envelope));

    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::Comment(QStringLiteral("Captured delivery #%1, %2. Loosen what need not hold "
                                        "exactly: {exists: true}, {matches: RE}, {any_of: [...]}.")
                             .arg(delivery.id)
                             .arg(delivery.started.toUTC().toString(Qt::ISODate))
                             .toStdString());
    out << YAML::BeginMap;
    out << YAML::Key << "event" << YAML::Value << delivery.event.toStdString();
    if (!delivery.version.isEmpty())
        out << YAML::Key << "version" << YAML::Value << delivery.version.toStdString();
    const QString signing = signingOf(delivery);
    if (signing != QLatin1String("signed"))
        out << YAML::Key << "signing" << YAML::Value << signing.toStdString();
    if (token.isEmpty()) {
        out << YAML::Key << "token" << YAML::Value << false;
    } else if (const auto decoded = decodeJwt(token)) {
        const QStringList scopes = RuntimeClaims::fromJson(decoded.value().claims).scopes;
        if (scopes != QStringList { QStringLiteral("*") }) {
            out << YAML::Key << "token" << YAML::Value << YAML::Flow << YAML::BeginMap
                << YAML::Key << "scopes" << YAML::Value << YAML::BeginSeq;
            for (const QString &scope : scopes)
                out << scope.toStdString();
            out << YAML::EndSeq << YAML::EndMap;
        }
    }
    if (!secrets.isEmpty()) {
        out << YAML::Key << "secrets" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const QString &key : secrets.keys())
            out << key.toStdString();
        out << YAML::EndSeq;
    }
    out << YAML::Key << "payload" << YAML::Value;
    emitJson(out, payload);

    out << YAML::Key << "expect" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "status" << YAML::Value << delivery.status;
    QJsonParseError error;
    const QJsonDocument answer = QJsonDocument::fromJson(delivery.responseBody, &error);
    if (error.error == QJsonParseError::NoError && answer.isObject() && !answer.object().isEmpty()) {
        out << YAML::Key << "body" << YAML::Value << YAML::BeginMap;
        const QJsonObject o = answer.object();
        for (auto it = o.begin(); it != o.end(); ++it) {
            out << YAML::Key << it.key().toStdString() << YAML::Value;
            const QJsonValue v = withoutSecrets(it.value(), secretValues);
            if (v == it.value() && v.isObject()) {
                // A literal map would read as operators: a nested object is checked with equals.
                out << YAML::BeginMap << YAML::Key << "equals" << YAML::Value;
                emitJson(out, v);
                out << YAML::EndMap;
            } else {
                emitJson(out, v);
            }
        }
        out << YAML::EndMap;
    }
    if (!apiCalls.isEmpty())
        emitCalls(out, apiCalls);
    out << YAML::EndMap << YAML::EndMap;
    return QByteArray(out.c_str()) + '\n';
}

Result<QString> addCaptureToSuite(const QString &extensionFolder, const QString &suite,
    const Exchange &delivery, const QList<Exchange> &apiCalls)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    const QString suiteName = QString(suite).replace(unsafe, QStringLiteral("-"));
    if (suiteName.isEmpty() || suiteName.startsWith(QLatin1Char('.')))
        return Error { QStringLiteral("suite.name"),
            QStringLiteral("'%1' cannot name a suite folder").arg(suite) };
    const QDir dir(suitesPath(extensionFolder) + QLatin1Char('/') + suiteName);
    if (!QDir().mkpath(dir.path()))
        return Error { QStringLiteral("suite.write"),
            QStringLiteral("cannot create %1").arg(dir.path()) };
    const QString base = QString(delivery.event).replace(unsafe, QStringLiteral("-"))
        + QStringLiteral("-%1").arg(delivery.id);
    QString path = dir.filePath(base + QStringLiteral(".yaml"));
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = dir.filePath(QStringLiteral("%1-%2.yaml").arg(base).arg(n));
    QSaveFile file(path);
    const QByteArray text = caseFromCapture(delivery, apiCalls);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
        return Error { QStringLiteral("suite.write"),
            QStringLiteral("cannot write %1: %2").arg(path, file.errorString()) };
    return path;
}

} // namespace kiket::devkit
