#pragma once

#include <kiket/devkit/capture/exchange.h>

#include <QList>

namespace kiket::devkit {

/// Choices shared by every export format.
struct ExportOptions
{
    bool revealSecrets = false; ///< Keep signatures, tokens and secret values as captured.
    /// Scheme and host for request URLs; empty: http:// and the Host each request was sent to
    /// (the listener's or the sandbox's real port), else http://127.0.0.1:8080.
    QString baseUrl;
};

/// Whether a header carries a credential (signature, token, API key, cookie).
bool isSecretHeader(const QByteArray &name);
/// Whether a JSON path (as diffJson writes it) holds a secret: the runtime token, payload secrets,
/// and on a secrets endpoint the value.
bool isSecretJsonPath(const QString &path, bool secretsEndpoint);

/// The credential and secret values an exchange carries (secret headers' values and their token
/// part, the runtime token, payload secrets, a secrets endpoint's value); those shorter than
/// eight characters are left out, since replacing them everywhere would mangle ordinary text.
QList<QByteArray> secretValuesOf(const Exchange &exchange);
/// A copy with signatures, tokens, credentials and secret values replaced by "[redacted]": by
/// field, and then wherever else the exchange's secret values (and `also`) appear — other
/// headers, the target's query, bodies.
Exchange redacted(const Exchange &exchange, const QList<QByteArray> &also = {});
/// The URL a captured request went to (see ExportOptions::baseUrl).
QString requestUrl(const Exchange &exchange, const ExportOptions &options = {});

/// A HAR 1.2 document of the exchanges.
QByteArray toHar(const QList<Exchange> &exchanges, const ExportOptions &options = {});
/// One JSON object per exchange and line.
QByteArray toNdjson(const QList<Exchange> &exchanges, const ExportOptions &options = {});
/// A shell command that sends the request again with curl.
QString toCurl(const Exchange &exchange, const ExportOptions &options = {});
/// A catalogue sample (event, version, payload without envelope) made from a captured delivery.
QByteArray toFixture(const Exchange &exchange);

} // namespace kiket::devkit
