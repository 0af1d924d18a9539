/* SPDX-License-Identifier: Apache-2.0 */
/* The power-cut and disk-fault VFS; see faultvfs.h. */
#include "faultvfs.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define SECTOR 512

enum op_type { OP_WRITE, OP_TRUNCATE };

/* One unsynced change of a file: what it replaced and what it wrote. */
struct op {
    char *path;
    enum op_type type;
    int64_t offset;     /* write: where; truncate: the new size */
    int64_t old_size;   /* the file's size before the change */
    uint8_t *old_bytes; /* write: the bytes it overwrote (within old_size); truncate: the tail */
    size_t old_len;
    uint8_t *new_bytes; /* write: the data */
    size_t len;
};

/* An open file: our header, then the real VFS's file. */
struct vfile {
    sqlite3_file base;
    char *path;       /* NULL for temporary files, which are never journaled */
    const char *kind; /* "db", "wal", "journal" or "other", for the cut's report */
    sqlite3_file *real;
};

static struct {
    bool registered;
    sqlite3_vfs vfs;
    sqlite3_vfs *real;
    struct op *ops;
    size_t n_ops, cap_ops;
    char **dbs; /* main database paths seen, for their -shm files */
    size_t n_dbs;
    uint64_t rng;
    uint64_t count;
    uint64_t cut_at;             /* 0: none */
    uint64_t cut_after_db_write; /* arm cut_at this many operations from the next db write */
    enum faultvfs_cut cut_mode;
    int report_fd;
    uint64_t error_at; /* 0: none */
    int error;
    struct faultvfs_stats stats;
} g;

/* xorshift64*: the torn cut's choices. */
static uint64_t rnd(void)
{
    g.rng ^= g.rng >> 12;
    g.rng ^= g.rng << 25;
    g.rng ^= g.rng >> 27;
    return g.rng * 0x2545F4914F6CDD1Du;
}

/* Frees one journal entry. */
static void op_free(struct op *op)
{
    free(op->path);
    free(op->old_bytes);
    free(op->new_bytes);
}

/* Drops the journal entries of path: they are durable (synced) or gone (deleted). */
static void forget_path(const char *path)
{
    size_t w = 0;
    for (size_t r = 0; r < g.n_ops; r++) {
        if (strcmp(g.ops[r].path, path) == 0)
            op_free(&g.ops[r]);
        else
            g.ops[w++] = g.ops[r];
    }
    g.n_ops = w;
}

/* Appends a journal entry and returns it, zeroed but for path and type. */
static struct op *add_op(const char *path, enum op_type type)
{
    if (g.n_ops == g.cap_ops) {
        g.cap_ops = g.cap_ops ? g.cap_ops * 2 : 64;
        g.ops = xrealloc(g.ops, g.cap_ops * sizeof *g.ops);
    }
    struct op *op = &g.ops[g.n_ops++];
    memset(op, 0, sizeof *op);
    op->path = xstrdup(path);
    op->type = type;
    return op;
}

/* Writes all of buf at off; a test helper has nowhere to report a failure but the result. */
static void pwrite_all(int fd, const uint8_t *buf, size_t len, int64_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, buf, len, (off_t)off);
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
        off += n;
    }
}

/* A descriptor of path for the cut, opened once; -1 when the file is gone. */
static int cut_fd(const char *path, char ***paths, int **fds, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*paths)[i], path) == 0)
            return (*fds)[i];
    }
    *paths = xrealloc(*paths, (*n + 1) * sizeof **paths);
    *fds = xrealloc(*fds, (*n + 1) * sizeof **fds);
    (*paths)[*n] = (char *)path;
    (*fds)[*n] = open(path, O_RDWR | O_CLOEXEC);
    return (*fds)[(*n)++];
}

/* The power cut, during the operation what (write, sync, truncate) on vf: every file back to
 * what a disk without its cache would hold, a line to the report fd, then death. */
