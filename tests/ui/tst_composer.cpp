// The composer offscreen: what it would send for a new delivery and for an edited capture, and
// how it marks a JSON error; the console with a real extension process.
#include "composer.h"
#include "console.h"
#include "jsonhighlighter.h"

#include <kiket/devkit/delivery/eventcatalogue.h>
#include <kiket/devkit/sandbox/tokenissuer.h>
#include <kiket/hmac.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>

using namespace kiket;
using namespace kiket::ui;

namespace {

bool signatureValid(const HttpRequest &r, const QByteArray &secret)
{
    HmacInput in;
    in.secret = secret;
    in.signatureHeaders = headerValues(r.headers, "x-kiket-signature");
    in.timestampHeaders = headerValues(r.headers, "x-kiket-timestamp");
    in.body = r.body;
    return verifyHmac(in).ok();
}

void selectMode(Composer &c, devkit::ReplayMode mode)
{
    c.modeBox()->setCurrentIndex(c.modeBox()->findData(int(mode)));
}

} // namespace

class TestComposer : public QObject
{
    Q_OBJECT

private slots:
    void newDeliveryIsSignedWithChosenScopesAndSecrets()
    {
        const auto catalogue = devkit::EventCatalogue::builtIn();
        QVERIFY(catalogue.ok());
        Composer c;
        c.setCatalogue(&catalogue.value());
        c.newDelivery(QStringLiteral("issue.created"));
        QVERIFY(c.problem().isEmpty());
        QVERIFY(c.editor()->toPlainText().contains("\"issue\""));
        c.setScopes({ QStringLiteral("events.write"), QStringLiteral("secrets.read") });
        c.secretsEdit()->setText(QStringLiteral("API_KEY=abc123; OTHER = two"));
        QCOMPARE(c.secretsEdit()->echoMode(), QLineEdit::PasswordEchoOnEdit);
        c.versionEdit()->setText(QStringLiteral("v2"));

        const devkit::TokenIssuer issuer = devkit::TokenIssuer::ephemeral();
        ComposerContext context { "composer-secret", &issuer,
            QStringLiteral("http://127.0.0.1:1") };
        const auto request = c.request(context);
        QVERIFY(request.ok());
        QCOMPARE(request.value().path(), QByteArray("/v/v2/webhooks/issue.created"));
        QVERIFY(signatureValid(request.value(), "composer-secret"));
        const QJsonObject body = QJsonDocument::fromJson(request.value().body).object();
        QCOMPARE(body.value("authentication").toObject().value("scopes").toArray(),
            QJsonArray({ "secrets.read", "events.write" })); // in the order of the boxes
        QCOMPARE(body.value("secrets").toObject(),
            QJsonObject({ { "API_KEY", "abc123" }, { "OTHER", "two" } }));
        QCOMPARE(body.value("api").toObject().value("base_url").toString(),
            QStringLiteral("http://127.0.0.1:1"));

        // Another mode rehearses a failure: unsigned, or signed with the wrong secret.
        selectMode(c, devkit::ReplayMode::Unsigned);
        QVERIFY(headerValues(c.request(context).value().headers, "x-kiket-signature").isEmpty());
        selectMode(c, devkit::ReplayMode::WrongSecret);
        QVERIFY(!signatureValid(c.request(context).value(), "composer-secret"));
        QCOMPARE(c.modeBox()->findData(int(devkit::ReplayMode::Verbatim)), -1);
    }

    void jsonErrorIsMarkedAtItsLine()
    {
        Composer c;
        QSignalSpy requested(&c, &Composer::sendRequested);
        c.editor()->setPlainText(QStringLiteral("{\n  \"a\": 1,\n  \"b\": tru\n}\n"));
        QVERIFY2(c.problem().startsWith("Line 3"), qPrintable(c.problem()));
        QCOMPARE(c.editor()->extraSelections().size(), 1);
        QCOMPARE(c.editor()->extraSelections().first().cursor.blockNumber(), 2);
        const auto request = c.request({});
        QVERIFY(!request.ok());
        QCOMPARE(request.error().message, c.problem());
        QPushButton *send = nullptr;
        for (QPushButton *b : c.findChildren<QPushButton *>())
            send = b->text() == QLatin1String("&Send") ? b : send;
        QVERIFY(send);
        QVERIFY(!send->isEnabled());
        send->click();
        QCOMPARE(requested.count(), 0); // nothing is sent while the text is wrong
        c.editor()->setPlainText(QStringLiteral("[1, 2]"));
        QCOMPARE(c.problem(), QStringLiteral("The payload must be a JSON object"));
        c.editor()->setPlainText(QStringLiteral("{\"a\": 1}"));
        QVERIFY(c.problem().isEmpty());
        QVERIFY(c.editor()->extraSelections().isEmpty());
        QCOMPARE(lineAndColumn("{\n\"é\": x", 8), qMakePair(2, 6));
    }

