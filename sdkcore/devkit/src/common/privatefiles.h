#pragma once

#include <QString>

namespace kiket::devkit {

/// The workbench's state folder (`.kiket/workbench`) holds secret values, tokens and signatures in
/// clear (a replay needs the exact bytes), so it and its files are for the owner only.

/// Creates the folder (with its parents) and makes it owner-only (0700); false when it cannot.
bool makePrivateFolder(const QString &dir);
/// Creates the file empty when missing and makes it owner-only (0600), and so its SQLite `-wal`
/// and `-shm` companions when they exist (SQLite gives new ones the database's mode).
bool makePrivateFile(const QString &path);

} // namespace kiket::devkit
