#pragma once

#include <kiket/http.h>

#include <QByteArray>
#include <QList>

/// Sends exactly `total` copies of one raw HTTP request over `connections` keep-alive
/// connections to 127.0.0.1:port; returns how many answers had status 200.
int sendExactly(quint16 port, const QByteArray &request, int total, int connections);

/// Sends each request once, over `connections` keep-alive connections; how many got status 200.
int sendEach(quint16 port, const QList<QByteArray> &requests, int connections);

/// Sends `count` copies of a request one after another on one keep-alive connection; the time of
/// each round trip in microseconds (fewer entries when the server stopped answering).
QList<double> timeSequential(quint16 port, const QByteArray &request, int count);

/// The request as bytes on the wire to 127.0.0.1:port (Host and Content-Length added).
QByteArray rawRequest(const kiket::HttpRequest &request, quint16 port);

/// The value at fraction p (0..1) of the sorted values; 0 when there are none.
double percentile(QList<double> values, double p);

/// This process's resident memory in MiB.
double residentMiB();
