// The manifest editor offscreen on real files: diagnostics with line and column that jump to
// their place, atomic save, and edits made outside the workbench.
#include "manifesteditor.h"

#include <Qsci/qsciscintilla.h>

#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace kiket::ui;

namespace {

void write(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QByteArray read(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

const QByteArray kGood = "id: com.example.test\nversion: 1.0.0\nname: one\n";

} // namespace

class TestManifestEditor : public QObject
{
    Q_OBJECT

private slots:
    void diagnosticsJumpToTheirLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("extension.yaml");
        write(path, kGood);
        write(dir.filePath("README.md"), "# test\n");
        QVERIFY(QDir(dir.path()).mkdir("tests"));
        ManifestEditor editor;
        editor.open(path);
        QCOMPARE(editor.text().toUtf8(), kGood);
        QVERIFY(editor.diagnostics().isEmpty());

        editor.setText(QStringLiteral("id: x\nversion: 1\nsettings:\n  - key: [unclosed\n"));
        editor.validateNow();
        QCOMPARE(editor.diagnostics().size(), 1);
        const Diagnostic d = editor.diagnostics().first();
        QVERIFY(d.error);
        QVERIFY2(d.line >= 4, qPrintable(QString::number(d.line)));
        QCOMPARE(editor.diagnosticList()->count(), 1);
        QVERIFY(editor.diagnosticList()->item(0)->text().startsWith("error"));
        emit editor.diagnosticList()->itemActivated(editor.diagnosticList()->item(0));
        int line = -1, column = -1;
        editor.editor()->getCursorPosition(&line, &column);
        QCOMPARE(line, d.line - 1);
        QCOMPARE(editor.editor()->markersAtLine(d.line - 1) != 0, true);

        // Typing validates after a pause, without being asked.
        editor.setText(QString::fromUtf8(kGood));
        QTRY_VERIFY_WITH_TIMEOUT(editor.diagnostics().isEmpty(), 3000);
    }

    void lintFindingsWithRuleAndHint()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("extension.yaml");
        write(path, "id: com.example.test\nversion: 1.0\nscopes: [custom_data.reed]\n");
        ManifestEditor editor;
        editor.open(path);
        editor.validateNow();
        QStringList shown;
        for (int i = 0; i < editor.diagnosticList()->count(); ++i)
            shown << editor.diagnosticList()->item(i)->text();
        // The SDK loads it; the lint does not pass it.
        QCOMPARE(shown, QStringList({ "warning folder  the folder has no README [readme]",
                            "warning folder  the folder has no tests [tests]",
                            "error 2:10  the version '1.0' is not a semantic version [version-semver]",
                            "warning 3:10  'custom_data.reed' is not a scope Kiket is known to grant "
                            "[unknown-scope]" }));
        QCOMPARE(editor.diagnosticList()->item(3)->toolTip(),
            QStringLiteral("did you mean 'custom_data.read'?"));
        QVERIFY(editor.editor()->markersAtLine(1) != 0);
        QVERIFY(editor.editor()->markersAtLine(2) != 0);
        QVERIFY(editor.editor()->markersAtLine(0) == 0);
    }

    void saveWritesAndAnnounces()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("extension.yaml");
        write(path, kGood);
        ManifestEditor editor;
        editor.open(path);
        QSignalSpy saved(&editor, &ManifestEditor::saved);
        editor.setText(QString::fromUtf8(kGood).replace("one", "two"));
        QVERIFY(editor.isModified());
        QVERIFY(editor.save());
        QCOMPARE(saved.count(), 1);
        QVERIFY(read(path).contains("name: two"));
        QVERIFY(!editor.isModified());
        QTest::qWait(300); // our own write is not taken for an outside edit
        QVERIFY(!editor.externalChangePending());

        // A file that cannot be written: the reason is shown and nothing is announced.
        ManifestEditor nowhere;
        nowhere.open(dir.filePath("no/such/folder/extension.yaml"));
        nowhere.setText(QString::fromUtf8(kGood));
        QVERIFY(!nowhere.save());
        QCOMPARE(saved.count(), 1);
    }

    void outsideEditsAreNoticed()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("extension.yaml");
        write(path, kGood);
        ManifestEditor editor;
        editor.open(path);

        // Without edits of its own, the editor follows the file.
        write(path, QByteArray(kGood).replace("one", "three"));
        QTRY_VERIFY_WITH_TIMEOUT(editor.text().contains("three"), 5000);
        QVERIFY(!editor.externalChangePending());

        // With edits, it asks; nothing typed is lost until the user chooses to reload.
        editor.setText(editor.text() + QStringLiteral("name: mine\n"));
        write(path, QByteArray(kGood).replace("one", "four"));
        QTRY_VERIFY_WITH_TIMEOUT(editor.externalChangePending(), 5000);
        QVERIFY(editor.text().contains("name: mine"));
        editor.reloadFromDisk();
        QVERIFY(editor.text().contains("four"));
        QVERIFY(!editor.externalChangePending());
    }
};

QTEST_MAIN(TestManifestEditor)
#include "tst_manifesteditor.moc"