static void cut_power(const char *what, const struct vfile *vf)
{
    char **paths = NULL;
    int *fds = NULL;
    size_t n_paths = 0;
    /* How much of each entry survives: all (len), nothing (0), or a sector-aligned prefix. */
    size_t *keep = xcalloc(g.n_ops + 1, sizeof *keep);
    g.stats.unsynced_at_cut = g.n_ops;
    for (size_t i = 0; i < g.n_ops; i++) {
        struct op *op = &g.ops[i];
        size_t full = op->type == OP_WRITE ? op->len : 1;
        uint64_t r = g.cut_mode == FAULTVFS_CUT_TORN ? rnd() % 3 : 0;
        if (r == 0) {
            keep[i] = 0;
            g.stats.dropped++;
        } else if (r == 1 || op->type == OP_TRUNCATE || op->len <= SECTOR) {
            keep[i] = full;
        } else {
            /* Torn at a sector boundary inside the write, counted from the file's start. */
            size_t first = SECTOR - (size_t)(op->offset % SECTOR);
            size_t sectors = (op->len - first + SECTOR - 1) / SECTOR;
            keep[i] = first + (size_t)(rnd() % (sectors + 1)) * SECTOR;
            if (keep[i] > op->len)
                keep[i] = op->len;
            g.stats.torn++;
        }
    }
    /* Undo everything, newest first, back to each file's synced size... */
    for (size_t i = g.n_ops; i-- > 0;) {
        struct op *op = &g.ops[i];
        int fd = cut_fd(op->path, &paths, &fds, &n_paths);
        if (fd < 0)
            continue;
        pwrite_all(fd, op->old_bytes, op->old_len, op->offset);
        if (ftruncate(fd, (off_t)op->old_size) != 0)
            continue;
    }
    /* ... then redo what survived, oldest first. */
    for (size_t i = 0; i < g.n_ops; i++) {
        struct op *op = &g.ops[i];
        int fd = cut_fd(op->path, &paths, &fds, &n_paths);
        if (fd < 0 || keep[i] == 0)
            continue;
        if (op->type == OP_WRITE)
            pwrite_all(fd, op->new_bytes, keep[i], op->offset);
        else if (ftruncate(fd, (off_t)op->offset) != 0)
            continue;
    }
    /* The wal-index is never synced: after a power cut it holds nothing, or garbage. */
    for (size_t i = 0; i < g.n_dbs; i++) {
        char *shm = xasprintf("%s-shm", g.dbs[i]);
        int fd = open(shm, O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
            off_t size = lseek(fd, 0, SEEK_END);
            if (g.cut_mode == FAULTVFS_CUT_DROP || size <= 0) {
                if (ftruncate(fd, 0) != 0)
                    size = 0;
            } else {
                uint8_t junk[4096];
                for (off_t off = 0; off < size; off += (off_t)sizeof junk) {
                    for (size_t k = 0; k < sizeof junk; k++)
                        junk[k] = (uint8_t)rnd();
                    pwrite_all(fd, junk, sizeof junk, off);
                }
                if (ftruncate(fd, size) != 0)
                    size = 0;
            }
            close(fd);
        }
        free(shm);
    }
    if (g.report_fd >= 0)
        dprintf(g.report_fd, "%s %s %zu %" PRIu64 " %" PRIu64 "\n", what, vf->kind, g.n_ops,
                g.stats.dropped, g.stats.torn);
    _exit(FAULTVFS_EXIT_CUT);
}

/* Counts an operation; returns the error to fail it with, 0 to perform it, or -1 when the
 * power goes at this very operation. */
static int op_begin(bool is_sync)
{
    g.count++;
    g.stats.ops++;
    if (is_sync)
        g.stats.syncs++;
    if (g.error_at != 0 && g.count >= g.error_at) {
        g.stats.failed++;
        if (is_sync)
            return g.error == SQLITE_FULL ? 0 : SQLITE_IOERR_FSYNC;
        return g.error;
    }
    if (g.cut_at != 0 && g.count == g.cut_at)
        return -1;
    return 0;
}

/* Closes the real file and forgets the path. */
static int vf_close(sqlite3_file *f)
{
    struct vfile *vf = (struct vfile *)f;
    int rc = vf->real->pMethods->xClose(vf->real);
    free(vf->path);
    vf->path = NULL;
    return rc;
}

