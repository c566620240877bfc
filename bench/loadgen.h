#pragma once

#include <QByteArray>

/// Sends exactly `total` copies of one raw HTTP request over `connections` keep-alive
/// connections to 127.0.0.1:port; returns how many answers had status 200.
int sendExactly(quint16 port, const QByteArray &request, int total, int connections);
