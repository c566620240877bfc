#pragma once

#include <kiket/devkit/capture/exchange.h>
#include <kiket/devkit/delivery/delivery.h>
#include <kiket/result.h>

#include "panelsession.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace kiket::devkit {
class EventCatalogue;
class TokenIssuer;
} // namespace kiket::devkit

namespace kiket::ui {

/// Writes a delivery by hand: event, version, scopes for its runtime token, payload secrets and
/// the payload in a JSON editor that marks the line of an error; or edits a captured delivery to
/// send it again. The mode says how it is signed (a PROTOCOL case to rehearse).
class Composer : public QWidget
{
    Q_OBJECT

public:
    explicit Composer(QWidget *parent = nullptr);

    /// The events offered; the catalogue must outlive the composer.
    void setCatalogue(const devkit::EventCatalogue *catalogue);
    /// A new delivery of the event with the catalogue's sample payload.
    void newDelivery(const QString &event);
    /// Edits a captured delivery: its body in the editor, sent again in the chosen mode.
    void editCapture(const devkit::Exchange &delivery);
    /// The capture being edited, 0 for a new delivery.
    qint64 editedId() const { return m_original ? m_original->id : 0; }

    /// The request Send would post, or why it cannot be built (a JSON error with its line).
    Result<HttpRequest> request(const ComposerContext &context) const;
    /// The JSON error with line and column, empty when the text parses.
    QString problem() const { return m_problem; }

    QComboBox *eventBox() const { return m_event; }
    QLineEdit *versionEdit() const { return m_version; }
    QComboBox *modeBox() const { return m_mode; }
    QPlainTextEdit *editor() const { return m_editor; }
    QLineEdit *secretsEdit() const { return m_secrets; }
    QStringList scopes() const;
    /// The payload secrets typed in (KEY=value; …).
    QJsonObject payloadSecrets() const;
    void setScopes(const QStringList &scopes);

signals:
    /// Send was pressed and the text is valid JSON.
    void sendRequested();

private:
    void validate();
    void showMode();

    const devkit::EventCatalogue *m_catalogue = nullptr;
    std::optional<devkit::Exchange> m_original;
    QComboBox *m_event;
    QLineEdit *m_version;
    QList<QCheckBox *> m_scopes;
    QLineEdit *m_secrets;
    QPlainTextEdit *m_editor;
    QComboBox *m_mode;
    QLabel *m_status;
    QPushButton *m_send;
    QPushButton *m_fresh;
    QString m_problem;
};

} // namespace kiket::ui