/* Forwarded to the real file. */
static int vf_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xRead(vf->real, buf, amt, off);
}

/* The file's current size, or -1. */
static int64_t real_size(struct vfile *vf)
{
    sqlite3_int64 size;
    if (vf->real->pMethods->xFileSize(vf->real, &size) != SQLITE_OK)
        return -1;
    return size;
}

/* Writes through, journaling the write until the next sync; may fail or cut. */
static int vf_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    struct vfile *vf = (struct vfile *)f;
    if (g.cut_after_db_write != 0 && strcmp(vf->kind, "db") == 0) {
        g.cut_at = g.count + g.cut_after_db_write;
        g.cut_after_db_write = 0;
    }
    int fault = op_begin(false);
    if (fault > 0)
        return fault;
    if (vf->path != NULL) {
        int64_t size = real_size(vf);
        if (size < 0)
            return SQLITE_IOERR_FSTAT;
        struct op *op = add_op(vf->path, OP_WRITE);
        op->offset = off;
        op->old_size = size;
        op->len = (size_t)amt;
        op->new_bytes = xmalloc(op->len);
        memcpy(op->new_bytes, buf, op->len);
        if (off < size) {
            op->old_len = (size_t)(size - off < amt ? size - off : amt);
            op->old_bytes = xmalloc(op->old_len);
            int rc = vf->real->pMethods->xRead(vf->real, op->old_bytes, (int)op->old_len, off);
            if (rc != SQLITE_OK)
                return SQLITE_IOERR_READ;
        }
    }
    int rc = vf->real->pMethods->xWrite(vf->real, buf, amt, off);
    if (fault < 0)
        cut_power("write", vf);
    return rc;
}

/* Truncates through, journaling the lost tail until the next sync; may fail or cut. */
static int vf_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    struct vfile *vf = (struct vfile *)f;
    int fault = op_begin(false);
    if (fault > 0)
        return fault;
    if (fault < 0)
        cut_power("truncate", vf);
    if (vf->path != NULL) {
        int64_t old = real_size(vf);
        if (old < 0)
            return SQLITE_IOERR_FSTAT;
        struct op *op = add_op(vf->path, OP_TRUNCATE);
        op->offset = size;
        op->old_size = old;
        if (old > size) {
            op->old_len = (size_t)(old - size);
            op->old_bytes = xmalloc(op->old_len);
            int rc = vf->real->pMethods->xRead(vf->real, op->old_bytes, (int)op->old_len, size);
            if (rc != SQLITE_OK)
                return SQLITE_IOERR_READ;
        }
    }
    return vf->real->pMethods->xTruncate(vf->real, size);
}

/* Makes the file's journaled changes durable; may fail or cut. */
static int vf_sync(sqlite3_file *f, int flags)
{
    struct vfile *vf = (struct vfile *)f;
    int fault = op_begin(true);
    if (fault > 0)
        return fault;
    if (fault < 0)
        cut_power("sync", vf);
    /* The model decides what survives a cut, not the real disk (which never loses power
     * here), so the real fsync would only cost time: a sync is the journal forgetting. */
    (void)flags;
    if (vf->path != NULL)
        forget_path(vf->path);
    return SQLITE_OK;
}

/* Forwarded to the real file. */
static int vf_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xFileSize(vf->real, size);
}

/* Forwarded to the real file. */
static int vf_lock(sqlite3_file *f, int lock)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xLock(vf->real, lock);
}

/* Forwarded to the real file. */
static int vf_unlock(sqlite3_file *f, int lock)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xUnlock(vf->real, lock);
}

/* Forwarded to the real file. */
static int vf_check_reserved_lock(sqlite3_file *f, int *out)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xCheckReservedLock(vf->real, out);
}

/* Forwarded to the real file. */
static int vf_file_control(sqlite3_file *f, int op, void *arg)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xFileControl(vf->real, op, arg);
}

/* Forwarded to the real file. */
static int vf_sector_size(sqlite3_file *f)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xSectorSize(vf->real);
}

