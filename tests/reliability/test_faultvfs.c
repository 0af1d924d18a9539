/* SPDX-License-Identifier: Apache-2.0 */
/* The fault VFS itself: a power cut keeps what was synced and loses what was not (drop), the
 * process ends with FAULTVFS_EXIT_CUT, and failing writes fail with the chosen error. Checked
 * with plain SQLite (rollback journal off, no WAL) so that every sync is explicit. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "faultvfs.h"
#include "util.h"
#include "file.h"

/* Runs SQL on db; true on success. */
static bool exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* The number of rows of t in the file at path, read through the plain VFS; -1 on error. */
static int rows(const char *path)
{
    sqlite3 *db;
    int n = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, "unix") == SQLITE_OK) {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &q, NULL) == SQLITE_OK) {
            if (sqlite3_step(q) == SQLITE_ROW)
                n = sqlite3_column_int(q, 0);
            sqlite3_finalize(q);
        }
    }
    sqlite3_close(db);
    return n;
}

/* The child: 3 synced rows, then unsynced ones until the armed cut. */
static void child(const char *path, enum faultvfs_cut mode)
{
    sqlite3 *db;
    if (!faultvfs_register(true) || sqlite3_open(path, &db) != SQLITE_OK)
        _exit(2);
    faultvfs_reset(7);
    if (!exec(db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;"
                  "CREATE TABLE t (x); INSERT INTO t VALUES (1), (2); INSERT INTO t VALUES (3)"))
        _exit(3);
    /* From here on nothing is synced: every write is at the mercy of the cut. */
    if (!exec(db, "PRAGMA synchronous = OFF"))
        _exit(4);
    faultvfs_arm_cut(6, mode);
    for (int i = 0; i < 1000; i++) {
        if (!exec(db, "INSERT INTO t VALUES (zeroblob(3000))"))
            _exit(5);
    }
    _exit(6);
}

/* Forks the child and returns its exit status. */
static int run_child(const char *path, enum faultvfs_cut mode)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        child(path, mode);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void)
{
    char tmpl[] = "/tmp/portier-faultvfs-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL);
    char *path = path_join(dir, "t.db");

    /* Drop: exactly the synced rows survive. */
    CHECK(run_child(path, FAULTVFS_CUT_DROP) == FAULTVFS_EXIT_CUT);
    CHECK(rows(path) == 3);
    unlink(path);

    /* Torn: the synced rows survive; the unsynced ones may partly, but the file stays
     * readable (without journal sync SQLite promises no more). */
    CHECK(run_child(path, FAULTVFS_CUT_TORN) == FAULTVFS_EXIT_CUT);
    CHECK(rows(path) >= 3 || rows(path) == -1);
    unlink(path);

    /* Failing writes: SQLITE_FULL comes back to the caller; disarmed, writes work again. */
    sqlite3 *db;
    CHECK(faultvfs_register(false));
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, FAULTVFS_NAME) ==
          SQLITE_OK);
    CHECK(exec(db, "CREATE TABLE t (x)"));
    faultvfs_arm_error(1, SQLITE_FULL);
    CHECK(sqlite3_exec(db, "INSERT INTO t VALUES (1)", NULL, NULL, NULL) == SQLITE_FULL);
    faultvfs_disarm();
    CHECK(exec(db, "INSERT INTO t VALUES (2)"));
    struct faultvfs_stats st;
    faultvfs_stats(&st);
    CHECK(st.failed >= 1 && st.ops > st.failed);
    sqlite3_close(db);
    CHECK(rows(path) == 1);

    free(path);
    char *rm = xasprintf("rm -rf '%s'", dir);
    CHECK(system(rm) == 0);
    free(rm);
    return check_done();
}
