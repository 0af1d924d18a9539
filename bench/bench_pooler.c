/* SPDX-License-Identifier: Apache-2.0 */
/* Connections at the central server with N real sync daemons, direct and through PgBouncer in
 * transaction mode (issue 18, docs/scale.md). Prints figures; asserts nothing.
 *
 *     PORTIER_BIN=build/portier bench_pooler [DAEMONS [SECONDS]]   (default 100, 20)
 *
 * A throwaway PostgreSQL 15 (pg_harness.h) and PgBouncer (pgbouncer_harness.h); N devices,
 * each with its own login (row-level security) and scan log, all on one kiosk bundle. For
 * SECONDS a writer appends 10 scans a second, round robin over the kiosks' logs, while the
 * server's client backends of the devices are counted every 250 ms. Then the time until every
 * log holds every scan at central. Runs:
 *   direct     `portier sync --hint-interval 1000` (LISTEN), one connection each
 *   pooled     the same through PgBouncer with --no-listen --poll-interval 1000
 *   pooled-cap as pooled, with max_db_connections = 20 at the pooler
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "pgbouncer_harness.h"
#include "proc.h"
#include "scan_log.h"
#include "shell.h"
#include "store.h"
#include "sysclock.h"
#include "util.h"

#define ROOMS 10

static char *dir;
static const char *bin;
static struct pg_harness *pg;
static int n_daemons;
static int64_t seconds;
static char **direct; /* each device's conninfo, straight to the server */

/* Runs a shell command; exits on failure. */
static void must_sh(const char *cmd)
{
    if (test_sh("%s", cmd) != 0) {
        fprintf(stderr, "bench_pooler: failed: %s\n", cmd);
        exit(1);
    }
}

/* The event (ROOMS rooms, 200 attendees), its bundle, published on the server; n devices. */
static void setup(void)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, "id,name,capacity\n");
    for (int r = 0; r < ROOMS; r++)
        strbuf_printf(&sb, "r%d,Room %d,1000\n", r, r);
    test_write_file(dir, "rooms.csv", sb.data);
    strbuf_finish(&sb);
    test_write_file(dir, "sessions.csv", "id,room,title,start,end\n");
    strbuf_puts(&sb, "id,name,organisation,email,language,category,sessions\n");
    for (int i = 0; i < 200; i++)
        strbuf_printf(&sb, "P%04d,Person %d,Org,,en,attendee,\n", i, i);
    test_write_file(dir, "attendees.csv", sb.data);
    strbuf_finish(&sb);
    char *cmd =
        xasprintf("cd %s && %s init ev --name Pool --timezone UTC --rooms rooms.csv "
                  "--sessions sessions.csv --attendees attendees.csv >/dev/null && "
                  "%s bundle ev --out kiosk >/dev/null && %s central init '%s' "
                  ">/dev/null && %s central publish ev '%s' >/dev/null",
                  dir, bin, bin, bin, pg_harness_conninfo(pg), bin, pg_harness_conninfo(pg));
    must_sh(cmd);
    free(cmd);
    PGconn *c = central_connect(pg_harness_conninfo(pg));
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    direct = xcalloc((size_t)n_daemons, sizeof *direct);
    for (int i = 0; i < n_daemons; i++) {
        char id[32], room[8];
        snprintf(id, sizeof id, "bp-%03d", i);
        snprintf(room, sizeof room, "r%d", i % ROOMS);
        const char *rooms[] = {room};
        direct[i] = c != NULL ? central_add_login(c, CENTRAL_DEVICE, id, CENTRAL_AUTH_PASSWORD,
                                                  rooms, 1, "127.0.0.1", port)
                              : NULL;
        if (direct[i] == NULL)
            exit(1);
    }
    central_close(c);
}

/* conninfo with its port replaced by port (owned). */
static char *with_port(const char *conninfo, int from, int port)
{
    char old[32], new[32];
    snprintf(old, sizeof old, "port=%d", from);
    snprintf(new, sizeof new, "port=%d", port);
    const char *at = strstr(conninfo, old);
    if (at == NULL)
        return xstrdup(conninfo);
    return xasprintf("%.*s%s%s", (int)(at - conninfo), conninfo, new, at + strlen(old));
}

/* The log of device i in run name. */
static char *log_path(const char *name, int i)
{
    return xasprintf("%s/%s-%03d.db", dir, name, i);
}

