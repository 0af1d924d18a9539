/* SPDX-License-Identifier: Apache-2.0 */
/* portier report at scale: the demo symposium, a simulated day of scans (check-ins, sessions
 * with full rooms, people stepping out and back), stored in three kiosk databases that
 * overlap (about 10% of the scans are held twice), then the whole report from them. Prints
 * the report's time and peak memory (measured in a child process that does only the report).
 *
 *     bench_report [--central] [--keep DIR] [SCANS ...]      (default: 10000 1000000; 0: a plain
 * day)
 * --central also uploads the scans to a throwaway PostgreSQL, makes the report from there and
 * checks that it is identical.
 * --keep DIR keeps the event, the databases and the report of the last run in DIR (the
 * screenshot in docs/ is made from a 10000-scan run).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "pg_harness.h"
#include "central.h"
#include "demo.h"
#include "event.h"
#include "report.h"
#include "roster.h"
#include "store.h"
#include "timeutil.h"
#include "util.h"
#include "cli.h"
#include "event_db.h"
#include "file.h"
#include "roster_db.h"
#include "sysclock.h"

#define MIN   INT64_C(60000)
#define CHUNK 20000

enum move_kind { M_ADMIT, M_EXIT };

/* A planned move, before the door decides. */
struct move {
    int64_t t;
    int32_t attendee;
    int16_t room; /* -1: the entrance */
    uint8_t kind;
    uint8_t pad;
    int32_t visit; /* -1: not part of a room visit */
};

static uint64_t rng = 0x2545F4914F6CDD1Du;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static int64_t between(int64_t lo, int64_t hi)
{
    return hi <= lo ? lo : lo + (int64_t)(next() % (uint64_t)(hi - lo));
}

static struct move *moves;
static PGconn *central; /* with --central: the scans go there too */
static struct pg_harness *central_pg;
static size_t n_moves, cap_moves;
static int32_t n_visits;

static void plan(int64_t t, int attendee, int room, enum move_kind kind, int32_t visit)
{
    if (n_moves == cap_moves) {
        cap_moves = cap_moves ? cap_moves * 2 : 65536;
        moves = xrealloc(moves, cap_moves * sizeof *moves);
    }
    moves[n_moves++] = (struct move){t, attendee, (int16_t)room, (uint8_t)kind, 0, visit};
}

static int cmp_move(const void *pa, const void *pb)
{
    const struct move *a = pa, *b = pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->attendee < b->attendee ? -1 : a->attendee > b->attendee;
}

/* Plans the day: every attendee's check-in, visits, step-outs and departure. step_outs per
 * visit make up the volume. */
static void plan_day(const struct event *ev, int step_outs)
{
    n_moves = 0;
    n_visits = 0;
    int64_t first = INT64_MAX;
    for (size_t s = 0; s < ev->n_sessions; s++)
        first = ev->sessions[s].start_ms < first ? ev->sessions[s].start_ms : first;
    for (size_t a = 0; a < ev->n_attendees; a++) {
        const struct attendee *at = &ev->attendees[a];
        if (next() % 100 < 8)
            continue; /* did not come */
        int64_t t_in = first - 50 * MIN + between(0, 40 * MIN) + between(0, 40 * MIN);
        if (next() % 100 < 10)
            t_in += between(60 * MIN, 240 * MIN); /* came later */
        plan(t_in, (int)a, -1, M_ADMIT, -1);
        int64_t cursor = t_in + MIN;
        /* sessions in order of start */
        for (;;) {
            size_t best = SIZE_MAX;
            for (size_t s = 0; s < ev->n_sessions; s++) {
                const struct session *se = &ev->sessions[s];
                if (se->start_ms + 20 * MIN <= cursor)
                    continue;
                bool reg = event_is_registered(at, s);
                if (best == SIZE_MAX || se->start_ms < ev->sessions[best].start_ms ||
                    (se->start_ms == ev->sessions[best].start_ms && reg))
                    best = s;
            }
            if (best == SIZE_MAX)
                break;
            const struct session *se = &ev->sessions[best];
            bool reg = event_is_registered(at, best);
            bool plenary = strcmp(ev->rooms[se->room].id, DEMO_PLENARY_ROOM) == 0;
            int want = reg ? 88 : plenary ? 70 : 10;
            if (at->category == CATEGORY_STAFF || (int)(next() % 100) >= want) {
                cursor = se->start_ms + 20 * MIN;
                continue;
            }
            int32_t v = n_visits++;
            int64_t enter = se->start_ms - 12 * MIN + between(0, 14 * MIN) + between(0, 8 * MIN);
            if (enter < cursor)
                enter = cursor;
            plan(enter, (int)a, (int)se->room, M_ADMIT, v);
            int64_t leave = se->end_ms;
            int r = (int)(next() % 100);
            if (r < 25)
                leave = between(se->end_ms - (se->end_ms - enter) / 3, se->end_ms);
            else if (r < 32)
                leave = between(enter + 5 * MIN, se->end_ms);
            int64_t t = enter;
            for (int k = 0; k < step_outs && t + 3 * MIN < leave; k++) {
                /* spread over what is left of the stay: a few long breaks, or many short
                 * ones when the volume asks for it */
                int64_t span = (leave - t) / (step_outs - k + 1);
                int64_t out = between(t + 20000, t + (span > 40000 ? span : 40000));
                int64_t back = out + between(10000, span > 20000 ? span / 2 : 20000);
                if (back >= leave)
                    break;
                plan(out, (int)a, (int)se->room, M_EXIT, v);
                plan(back, (int)a, (int)se->room, M_ADMIT, v);
                t = back;
            }
            if (leave < se->end_ms)
                plan(leave, (int)a, (int)se->room, M_EXIT, v);
            cursor = leave + MIN;
        }
        if (next() % 100 < 65)
            plan(cursor + between(2 * MIN, 40 * MIN), (int)a, -1, M_EXIT, -1);
    }
    qsort(moves, n_moves, sizeof *moves, cmp_move);
}

