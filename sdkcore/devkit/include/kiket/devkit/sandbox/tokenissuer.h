#pragma once

#include <kiket/jwt.h>
#include <kiket/result.h>

#include <QJsonObject>
#include <QStringList>

#include <memory>

namespace kiket::devkit {

/// What a minted runtime token says about its caller.
struct TokenGrant
{
    QStringList scopes;
    QString subject = QStringLiteral("usr_workbench");
    QString organizationId = QStringLiteral("org_7Hq2");
    QString projectId = QStringLiteral("proj_marketing");
    QString extensionId;
    QString installationId = QStringLiteral("pi_local");
    int lifetimeSeconds = 900;
};

/// The last tokens an issuer minted, by their exact bytes; shared by the issuer's copies and
/// thread-safe.
class MintedTokens
{
public:
    /// How many of the newest tokens are remembered.
    static constexpr int kCapacity = 1024;
    MintedTokens();
    /// True when this exact token was minted here and is among the newest kCapacity.
    bool contains(const QByteArray &token) const;
    /// Remembers a token, forgetting the oldest beyond kCapacity.
    void add(const QByteArray &token);

private:
    struct Impl;
    std::shared_ptr<Impl> d;
};

/// The sandbox's signing key for one extension folder, kept in `.kiket/workbench/signing-key.pem`
/// (mode 0600, created on first use), and the runtime tokens and JWKS made with it.
class TokenIssuer
{
public:
    /// Loads the folder's key, creating it (and the folder) when missing.
    static Result<TokenIssuer> forFolder(const QString &extensionFolder);
    /// An issuer with a fresh key that is never written anywhere.
    static TokenIssuer ephemeral();

    /// An ES256 runtime token: iss kiket.dev, iat/exp, a fresh jti, the grant's ids and scopes.
    QByteArray mint(const TokenGrant &grant, qint64 now = -1) const;
    /// The tokens mint() made, for a verifier that can then skip their signature check.
    const MintedTokens &minted() const { return m_minted; }
    /// `{"keys":[…]}` as served at /.well-known/jwks.json.
    QJsonObject jwks() const;
    /// The key id: a short fingerprint of the public key.
    const QString &kid() const { return m_kid; }
    /// Set when the key file was readable by others: it was made owner-only, and this says so.
    const QString &notice() const { return m_notice; }

private:
    explicit TokenIssuer(EcKey key);
    EcKey m_key;
    QString m_kid;
    QString m_notice;
    mutable MintedTokens m_minted; // mint() is const; the registry is shared by copies
};

} // namespace kiket::devkit
