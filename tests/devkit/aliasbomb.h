// A YAML mapping of a few lines whose aliases unfold into 10^9 values, under the given key.
#pragma once

#include <QByteArray>

inline QByteArray aliasBomb(const QByteArray &under)
{
    QByteArray yaml = under + ":\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    QByteArray previous = "a";
    for (int i = 1; i <= 8; ++i) {
        const QByteArray name = "b" + QByteArray::number(i);
        QByteArray items;
        for (int k = 0; k < 10; ++k)
            items += (k ? ", *" : "*") + previous;
        yaml += "  " + name + ": &" + name + " [" + items + "]\n";
        previous = name;
    }
    return yaml;
}
