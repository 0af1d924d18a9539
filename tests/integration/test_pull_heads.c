/* SPDX-License-Identifier: Apache-2.0 */
/* portier.scan_heads (central schema step 13, issue 18, docs/scale.md): the highest seq of each
 * (device_id, db_epoch), which a kiosk's pull reads to probe only the pairs above its cursors.
 * On a real PostgreSQL: the insert trigger keeps it (several rows in one statement, a batch
 * that arrives after a later one, another epoch), devices read it but cannot write it, the step
 * fills it from the scans already there, and a real sync daemon pulls through it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "central.h"
#include "check.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "shell.h"
#include "util.h"
#include "file.h"

static char tmpdir[] = "/tmp/portier-pull-heads-XXXXXX";

/* The INSERT of entrance badge scans seq first..last of (device, epoch). */
static char *insert_sql(const char *device, int epoch, int first, int last)
{
    return xasprintf(
        "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
        " boot_id, clock_synced, room, attendee, mode, kind, result, reason)"
        " SELECT '%s', %d, s, (extract(epoch FROM now()) * 1000)::bigint - 60000 + s, s,"
        " 'b', true, 'entrance', 'A0001', 'entry', 'badge', 'admitted', 'ok' FROM "
        "generate_series(%d, %d) AS s",
        device, epoch, first, last);
}

/* Runs insert_sql on conn; true when it succeeded. */
static bool insert_scans(PGconn *conn, const char *device, int epoch, int first, int last)
{
    char *sql = insert_sql(device, epoch, first, last);
    bool ok = exec_sql(conn, sql);
    free(sql);
    return ok;
}

/* The step fills the heads from the scans a database already holds. */
static void test_backfill(PGconn *super, struct pg_harness *pg)
{
    char conninfo[1024];
    CHECK(exec_sql(super, "CREATE DATABASE old ENCODING 'UTF8'"));
    pg_harness_conninfo_db(pg, "old", conninfo, sizeof conninfo);
    PGconn *conn = central_connect(conninfo);
    CHECK(conn != NULL);
    if (conn == NULL)
        return;
    size_t n = central_migration_count;
    CHECK_STR(central_migrations[n - 1].name, "013_scan_heads");
    CHECK(central_migrate(conn, central_migrations, n - 1, NULL));
    /* A superuser is not bound by row-level security. */
    CHECK(insert_scans(conn, "door-x", 1, 1, 40) && insert_scans(conn, "door-x", 2, 1, 3) &&
          insert_scans(conn, "door-y", 1, 7, 9));
    CHECK(central_migrate(conn, central_migrations, n, NULL));
    CHECK_QUERY(conn,
                "SELECT string_agg(device_id || '/' || db_epoch || '/' || seq, ','"
                " ORDER BY device_id, db_epoch) FROM portier.scan_heads",
                "door-x/1/40,door-x/2/3,door-y/1/9");
    PQfinish(conn);
}

