// Local secret values on real files: kept owner-only, read back after reopening, removed for good;
// without a keychain service the file is used and says so.
#include <kiket/devkit/folder/localsecrets.h>

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket::devkit;

class TestLocalSecrets : public QObject
{
    Q_OBJECT

private slots:
    void fileStoreKeepsValuesOwnerOnly()
    {
        QTemporaryDir folder;
        auto opened = LocalSecrets::open(folder.path(), false);
        QVERIFY(opened.ok());
        LocalSecrets &s = *opened.value();
        QCOMPARE(s.backend(), LocalSecrets::Backend::File);
        QVERIFY(s.notice().contains(".kiket/workbench/local-secrets.json"));
        QVERIFY(s.set("API_KEY", "sk-live-123").ok());
        QVERIFY(s.set(kDeliverySecretKey, "hook").ok());
        const QString file = folder.filePath(".kiket/workbench/local-secrets.json");
        QCOMPARE(QFile::permissions(file) & 0x0077, QFileDevice::Permissions()); // no group/other
        QVERIFY(QFile::permissions(file).testFlag(QFileDevice::ReadOwner));

        auto again = LocalSecrets::open(folder.path(), false);
        QVERIFY(again.ok());
        QCOMPARE(again.value()->value("API_KEY"), std::optional<QString>("sk-live-123"));
        QCOMPARE(again.value()->values().keys(), QStringList({ "API_KEY", "delivery_secret" }));

        QCOMPARE(again.value()->remove("API_KEY").value(), true);
        QCOMPARE(again.value()->remove("API_KEY").value(), false);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains("sk-live-123"));
    }

    void badKeysAndFoldersAreRefused()
    {
        QTemporaryDir folder;
        auto s = LocalSecrets::open(folder.path(), false);
        QVERIFY(!s.value()->set("  ", "x").ok());
        QVERIFY(!s.value()->set(" KEY", "x").ok());
        QVERIFY(s.value()->values().isEmpty());
        QVERIFY(!LocalSecrets::open(folder.filePath("missing"), false).ok());
    }

    void withoutAKeychainServiceTheFileIsUsed()
    {
        QTemporaryDir folder;
        const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        auto s = LocalSecrets::open(folder.path(), true);
        if (!bus.isEmpty())
            qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
        QVERIFY(s.ok());
        QCOMPARE(s.value()->backend(), LocalSecrets::Backend::File);
        QVERIFY(s.value()->notice().startsWith("No keychain service (no D-Bus session)"));
    }

    // Run by ctest inside a private D-Bus session with a fresh GNOME keyring (with_keyring.sh).
    void keychainWhenAServiceAnswers()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("needs a D-Bus session with a keychain service (see with_keyring.sh)");
        QTemporaryDir folder;
        auto s = LocalSecrets::open(folder.path(), true);
        QVERIFY(s.ok());
        QCOMPARE(s.value()->backend(), LocalSecrets::Backend::Keychain);
        QVERIFY(s.value()->set("API_KEY", "kc-value-123").ok());
        QVERIFY(!QFile::exists(folder.filePath(".kiket/workbench/local-secrets.json")));
        QFile index(folder.filePath(".kiket/workbench/local-secrets.keys"));
        QVERIFY(index.open(QIODevice::ReadOnly));
        const QByteArray names = index.readAll();
        QVERIFY(names.contains("API_KEY"));
        QVERIFY(!names.contains("kc-value-123")); // only names leave the keychain

        auto again = LocalSecrets::open(folder.path(), true);
        QCOMPARE(again.value()->value("API_KEY"), std::optional<QString>("kc-value-123"));
        QCOMPARE(again.value()->remove("API_KEY").value(), true);
        auto third = LocalSecrets::open(folder.path(), true);
        QVERIFY(!third.value()->value("API_KEY").has_value());
    }

    void fingerprintShowsHashStartAndLastFour()
    {
        // The first eight hex digits of the SHA-256, then the last four characters.
        const QString print = secretFingerprint("hunter2-secret");
        QCOMPARE(print.size(), 8 + 1 + 4);
        QVERIFY(print.endsWith(QStringLiteral("…cret")));
        QCOMPARE(print.left(8),
            QString::fromLatin1(
                QCryptographicHash::hash("hunter2-secret", QCryptographicHash::Sha256)
                    .toHex()
                    .left(8)));
        QVERIFY(secretFingerprint("").isEmpty());
        QVERIFY(secretFingerprint("a") != secretFingerprint("b"));
    }
};

QTEST_MAIN(TestLocalSecrets)
#include "tst_localsecrets.moc"
