#include "secretspanel.h"

#include "panelsession.h"
#include "secretsmodel.h"

#include <kiket/devkit/folder/localsecrets.h>
#include <kiket/devkit/sandbox/sandboxstore.h>

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTableView>

namespace kiket::ui {

using devkit::kDeliverySecretKey;

namespace {

// Asks for a key, a value (masked while typed) and, for a new secret, where to keep it.
bool askSecret(QWidget *parent, const QString &title, QString *key, QString *value,
    SecretPlace *place, bool keyFixed)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(title);
    auto *keyEdit = new QLineEdit(*key);
    keyEdit->setReadOnly(keyFixed);
    auto *valueEdit = new QLineEdit(*value);
    valueEdit->setEchoMode(QLineEdit::Password);
    auto *where = new QComboBox;
    where->addItem(QObject::tr("Local value (reaches the extension as KIKET_SECRET_*)"));
    where->addItem(QObject::tr("Sandbox platform's secret store"));
    where->setCurrentIndex(*place == SecretPlace::Sandbox ? 1 : 0);
    where->setEnabled(!keyFixed);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    auto *form = new QFormLayout(&dialog);
    form->addRow(QObject::tr("Key"), keyEdit);
    form->addRow(QObject::tr("Value"), valueEdit);
    form->addRow(QObject::tr("Keep in"), where);
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *key = keyEdit->text().trimmed();
    *value = valueEdit->text();
    *place = where->currentIndex() == 1 ? SecretPlace::Sandbox : SecretPlace::Local;
    return !key->isEmpty();
}

QString randomSecret()
{
    QByteArray bytes(24, Qt::Uninitialized);
    for (char &b : bytes)
        b = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(bytes.toHex());
}

} // namespace

SecretsPanel::SecretsPanel(
    PanelSession &session, std::function<QMap<QString, QString>()> payloadSecrets, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_payload(std::move(payloadSecrets))
    , m_model(new SecretsModel(this))
    , m_view(new QTableView)
    , m_notice(new QLabel)
    , m_status(new QLabel)
    , m_endRotation(new QPushButton(tr("End rotation")))
{
    m_confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Delete secret"), question) == QMessageBox::Yes;
    };
    if (auto store = devkit::SandboxStore::open(session.folder()))
        m_store = std::move(store).value();
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_notice->setWordWrap(true);
    m_status->setWordWrap(true);

    auto *add = new QPushButton(tr("Add…"));
    auto *edit = new QPushButton(tr("Edit…"));
    auto *rotate = new QPushButton(tr("Rotate…"));
    auto *remove = new QPushButton(tr("Delete"));
    auto *reveal = new QPushButton(tr("Reveal"));
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : { add, edit, rotate, remove, reveal, m_endRotation })
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_notice);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_status);

    connect(add, &QPushButton::clicked, this, &SecretsPanel::addDialog);
    connect(edit, &QPushButton::clicked, this, [this] { editDialog(false); });
    connect(rotate, &QPushButton::clicked, this, [this] { editDialog(true); });
    connect(remove, &QPushButton::clicked, this, [this] {
        const QString key = selectedKey();
        if (key.isEmpty())
            return;
        const bool local = m_session.localSecrets().value(key).has_value();
        report(removeSecret(local ? SecretPlace::Local : SecretPlace::Sandbox, key),
            tr("Deleted %1").arg(key));
    });
    connect(reveal, &QPushButton::clicked, this, [this] {
        const QString key = selectedKey();
        m_model->setRevealed(key, !m_model->isRevealed(key));
    });
    connect(m_endRotation, &QPushButton::clicked, this,
        [this] { report(endRotation(), tr("Rotation ended: only the new secret is accepted")); });
    connect(&session, &PanelSession::configurationApplied, this, &SecretsPanel::refresh);
    refresh();
}

SecretsPanel::~SecretsPanel() = default;

void SecretsPanel::setConfirm(std::function<bool(const QString &)> confirm)
{
    m_confirm = std::move(confirm);
}

