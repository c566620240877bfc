#include "kiket/jwt.h"

#include <QJsonArray>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

namespace kiket {

struct EcKey::Impl
{
    EVP_PKEY *pkey = nullptr;
    bool isPrivate = false;
    ~Impl() { EVP_PKEY_free(pkey); }
};

namespace {

template<class T, void (*Free)(T *)> struct Owned
{
    T *p = nullptr;
    ~Owned() { Free(p); }
};

QByteArray bignumBytes(const BIGNUM *bn, int size)
{
    QByteArray out(size, '\0');
    if (BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), size) != size)
        return {};
    return out;
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

void freeBio(BIO *b)
{
    BIO_free(b);
}

} // namespace

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray fromBase64Url(const QByteArray &text, bool *ok)
{
    auto result = QByteArray::fromBase64Encoding(
        text, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (ok)
        *ok = result.decodingStatus == QByteArray::Base64DecodingStatus::Ok;
    return result.decoded;
}

EcKey::EcKey() = default;

EcKey EcKey::generate()
{
    EcKey key;
    key.d = std::make_shared<Impl>();
    key.d->pkey = EVP_EC_gen(SN_X9_62_prime256v1);
    key.d->isPrivate = key.d->pkey != nullptr;
    return key;
}

Result<EcKey> EcKey::fromPem(const QByteArray &pem)
{
    Owned<BIO, freeBio> bio { BIO_new_mem_buf(pem.constData(), int(pem.size())) };
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio.p, nullptr, nullptr, nullptr);
    if (!pkey)
        return Error { QStringLiteral("key.pem"), QStringLiteral("Not a PEM private key") };
    char group[64] = { 0 };
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len)
            != 1
        || QByteArray(group) != SN_X9_62_prime256v1) {
        EVP_PKEY_free(pkey);
        return Error { QStringLiteral("key.curve"),
            QStringLiteral("The key is not a P-256 EC key") };
    }
    EcKey key;
    key.d = std::make_shared<Impl>();
    key.d->pkey = pkey;
    key.d->isPrivate = true;
    return key;
}

Result<EcKey> EcKey::fromJwk(const QJsonObject &jwk)
{
    if (jwk.value(QStringLiteral("kty")).toString() != QStringLiteral("EC")
        || jwk.value(QStringLiteral("crv")).toString() != QStringLiteral("P-256"))
        return Error { QStringLiteral("jwk.type"), QStringLiteral("JWK is not an EC P-256 key") };
    bool okX = false;
    bool okY = false;
    const QByteArray x = fromBase64Url(jwk.value(QStringLiteral("x")).toString().toLatin1(), &okX);
    const QByteArray y = fromBase64Url(jwk.value(QStringLiteral("y")).toString().toLatin1(), &okY);
    if (!okX || !okY || x.size() != 32 || y.size() != 32)
        return Error { QStringLiteral("jwk.coordinates"),
            QStringLiteral("JWK x/y are not 32-byte base64url values") };
    const QByteArray point = QByteArray(1, '\x04') + x + y;

    Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free> bld { OSSL_PARAM_BLD_new() };
    OSSL_PARAM_BLD_push_utf8_string(bld.p, OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1, 0);
    OSSL_PARAM_BLD_push_octet_string(
        bld.p, OSSL_PKEY_PARAM_PUB_KEY, point.constData(), size_t(point.size()));
    Owned<OSSL_PARAM, OSSL_PARAM_free> params { OSSL_PARAM_BLD_to_param(bld.p) };
    Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx { EVP_PKEY_CTX_new_from_name(
        nullptr, "EC", nullptr) };
    EVP_PKEY *pkey = nullptr;
    if (!params.p || !ctx.p || EVP_PKEY_fromdata_init(ctx.p) != 1
        || EVP_PKEY_fromdata(ctx.p, &pkey, EVP_PKEY_PUBLIC_KEY, params.p) != 1)
        return Error { QStringLiteral("jwk.point"),
            QStringLiteral("JWK point is not on the P-256 curve") };
    Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> check { EVP_PKEY_CTX_new_from_pkey(
        nullptr, pkey, nullptr) };
    if (EVP_PKEY_public_check(check.p) != 1) {
        EVP_PKEY_free(pkey);
        return Error { QStringLiteral("jwk.point"),
            QStringLiteral("JWK point is not on the P-256 curve") };
    }
    EcKey key;
    key.d = std::make_shared<Impl>();
    key.d->pkey = pkey;
    return key;
}

