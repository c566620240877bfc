#include "exchangedetail.h"

#include "textpane.h"

#include "messageview.h"

#include <kiket/devkit/capture/export.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTextBrowser>

namespace kiket::ui {

using devkit::Exchange;

namespace { // The stages as bars on one scale (the total, or the longest stage), in the order they
            // run.
QString stageTimeline(const devkit::StageTimes &timings, const QColor &colour)
{
    using devkit::StageTimes;
    constexpr int kBarPixels = 240;
    const StageTimes::Stage order[]
        = { StageTimes::Parse, StageTimes::Auth, StageTimes::Route, StageTimes::Handler,
              StageTimes::Handled, StageTimes::Delay, StageTimes::Upstream, StageTimes::Total };
    double scale = 0;
    for (const StageTimes::Stage stage : order)
        scale = qMax(scale, timings.ms(stage));
    QString html = QStringLiteral("<table cellspacing=2>");
    for (const StageTimes::Stage stage : order) {
        if (!timings.has(stage))
            continue;
        const double ms = timings.ms(stage);
        const int width = scale > 0 ? qBound(2, int(kBarPixels * ms / scale), kBarPixels) : 2;
        html += QStringLiteral("<tr><td>%1</td><td><table cellspacing=0 cellpadding=0><tr>"
                               "<td width=%2 bgcolor=\"%3\">&nbsp;</td><td width=%4></td></tr>"
                               "</table></td><td align=right>%5 ms</td></tr>")
                    .arg(StageTimes::name(stage))
                    .arg(width)
                    .arg(colour.name())
                    .arg(kBarPixels - width)
                    .arg(ms, 0, 'f', 3);
    }
    return html + QStringLiteral("</table>");
}

} // namespace

QString adviceFor(const QString &cause)
{
    static const QHash<QString, QString> advice {
        { QStringLiteral("stale"),
            QStringLiteral("The delivery was sent again as it was: replay it with re-signing.") },
        { QStringLiteral("future"),
            QStringLiteral("The sender's clock is ahead: check the time on both machines.") },
        { QStringLiteral("mismatch"),
            QStringLiteral("Check that the extension and the workbench use the same webhook "
                           "secret, and that the body was not changed after signing.") },
        { QStringLiteral("header-missing"),
            QStringLiteral("The delivery was not signed: send it with a webhook secret set.") },
        { QStringLiteral("no-secret"),
            QStringLiteral("No webhook secret is configured: set KIKET_WEBHOOK_SECRET or the "
                           "manifest's delivery_secret.") },
        { QStringLiteral("timestamp-malformed"),
            QStringLiteral("X-Kiket-Timestamp must be unix seconds.") },
    };
    return advice.value(cause);
}

ExchangeDetail::ExchangeDetail(QWidget *parent)
    : QTabWidget(parent)
    , m_overview(new QTextBrowser)
    , m_request(new MessageView)
    , m_response(new MessageView)
    , m_children(new QListWidget)
    , m_log(readOnlyTextPane())
{
    addTab(m_overview, tr("&Overview"));
    addTab(m_request, tr("&Request"));
    addTab(m_response, tr("Res&ponse"));
    addTab(m_children, tr("&Linked calls"));
    addTab(m_log, tr("Lo&g"));
    connect(m_children, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        emit exchangeActivated(item->data(Qt::UserRole).toLongLong());
    });
}

void ExchangeDetail::show(
    const Exchange &original, const QList<Exchange> &children, const QList<Exchange> &logLines)
{
    const Exchange e = devkit::redacted(original); // secrets stay masked in the window
    QString html = QStringLiteral("<h3>%1 %2</h3>")
                       .arg(QString::fromLatin1(e.method).toHtmlEscaped(),
                           QString::fromLatin1(e.target).toHtmlEscaped());
    html += QStringLiteral("<p>%1 · status %2 · %3</p>")
                .arg(devkit::exchangeKindName(e.kind))
                .arg(e.status)
                .arg(e.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    if (!e.authCause.isEmpty()) {
        html += QStringLiteral("<p><b>Signature: %1</b> — %2</p>")
                    .arg(e.authCause.toHtmlEscaped(), e.authDetail.toHtmlEscaped());
        const QString advice = adviceFor(e.authCause);
        if (!advice.isEmpty())
            html += QStringLiteral("<p><i>%1</i></p>").arg(advice.toHtmlEscaped());
    }
    if (!e.error.isEmpty())
        html += QStringLiteral("<p><b>Error:</b> %1</p>").arg(e.error.toHtmlEscaped());
    if (!e.timings.isEmpty())
        html += stageTimeline(e.timings, palette().color(QPalette::Highlight));
    if (!e.note.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(e.note.toHtmlEscaped());
    m_overview->setHtml(html);
    m_request->show(e.requestHeaders, e.requestBody);
    m_response->show(e.responseHeaders, e.responseBody);
    m_children->clear();
    for (const Exchange &child : children) {
        auto *item = new QListWidgetItem(QStringLiteral("%1  %2 %3  → %4")
                                             .arg(child.event, QString::fromLatin1(child.method),
                                                 QString::fromLatin1(child.target))
                                             .arg(child.status));
        item->setData(Qt::UserRole, child.id);
        m_children->addItem(item);
    }
    QStringList lines;
    for (const Exchange &line : logLines)
        lines << QStringLiteral("%1 %2 %3")
                     .arg(line.started.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")),
                         line.event, line.note);
    m_log->setPlainText(lines.join(QLatin1Char('\n')));
}

void ExchangeDetail::clear()
{
    m_overview->clear();
    m_request->clear();
    m_response->clear();
    m_children->clear();
    m_log->clear();
}

} // namespace kiket::ui
