#pragma once

#include <kiket/devkit/capture/exchange.h>

#include <QTabWidget>

class QListWidget;
class QPlainTextEdit;
class QTextBrowser;

namespace kiket::ui {

class MessageView;

/// The detail of one exchange: overview (timings, the verdict in plain words and what to do about
/// it), request, response, the API calls a delivery made, and the extension's output meanwhile.
class ExchangeDetail : public QTabWidget
{
    Q_OBJECT

public:
    explicit ExchangeDetail(QWidget *parent = nullptr);

    void show(const devkit::Exchange &exchange, const QList<devkit::Exchange> &children,
        const QList<devkit::Exchange> &logLines);
    void clear();

    MessageView *requestView() const { return m_request; }
    MessageView *responseView() const { return m_response; }

signals:
    /// A linked API call was chosen.
    void exchangeActivated(qint64 id);

private:
    QTextBrowser *m_overview;
    MessageView *m_request;
    MessageView *m_response;
    QListWidget *m_children;
    QPlainTextEdit *m_log;
};

/// What to do about a verdict, in a sentence ("replay with re-signing", …); empty when all is well.
QString adviceFor(const QString &authCause);

} // namespace kiket::ui