/* Forwarded to the real file. */
static int vf_device_characteristics(sqlite3_file *f)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xDeviceCharacteristics(vf->real);
}

/* Forwarded to the real file. */
static int vf_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xShmMap(vf->real, page, size, extend, out);
}

/* Forwarded to the real file. */
static int vf_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xShmLock(vf->real, offset, n, flags);
}

/* Forwarded to the real file. */
static void vf_shm_barrier(sqlite3_file *f)
{
    struct vfile *vf = (struct vfile *)f;
    vf->real->pMethods->xShmBarrier(vf->real);
}

/* Forwarded to the real file. */
static int vf_shm_unmap(sqlite3_file *f, int delete_flag)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xShmUnmap(vf->real, delete_flag);
}

/* Forwarded to the real file. */
static int vf_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xFetch(vf->real, off, amt, pp);
}

/* Forwarded to the real file. */
static int vf_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    struct vfile *vf = (struct vfile *)f;
    return vf->real->pMethods->xUnfetch(vf->real, off, p);
}

static const sqlite3_io_methods io_methods = {
    .iVersion = 3,
    .xClose = vf_close,
    .xRead = vf_read,
    .xWrite = vf_write,
    .xTruncate = vf_truncate,
    .xSync = vf_sync,
    .xFileSize = vf_file_size,
    .xLock = vf_lock,
    .xUnlock = vf_unlock,
    .xCheckReservedLock = vf_check_reserved_lock,
    .xFileControl = vf_file_control,
    .xSectorSize = vf_sector_size,
    .xDeviceCharacteristics = vf_device_characteristics,
    .xShmMap = vf_shm_map,
    .xShmLock = vf_shm_lock,
    .xShmBarrier = vf_shm_barrier,
    .xShmUnmap = vf_shm_unmap,
    .xFetch = vf_fetch,
    .xUnfetch = vf_unfetch,
};

/* Remembers a main database path, for its -shm file at the cut. */
static void note_db(const char *path)
{
    for (size_t i = 0; i < g.n_dbs; i++) {
        if (strcmp(g.dbs[i], path) == 0)
            return;
    }
    g.dbs = xrealloc(g.dbs, (g.n_dbs + 1) * sizeof *g.dbs);
    g.dbs[g.n_dbs++] = xstrdup(path);
}

/* Opens the real file behind our header, remembering its path. */
static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    struct vfile *vf = (struct vfile *)f;
    memset(vf, 0, sizeof *vf);
    vf->real = (sqlite3_file *)(vf + 1);
    int rc = g.real->xOpen(g.real, name, vf->real, flags, out);
    if (rc != SQLITE_OK || vf->real->pMethods == NULL) {
        vf->base.pMethods = NULL;
        return rc;
    }
    vf->kind = flags & SQLITE_OPEN_MAIN_DB        ? "db"
               : flags & SQLITE_OPEN_WAL          ? "wal"
               : flags & SQLITE_OPEN_MAIN_JOURNAL ? "journal"
                                                  : "other";
    if (name != NULL && !(flags & (SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL))) {
        vf->path = xstrdup(name);
        if (flags & SQLITE_OPEN_MAIN_DB)
            note_db(name);
    }
    vf->base.pMethods = &io_methods;
    return rc;
}

/* Deletes the file, forgetting its unsynced changes. */
static int vfs_delete(sqlite3_vfs *vfs, const char *name, int dir_sync)
{
    /* Directory operations are taken as durable: only file contents sit in the cache here. */
    forget_path(name);
    return g.real->xDelete(g.real, name, dir_sync);
}

/* Forwarded to the real VFS. */
static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    return g.real->xAccess(g.real, name, flags, out);
}

/* Forwarded to the real VFS. */
static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    return g.real->xFullPathname(g.real, name, n, out);
}

/* Forwarded to the real VFS. */
static void *vfs_dl_open(sqlite3_vfs *vfs, const char *path)
{
    return g.real->xDlOpen(g.real, path);
}

/* Forwarded to the real VFS. */
static void vfs_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
    g.real->xDlError(g.real, n, msg);
}