/* The doors decide (capacity, duplicates) and write the scans into the kiosk databases. */
static size_t decide_and_store(const struct event *ev, struct store **dbs, size_t n_dbs,
                               size_t target)
{
    size_t na = ev->n_attendees, nr = ev->n_rooms;
    int *room_of = xmalloc((na + 1) * sizeof *room_of);
    int64_t *until = xcalloc(na + 1, sizeof *until);
    int *count = xcalloc(nr + 1, sizeof *count);
    bool *cancelled = xcalloc((size_t)n_visits + 1, sizeof *cancelled);
    int64_t *seq = xcalloc(nr + 3, sizeof *seq);
    for (size_t a = 0; a < na; a++)
        room_of[a] = -1;
    struct scan *chunk = xmalloc(CHUNK * sizeof *chunk);
    struct scan **per_db = xmalloc(n_dbs * sizeof *per_db);
    size_t *n_per = xcalloc(n_dbs, sizeof *n_per);
    for (size_t d = 0; d < n_dbs; d++)
        per_db[d] = xmalloc(CHUNK * 2 * sizeof **per_db);
    size_t n_chunk = 0, total = 0;
    /* Moves are kept at random, with the chance that brings the day to the target volume:
     * the day stays whole (not cut at noon). */
    /* (A third or more of the moves make no scan: exits of visits the door refused.) */
    uint64_t keep = (uint64_t)target * 1800000u / (n_moves + 1) + 1;
    if (keep > 1000000u)
        keep = 1000000u;
    for (size_t i = 0; i <= n_moves; i++) {
        if (i < n_moves && total + n_chunk < target) {
            const struct move *m = &moves[i];
            size_t a = (size_t)m->attendee;
            if (next() % 1000000u >= keep)
                continue;
            /* an exit planned in a visit the door refused: there is no one to let out */
            if (m->kind == M_EXIT && m->visit >= 0 && cancelled[m->visit] && room_of[a] != m->room)
                continue;
            const struct attendee *at = &ev->attendees[a];
            /* expiry at the session's end */
            if (room_of[a] >= 0 && until[a] <= m->t) {
                count[room_of[a]]--;
                room_of[a] = -1;
            }
            struct scan *s = &chunk[n_chunk];
            memset(s, 0, sizeof *s);
            int dev = m->room < 0 ? (int)nr + (int)(a % 2) : m->room;
            if (m->room < 0)
                snprintf(s->device_id, sizeof s->device_id, "entr-%d", (int)(a % 2) + 1);
            else
                snprintf(s->device_id, sizeof s->device_id, "door-%s", ev->rooms[m->room].id);
            s->db_epoch = 4242 + dev;
            s->seq = ++seq[dev];
            s->wall_ms = m->t;
            s->mono_ns = (m->t % (86400 * 1000)) * 1000000 + 1;
            snprintf(s->boot_id, sizeof s->boot_id, "boot-%d", dev);
            s->clock_synced = true;
            snprintf(s->room, sizeof s->room, "%s",
                     m->room < 0 ? "entrance" : ev->rooms[m->room].id);
            snprintf(s->attendee, sizeof s->attendee, "%s", at->id);
            s->kind = SCAN_BADGE;
            s->mode = MODE_ENTRY;
            if (m->room < 0) {
                s->result = m->kind == M_ADMIT ? RESULT_ADMITTED : RESULT_EXITED;
                if (m->kind == M_EXIT && room_of[a] >= 0) {
                    count[room_of[a]]--;
                    room_of[a] = -1;
                }
            } else if (m->kind == M_ADMIT) {
                int64_t end = INT64_MAX;
                for (size_t x = 0; x < ev->n_sessions; x++) {
                    const struct session *se = &ev->sessions[x];
                    if ((int)se->room == m->room && se->end_ms > m->t && se->end_ms < end) {
                        end = se->end_ms;
                        snprintf(s->session, sizeof s->session, "%s", se->id);
                    }
                }
                bool counted = at->category != CATEGORY_STAFF;
                if (counted && at->category != CATEGORY_SPEAKER &&
                    count[m->room] >= ev->rooms[m->room].capacity) {
                    s->result = RESULT_DENIED;
                    s->reason = REASON_ROOM_FULL;
                    cancelled[m->visit] = true;
                } else {
                    s->result = RESULT_ADMITTED;
                    if (room_of[a] >= 0)
                        count[room_of[a]]--;
                    room_of[a] = m->room;
                    until[a] = end;
                    count[m->room]++;
                }
            } else {
                s->result = RESULT_EXITED;
                if (room_of[a] == m->room) {
                    count[m->room]--;
                    room_of[a] = -1;
                }
            }
            n_chunk++;
        }
        if (n_chunk == CHUNK || (i == n_moves && n_chunk > 0)) {
            /* Each scan goes to one database, and one in ten to a second one too. */
            for (size_t k = 0; k < n_chunk; k++) {
                size_t d = (size_t)(next() % n_dbs);
                per_db[d][n_per[d]++] = chunk[k];
                if (next() % 10 == 0) {
                    size_t e = (d + 1) % n_dbs;
                    per_db[e][n_per[e]++] = chunk[k];
                }
            }
            for (size_t d = 0; d < n_dbs; d++) {
                if (!store_insert_remote_scans(dbs[d], per_db[d], n_per[d])) {
                    fprintf(stderr, "bench_report: cannot store scans\n");
                    exit(1);
                }
                n_per[d] = 0;
            }
            if (central != NULL && central_upload_scans(central, chunk, n_chunk, NULL, 0) < 0) {
                fprintf(stderr, "bench_report: cannot upload scans\n");
                exit(1);
            }
            total += n_chunk;
            n_chunk = 0;
        }
    }
    for (size_t d = 0; d < n_dbs; d++)
        free(per_db[d]);
    free(per_db);
    free(n_per);
    free(chunk);
    free(room_of);
    free(until);
    free(count);
    free(cancelled);
    free(seq);
    return total;
}

