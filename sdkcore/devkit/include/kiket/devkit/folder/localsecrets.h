#pragma once

#include <kiket/result.h>

#include <QMap>
#include <QString>

#include <memory>

namespace kiket::devkit {

/// The local value named this is the delivery (webhook) secret; every other local value reaches
/// the extension as KIKET_SECRET_<KEY>.
inline const QString kDeliverySecretKey = QStringLiteral("delivery_secret");

/// Secret values kept on this machine for one extension folder: in the OS keychain (QtKeychain)
/// when a keychain service answers, else in `.kiket/workbench/local-secrets.json` with owner-only
/// permissions. Only key names ever go elsewhere (`local-secrets.keys`, to list keychain entries).
class LocalSecrets
{
public:
    enum class Backend { Keychain, File };

    /// Opens the folder's store; tryKeychain false keeps to the file (no D-Bus needed).
    static Result<std::unique_ptr<LocalSecrets>> open(
        const QString &folder, bool tryKeychain = true);
    ~LocalSecrets();

    Backend backend() const;
    /// Where values live, in a sentence for the user (a warning for the file).
    QString notice() const;
    /// Every key with its value, sorted by key.
    QMap<QString, QString> values() const;
    std::optional<QString> value(const QString &key) const;
    Result<bool> set(const QString &key, const QString &value);
    /// False when there was no such key.
    Result<bool> remove(const QString &key);

private:
    LocalSecrets();
    struct Private;
    std::unique_ptr<Private> d;
};

/// "3f2a9c1e…wxyz": the start of the value's SHA-256 and its last four characters, to match a
/// secret with another without showing it.
QString secretFingerprint(const QString &value);

} // namespace kiket::devkit