/* Forwarded to the real VFS. */
static void (*vfs_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    return g.real->xDlSym(g.real, h, sym);
}

/* Forwarded to the real VFS. */
static void vfs_dl_close(sqlite3_vfs *vfs, void *h)
{
    g.real->xDlClose(g.real, h);
}

/* Forwarded to the real VFS. */
static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    return g.real->xRandomness(g.real, n, out);
}

/* Forwarded to the real VFS. */
static int vfs_sleep(sqlite3_vfs *vfs, int us)
{
    return g.real->xSleep(g.real, us);
}

/* Forwarded to the real VFS. */
static int vfs_current_time(sqlite3_vfs *vfs, double *out)
{
    return g.real->xCurrentTime(g.real, out);
}

/* Forwarded to the real VFS. */
static int vfs_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    return g.real->xGetLastError(g.real, n, out);
}

/* Forwarded to the real VFS. */
static int vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    return g.real->xCurrentTimeInt64(g.real, out);
}

/* Registers the fault VFS over "unix". */
bool faultvfs_register(bool make_default)
{
    if (!g.registered) {
        g.real = sqlite3_vfs_find("unix");
        if (g.real == NULL)
            return false;
        g.vfs = (sqlite3_vfs){
            .iVersion = 2,
            .szOsFile = (int)sizeof(struct vfile) + g.real->szOsFile,
            .mxPathname = g.real->mxPathname,
            .zName = FAULTVFS_NAME,
            .xOpen = vfs_open,
            .xDelete = vfs_delete,
            .xAccess = vfs_access,
            .xFullPathname = vfs_full_pathname,
            .xDlOpen = vfs_dl_open,
            .xDlError = vfs_dl_error,
            .xDlSym = vfs_dl_sym,
            .xDlClose = vfs_dl_close,
            .xRandomness = vfs_randomness,
            .xSleep = vfs_sleep,
            .xCurrentTime = vfs_current_time,
            .xGetLastError = vfs_get_last_error,
            .xCurrentTimeInt64 = vfs_current_time_int64,
        };
        g.rng = 1;
        g.report_fd = -1;
        g.registered = true;
    }
    return sqlite3_vfs_register(&g.vfs, make_default) == SQLITE_OK;
}

/* Makes "unix" the default VFS again. */
void faultvfs_restore_default(void)
{
    if (g.real != NULL)
        sqlite3_vfs_register(g.real, 1);
}

/* Clears the journal and counters and seeds the random choices. */
void faultvfs_reset(uint64_t seed)
{
    for (size_t i = 0; i < g.n_ops; i++)
        op_free(&g.ops[i]);
    g.n_ops = 0;
    g.count = 0;
    g.cut_at = 0;
    g.cut_after_db_write = 0;
    g.error_at = 0;
    g.rng = seed != 0 ? seed : 1;
    memset(&g.stats, 0, sizeof g.stats);
}

/* Arms a power cut n operations from now. */
void faultvfs_arm_cut(uint64_t n, enum faultvfs_cut mode)
{
    g.cut_at = n != 0 ? g.count + n : 0;
    g.cut_mode = mode;
}

/* Arms a power cut n operations after the next write to a main database file. */
void faultvfs_arm_cut_in_checkpoint(uint64_t n, enum faultvfs_cut mode)
{
    g.cut_at = 0;
    g.cut_after_db_write = n != 0 ? n : 1;
    g.cut_mode = mode;
}

/* Sets where the cut reports itself. */
void faultvfs_report_to(int fd)
{
    g.report_fd = fd;
}

/* Arms failing writes from n operations from now. */
void faultvfs_arm_error(uint64_t n, int err)
{
    g.error_at = g.count + (n != 0 ? n : 1);
    g.error = err;
}

/* Disarms every fault. */
void faultvfs_disarm(void)
{
    g.error_at = 0;
    g.cut_at = 0;
    g.cut_after_db_write = 0;
}

/* Copies the counters. */
void faultvfs_stats(struct faultvfs_stats *out)
{
    *out = g.stats;
}
