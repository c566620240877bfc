#pragma once

#include <QAbstractTableModel>
#include <QMap>
#include <QSet>

namespace kiket::ui {

/// Every place a secret of the extension can be, by key.
struct SecretSources
{
    QStringList declared; ///< Secret settings (and the delivery secret) the manifest declares.
    QMap<QString, QString> local; ///< This machine's values (keychain or 0600 file).
    QMap<QString, QString> sandbox; ///< The sandbox platform's secret store.
    QMap<QString, QString> payload; ///< Sent in deliveries' "secrets" object.
};

/// One row per secret key joining the manifest, local values, the sandbox store and payload
/// secrets. Values are masked unless their row is revealed; the fingerprint (hash start and last
/// four characters) lets a person match values without showing them.
class SecretsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Key, Declared, Local, Sandbox, Payload, Fingerprint, ColumnCount };
    /// The value itself in the Local, Sandbox and Payload columns (empty when absent).
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit SecretsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Replaces the rows; revealed keys stay revealed.
    void setSources(const SecretSources &sources);
    void setRevealed(const QString &key, bool revealed);
    bool isRevealed(const QString &key) const { return m_revealed.contains(key); }
    QString keyAt(int row) const { return m_keys.value(row); }
    int rowOf(const QString &key) const { return int(m_keys.indexOf(key)); }

private:
    QString valueAt(int row, int column) const;

    SecretSources m_sources;
    QStringList m_keys;
    QSet<QString> m_revealed;
};

} // namespace kiket::ui
