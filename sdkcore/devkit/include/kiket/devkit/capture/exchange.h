#pragma once

#include <kiket/http.h>

#include <QDateTime>
#include <QJsonObject>

#include <array>
#include <initializer_list>
#include <optional>

namespace kiket::devkit {

/// The header a workbench replay carries: the id of the captured exchange it repeats, so the
/// listener can link the two. The platform never sends it.
inline constexpr char kReplayOfHeaderName[] = "x-kiket-replay-of";

/// What crossed the workbench: a delivery to the listener, an API call to the sandbox, and so on.
enum class ExchangeKind { Delivery, ApiCall, Telemetry, Jwks, Log };

/// "delivery", "api-call", "telemetry", "jwks", "log".
QString exchangeKindName(ExchangeKind kind);
/// The kind for a name; Log for anything unknown.
ExchangeKind exchangeKindFromName(const QString &name);

/// How long the stages of an exchange took, in milliseconds; a stage it did not go through has no
/// time. Kept and written in the alphabetical order of the stages' names.
class StageTimes
{
public:
    enum Stage : quint8 { Auth, Delay, Handled, Handler, Parse, Route, Total, Upstream, Count };

    StageTimes() = default;
    StageTimes(std::initializer_list<std::pair<Stage, double>> times);

    /// "auth", "delay", "handled", "handler", "parse", "route", "total" or "upstream".
    static QLatin1StringView name(Stage stage);
    /// The stage of that name; nothing for another name.
    static std::optional<Stage> stageNamed(QStringView name);

    bool has(Stage stage) const { return m_set & (1u << stage); }
    /// 0 when it has none.
    double ms(Stage stage) const { return m_ms[stage]; }
    void set(Stage stage, double ms);
    bool isEmpty() const { return m_set == 0; }

    /// Appends the JSON object QJsonDocument would write for toJsonObject(), compact.
    void appendJson(QByteArray &out) const;
    QJsonObject toJsonObject() const;
    /// Other names, and values that are not numbers, are left out.
    static StageTimes fromJsonObject(const QJsonObject &object);

    friend bool operator==(const StageTimes &, const StageTimes &) = default;

private:
    std::array<double, Count> m_ms {};
    quint16 m_set = 0;
};

/// One captured request and its answer, with what the workbench found out about it.
struct Exchange
{
    qint64 id = 0; ///< Given by the capture store.
    ExchangeKind kind = ExchangeKind::Delivery;
    QDateTime started;
    QDateTime finished;
    StageTimes timings;

    QByteArray method;
    QByteArray target;
    HeaderList requestHeaders; ///< In the order received.
    QByteArray requestBody; ///< Raw bytes.

    int status = 0; ///< 0 when no answer was given.
    HeaderList responseHeaders;
    QByteArray responseBody;
    QString error; ///< A transport failure, kept apart from an HTTP error status.

    QString authCause; ///< e.g. "ok", "stale", "mismatch".
    QString authDetail; ///< The verdict in words.
    QString event;
    QString version;
    QString handlerKind; ///< "in-process", "forward" or "canned".

    QString tokenId; ///< jti of the runtime token the request carried: ties API calls to their
                     ///< delivery.
    qint64 parentId = 0; ///< The delivery an API call belongs to.
    qint64 replayOf = 0; ///< The exchange this one replays.
    QString note;
};

/// What a traffic list shows of an exchange: no headers or bodies, which stay on disk until the
/// exchange is opened.
struct ExchangeSummary
{
    qint64 id = 0;
    ExchangeKind kind = ExchangeKind::Delivery;
    QDateTime started;
    qint64 durationMs = 0;
    QByteArray method;
    QByteArray target;
    int status = 0;
    QString event;
    QString version;
    QString authCause;
    QString handlerKind;
    qint64 parentId = 0;
    qint64 replayOf = 0;
    qint64 requestBytes = 0;
    qint64 responseBytes = 0;
};

/// The list row of an exchange.
ExchangeSummary summaryOf(const Exchange &exchange);

/// A capture of one request and its answer: kind, times, request and response filled in.
Exchange exchangeOf(ExchangeKind kind, const HttpRequest &request, const HttpResponse &response,
    const QDateTime &started, const QDateTime &finished);
/// Sets what ties a captured delivery to others: the jti of the runtime token in its body (its API
/// calls carry the same) and the exchange it replays (X-Kiket-Replay-Of).
void linkDelivery(Exchange &delivery, const HttpRequest &request);

/// The jti of a runtime token, or an empty string when it is not a readable JWT.
QString tokenIdOf(const QByteArray &token);

/// The captured request, ready to send again: its method, target, body and headers except those
/// of the transport (Host, Content-Length, Connection, …) and an earlier replay mark.
HttpRequest requestOf(const Exchange &exchange);

} // namespace kiket::devkit
