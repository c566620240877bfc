// The JSON and time writers that capture and printing use instead of QJsonDocument and
// QDateTime::toString, and an exchange's stage times: the same text as those, for the values
// exchanges carry and the odd ones.
#include "common/jsontext.h"

#include <kiket/devkit/capture/exchange.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRandomGenerator>
#include <QTest>
#include <QTimeZone>

#include <cmath>
#include <limits>

using namespace kiket::devkit;

class TestJsonText : public QObject
{
    Q_OBJECT

private slots:
    void stringsReadBackAsTheyWere_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("latin1");
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("plain") << QByteArray("issue.created") << false;
        QTest::newRow("a JSON body") << QByteArray("{\"a\":\"b\\\\c\",\"n\":1}") << false;
        QTest::newRow("controls") << QByteArray("a\nb\tc\x01\x1f\x7f", 9) << false;
        QTest::newRow("UTF-8") << QByteArray("d\xc3\xa9j\xc3\xa0 \xe2\x82\xac") << false;
        QTest::newRow("Latin-1 header") << QByteArray("caf\xe9 \"x\" \xff") << true;
        QTest::newRow("only escapes") << QByteArray("\"\"\\\n") << false;
    }

    void stringsReadBackAsTheyWere()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, latin1);
        QByteArray out = "[";
        appendJsonString(out, bytes, latin1 ? TextBytes::Latin1 : TextBytes::Utf8);
        out += ']';
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.array().at(0).toString(),
            latin1 ? QString::fromLatin1(bytes) : QString::fromUtf8(bytes));
    }

    void escapesAreWrittenOneWay()
    {
        QByteArray out = "x";
        appendJsonString(out, QByteArray("q\"b\\n\nc\x01\xe9", 9), TextBytes::Latin1);
        QCOMPARE(out, QByteArray("x\"q\\\"b\\\\n\\u000ac\\u0001\xc3\xa9\""));
    }

    void numbersReadAsQJsonDocumentWritesThem_data()
    {
        QTest::addColumn<double>("number");
        const double numbers[] = { 0, 12, 86400000, -3, 0.1, 1.5, 1e-7, 123456.789, -2.25, 1.0 / 3,
            1e20, 9007199254740993.0, -1e15, 999999999999999.0, 1.8e19, 0x1p62, 0x1p63,
            std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN() };
        for (const double n : numbers)
            QTest::newRow(QByteArray::number(n, 'g', 17).constData()) << n;
    }

    void numbersReadAsQJsonDocumentWritesThem()
    {
        QFETCH(double, number);
        QByteArray out = "[";
        appendJsonNumber(out, number);
        out += ']';
        QCOMPARE(out, QJsonDocument(QJsonArray { number }).toJson(QJsonDocument::Compact));
    }

    void manyNumbersAsQJsonDocumentWritesThem()
    {
        // Stage times are nanoseconds over 1e6: many digits, at every scale they come in.
        QRandomGenerator random(7);
        for (int i = 0; i < 20000; ++i) {
            const double ms = double(random.bounded(Q_INT64_C(1) << 50))
                / std::pow(10.0, random.bounded(3, 21)) * (i % 2 ? 1 : -1);
            QByteArray out = "[";
            appendJsonNumber(out, ms);
            out += ']';
            QCOMPARE(out, QJsonDocument(QJsonArray { ms }).toJson(QJsonDocument::Compact));
        }
    }

    void stageTimesReadAsQJsonDocumentWritesThem()
    {
        const StageTimes none;
        StageTimes all;
        for (int i = 0; i < StageTimes::Count; ++i)
            all.set(StageTimes::Stage(i), i * 1.25);
        const StageTimes some { { StageTimes::Upstream, 0.734 }, { StageTimes::Total, 12 },
            { StageTimes::Auth, 0 } };
        for (const StageTimes &times : { none, all, some }) {
            QByteArray out = "x";
            times.appendJson(out);
            const QJsonObject object = times.toJsonObject();
            QCOMPARE(out, "x" + QJsonDocument(object).toJson(QJsonDocument::Compact));
            QCOMPARE(StageTimes::fromJsonObject(object), times);
        }
        QCOMPARE(some.toJsonObject().keys(), QStringList({ "auth", "total", "upstream" }));
        // What is not a stage's time is left out when read.
        const QJsonObject odd { { "total", 3 }, { "note", "slow" }, { "auth", "x" },
            { "upstream", QJsonArray { 1 } } };
        QCOMPARE(StageTimes::fromJsonObject(odd), StageTimes({ { StageTimes::Total, 3 } }));
    }

    void timesReadAsQDateTimeWritesThem_data()
    {
        QTest::addColumn<QDateTime>("time");
        const QTimeZone utc = QTimeZone::utc();
        QTest::newRow("epoch") << QDateTime::fromMSecsSinceEpoch(0, utc);
        QTest::newRow("now") << QDateTime::currentDateTimeUtc();
        QTest::newRow("before 1970") << QDateTime::fromMSecsSinceEpoch(-1, utc);
        QTest::newRow("long before") << QDateTime(QDate(1, 1, 1), QTime(0, 0, 0, 1), utc);
        QTest::newRow("leap day") << QDateTime(QDate(2028, 2, 29), QTime(23, 59, 59, 999), utc);
        QTest::newRow("last year written")
            << QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), utc);
        QTest::newRow("past 9999") << QDateTime(QDate(10000, 1, 1), QTime(0, 0), utc);
        QTest::newRow("before year 1") << QDateTime(QDate(-1, 12, 31), QTime(12, 0), utc);
        QTest::newRow("with an offset")
            << QDateTime(QDate(2026, 12, 7), QTime(1, 30, 0, 250), QTimeZone(-5 * 3600));
        QTest::newRow("local time") << QDateTime(QDate(2026, 6, 1), QTime(8, 0, 0, 7));
        QTest::newRow("invalid") << QDateTime();
    }

    void timesReadAsQDateTimeWritesThem()
    {
        QFETCH(QDateTime, time);
        QByteArray out = "x";
        appendIsoUtc(out, time);
        QCOMPARE(out, "x" + time.toUTC().toString(Qt::ISODateWithMs).toLatin1());
    }
};

QTEST_GUILESS_MAIN(TestJsonText)
#include "tst_jsontext.moc"
