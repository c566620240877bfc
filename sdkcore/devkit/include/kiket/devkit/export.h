#pragma once

#include <kiket/devkit/exchange.h>

#include <QList>

namespace kiket::devkit {

/// Choices shared by every export format.
struct ExportOptions
{
    bool revealSecrets = false; ///< Keep signatures, tokens and secret values as captured.
    QString baseUrl
        = QStringLiteral("http://127.0.0.1:8080"); ///< Scheme and host for request URLs.
};

/// Whether a header carries a credential (signature, token, API key, cookie).
bool isSecretHeader(const QByteArray &name);
/// Whether a JSON path (as diffJson writes it) holds a secret: the runtime token, payload secrets,
/// and on a secrets endpoint the value.
bool isSecretJsonPath(const QString &path, bool secretsEndpoint);

/// A copy with signatures, tokens, credentials and secret values replaced by "[redacted]".
Exchange redacted(const Exchange &exchange);

/// A HAR 1.2 document of the exchanges.
QByteArray toHar(const QList<Exchange> &exchanges, const ExportOptions &options = {});
/// One JSON object per exchange and line.
QByteArray toNdjson(const QList<Exchange> &exchanges, const ExportOptions &options = {});
/// A shell command that sends the request again with curl.
QString toCurl(const Exchange &exchange, const ExportOptions &options = {});
/// A catalogue sample (event, version, payload without envelope) made from a captured delivery.
QByteArray toFixture(const Exchange &exchange);

} // namespace kiket::devkit