static char central_conninfo[1200];

/* Runs report_run in a child process and prints its time and peak memory. */
static bool timed_report(const char *evdir, const char *const *dbs, size_t n_dbs,
                         const char *conninfo, const char *out, size_t n, int attendees,
                         double generated, const char *source)
{
    fflush(NULL);
    int64_t t0 = time_mono_ns();
    pid_t pid = fork();
    if (pid == 0) {
        struct report_csv_format fmt = {',', false, false, "en"};
        _exit(report_run(evdir, dbs, n_dbs, conninfo, out, &fmt, NULL) ? 0 : 1);
    }
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    int64_t t1 = time_mono_ns();
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    printf("%9zu scans, %d attendees, from %s: report %s in %.2f s (%.2f s CPU), peak memory "
           "%.1f MB",
           n, attendees, source, ok ? "written" : "FAILED", (double)(t1 - t0) / 1e9, cpu,
           (double)ru.ru_maxrss / 1024.0);
    if (generated > 0)
        printf(" (day generated in %.1f s)", generated);
    printf("\n");
    return ok;
}

/* One run: an event sized for the scans, the databases, the report in a child process. */
static int bench(long target, const char *keep)
{
    char tmpl[] = "/tmp/portier-bench-report-XXXXXX";
    const char *dir = keep;
    if (dir == NULL && (dir = mkdtemp(tmpl)) == NULL)
        return 1;
    mkdir_p(dir);
    struct demo_options opts;
    demo_options_init(&opts);
    opts.attendees = target >= 200000 ? DEMO_MAX_ATTENDEES : DEMO_DEFAULT_ATTENDEES;
    char *csvdir = path_join(dir, "csv"), *evdir = path_join(dir, "ev");
    char *rooms = path_join(csvdir, DEMO_ROOMS_CSV),
         *sessions = path_join(csvdir, DEMO_SESSIONS_CSV);
    char *people = path_join(csvdir, DEMO_ATTENDEES_CSV), *evdb = path_join(evdir, EVENT_DB_NAME);
    mkdir_p(csvdir);
    if (!demo_write_csvs(csvdir, &opts) ||
        (!path_exists(evdb) &&
         !roster_init_event(evdir, DEMO_EVENT_NAME, DEMO_TIMEZONE, rooms, sessions, people, NULL)))
        return 1;
    struct event *ev = event_load(evdb);
    if (ev == NULL)
        return 1;
    /* step-outs per visit to reach the target volume */
    int step_outs = 0;
    int64_t t0 = time_mono_ns();
    bool plain = target <= 0;
    if (plain) { /* the plain day, whatever its volume: a break now and then */
        target = LONG_MAX / 4;
        plan_day(ev, 1);
    }
    for (; !plain;) {
        plan_day(ev, step_outs);
        if ((long)n_moves >= target * 2 || step_outs > 4000)
            break;
        step_outs = step_outs == 0 ? 1 : step_outs * 2;
    }
    while (!plain && step_outs > 0 && (long)n_moves > target * 3) {
        int lo = step_outs / 2, hi = step_outs;
        while (hi - lo > 1) { /* bisect on the number of step-outs */
            int mid = (lo + hi) / 2;
            plan_day(ev, mid);
            if ((long)n_moves >= target * 2)
                hi = mid;
            else
                lo = mid;
        }
        plan_day(ev, hi);
        break;
    }
    /* decide_and_store stops at the target: the day is cut short, fine for a benchmark */
    const char *names[] = {"k1", "k2", "k3"};
    struct store *dbs[3];
    char *paths[3];
    for (size_t d = 0; d < 3; d++) {
        paths[d] = xasprintf("%s/%s.db", dir, names[d]);
        unlink(paths[d]);
        char *wal = xasprintf("%s-wal", paths[d]);
        unlink(wal);
        free(wal);
        if ((dbs[d] = store_open(paths[d], names[d])) == NULL)
            return 1;
    }
    if (central_pg != NULL) {
        static int run_no;
        char sql[64], db[32];
        snprintf(db, sizeof db, "bench_%d", ++run_no);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
        PGconn *admin = PQconnectdb(pg_harness_conninfo(central_pg));
        PQclear(PQexec(admin, sql));
        PQfinish(admin);
        pg_harness_conninfo_db(central_pg, db, central_conninfo, sizeof central_conninfo);
        central = central_connect(central_conninfo);
        if (central == NULL ||
            !central_migrate(central, central_migrations, central_migration_count, NULL) ||
            !central_publish(central, evdb, false, NULL))
            return 1;
    }
    size_t n = decide_and_store(ev, dbs, 3, (size_t)target);
    if (central != NULL) {
        PQfinish(central);
        central = NULL;
    }
    for (size_t d = 0; d < 3; d++)
        store_close(dbs[d]);
    int64_t t1 = time_mono_ns();
    free(moves);
    moves = NULL;
    cap_moves = n_moves = 0;
    event_destroy(ev);

    char *out = path_join(dir, "report");
    const char *const list[] = {paths[0], paths[1], paths[2]};
    bool ok = timed_report(evdir, list, 3, NULL, out, n, opts.attendees, (double)(t1 - t0) / 1e9,
                           "3 kiosk databases, ~10% held twice");
    if (central_pg != NULL) {
        char *out2 = path_join(dir, "report-central");
        ok &= timed_report(evdir, NULL, 0, central_conninfo, out2, n, opts.attendees, 0,
                           "the central database");
        char *cmd = xasprintf("cd '%s' && for f in *; do cmp -s \"$f\" '%s'/\"$f\" || exit 1; "
                              "done",
                              out, out2);
        bool same = system(cmd) == 0;
        printf("          the two reports are %s\n", same ? "identical" : "DIFFERENT");
        ok &= same;
        free(cmd);
        free(out2);
    }
    if (keep == NULL) {
        char *cmd = xasprintf("rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_report: cannot remove %s\n", dir);
        free(cmd);
    }
    for (size_t d = 0; d < 3; d++)
        free(paths[d]);
    free(out);
    free(csvdir);
    free(evdir);
    free(rooms);
    free(sessions);
    free(people);
    free(evdb);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *keep = NULL;
    long sizes[16];
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
            keep = argv[++i];
        else if (strcmp(argv[i], "--central") == 0)
            central_pg = pg_harness_start(NULL);
        else if (n < 16)
            sizes[n++] = atol(argv[i]);
    }
    if (n == 0) {
        sizes[n++] = 10000;
        sizes[n++] = 1000000;
    }
    int rc = 0;
    for (int i = 0; i < n; i++)
        rc |= bench(sizes[i], i == n - 1 ? keep : NULL);
    pg_harness_destroy(central_pg);
    return rc;
}
