/* SPDX-License-Identifier: Apache-2.0 */
/* A test SQLite VFS that wraps the default "unix" one (as SQLite's own src/test_vfs.c does) and
 * models a disk with a volatile write cache, for power-cut and disk-full tests.
 *
 * Every write and truncate goes to the real file at once, and is also recorded in a journal
 * (the old bytes and the new ones) until an xSync of that file makes it durable. A "power cut"
 * then puts every file back to what a disk could hold after losing its cache: the synced state,
 * plus, in the torn mode, a random subset of the unsynced writes, some cut short at a 512-byte
 * sector (never damaging bytes outside a write's range: SQLite's powersafe-overwrite
 * assumption). The -shm files, which SQLite never syncs, are emptied or filled with garbage.
 * Then the process ends at once (_exit), so that nothing more reaches the disk: run the code
 * under test in a forked child.
 *
 * Faults: a countdown of operations (write, sync, truncate) chooses the moment, so a seeded run
 * repeats exactly. Besides the cut, writes can be made to fail (SQLITE_FULL for a full disk,
 * SQLITE_IOERR_WRITE for a disk remounted read-only) until disarmed.
 *
 * One process-wide instance; not thread-safe (the store uses one connection per thread, the
 * tests one thread). */
#ifndef PORTIER_TEST_FAULTVFS_H
#define PORTIER_TEST_FAULTVFS_H

#include <stdbool.h>
#include <stdint.h>

#define FAULTVFS_NAME     "faultvfs"
#define FAULTVFS_EXIT_CUT 77 /* the exit status of a process whose power was cut */

enum faultvfs_cut {
    FAULTVFS_CUT_DROP, /* every unsynced write is lost; -shm emptied */
    FAULTVFS_CUT_TORN, /* each unsynced write kept, lost or torn at random; -shm garbage */
};

struct faultvfs_stats {
    uint64_t ops;             /* writes, syncs and truncates seen */
    uint64_t syncs;           /* of them, syncs */
    uint64_t failed;          /* operations failed on purpose */
    uint64_t unsynced_at_cut; /* journal entries pending when the power was cut */
    uint64_t dropped, torn;   /* of them, lost and torn */
};

/* Registers the VFS (once per process; again is a no-op), as the default when make_default.
 * Returns false when "unix" is missing. */
bool faultvfs_register(bool make_default);
/* Makes the plain "unix" VFS the default again (the fault VFS stays registered). */
void faultvfs_restore_default(void);
/* Seeds the random choices of a torn cut and clears the counters and the journal. */
void faultvfs_reset(uint64_t seed);
/* Cuts the power on the n-th operation from now (1 = the next one): a write is performed
 * first and then subject to the cut like any unsynced write; a sync is not performed. The
 * process then exits with FAULTVFS_EXIT_CUT. 0 disarms. */
void faultvfs_arm_cut(uint64_t n, enum faultvfs_cut mode);
/* Cuts the power n operations after the next write to a main database file (1 = that write):
 * in WAL mode, that write is a checkpoint copying pages from the WAL. */
void faultvfs_arm_cut_in_checkpoint(uint64_t n, enum faultvfs_cut mode);
/* Makes the cut write one line to fd before the process ends: "OP FILE UNSYNCED DROPPED TORN"
 * (OP write, sync or truncate; FILE db, wal, journal or other). -1: no report. */
void faultvfs_report_to(int fd);
/* From the n-th write or sync from now on (1 = the next one), fails writes, truncates and
 * syncs with err (e.g. SQLITE_FULL) until faultvfs_disarm. Reads keep working. */
void faultvfs_arm_error(uint64_t n, int err);
/* Stops failing operations and cancels an armed cut. */
void faultvfs_disarm(void);
/* The counters since the last reset. */
void faultvfs_stats(struct faultvfs_stats *out);

#endif
