// serve's NDJSON printer: a stdout nobody reads must not grow the queue without bound, and every
// exchange is either printed or counted in a line on stderr.
#include "ndjsonprinter.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <optional>
#include <thread>
#include <unistd.h>

using kiket::devkit::Exchange;

namespace {

Exchange delivery(int n)
{
    Exchange e;
    e.kind = kiket::devkit::ExchangeKind::Delivery;
    e.id = n;
    e.method = "POST";
    e.target = "/v/1/webhooks/issue.created";
    e.status = 200;
    e.requestBody = QByteArray(512, 'x'); // a few fill the pipe soon
    return e;
}

qint64 droppedIn(const QByteArray &err)
{
    qint64 total = 0;
    for (const QByteArray &line : err.split('\n')) {
        if (line.contains("exchanges not printed"))
            total += line.mid(line.indexOf(": ") + 2).split(' ').first().toLongLong();
    }
    return total;
}

} // namespace

class TestNdjsonPrinter : public QObject
{
    Q_OBJECT

private slots:
    void aReaderThatFallsBehindLosesLinesCountedNotMemory()
    {
        int pipeFds[2];
        QCOMPARE(::pipe(pipeFds), 0);
        std::FILE *out = ::fdopen(pipeFds[1], "w");
        std::FILE *err = std::tmpfile();
        QVERIFY(out && err);
        const int total = 3000;
        const int cap = 50;
        {
            std::optional<NdjsonPrinter> printer;
            printer.emplace(out, err, cap);
            // Nobody reads yet: the printer blocks on a full pipe and the queue stops at the cap.
            for (int n = 1; n <= total; ++n)
                printer->print(delivery(n));
            QByteArray printed;
            std::thread reader([&] {
                char buffer[65536];
                for (;;) {
                    const ssize_t got = ::read(pipeFds[0], buffer, sizeof buffer);
                    if (got <= 0)
                        return;
                    printed.append(buffer, got);
                }
            });
            // Reading now lets the printer finish; it stops after what it queued.
            printer.reset();
            std::fclose(out);
            reader.join();

            std::rewind(err);
            QByteArray errText(4096, '\0');
            errText.truncate(qsizetype(std::fread(errText.data(), 1, errText.size(), err)));
            const QList<QByteArray> lines = printed.trimmed().split('\n');
            const qint64 dropped = droppedIn(errText);
            QVERIFY2(dropped > 0, errText.constData());
            QVERIFY(lines.size() < total);
            QCOMPARE(lines.size() + dropped, qint64(total)); // each printed or counted
            // What was printed is whole NDJSON, in the order it was handed over.
            qint64 last = 0;
            for (const QByteArray &line : lines) {
                QJsonParseError parse;
                const QJsonObject o = QJsonDocument::fromJson(line, &parse).object();
                QCOMPARE(parse.error, QJsonParseError::NoError);
                QVERIFY(o.value(QStringLiteral("id")).toInteger() > last);
                last = o.value(QStringLiteral("id")).toInteger();
            }
            QVERIFY(errText.contains("all are captured"));
        }
        std::fclose(err);
        ::close(pipeFds[0]);
    }

    // Printed while serve runs, not when it stops; the next ones too, though the printer pauses
    // after each batch.
    void eachExchangeIsPrintedWithoutWaitingForMore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.ndjson"));
        std::FILE *out = std::fopen(qPrintable(path), "w");
        std::FILE *err = std::tmpfile();
        QVERIFY(out && err);
        const auto lines = [&path] { // through a file of its own: the printer's offset stays
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? file.readAll().count('\n') : -1;
        };
        {
            NdjsonPrinter printer(out, err);
            printer.print(delivery(1));
            QTRY_COMPARE(lines(), 1);
            printer.print(delivery(2));
            printer.print(delivery(3));
            QTRY_COMPARE(lines(), 3);
        }
        std::fclose(out);
        std::fclose(err);
    }

    void aReaderThatKeepsUpGetsEveryLine()
    {
        std::FILE *out = std::tmpfile();
        std::FILE *err = std::tmpfile();
        {
            NdjsonPrinter printer(out, err, 200); // room for all, however slow the printer
            for (int n = 1; n <= 200; ++n)
                printer.print(delivery(n));
        }
        QCOMPARE(std::ftell(err), 0L);
        std::rewind(out);
        int lines = 0;
        for (int c; (c = std::fgetc(out)) != EOF;)
            lines += c == '\n';
        QCOMPARE(lines, 200);
        std::fclose(out);
        std::fclose(err);
    }
};

QTEST_GUILESS_MAIN(TestNdjsonPrinter)
#include "tst_ndjsonprinter.moc"
