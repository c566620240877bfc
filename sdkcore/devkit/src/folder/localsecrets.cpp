#include "kiket/devkit/folder/localsecrets.h"

#include "common/privatefiles.h"

#include <qt6keychain/keychain.h>

#include <QCryptographicHash>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>

namespace kiket::devkit {

namespace {

const QString kService = QStringLiteral("Kiket Workbench");
constexpr int kKeychainTimeoutMs = 5000;

// Runs a keychain job to its end: its error code (OtherError when it took too long) and reason.
QKeychain::Error runJob(QKeychain::Job *job, QString *error)
{
    job->setAutoDelete(false);
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(kKeychainTimeoutMs);
    job->start();
    loop.exec();
    const bool finished = timeout.isActive();
    const QKeychain::Error code = finished ? job->error() : QKeychain::OtherError;
    if (code != QKeychain::NoError && error)
        *error = finished ? job->errorString() : QStringLiteral("the keychain did not answer");
    if (finished)
        delete job;
    else
        job->setAutoDelete(true); // it may still finish; it cleans up then
    return code;
}

Result<bool> writeJson(const QString &path, const QJsonDocument &doc)
{
    makePrivateFolder(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { QStringLiteral("secrets.write"), file.errorString() };
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(doc.toJson());
    if (!file.commit())
        return Error { QStringLiteral("secrets.write"), file.errorString() };
    return true;
}

QJsonDocument readJson(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll())
                                          : QJsonDocument();
}

} // namespace

struct LocalSecrets::Private
{
    QString folder;
    Backend backend = Backend::File;
    QString keychainProblem;
    QMap<QString, QString> values;

    QString filePath() const
    {
        return folder + QStringLiteral("/.kiket/workbench/local-secrets.json");
    }
    QString indexPath() const
    {
        return folder + QStringLiteral("/.kiket/workbench/local-secrets.keys");
    }
    QString entry(const QString &key) const { return folder + QLatin1Char('/') + key; }

    Result<bool> saveFile() const
    {
        QJsonObject o;
        for (auto it = values.begin(); it != values.end(); ++it)
            o.insert(it.key(), it.value());
        return writeJson(filePath(), QJsonDocument(o));
    }
    Result<bool> saveIndex() const
    {
        return writeJson(indexPath(), QJsonDocument(QJsonArray::fromStringList(values.keys())));
    }
    // True when a keychain service stores and deletes an entry (some answer but cannot write).
    bool probeKeychain()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
            keychainProblem = QStringLiteral("no D-Bus session");
            return false;
        }
        auto *write = new QKeychain::WritePasswordJob(kService);
        write->setKey(entry(QStringLiteral(".probe")));
        write->setTextData(QStringLiteral("probe"));
        if (runJob(write, &keychainProblem) != QKeychain::NoError)
            return false;
        auto *remove = new QKeychain::DeletePasswordJob(kService);
        remove->setKey(entry(QStringLiteral(".probe")));
        return runJob(remove, &keychainProblem) == QKeychain::NoError;
    }
};

LocalSecrets::LocalSecrets()
    : d(std::make_unique<Private>())
{ }

LocalSecrets::~LocalSecrets() = default;

Result<std::unique_ptr<LocalSecrets>> LocalSecrets::open(const QString &folder, bool tryKeychain)
{
    std::unique_ptr<LocalSecrets> s(new LocalSecrets);
    Private &p = *s->d;
    p.folder = QFileInfo(folder).canonicalFilePath();
    if (p.folder.isEmpty())
        return Error { QStringLiteral("secrets.folder"),
            QStringLiteral("No such folder: %1").arg(folder) };
    if (tryKeychain && p.probeKeychain()) {
        p.backend = Backend::Keychain;
        for (const QJsonValue &key : readJson(p.indexPath()).array()) {
            auto *job = new QKeychain::ReadPasswordJob(kService);
            job->setKey(p.entry(key.toString()));
            QString error;
            QString value;
            QObject::connect(
                job, &QKeychain::Job::finished, job, [&value, job] { value = job->textData(); });
            if (runJob(job, &error) == QKeychain::NoError)
                p.values.insert(key.toString(), value);
        }
        return s;
    }
    const QJsonObject stored = readJson(p.filePath()).object();
    for (auto it = stored.begin(); it != stored.end(); ++it)
        p.values.insert(it.key(), it.value().toString());
    return s;
}

LocalSecrets::Backend LocalSecrets::backend() const
{
    return d->backend;
}

QString LocalSecrets::notice() const
{
    if (d->backend == Backend::Keychain)
        return QStringLiteral("Local values are kept in the system keychain.");
    return QStringLiteral("No keychain service (%1): local values are kept in %2, readable by "
                          "you only.")
        .arg(d->keychainProblem.isEmpty() ? QStringLiteral("not tried") : d->keychainProblem,
            QDir(d->folder).relativeFilePath(d->filePath()));
}

QMap<QString, QString> LocalSecrets::values() const
{
    return d->values;
}

std::optional<QString> LocalSecrets::value(const QString &key) const
{
    const auto it = d->values.constFind(key);
    return it == d->values.constEnd() ? std::nullopt : std::optional<QString>(*it);
}

Result<bool> LocalSecrets::set(const QString &key, const QString &value)
{
    if (key.trimmed().isEmpty() || key != key.trimmed())
        return Error { QStringLiteral("secrets.key"),
            QStringLiteral("A secret key must not be blank or start or end with spaces") };
    if (d->backend == Backend::Keychain) {
        auto *job = new QKeychain::WritePasswordJob(kService);
        job->setKey(d->entry(key));
        job->setTextData(value);
        QString error;
        if (runJob(job, &error) != QKeychain::NoError)
            return Error { QStringLiteral("secrets.keychain"), error };
        d->values.insert(key, value);
        return d->saveIndex();
    }
    d->values.insert(key, value);
    return d->saveFile();
}

Result<bool> LocalSecrets::remove(const QString &key)
{
    if (!d->values.contains(key))
        return false;
    if (d->backend == Backend::Keychain) {
        auto *job = new QKeychain::DeletePasswordJob(kService);
        job->setKey(d->entry(key));
        QString error;
        const QKeychain::Error code = runJob(job, &error);
        if (code != QKeychain::NoError && code != QKeychain::EntryNotFound)
            return Error { QStringLiteral("secrets.keychain"), error };
        d->values.remove(key);
        return d->saveIndex();
    }
    d->values.remove(key);
    return d->saveFile();
}

QString secretFingerprint(const QString &value)
{
    if (value.isEmpty())
        return {};
    const QByteArray hash = QCryptographicHash::hash(value.toUtf8(), QCryptographicHash::Sha256);
    return QString::fromLatin1(hash.toHex().left(8)) + QStringLiteral("…") + value.right(4);
}

} // namespace kiket::devkit