void SecretsPanel::refresh()
{
    SecretSources sources;
    const auto config = m_session.currentConfig();
    if (config) {
        m_extensionId = config.value().extensionId;
        if (const auto &manifest = config.value().manifest) {
            for (const SettingSpec &s : manifest->settings) {
                if (s.secret)
                    sources.declared << s.key;
            }
            if (!manifest->deliverySecret.isEmpty())
                sources.declared << kDeliverySecretKey;
        }
    }
    sources.local = m_session.localSecrets().values();
    if (m_store) {
        for (const QString &key : m_store->secretKeys(m_extensionId))
            sources.sandbox.insert(key, m_store->secret(m_extensionId, key).value_or(QString()));
    }
    if (m_payload)
        sources.payload = m_payload();
    m_model->setSources(sources);
    const bool file = m_session.localSecrets().backend() == devkit::LocalSecrets::Backend::File;
    m_notice->setText(
        (file ? QStringLiteral("⚠ ") : QString()) + m_session.localSecrets().notice());
    m_endRotation->setVisible(m_session.rotationInProgress());
    if (m_session.rotationInProgress())
        m_status->setText(tr("Rotation drill: deliveries signed with the old or the new delivery "
                             "secret are both accepted until you end it."));
}

Result<bool> SecretsPanel::setSecret(SecretPlace place, const QString &key, const QString &value)
{
    Result<bool> done = true;
    if (place == SecretPlace::Sandbox) {
        if (!m_store)
            return Error { QStringLiteral("secrets.sandbox"),
                tr("The sandbox's secret store could not be opened") };
        m_store->setSecret(m_extensionId, key, value);
    } else {
        done = m_session.localSecrets().set(key, value);
        if (done)
            done = m_session.reloadConfiguration();
    }
    refresh();
    return done;
}

Result<bool> SecretsPanel::removeSecret(SecretPlace place, const QString &key)
{
    const QString where
        = place == SecretPlace::Local ? tr("the local values") : tr("the sandbox's secret store");
    if (!m_confirm(tr("Delete %1 from %2? This cannot be undone.").arg(key, where)))
        return false;
    Result<bool> done = true;
    if (place == SecretPlace::Sandbox) {
        done = m_store && m_store->deleteSecret(m_extensionId, key);
    } else {
        done = m_session.localSecrets().remove(key);
        if (done && done.value())
            done = m_session.reloadConfiguration();
    }
    refresh();
    return done;
}

Result<bool> SecretsPanel::rotate(const QString &key, const QString &newValue)
{
    Result<bool> done = true;
    if (key == kDeliverySecretKey) {
        done = m_session.rotateDeliverySecret(newValue);
    } else {
        if (m_store && m_store->secret(m_extensionId, key))
            m_store->setSecret(m_extensionId, key, newValue);
        if (m_session.localSecrets().value(key))
            done = setSecret(SecretPlace::Local, key, newValue);
    }
    refresh();
    return done;
}

Result<bool> SecretsPanel::endRotation()
{
    const auto done = m_session.endRotation();
    m_status->clear();
    refresh();
    return done;
}

QString SecretsPanel::selectedKey() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? m_model->keyAt(current.row()) : QString();
}

void SecretsPanel::report(const Result<bool> &result, const QString &done)
{
    if (!result)
        m_status->setText(tr("Failed: %1").arg(result.error().toString()));
    else if (result.value())
        m_status->setText(done);
}

void SecretsPanel::addDialog()
{
    QString key;
    QString value;
    SecretPlace place = SecretPlace::Local;
    if (askSecret(this, tr("Add secret"), &key, &value, &place, false))
        report(setSecret(place, key, value), tr("Saved %1").arg(key));
}

void SecretsPanel::editDialog(bool rotation)
{
    QString key = selectedKey();
    if (key.isEmpty())
        return;
    const bool local = m_session.localSecrets().value(key).has_value();
    SecretPlace place
        = local || key == kDeliverySecretKey ? SecretPlace::Local : SecretPlace::Sandbox;
    QString value = rotation ? randomSecret() : QString();
    if (!askSecret(this, rotation ? tr("Rotate %1").arg(key) : tr("Edit %1").arg(key), &key, &value,
            &place, true))
        return;
    report(rotation ? rotate(key, value) : setSecret(place, key, value),
        rotation ? tr("Rotated %1").arg(key) : tr("Saved %1").arg(key));
}

} // namespace kiket::ui
