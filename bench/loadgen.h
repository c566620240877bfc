#pragma once

#include <QByteArray>
#include <QList>

/// Sends exactly `total` copies of one raw HTTP request over `connections` keep-alive
/// connections to 127.0.0.1:port; returns how many answers had status 200.
int sendExactly(quint16 port, const QByteArray &request, int total, int connections);

/// Sends `count` copies of a request one after another on one keep-alive connection; the time of
/// each round trip in microseconds (fewer entries when the server stopped answering).
QList<double> timeSequential(quint16 port, const QByteArray &request, int count);
