#include "walframes.h"

#include <sqlite3.h>

#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

namespace kiket::devkit {

namespace {

constexpr int kFrameHeader = 24; // WAL_FRAME_HDRSIZE in SQLite's wal.c

// Our file, with the default VFS's own file right behind it in the same allocation.
struct File
{
    sqlite3_file base;
    sqlite3_file *real;
    bool wal;
    sqlite3_int64 heldAt; ///< Where the header that waits for its page goes.
    std::vector<unsigned char>
        frame; ///< That header, then its page: written as one (may be longer).
};

sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;

File *cast(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f);
}

// The file whose frame header waits for its page, on this thread. SQLite calls a connection's
// files on the thread that runs the statement, and ends every write transaction by unlocking
// the database file's shared memory: any call that is not the page releases the header, so none
// is held once a commit has returned.
thread_local File *t_held = nullptr;

// Writes a held header on its own: whatever comes now is not its page.
int releaseHeld()
{
    File *f = std::exchange(t_held, nullptr);
    if (!f)
        return SQLITE_OK;
    return f->real->pMethods->xWrite(f->real, f->frame.data(), kFrameHeader, f->heldAt);
}

int fileWrite(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset)
{
    File *f = cast(file);
    if (t_held == f && offset == f->heldAt + kFrameHeader) {
        t_held = nullptr;
        if (f->frame.size() < size_t(kFrameHeader + amount)) // grows once, not zeroed per frame
            f->frame.resize(size_t(kFrameHeader + amount));
        std::memcpy(f->frame.data() + kFrameHeader, data, size_t(amount));
        return f->real->pMethods->xWrite(
            f->real, f->frame.data(), kFrameHeader + amount, f->heldAt);
    }
    if (const int rc = releaseHeld(); rc != SQLITE_OK)
        return rc;
    if (f->wal && amount == kFrameHeader) {
        if (f->frame.size() < size_t(kFrameHeader))
            f->frame.resize(size_t(kFrameHeader));
        std::memcpy(f->frame.data(), data, size_t(kFrameHeader));
        f->heldAt = offset;
        t_held = f;
        return SQLITE_OK;
    }
    return f->real->pMethods->xWrite(f->real, data, amount, offset);
}

int fileClose(sqlite3_file *file)
{
    File *f = cast(file);
    const int released = releaseHeld();
    const int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    f->frame.~vector();
    return released != SQLITE_OK ? released : rc;
}

// Every other method passes through, after a held header has been written: nothing may see a
// file without it.
#define KIKET_PASS(name, signature, args)                                                          \
    int name signature                                                                             \
    {                                                                                              \
        File *f = cast(file);                                                                      \
        if (const int rc = releaseHeld(); rc != SQLITE_OK)                                         \
            return rc;                                                                             \
        return f->real->pMethods->args;                                                            \
    }

KIKET_PASS(fileRead, (sqlite3_file * file, void *data, int amount, sqlite3_int64 offset),
    xRead(f->real, data, amount, offset))
KIKET_PASS(fileTruncate, (sqlite3_file * file, sqlite3_int64 size), xTruncate(f->real, size))
KIKET_PASS(fileSync, (sqlite3_file * file, int flags), xSync(f->real, flags))
KIKET_PASS(fileSize, (sqlite3_file * file, sqlite3_int64 *size), xFileSize(f->real, size))
KIKET_PASS(fileLock, (sqlite3_file * file, int level), xLock(f->real, level))
KIKET_PASS(fileUnlock, (sqlite3_file * file, int level), xUnlock(f->real, level))
KIKET_PASS(fileCheckReserved, (sqlite3_file * file, int *out), xCheckReservedLock(f->real, out))
KIKET_PASS(fileControl, (sqlite3_file * file, int op, void *arg), xFileControl(f->real, op, arg))
KIKET_PASS(shmMap, (sqlite3_file * file, int page, int size, int extend, void volatile **out),
    xShmMap(f->real, page, size, extend, out))
KIKET_PASS(shmLock, (sqlite3_file * file, int offset, int n, int flags),
    xShmLock(f->real, offset, n, flags))
KIKET_PASS(shmUnmap, (sqlite3_file * file, int deleteFlag), xShmUnmap(f->real, deleteFlag))
KIKET_PASS(fetch, (sqlite3_file * file, sqlite3_int64 offset, int amount, void **out),
    xFetch(f->real, offset, amount, out))
KIKET_PASS(
    unfetch, (sqlite3_file * file, sqlite3_int64 offset, void *p), xUnfetch(f->real, offset, p))

#undef KIKET_PASS

int sectorSize(sqlite3_file *file)
{
    releaseHeld();
    File *f = cast(file);
    return f->real->pMethods->xSectorSize(f->real);
}

int deviceCharacteristics(sqlite3_file *file)
{
    releaseHeld();
    File *f = cast(file);
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

void shmBarrier(sqlite3_file *file)
{
    releaseHeld();
    File *f = cast(file);
    f->real->pMethods->xShmBarrier(f->real);
}

int openFile(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags)
{
    auto *real = static_cast<sqlite3_vfs *>(vfs->pAppData);
    auto *f = cast(file);
    f->real = reinterpret_cast<sqlite3_file *>(f + 1);
    f->real->pMethods = nullptr;
    const int rc = real->xOpen(real, name, f->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (f->real->pMethods)
            f->real->pMethods->xClose(f->real);
        file->pMethods = nullptr; // SQLite closes no file it failed to open
        return rc;
    }
    f->wal = flags & SQLITE_OPEN_WAL;
    new (&f->frame) std::vector<unsigned char>();
    file->pMethods = &g_methods;
    return SQLITE_OK;
}

void registerVfs()
{
    sqlite3_vfs *real = sqlite3_vfs_find(nullptr);
    g_methods = sqlite3_io_methods { 3, fileClose, fileRead, fileWrite, fileTruncate, fileSync,
        fileSize, fileLock, fileUnlock, fileCheckReserved, fileControl, sectorSize,
        deviceCharacteristics, shmMap, shmLock, shmBarrier, shmUnmap, fetch, unfetch };
    g_vfs = *real; // its path, time and randomness methods stay
    g_vfs.pNext = nullptr;
    g_vfs.zName = "kiket-wal-frames";
    g_vfs.pAppData = real;
    g_vfs.szOsFile = int(sizeof(File)) + real->szOsFile;
    g_vfs.xOpen = openFile;
    sqlite3_vfs_register(&g_vfs, 0);
}

} // namespace

const char *walFramesVfs()
{
    // It stands in front of SQLite's "unix" VFS only, whose files offer every method it passes on.
    static std::once_flag once;
    std::call_once(once, [] {
        if (const sqlite3_vfs *fallback = sqlite3_vfs_find(nullptr);
            fallback && std::strcmp(fallback->zName, "unix") == 0)
            registerVfs();
    });
    return g_vfs.zName; // null when not registered: sqlite3_open_v2() then takes the default
}

} // namespace kiket::devkit