/* Appends a scan to device i's log for run name. */
static void append(const char *name, int i, int64_t n)
{
    char *db = log_path(name, i), id[32], room[8], attendee[8];
    snprintf(id, sizeof id, "bp-%03d", i);
    snprintf(room, sizeof room, "r%d", i % ROOMS);
    snprintf(attendee, sizeof attendee, "P%04d", (int)(n % 200));
    test_append_admission(db, id, room, attendee, time_now_ms());
    free(db);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* One run: n daemons with conninfo[i] and the extra options; prints its figures. */
static void run(const char *name, char **conninfo, const char *const *extra, size_t n_extra)
{
    struct proc *procs = xcalloc((size_t)n_daemons, sizeof *procs);
    char *kiosk = xasprintf("%s/kiosk", dir), *logfile = xasprintf("%s/%s.log", dir, name);
    for (int i = 0; i < n_daemons; i++) {
        char id[32];
        snprintf(id, sizeof id, "bp-%03d", i);
        char *db = log_path(name, i);
        const char *argv[16] = {bin, "sync",      kiosk,       "--device",      id,    "--db",
                                db,  "--central", conninfo[i], "--backoff-max", "2000"};
        size_t n = 11;
        for (size_t k = 0; k < n_extra && n < 15; k++)
            argv[n++] = extra[k];
        proc_start(&procs[i], (char *const *)argv, false, false, logfile);
        free(db);
    }
    PGconn *admin = PQconnectdb(pg_harness_conninfo(pg));
    int *pids = NULL;
    size_t n_pids = 0, cap = 0;
    int max_conns = 0;
    double sum_conns = 0;
    int samples = 0;
    int64_t written = 0, start = time_mono_ns(), next_write = start, next_sample = start;
    while (time_mono_ns() - start < seconds * 1000000000LL) {
        int64_t now = time_mono_ns();
        if (now >= next_write) {
            append(name, (int)(written % n_daemons), written);
            written++;
            next_write += 100 * 1000000LL;
        }
        if (now >= next_sample) {
            PGresult *res = PQexec(admin, "SELECT pid FROM pg_stat_activity WHERE backend_type"
                                          " = 'client backend' AND usename LIKE 'bp-%'");
            int rows = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : 0;
            for (int r = 0; r < rows; r++) {
                if (n_pids == cap) {
                    cap = cap ? cap * 2 : 1024;
                    pids = xrealloc(pids, cap * sizeof *pids);
                }
                pids[n_pids++] = atoi(PQgetvalue(res, r, 0));
            }
            PQclear(res);
            max_conns = rows > max_conns ? rows : max_conns;
            sum_conns += rows;
            samples++;
            next_sample += 250 * 1000000LL;
        }
        test_sleep_ms(10);
    }
    int64_t end = time_mono_ns();
    char *total_s = query_value(admin, "SELECT count(*) FROM portier.scans", true);
    int64_t total = total_s ? atoll(total_s) : -1;
    free(total_s);
    /* Until every log holds every scan at central (at most 60 s). */
    int complete = 0;
    while (complete < n_daemons && time_mono_ns() - end < 60 * 1000000000LL) {
        complete = 0;
        for (int i = 0; i < n_daemons; i++) {
            char *db = log_path(name, i), id[32];
            snprintf(id, sizeof id, "bp-%03d", i);
            struct store *st = store_open(db, id);
            complete += st != NULL && store_scan_count(st) == total;
            store_close(st);
            free(db);
        }
        if (complete < n_daemons)
            test_sleep_ms(100);
    }
    double converge = (double)(time_mono_ns() - end) / 1e9;
    for (int i = 0; i < n_daemons; i++)
        kill(procs[i].pid, SIGTERM);
    for (int i = 0; i < n_daemons; i++)
        proc_finish(&procs[i]);
    qsort(pids, n_pids, sizeof *pids, cmp_int);
    size_t distinct = 0;
    for (size_t i = 0; i < n_pids; i++)
        distinct += i == 0 || pids[i] != pids[i - 1];
    printf("%-10s %3d daemons: server connections max %3d, mean %5.1f; server backends seen "
           "%4zu; %" PRId64 " scans written in %" PRId64 " s, %d of %d logs complete %.1f s "
           "after the last\n",
           name, n_daemons, max_conns, samples ? sum_conns / samples : 0.0, distinct, written,
           seconds, complete, n_daemons, converge);
    fflush(stdout);
    /* What the daemons complained of, if anything (their warnings, counted). */
    test_sh("grep -o 'sync: [^:]*: [^(]*' %s | cut -c1-100 | sort | uniq -c | sort -rn | head -4",
            logfile);
    PQfinish(admin);
    free(pids);
    free(procs);
    free(kiosk);
    free(logfile);
}

int main(int argc, char **argv)
{
    bin = getenv("PORTIER_BIN");
    n_daemons = argc > 1 ? atoi(argv[1]) : 100;
    seconds = argc > 2 ? atoll(argv[2]) : 20;
    if (bin == NULL || n_daemons <= 0 || seconds <= 0) {
        fprintf(stderr, "usage: PORTIER_BIN=build/portier bench_pooler [DAEMONS [SECONDS]]\n");
        return 2;
    }
    char tmpl[] = "/tmp/portier-bench-pooler-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    struct pg_harness_options opts = {.settings = "-c max_connections=300"};
    pg = pg_harness_start(&opts);
    if (pg == NULL)
        return 1;
    setup();
    const char *listen[] = {"--hint-interval", "1000"};
    run("direct", direct, listen, 2);

    const char *poll[] = {"--no-listen", "--poll-interval", "1000"};
    const char *pool_settings[] = {"query_timeout = 30\n",
                                   "query_timeout = 30\nmax_db_connections = 20\n"};
    const char *names[] = {"pooled", "pooled-cap"};
    for (int k = 0; k < 2; k++) {
        struct pgb_harness *pgb = pgb_harness_start(pg, "transaction", pool_settings[k]);
        if (pgb == NULL)
            return 1;
        char **pooled = xcalloc((size_t)n_daemons, sizeof *pooled);
        for (int i = 0; i < n_daemons; i++)
            pooled[i] = with_port(direct[i], pg->port, pgb->port);
        run(names[k], pooled, poll, 3);
        for (int i = 0; i < n_daemons; i++)
            free(pooled[i]);
        free(pooled);
        pgb_harness_stop(pgb);
    }
    for (int i = 0; i < n_daemons; i++)
        free(direct[i]);
    free(direct);
    pg_harness_destroy(pg);
    pg_harness_rm_tree(dir);
    free(dir);
    return 0;
}