    void editedCaptureIsReplayedAndLinked()
    {
        const QByteArray original = R"({"event":"issue.created","issue":{"title":"Old"}})";
        devkit::Exchange captured;
        captured.id = 42;
        captured.kind = devkit::ExchangeKind::Delivery;
        captured.method = "POST";
        captured.target = "/v/v1/webhooks/issue.created";
        captured.event = QStringLiteral("issue.created");
        captured.version = QStringLiteral("v1");
        captured.requestHeaders = { { "Content-Type", "application/json" },
            { "X-Kiket-Signature", "0123" }, { "X-Kiket-Timestamp", "1700000000" } };
        captured.requestBody = original;
        Composer c;
        c.editCapture(captured);
        QCOMPARE(c.editedId(), qint64(42));
        QVERIFY(!c.eventBox()->isEnabled());
        const ComposerContext context { "edit-secret", nullptr, {} };

        // Unchanged JSON keeps the original bytes; verbatim keeps the original signature.
        selectMode(c, devkit::ReplayMode::Verbatim);
        HttpRequest r = c.request(context).value();
        QCOMPARE(r.body, original);
        QCOMPARE(r.header("x-kiket-signature"), QByteArray("0123"));
        QCOMPARE(r.header("x-kiket-replay-of"), QByteArray("42"));

        // An edit is sent as typed and, re-signed, verifies.
        c.editor()->setPlainText(c.editor()->toPlainText().replace("Old", "New"));
        selectMode(c, devkit::ReplayMode::Resign);
        r = c.request(context).value();
        QVERIFY(r.body.contains("\"New\""));
        QVERIFY(signatureValid(r, "edit-secret"));
        QCOMPARE(r.path(), QByteArray("/v/v1/webhooks/issue.created"));

        // Back to a new delivery.
        c.newDelivery(QStringLiteral("issue.created"));
        QCOMPARE(c.editedId(), qint64(0));
        QVERIFY(c.eventBox()->isEnabled());
    }

    void consoleShowsProcessOutput()
    {
        devkit::RunnerOptions o;
        o.command = QStringList { "python3", TINY_EXTENSION };
        o.workingDir = QDir::tempPath();
        devkit::Runner runner(o);
        Console console;
        console.attach(&runner);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(runner.state() == devkit::RunState::Ready, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(console.text()->toPlainText().contains("to stderr"), 5000);
        QVERIFY(console.text()->toPlainText().contains("listening on"));
        // stderr lines are drawn in another colour than stdout lines.
        QTextBlock err = console.text()->document()->findBlock(0);
        QTextBlock out;
        for (QTextBlock b = console.text()->document()->begin(); b.isValid(); b = b.next()) {
            if (b.text().contains("to stderr"))
                err = b;
            if (b.text().contains("listening on"))
                out = b;
        }
        const auto colourAtEnd = [](const QTextBlock &b) {
            QTextCursor cursor(b);
            cursor.movePosition(QTextCursor::EndOfBlock);
            return cursor.charFormat().foreground().color();
        };
        QVERIFY(out.isValid());
        QVERIFY(colourAtEnd(err) != colourAtEnd(out));
        QVERIFY(console.find(QStringLiteral("listening")));
        QVERIFY(console.text()->textCursor().selectedText().contains("listening"));
        QVERIFY(!console.find(QStringLiteral("never printed")));
        auto *stop = console.findChildren<QPushButton *>().last();
        QCOMPARE(stop->text(), QStringLiteral("Stop"));
        stop->click();
        QTRY_COMPARE_WITH_TIMEOUT(runner.state(), devkit::RunState::Stopped, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(console.findChild<QLabel *>()->text().contains("stopped"), 5000);

        Console inProcess;
        inProcess.attach(nullptr);
        for (QPushButton *b : inProcess.findChildren<QPushButton *>())
            QVERIFY(!b->isEnabled());
    }
};

QTEST_MAIN(TestComposer)
#include "tst_composer.moc"
