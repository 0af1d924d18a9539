/* SPDX-License-Identifier: Apache-2.0 */
/* Kiosks' sync daemons behind PgBouncer in transaction mode (issue 18, docs/scale.md): a real
 * PgBouncer (pgbouncer_harness.h) in front of a real PostgreSQL 15, two kiosks with their own
 * device logins (row-level security), `portier sync --no-listen`: both push and pull through
 * the pooler and their logs converge, also for a scan appended while they run, and no
 * notification reaches a pooled server connection. A daemon that LISTENs through the same
 * pooler shows why the option exists: its notifications arrive on a server connection no
 * client is linked to, and PgBouncer drops them. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "file.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "pgbouncer_harness.h"
#include "proc.h"
#include "scan_log.h"
#include "shell.h"
#include "store.h"
#include "sysclock.h"
#include "util.h"

static char *dir;
static const char *bin;
static struct pg_harness *pg;
static struct pgb_harness *pgb;

/* Appends an admission of attendee into room at wall_ms to device's log. */
static void append(const char *device, const char *room, const char *attendee, int64_t wall_ms)
{
    char *db = xasprintf("%s/%s.db", dir, device);
    CHECK(test_append_admission(db, device, room, attendee, wall_ms));
    free(db);
}

/* Waits (up to 30 s) until device's log holds n scans. */
static bool wait_count(const char *device, int64_t n)
{
    char *db = xasprintf("%s/%s.db", dir, device);
    int64_t v = -1;
    for (int i = 0; i < 600 && v != n; i++) {
        struct store *st = store_open(db, device);
        v = st != NULL ? store_scan_count(st) : -1;
        store_close(st);
        if (v != n)
            test_sleep_ms(50);
    }
    free(db);
    if (v != n)
        fprintf(stderr, "%s holds %" PRId64 " scans, expected %" PRId64 "\n", device, v, n);
    return v == n;
}

/* Starts device's sync daemon on its own bundle with the conninfo through the pooler, and
 * extra (NULL or one option). */
static void start_sync(struct proc *p, const char *device, const char *conninfo,
                       const char *poll_ms, const char *extra)
{
    char *kdir = xasprintf("%s/k-%s", dir, device), *db = xasprintf("%s/%s.db", dir, device);
    char *log = xasprintf("%s/sync-%s.log", dir, device);
    CHECK(test_sh("cd %s && %s bundle ev --out k-%s >/dev/null", dir, bin, device) == 0);
    char *argv[] = {(char *)bin,
                    "sync",
                    kdir,
                    "--device",
                    (char *)device,
                    "--db",
                    db,
                    "--central",
                    (char *)conninfo,
                    "--poll-interval",
                    (char *)poll_ms,
                    "--verbose",
                    (char *)extra,
                    NULL};
    proc_start(p, argv, false, false, log);
    free(kdir);
    free(db);
    free(log);
}

/* The device's login, connecting through the pooler (owned), or NULL. */
static char *add_device(const char *device, const char *room)
{
    PGconn *c = central_connect(pg_harness_conninfo(pg));
    char port[16];
    snprintf(port, sizeof port, "%d", pgb->port);
    const char *rooms[] = {room};
    char *conninfo = c != NULL ? central_add_login(c, CENTRAL_DEVICE, device, CENTRAL_AUTH_PASSWORD,
                                                   rooms, 1, "127.0.0.1", port)
                               : NULL;
    central_close(c);
    CHECK(conninfo != NULL);
    return conninfo;
}

/* Sends a notification on the kiosks' channel straight to the server, as an upload does. */
static void notify(void)
{
    PGconn *c = PQconnectdb(pg_harness_conninfo(pg));
    PQclear(PQexec(c, "NOTIFY " CENTRAL_CHANNEL_SCANS ", 'x'"));
    PQfinish(c);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    const char *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-pooler-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    pg = pg_harness_start(NULL);
    CHECK(pg != NULL);
    if (pg == NULL)
        goto out;
    const char *ci = pg_harness_conninfo(pg);
    CHECK(test_sh("cd %s && %s init ev --name Pooled --timezone Europe/Brussels --rooms "
                  "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && %s central init '%s' >/dev/null && "
                  "%s central publish ev '%s' >/dev/null",
                  dir, bin, data, data, data, bin, ci, bin, ci) == 0);
    /* The pooler's own timeout stands in for the daemon's statement_timeout. */
    pgb = pgb_harness_start(pg, "transaction", "query_timeout = 30\n");
    CHECK(pgb != NULL);
    if (pgb == NULL)
        goto out;
    char *ca = add_device("door-a", "aula"), *cb = add_device("door-b", "lab.1");
    const int64_t t0 = 1713770000000; /* 2024-04-22, the fixture's day */
    append("door-a", "aula", "A0001", t0);
    append("door-a", "aula", "A0002", t0 + 1000);
    append("door-a", "aula", "A0003", t0 + 2000);
    append("door-b", "lab.1", "A0004", t0 + 1500);
    append("door-b", "lab.1", "A0005", t0 + 2500);
    struct proc a, b;
    start_sync(&a, "door-a", ca, "300", "--no-listen");
    start_sync(&b, "door-b", cb, "300", "--no-listen");
    CHECK(wait_count("door-a", 5) && wait_count("door-b", 5));
    /* Appended while both run: pushed by one, pulled by the other, through the pooler. */
    append("door-a", "aula", "A0006", t0 + 3000);
    CHECK(wait_count("door-b", 6) && wait_count("door-a", 6));
    notify();
    test_sleep_ms(700); /* two polls of both daemons */
    CHECK(proc_stop(&a) == 0 && proc_stop(&b) == 0);
    CHECK(test_sh("grep -q 'door-a' %s && ! grep -q 'when not linked' %s", pgb->log, pgb->log) ==
          0);
    PGconn *admin = PQconnectdb(ci);
    char *n = query_value(admin, "SELECT count(*) FROM portier.scans", true);
    CHECK_STR(n, "6");
    free(n);
    PQfinish(admin);

    /* Without --no-listen the LISTEN stays on whichever server connection ran it, which
     * returns to the pool: PgBouncer drops what arrives there ("when not linked"). */
    char *cc = add_device("door-c", "zaal_3");
    struct proc c;
    start_sync(&c, "door-c", cc, "3600000", NULL);
    char *log_c = xasprintf("%s/sync-door-c.log", dir);
    bool pulled = false;
    for (int i = 0; i < 400 && !pulled; i++) {
        char *text = file_read_all(log_c, NULL);
        pulled = text != NULL && strstr(text, "sync: pulling scans") != NULL;
        free(text);
        test_sleep_ms(50);
    }
    CHECK(pulled);
    test_sleep_ms(300);
    notify();
    bool dropped = false;
    for (int i = 0; i < 100 && !dropped; i++) {
        dropped =
            test_sh("grep -q \"got packet 'A' from server when not linked\" %s", pgb->log) == 0;
        test_sleep_ms(50);
    }
    CHECK_MSG(dropped, "PgBouncer did not drop the notification (see %s)", pgb->log);
    CHECK(proc_stop(&c) == 0);
    free(log_c);
    proc_finish(&a);
    proc_finish(&b);
    proc_finish(&c);
    free(ca);
    free(cb);
    free(cc);
out:
    pgb_harness_stop(pgb);
    pg_harness_destroy(pg);
    pg_harness_rm_tree(dir);
    free(dir);
    return check_done();
}
