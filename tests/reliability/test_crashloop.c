/* SPDX-License-Identifier: Apache-2.0 */
/* kill -9 of the kiosk and of its sync daemon, alternately, at random moments of scan bursts
 * and of the daemon's pushes, against a real PostgreSQL cluster (tests/pg_harness.h):
 * after every kiosk kill, every decision it printed (a confirmed scan) is in the scan log and
 * the file passes integrity_check; the kiosk and the daemon start again each time on what the
 * kill left; after the last one, a `portier sync --once` brings the central database to each
 * confirmed scan exactly once (and no row the log does not hold).
 * CI: 400 cycles (200 kiosk kills, 300 daemon kills: every other daemon is killed a second
 * time soon after its start); PORTIER_FULL=1: 2000 cycles. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "fixture.h"
#include "pg_harness.h"
#include "store.h"
#include "util.h"
#include "file.h"

#define DEVICE    "door-crash"
#define MAX_BURST 20

static struct fixture fx;
static char *db;
static char *conninfo; /* the device's login */

/* A child process: the kiosk (stdin and stdout on pipes) or the daemon (output to a log). */
struct proc {
    pid_t pid;
    int in, out;
    struct strbuf text; /* the kiosk's output so far */
    size_t lines;
};

static void sleep_us(uint64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

/* Starts the kiosk on db. */
static void kiosk_start(struct proc *p)
{
    memset(p, 0, sizeof *p);
    p->pid = fixture_spawn_kiosk(&fx, DEVICE, db, &p->in, &p->out);
}

/* Starts the sync daemon (quick polls and reconnections, so that kills land mid-push). */
static void sync_start(struct proc *p)
{
    memset(p, 0, sizeof *p);
    p->in = p->out = -1;
    char *log = path_join(fx.dir, "sync.log");
    fflush(NULL);
    p->pid = fork();
    if (p->pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(fx.bin, "portier", "sync", fx.kiosk_dir, "--device", DEVICE, "--db", db, "--central",
              conninfo, "--poll-interval", "50", "--backoff-max", "200", (char *)NULL);
        _exit(127);
    }
    free(log);
}

/* Reads from the kiosk until it printed n lines in all (or EOF). */
static void kiosk_read(struct proc *p, size_t n)
{
    char buf[4096];
    while (p->lines < n) {
        ssize_t got = read(p->out, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return;
        strbuf_append(&p->text, buf, (size_t)got);
        for (ssize_t i = 0; i < got; i++)
            p->lines += buf[i] == '\n';
    }
}

/* Waits for pid; returns its wait status. */
static int reap(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

/* Makes the central database and the device's login; false after saying why. */
static bool central_setup(struct pg_harness *pg)
{
    PGconn *c = central_connect(pg_harness_conninfo(pg));
    if (c == NULL)
        return false;
    char *event_db = path_join(fx.event_dir, "event.db");
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    bool ok = central_migrate(c, central_migrations, central_migration_count, NULL) &&
              central_publish(c, event_db, false, NULL);
    if (ok)
        conninfo = central_add_login(c, CENTRAL_DEVICE, DEVICE, CENTRAL_AUTH_PASSWORD, NULL, 0,
                                     "127.0.0.1", port);
    free(event_db);
    PQfinish(c);
    return ok && conninfo != NULL;
}

/* Marks every attendee changed centrally, so that the daemon's next pull rewrites them in the
 * bundle's event.db. */
static bool bump_model(struct pg_harness *pg)
{
    PGconn *c = PQconnectdb(pg_harness_conninfo(pg));
    PGresult *r = PQexec(c, "UPDATE portier.attendees SET version = nextval('portier.change_seq')");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "bump_model: %s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok;
}

/* Compares the central table with the ledger and the local log: *missing confirmed scans not
 * there (or different), *duplicated rows beyond one per confirmed scan, *extra rows the log
 * does not hold. False when the query failed. */
static bool central_check(struct pg_harness *pg, const struct ledger *l, int64_t epoch,
                          int64_t local_count, size_t *missing, size_t *duplicated, size_t *extra)
{
    PGconn *c = PQconnectdb(pg_harness_conninfo(pg));
    PGresult *r = PQexecParams(c,
                               "SELECT seq, db_epoch, attendee, result, count(*) OVER "
                               "(PARTITION BY seq) FROM portier.scans WHERE device_id = $1",
                               1, NULL, (const char *[]){DEVICE}, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "central query: %s", PQerrorMessage(c));
    size_t *seen = xcalloc(l->cap + 1, sizeof *seen);
    *missing = *duplicated = *extra = 0;
    int rows = ok ? PQntuples(r) : 0;
    for (int i = 0; i < rows; i++) {
        int64_t seq = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        int64_t ep = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        *duplicated += strtoll(PQgetvalue(r, i, 4), NULL, 10) > 1 || ep != epoch;
        if (seq <= 0 || (size_t)seq >= l->cap || l->by_seq[seq].seq == 0)
            continue;
        const struct decision *d = &l->by_seq[seq];
        if (strcmp(d->attendee, PQgetvalue(r, i, 2)) == 0 &&
            strcmp(d->result, PQgetvalue(r, i, 3)) == 0)
            seen[seq]++;
    }
    for (size_t s = 1; s < l->cap; s++) {
        if (l->by_seq[s].seq != 0 && seen[s] != 1)
            (*missing)++;
    }
    if (rows > local_count)
        *extra = (size_t)(rows - local_count);
    else if (rows < local_count)
        *missing += 0; /* unconfirmed local scans not yet pushed cannot be: --once pushed all */
    free(seen);
    PQclear(r);
    PQfinish(c);
    return ok && rows == local_count;
}

int main(void)
{
    if (!fixture_setup(&fx, "crashloop"))
        return 1;
    signal(SIGPIPE, SIG_IGN);
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK(pg != NULL);
    if (pg == NULL || !central_setup(pg)) {
        CHECK_MSG(false, "central setup failed");
        pg_harness_destroy(pg);
        fixture_teardown(&fx);
        return check_done();
    }
    db = path_join(fx.dir, "scans.db");
    uint64_t seed = fixture_seed(), rng = seed;
    int cycles = fixture_full() ? 2000 : 400;
    struct ledger ledger = {0};
    struct ledger_check c;
    int64_t idx = 0, epoch = 0;
    int kiosk_kills = 0, sync_kills = 0, sync_planned = 0, hot_journals = 0;
    char *journal = xasprintf("%s/event.db-journal", fx.kiosk_dir);
    size_t confirmed = 0;
    struct proc kiosk, daemon;
    kiosk_start(&kiosk);
    sync_start(&daemon);
    for (int cycle = 0; cycle < cycles; cycle++) {
        bool kill_kiosk = cycle % 2 == 0;
        size_t before = kiosk.lines;
        size_t burst = 1 + fixture_rand(&rng) % MAX_BURST;
        struct strbuf sb = {0};
        for (size_t i = 0; i < burst; i++)
            fixture_scan_line(&fx, &sb, idx++);
        ssize_t w = write(kiosk.in, sb.data, sb.len);
        (void)w;
        strbuf_finish(&sb);
        if (kill_kiosk) {
            /* A random moment of the burst: after some of its decisions, plus up to 3 ms. */
            kiosk_read(&kiosk, before + fixture_rand(&rng) % (burst + 1));
            sleep_us(fixture_rand(&rng) % 3000);
            kill(kiosk.pid, SIGKILL);
            int status = reap(kiosk.pid);
            kiosk_kills += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
            CHECK_MSG(WIFSIGNALED(status), "cycle %d: the kiosk ended (status %d) before the kill",
                      cycle, status);
            close(kiosk.in);
            kiosk_read(&kiosk, SIZE_MAX); /* to EOF */
            close(kiosk.out);
            confirmed += ledger_add_lines(&ledger, kiosk.text.data ? kiosk.text.data : "");
            strbuf_finish(&kiosk.text);
            if (confirmed == 0 && !path_exists(db)) {
                /* Killed before it made its log: nothing was confirmed, nothing to check. */
                kiosk_start(&kiosk);
                continue;
            }

            bool intact = db_integrity_ok(db);
            CHECK_MSG(intact, "cycle %d: integrity_check failed", cycle);
            ledger_check(&ledger, db, DEVICE, &c);
            if (c.opened && epoch == 0)
                epoch = c.epoch;
            CHECK_MSG(c.opened && c.epoch == epoch,
                      "cycle %d: the log did not open or was recreated", cycle);
            CHECK_MSG(c.lost == 0, "cycle %d: %zu confirmed scans lost", cycle, c.lost);
            kiosk_start(&kiosk);
        } else {
            /* The daemon polls every 50 ms: a kill within 0..60 ms of the burst lands before,
             * during or after its push of it. */
            sleep_us(fixture_rand(&rng) % 60000);
            kill(daemon.pid, SIGKILL);
            sync_planned++;
            int status = reap(daemon.pid);
            sync_kills += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
            CHECK_MSG(WIFSIGNALED(status), "cycle %d: the daemon ended (status %d) before the kill",
                      cycle, status);
            kiosk_read(&kiosk, before + burst);
            if (cycle % 4 == 3) {
                /* Every other time, a second kill soon after the start: while the daemon
                 * connects, anchors its clock and pulls the event model into the bundle (made
                 * to have changes, so that it writes the bundle's event.db). */
                CHECK(bump_model(pg));
                sync_start(&daemon);
                sleep_us(fixture_rand(&rng) % 80000);
                kill(daemon.pid, SIGKILL);
                status = reap(daemon.pid);
                sync_kills += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
                sync_planned++;
                /* The case the kiosk must survive: the kill landed mid-write of event.db. */
                hot_journals += path_exists(journal);
                CHECK_MSG(WIFSIGNALED(status),
                          "cycle %d: the restarted daemon ended (status %d) before the kill", cycle,
                          status);
            }
            sync_start(&daemon);
        }
        if (check_failed > 0)
            break; /* the first failure says it all; the rest would repeat it */
    }
    /* The last kiosk ends cleanly at the end of its input, with one more scan. */
    struct strbuf sb = {0};
    fixture_scan_line(&fx, &sb, idx++);
    ssize_t w = write(kiosk.in, sb.data, sb.len);
    (void)w;
    strbuf_finish(&sb);
    close(kiosk.in);
    kiosk_read(&kiosk, SIZE_MAX);
    close(kiosk.out);
    int status = reap(kiosk.pid);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the last kiosk: status %d", status);
    confirmed += ledger_add_lines(&ledger, kiosk.text.data ? kiosk.text.data : "");
    strbuf_finish(&kiosk.text);
    kill(daemon.pid, SIGKILL);
    reap(daemon.pid);

    ledger_check(&ledger, db, DEVICE, &c);
    size_t lost = c.lost + ledger.conflicts;
    CHECK(db_integrity_ok(db));
    CHECK(lost == 0);
    CHECK(kiosk_kills == (cycles + 1) / 2 && sync_kills == sync_planned);
    CHECK(confirmed > (size_t)cycles / 2);

    /* The next sync: every confirmed scan centrally exactly once. */
    int rc = fixture_run("'%s' sync '%s' --device " DEVICE " --db '%s' --central '%s' --once "
                         ">>'%s/sync.log' 2>&1",
                         fx.bin, fx.kiosk_dir, db, conninfo, fx.dir);
    CHECK_MSG(rc == 0, "portier sync --once: exit status %d", rc);
    struct store *st = store_open(db, DEVICE);
    int64_t local = st ? store_scan_count(st) : -1;
    store_close(st);
    size_t missing = 0, duplicated = 0, extra = 0;
    CHECK_MSG(central_check(pg, &ledger, epoch, local, &missing, &duplicated, &extra),
              "the central table does not hold the %" PRId64 " scans of the log", local);
    CHECK_MSG(missing == 0 && duplicated == 0 && extra == 0,
              "central: %zu confirmed scans missing, %zu duplicated, %zu extra", missing,
              duplicated, extra);
    if (check_failed > 0 && getenv("PORTIER_KEEP") == NULL)
        fixture_run("tail -n 30 '%s/sync.log' >&2", fx.dir);
    fixture_figures("crashloop",
                    "kill -9 of the kiosk and its sync daemon (seed %" PRIu64 "): %d cycles, %d "
                    "kills (kiosk %d, sync %d, of which %d left a hot event.db journal), "
                    "confirmed %zu, lost %zu, duplicated centrally %zu, missing centrally %zu",
                    seed, cycles, kiosk_kills + sync_kills, kiosk_kills, sync_kills, hot_journals,
                    confirmed, lost, duplicated, missing);
    free(journal);
    ledger_finish(&ledger);
    free(db);
    free(conninfo);
    pg_harness_destroy(pg);
    fixture_teardown(&fx);
    return check_done();
}
