#include "kiket/devkit/sandbox/tokenissuer.h"

#include "common/privatefiles.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QQueue>
#include <QSaveFile>
#include <QSet>
#include <QUuid>

namespace kiket::devkit {

namespace {

const QString kKeyFile = QStringLiteral(".kiket/workbench/signing-key.pem");

} // namespace

struct MintedTokens::Impl
{
    mutable QMutex mutex;
    QSet<QByteArray> tokens;
    QQueue<QByteArray> order; // oldest first
};

MintedTokens::MintedTokens()
    : d(std::make_shared<Impl>())
{ }

bool MintedTokens::contains(const QByteArray &token) const
{
    QMutexLocker lock(&d->mutex);
    return d->tokens.contains(token);
}

void MintedTokens::add(const QByteArray &token)
{
    QMutexLocker lock(&d->mutex);
    d->tokens.insert(token);
    d->order.enqueue(token);
    while (d->order.size() > kCapacity)
        d->tokens.remove(d->order.dequeue());
}

TokenIssuer::TokenIssuer(EcKey key)
    : m_key(std::move(key))
{
    const QJsonObject jwk = m_key.publicJwk({});
    const QByteArray thumb = jwk.value(QStringLiteral("x")).toString().toLatin1()
        + jwk.value(QStringLiteral("y")).toString().toLatin1();
    m_kid = QStringLiteral("wb-")
        + QString::fromLatin1(
            QCryptographicHash::hash(thumb, QCryptographicHash::Sha256).toHex().left(12));
}

TokenIssuer TokenIssuer::ephemeral()
{
    return TokenIssuer(EcKey::generate());
}

Result<TokenIssuer> TokenIssuer::forFolder(const QString &extensionFolder)
{
    const QString path = QDir(extensionFolder).filePath(kKeyFile);
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly))
            return Error { QStringLiteral("key.read"),
                QStringLiteral("Cannot read %1: %2").arg(path, existing.errorString()) };
        auto key = EcKey::fromPem(existing.readAll());
        if (!key)
            return Error { key.error().code,
                QStringLiteral("%1: %2").arg(path, key.error().message) };
        TokenIssuer issuer(key.value());
        const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
            | QFileDevice::ReadOther | QFileDevice::WriteOther;
        if (existing.permissions() & others) {
            makePrivateFile(path);
            issuer.m_notice = QStringLiteral("%1 was readable by others; it is owner-only (0600) "
                                             "now. Anyone who read it can mint tokens this "
                                             "sandbox accepts: delete it for a new key.")
                                  .arg(path);
        }
        return issuer;
    }
    if (!makePrivateFolder(QFileInfo(path).path()))
        return Error { QStringLiteral("key.write"),
            QStringLiteral("Cannot create %1").arg(QFileInfo(path).path()) };
    const EcKey key = EcKey::generate();
    QSaveFile file(path);
    // Owner-only from the first byte: the key never exists with wider permissions.
    if (!file.open(QIODevice::WriteOnly)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(key.toPem()) < 0 || !file.commit())
        return Error { QStringLiteral("key.write"),
            QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()) };
    return TokenIssuer(key);
}

QByteArray TokenIssuer::mint(const TokenGrant &grant, qint64 now) const
{
    const qint64 t = now >= 0 ? now : QDateTime::currentSecsSinceEpoch();
    const QJsonObject claims { { QStringLiteral("sub"), grant.subject },
        { QStringLiteral("org_id"), grant.organizationId },
        { QStringLiteral("ext_id"), grant.extensionId },
        { QStringLiteral("proj_id"), grant.projectId },
        { QStringLiteral("pi_id"), grant.installationId },
        { QStringLiteral("scopes"), QJsonArray::fromStringList(grant.scopes) },
        { QStringLiteral("src"), QStringLiteral("workbench") },
        { QStringLiteral("iss"), QStringLiteral("kiket.dev") }, { QStringLiteral("iat"), t },
        { QStringLiteral("exp"), t + grant.lifetimeSeconds },
        { QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces) } };
    const QByteArray token = signJwt(claims, m_key, m_kid);
    m_minted.add(token);
    return token;
}

QJsonObject TokenIssuer::jwks() const
{
    return { { QStringLiteral("keys"), QJsonArray { m_key.publicJwk(m_kid) } } };
}

} // namespace kiket::devkit