/* The number of scans of door-a in a kiosk's scan log; -1 when it cannot be read yet. */
static int pulled(const char *db)
{
    sqlite3 *conn = NULL;
    sqlite3_stmt *st = NULL;
    int n = -1;
    if (sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(conn, "SELECT count(*) FROM scans WHERE device_id = 'door-a'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(conn);
    return n;
}

int main(void)
{
    const char *bin = getenv("PORTIER_BIN"), *data = getenv("PORTIER_TEST_DATA");
    CHECK(bin != NULL && data != NULL && mkdtemp(tmpdir) != NULL);
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK_MSG(pg != NULL, "no PostgreSQL cluster (see above)");
    if (pg == NULL || bin == NULL || data == NULL)
        goto out;
    const char *ci = pg_harness_conninfo(pg);
    PGconn *super = PQconnectdb(ci);
    CHECK(PQstatus(super) == CONNECTION_OK);
    test_backfill(super, pg);

    CHECK(test_sh("cd %s && \"$PORTIER_BIN\" init ev --name Heads --timezone Europe/Brussels "
                  "--rooms %s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && \"$PORTIER_BIN\" bundle ev --out kiosk "
                  ">/dev/null && \"$PORTIER_BIN\" central init '%s' >/dev/null && "
                  "\"$PORTIER_BIN\" central publish ev '%s' >/dev/null && \"$PORTIER_BIN\" "
                  "central add-device '%s' door-a | tail -1 >a.txt && \"$PORTIER_BIN\" central "
                  "add-device '%s' door-b | tail -1 >b.txt",
                  tmpdir, data, data, data, ci, ci, ci, ci) == 0);
    char *a_path = path_join(tmpdir, "a.txt"), *b_path = path_join(tmpdir, "b.txt");
    char *a_conninfo = file_read_all(a_path, NULL), *b_conninfo = file_read_all(b_path, NULL);
    CHECK(a_conninfo != NULL && b_conninfo != NULL);
    if (a_conninfo == NULL || b_conninfo == NULL)
        goto done;
    a_conninfo[strcspn(a_conninfo, "\n")] = '\0';
    b_conninfo[strcspn(b_conninfo, "\n")] = '\0';
    PGconn *a = PQconnectdb(a_conninfo);
    CHECK(PQstatus(a) == CONNECTION_OK);

    /* Three rows in one statement, then a batch that overtook an earlier one, then another
     * epoch: the head is the highest seq of each pair. */
    CHECK(insert_scans(a, "door-a", 5, 1, 3));
    CHECK_QUERY(super, "SELECT seq FROM portier.scan_heads WHERE device_id = 'door-a'", "3");
    CHECK(insert_scans(a, "door-a", 5, 7, 8) && insert_scans(a, "door-a", 5, 4, 6));
    CHECK(insert_scans(a, "door-a", 6, 1, 2));
    CHECK_QUERY(a,
                "SELECT string_agg(db_epoch || '/' || seq, ',' ORDER BY db_epoch)"
                " FROM portier.scan_heads WHERE device_id = 'door-a'",
                "5/8,6/2");
    /* A rolled-back insert leaves the head where it was. */
    char *rolled = insert_sql("door-a", 5, 9, 20);
    char *txn = xasprintf("BEGIN; %s; ROLLBACK", rolled);
    CHECK(exec_sql(a, txn));
    free(txn);
    free(rolled);
    CHECK_QUERY(a, "SELECT seq FROM portier.scan_heads WHERE db_epoch = 5", "8");
    /* Only the trigger writes the heads. */
    CHECK(denied(a, "INSERT INTO portier.scan_heads VALUES ('door-a', 9, 1000)"));
    CHECK(denied(a, "UPDATE portier.scan_heads SET seq = 1000"));
    CHECK(denied(a, "DELETE FROM portier.scan_heads"));
    CHECK(denied(a, "TRUNCATE portier.scan_heads"));
    PQfinish(a);

    /* A real daemon of door-b pulls door-a's ten scans through the heads. */
    char *kiosk = path_join(tmpdir, "kiosk"), *db = path_join(tmpdir, "door-b.db");
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl(bin, bin, "sync", kiosk, "--device", "door-b", "--db", db, "--central", b_conninfo,
              "--poll-interval", "200", (char *)NULL);
        _exit(127);
    }
    int n = -1;
    for (int tries = 0; tries < 200 && n != 10; tries++) {
        test_sleep_ms(100);
        n = pulled(db);
    }
    CHECK_MSG(n == 10, "door-b pulled %d of door-a's 10 scans", n);
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(kiosk);
    free(db);
done:
    PQfinish(super);
    free(a_path);
    free(b_path);
    free(a_conninfo);
    free(b_conninfo);
out:
    pg_harness_destroy(pg);
    pg_harness_rm_tree(tmpdir);
    return check_done();
}