bool EcKey::isNull() const
{
    return !d || !d->pkey;
}

bool EcKey::hasPrivateKey() const
{
    return d && d->isPrivate;
}

QByteArray EcKey::toPem() const
{
    if (!hasPrivateKey())
        return {};
    Owned<BIO, freeBio> bio { BIO_new(BIO_s_mem()) };
    if (PEM_write_bio_PrivateKey(bio.p, d->pkey, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return {};
    return bioContents(bio.p);
}

QJsonObject EcKey::publicJwk(const QString &kid) const
{
    if (isNull())
        return {};
    BIGNUM *x = nullptr;
    BIGNUM *y = nullptr;
    EVP_PKEY_get_bn_param(d->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x);
    EVP_PKEY_get_bn_param(d->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
    const QByteArray xs = x ? bignumBytes(x, 32) : QByteArray();
    const QByteArray ys = y ? bignumBytes(y, 32) : QByteArray();
    BN_free(x);
    BN_free(y);
    return { { QStringLiteral("kty"), QStringLiteral("EC") },
        { QStringLiteral("crv"), QStringLiteral("P-256") },
        { QStringLiteral("x"), QString::fromLatin1(base64Url(xs)) },
        { QStringLiteral("y"), QString::fromLatin1(base64Url(ys)) },
        { QStringLiteral("alg"), QStringLiteral("ES256") },
        { QStringLiteral("use"), QStringLiteral("sig") }, { QStringLiteral("kid"), kid } };
}

QByteArray EcKey::sign(const QByteArray &data) const
{
    if (!hasPrivateKey())
        return {};
    Owned<EVP_MD_CTX, EVP_MD_CTX_free> ctx { EVP_MD_CTX_new() };
    size_t derLen = 0;
    if (EVP_DigestSignInit(ctx.p, nullptr, EVP_sha256(), nullptr, d->pkey) != 1
        || EVP_DigestSign(ctx.p, nullptr, &derLen,
               reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()))
            != 1)
        return {};
    QByteArray der(int(derLen), '\0');
    auto *derData = reinterpret_cast<unsigned char *>(der.data());
    if (EVP_DigestSign(ctx.p, derData, &derLen,
            reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()))
        != 1)
        return {};
    // OpenSSL produces DER; JOSE wants the raw r||s pair.
    const unsigned char *p = derData;
    Owned<ECDSA_SIG, ECDSA_SIG_free> sig { d2i_ECDSA_SIG(nullptr, &p, long(derLen)) };
    if (!sig.p)
        return {};
    return bignumBytes(ECDSA_SIG_get0_r(sig.p), 32) + bignumBytes(ECDSA_SIG_get0_s(sig.p), 32);
}

bool EcKey::verify(const QByteArray &data, const QByteArray &signature) const
{
    if (isNull() || signature.size() != 64)
        return false;
    const auto *raw = reinterpret_cast<const unsigned char *>(signature.constData());
    Owned<ECDSA_SIG, ECDSA_SIG_free> sig { ECDSA_SIG_new() };
    BIGNUM *r = BN_bin2bn(raw, 32, nullptr);
    BIGNUM *s = BN_bin2bn(raw + 32, 32, nullptr);
    if (!sig.p || !r || !s || ECDSA_SIG_set0(sig.p, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return false;
    }
    unsigned char *der = nullptr;
    const int derLen = i2d_ECDSA_SIG(sig.p, &der);
    if (derLen <= 0)
        return false;
    Owned<EVP_MD_CTX, EVP_MD_CTX_free> ctx { EVP_MD_CTX_new() };
    const bool ok = EVP_DigestVerifyInit(ctx.p, nullptr, EVP_sha256(), nullptr, d->pkey) == 1
        && EVP_DigestVerify(ctx.p, der, size_t(derLen),
               reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()))
            == 1;
    OPENSSL_free(der);
    return ok;
}

} // namespace kiket
