/* SPDX-License-Identifier: Apache-2.0 */
/* Pulls at congress scale (central schema step 13, issue 18, docs/scale.md), on a real
 * PostgreSQL with real sync daemons.
 * portier.scan_heads, the highest seq of each (device_id, db_epoch), which a kiosk's pull reads
 * to probe only the pairs above its cursors: the insert trigger keeps it (several rows in one
 * statement, a batch that arrives after a later one, another epoch, a rollback), devices read
 * it but cannot write it, the step fills it from the scans already there, and daemons pull
 * through it.
 * Filtered wake-ups: a notification names the rooms of its scans; a room door's daemon
 * (--others-interval) pulls at once for its room and not for the entrance's, while an
 * entrance kiosk's pulls for both. */
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
#include "scan_log.h"
#include "shell.h"
#include "util.h"
#include "file.h"

static char tmpdir[] = "/tmp/portier-pull-filter-XXXXXX";

/* The INSERT of badge scans seq first..last of (device, epoch) in room. */
static char *insert_sql_in(const char *device, int epoch, int first, int last, const char *room)
{
    return xasprintf(
        "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
        " boot_id, clock_synced, room, attendee, mode, kind, result, reason)"
        " SELECT '%s', %d, s, (extract(epoch FROM now()) * 1000)::bigint - 60000 + s, s,"
        " 'b', true, '%s', 'A0001', 'entry', 'badge', 'admitted', 'ok' FROM "
        "generate_series(%d, %d) AS s",
        device, epoch, room, first, last);
}

/* The INSERT of entrance badge scans seq first..last of (device, epoch). */
static char *insert_sql(const char *device, int epoch, int first, int last)
{
    return insert_sql_in(device, epoch, first, last, "entrance");
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
    size_t n = 0; /* the steps before 013, then up to it */
    while (n < central_migration_count && central_migrations[n].version < 13)
        n++;
    CHECK_STR(central_migrations[n].name, "013_scan_heads");
    CHECK(central_migrate(conn, central_migrations, n, NULL));
    /* A superuser is not bound by row-level security. */
    CHECK(insert_scans(conn, "door-x", 1, 1, 40) && insert_scans(conn, "door-x", 2, 1, 3) &&
          insert_scans(conn, "door-y", 1, 7, 9));
    CHECK(central_migrate(conn, central_migrations, n + 1, NULL));
    CHECK_QUERY(conn,
                "SELECT string_agg(device_id || '/' || db_epoch || '/' || seq, ','"
                " ORDER BY device_id, db_epoch) FROM portier.scan_heads",
                "door-x/1/40,door-x/2/3,door-y/1/9");
    PQfinish(conn);
}

/* The number of scans of device in a kiosk's scan log; -1 when it cannot be read yet. */
static int pulled(const char *db, const char *device)
{
    char *where = xasprintf("device_id = '%s'", device);
    int n = test_log_count(db, where);
    free(where);
    return n;
}

/* Waits up to 30 s until db holds n scans of device; returns the count it saw last. */
static int wait_pulled(const char *db, const char *device, int n)
{
    char *where = xasprintf("device_id = '%s'", device);
    int got = test_log_wait(db, where, n);
    free(where);
    return got;
}

/* The login conninfo `portier central add-device` wrote to tmpdir/NAME.txt (owned). */
static char *login(const char *name)
{
    char *text = test_login(tmpdir, name);
    CHECK_MSG(text != NULL, "no login for %s", name);
    return text;
}

/* Starts the sync daemon of device (kiosk directory tmpdir/kiosk-DEVICE, log DEVICE.db) with
 * extra options; pulls only on notifications after the first. */
static pid_t start_sync(const char *bin, const char *device, const char *conninfo,
                        const char *others)
{
    char *kiosk = xasprintf("%s/kiosk-%s", tmpdir, device);
    char *db = xasprintf("%s/%s.db", tmpdir, device);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl(bin, bin, "sync", kiosk, "--device", device, "--db", db, "--central", conninfo,
              "--poll-interval", "3600000", "--hint-interval", "50", "--others-interval", others,
              (char *)NULL);
        _exit(127);
    }
    free(kiosk);
    free(db);
    return pid;
}

