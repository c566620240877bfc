#include "privatefiles.h"

#include <QDir>
#include <QFile>

namespace kiket::devkit {

bool makePrivateFolder(const QString &dir)
{
    return QDir().mkpath(dir)
        && QFile::setPermissions(
            dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

bool makePrivateFile(const QString &path)
{
    const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    QFile file(path);
    if (!file.exists()) {
        if (!file.open(QIODevice::WriteOnly))
            return false;
        file.close();
    }
    bool ok = file.setPermissions(ownerOnly);
    for (const char *companion : { "-wal", "-shm" }) {
        const QString other = path + QLatin1String(companion);
        if (QFile::exists(other))
            ok = QFile::setPermissions(other, ownerOnly) && ok;
    }
    return ok;
}

} // namespace kiket::devkit
