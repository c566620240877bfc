#pragma once

namespace kiket::devkit {

/// The name of a SQLite VFS that is the default one except that each WAL frame reaches the log
/// in one write. SQLite writes a frame as two: its 24-byte header, then the page right after it.
/// A commit of a few pages then costs twice the system calls it needs, and on a virtual machine
/// each call is dear. Registered on first use; pass it to sqlite3_open_v2() for a writer.
/// Connections that use the default VFS on the same file work alongside, as the locks and the
/// shared memory are the default VFS's own. For connections in the normal locking mode: a header
/// waits for its page only until SQLite's next call to the VFS, and a write transaction always
/// ends with one (the unlock of the shared memory), so none waits once a commit has returned.
const char *walFramesVfs();

} // namespace kiket::devkit
