// How long reading one large answer takes when it arrives in pieces, as the forwarder and the
// blocking client read it: with the parser's progress kept between pieces, and (the baseline,
// measured in the same run) parsing everything that arrived again at each piece.
// usage: kiket-answerbench [MiB] [piece KiB]
#include "responseparser.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

namespace {

QByteArray chunkedAnswer(qsizetype bytes)
{
    QByteArray out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n";
    const QByteArray chunk(8192, 'x');
    for (qsizetype sent = 0; sent < bytes; sent += chunk.size())
        out += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    return out + "0\r\n\r\n";
}

// Milliseconds to read the answer as pieces of `piece` bytes arrive.
double readInPieces(const QByteArray &answer, qsizetype piece, bool keepProgress, qsizetype *body)
{
    QElapsedTimer clock;
    clock.start();
    QByteArray received;
    kiket::AnswerProgress progress;
    kiket::HttpResponse out;
    for (qsizetype at = 0; at < answer.size(); at += piece) {
        received += answer.mid(at, piece);
        const auto state = kiket::parseResponse(
            received, false, &out, nullptr, keepProgress ? &progress : nullptr);
        if (state != kiket::AnswerState::Incomplete)
            break;
    }
    *body = out.body.size();
    return clock.nsecsElapsed() / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const qsizetype mib = qMax(1, app.arguments().value(1, QStringLiteral("16")).toInt());
    const qsizetype piece = 1024 * qMax(1, app.arguments().value(2, QStringLiteral("64")).toInt());
    const QByteArray answer = chunkedAnswer(mib << 20);
    qsizetype bodyKept = 0;
    qsizetype bodyAgain = 0;
    const double kept = readInPieces(answer, piece, true, &bodyKept);
    const double again = readInPieces(answer, piece, false, &bodyAgain);
    std::printf("chunked answer of %lld MiB in %lld KiB pieces (%lld pieces)\n",
        static_cast<long long>(mib), static_cast<long long>(piece / 1024),
        static_cast<long long>((answer.size() + piece - 1) / piece));
    std::printf("  progress kept:       %9.1f ms  (body %lld bytes)\n", kept,
        static_cast<long long>(bodyKept));
    std::printf("  parsed again (base): %9.1f ms  (body %lld bytes)\n", again,
        static_cast<long long>(bodyAgain));
    std::printf("  ratio base / kept:   %9.1f\n", kept > 0 ? again / kept : 0.0);
    return bodyKept == bodyAgain && bodyKept == (mib << 20) ? 0 : 1;
}
