// Small helpers for tests: processes (through /proc) and folders.
#pragma once

#include <QDir>
#include <QFile>
#include <QHash>

/// The process exists and is not a zombie.
inline bool processRunning(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
}

/// Copies a folder with its hidden files and subfolders.
inline bool copyTree(const QString &from, const QString &to)
{
    QDir().mkpath(to);
    const auto entries
        = QDir(from).entryInfoList(QDir::Files | QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QFileInfo &entry : entries) {
        const QString target = QDir(to).filePath(entry.fileName());
        if (entry.isDir() ? !copyTree(entry.filePath(), target)
                          : !QFile::copy(entry.filePath(), target))
            return false;
    }
    return true;
}

/// Processes whose working directory is the folder.
inline QList<qint64> processesIn(const QString &folder)
{
    QList<qint64> out;
    const QString wanted = QDir(folder).canonicalPath();
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool number = false;
        const qint64 id = pid.toLongLong(&number);
        if (number && processRunning(id)
            && QFileInfo(QStringLiteral("/proc/%1/cwd").arg(pid)).canonicalFilePath() == wanted)
            out << id;
    }
    return out;
}

/// Each thread's name and scheduling policy (field 41 of its stat: SCHED_OTHER, SCHED_BATCH...).
inline QHash<QByteArray, int> threadPolicies(qint64 pid)
{
    QHash<QByteArray, int> out;
    const QString tasks = QStringLiteral("/proc/%1/task").arg(pid);
    for (const QString &tid : QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile stat(tasks + '/' + tid + "/stat");
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qsizetype open = line.indexOf('('), close = line.lastIndexOf(')');
        const QList<QByteArray> fields = line.mid(close + 2).split(' '); // from field 3 on
        if (open > 0 && close > open && fields.size() > 38)
            out.insert(line.mid(open + 1, close - open - 1), fields[38].toInt());
    }
    return out;
}
