#pragma once

#include <kiket/result.h>

#include <QMap>
#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QPushButton;
class QTableView;

namespace kiket::devkit {
class SandboxStore;
} // namespace kiket::devkit

namespace kiket::ui {

class PanelSession;
class SecretsModel;

/// Where a secret value is kept.
enum class SecretPlace { Local, Sandbox };

/// The secrets of the opened extension in one table (manifest, local values, sandbox store,
/// payload secrets), masked unless revealed row by row, with add, edit, rotate and delete. Local
/// values go to the keychain (or a 0600 file, with a notice) and reach the extension at once;
/// rotating the delivery secret starts a drill in which old and new are both accepted.
class SecretsPanel : public QWidget
{
    Q_OBJECT

public:
    SecretsPanel(PanelSession &session, std::function<QMap<QString, QString>()> payloadSecrets,
        QWidget *parent = nullptr);
    ~SecretsPanel() override;

    /// Reads every place again.
    void refresh();
    Result<bool> setSecret(SecretPlace place, const QString &key, const QString &value);
    /// Deletes the key from that place after asking; false when the user said no.
    Result<bool> removeSecret(SecretPlace place, const QString &key);
    /// A new value wherever the key has one; for the delivery secret, a drill (old still valid).
    Result<bool> rotate(const QString &key, const QString &newValue);
    Result<bool> endRotation();
    /// Replaces the confirmation question (a QMessageBox by default), e.g. in tests.
    void setConfirm(std::function<bool(const QString &question)> confirm);

    SecretsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLabel *notice() const { return m_notice; }

private:
    QString selectedKey() const;
    void report(const Result<bool> &result, const QString &done);
    void addDialog();
    void editDialog(bool rotation);

    PanelSession &m_session;
    std::function<QMap<QString, QString>()> m_payload;
    std::function<bool(const QString &)> m_confirm;
    std::unique_ptr<devkit::SandboxStore> m_store;
    QString m_extensionId;
    SecretsModel *m_model;
    QTableView *m_view;
    QLabel *m_notice;
    QLabel *m_status;
    QPushButton *m_endRotation;
};

} // namespace kiket::ui