static void stop_sync(pid_t pid)
{
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The trigger keeps the heads; devices cannot write them. */
static void test_heads(PGconn *super, PGconn *a)
{
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
}

/* Entrance kiosk door-b and room door door-r (aula, --others-interval 60000) have pulled
 * door-a's 10 entrance scans. A new entrance scan wakes door-b only; a scan into aula (by
 * door-s, the room's other door) wakes door-r, which then takes both. */
static void test_wake(PGconn *super, PGconn *a, PGconn *s, const char *b_db, const char *r_db)
{
    CHECK(exec_sql(super, "LISTEN portier_scans"));
    CHECK(insert_scans(a, "door-a", 5, 9, 9));
    PGnotify *n = wait_notify(super);
    CHECK_MSG(n != NULL && strcmp(n->extra, "door-a entrance") == 0, "payload %s",
              n ? n->extra : "(none)");
    PQfreemem(n);
    CHECK_MSG(wait_pulled(b_db, "door-a", 11) == 11, "the entrance kiosk did not pull");
    test_sleep_ms(1000);
    CHECK_MSG(pulled(r_db, "door-a") == 10, "the room door pulled for an entrance scan");

    char *aula = insert_sql_in("door-s", 1, 1, 2, "aula");
    CHECK(exec_sql(s, aula));
    free(aula);
    n = wait_notify(super);
    CHECK_MSG(n != NULL && strcmp(n->extra, "door-s aula") == 0, "payload %s",
              n ? n->extra : "(none)");
    PQfreemem(n);
    CHECK_MSG(wait_pulled(r_db, "door-s", 2) == 2, "the room door did not pull for its room");
    CHECK(pulled(r_db, "door-a") == 11);
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

    CHECK(
        test_sh("cd %s && P=\"$PORTIER_BIN\" && $P init ev --name Pulls --timezone "
                "Europe/Brussels --rooms %s/event/rooms.csv --sessions %s/event/sessions.csv "
                "--attendees %s/event/attendees.csv >/dev/null && $P bundle ev --out kiosk-door-b "
                ">/dev/null && $P bundle ev --out kiosk-door-r >/dev/null && $P central init '%s' "
                ">/dev/null && $P central publish ev '%s' >/dev/null && $P central add-device "
                "'%s' door-a | tail -1 >door-a.txt && $P central add-device '%s' door-b | "
                "tail -1 >door-b.txt && $P central add-device '%s' door-r --room aula | "
                "tail -1 >door-r.txt && $P central add-device '%s' door-s --room aula | "
                "tail -1 >door-s.txt",
                tmpdir, data, data, data, ci, ci, ci, ci, ci, ci) == 0);
    char *a_ci = login("door-a"), *b_ci = login("door-b"), *r_ci = login("door-r");
    char *s_ci = login("door-s");
    char *b_db = xasprintf("%s/door-b.db", tmpdir), *r_db = xasprintf("%s/door-r.db", tmpdir);
    PGconn *a = a_ci ? PQconnectdb(a_ci) : NULL, *s = s_ci ? PQconnectdb(s_ci) : NULL;
    CHECK(PQstatus(a) == CONNECTION_OK && PQstatus(s) == CONNECTION_OK);
    if (PQstatus(a) != CONNECTION_OK || PQstatus(s) != CONNECTION_OK || !b_ci || !r_ci)
        goto done;
    test_heads(super, a);

    /* Real daemons pull door-a's ten scans through the heads, then wait for notifications. */
    pid_t b = start_sync(bin, "door-b", b_ci, "0");
    pid_t r = start_sync(bin, "door-r", r_ci, "60000");
    CHECK(wait_pulled(b_db, "door-a", 10) == 10);
    CHECK(wait_pulled(r_db, "door-a", 10) == 10);
    test_wake(super, a, s, b_db, r_db);
    stop_sync(b);
    stop_sync(r);
done:
    PQfinish(a);
    PQfinish(s);
    PQfinish(super);
    free(a_ci);
    free(b_ci);
    free(r_ci);
    free(s_ci);
    free(b_db);
    free(r_db);
out:
    pg_harness_destroy(pg);
    pg_harness_rm_tree(tmpdir);
    return check_done();
}
