/* SPDX-License-Identifier: Apache-2.0 */
/* The congress at scale (issue 18), on the plan of bench/congress/gen.py (one planned scan per
 * line: ms, ISO time, device, room, session, mode, attendee, result).
 *
 *   bench_congress fill DB DEVICE PLAN.tsv... [--until ISO]
 *       Fills the scan log DB of DEVICE with the other devices' scans of the plans (as the sync
 *       daemon inserts them: store_insert_remote_scans), up to --until: a room kiosk's merged
 *       log, or one log holding a whole congress for `portier report`.
 *   bench_congress central KIOSK_DIR DEVICES.csv PLAN.tsv START_ISO SECONDS N...
 *       For each N: N real sync daemons (sync/syncd.c, one process and one libpq connection
 *       each, LISTEN/NOTIFY) against a real PostgreSQL 15 (tests/support/pg_harness.h, fsync
 *       on), each beside its own scan log. The plan's scans from START for SECONDS are appended,
 *       at their planned pace, to the logs of N devices (40 of 250 are entrance kiosks; with
 *       fewer devices the plan's doors are folded onto them). Prints push throughput, the lag
 *       from a commit in one log to its arrival in two watched kiosks' logs (an entrance and a
 *       room door), how long after the last commit every log holds every scan, the bytes the
 *       server sent each kiosk (ss: bytes_acked of its connection), the server's CPU (its
 *       processes' utime + stime), WAL bytes (pg_current_wal_lsn) and the daemons' CPU.
 * HINT_MS in the environment: the daemons' --hint-interval; OTHERS_MS: the room doors'
 * --others-interval (the room door's lag is also given for the scans into its own room, the
 * ones its wake-ups are for); PULL: the room doors run `portier sync ... --pull PULL` (POLL_MS:
 * their --poll-interval, default the program's; the
 * program PORTIER_BIN; entrance kiosks keep pulling everything); DASHBOARD=1: a real
 * `portier dashboard` (PORTIER_BIN) on central through the peak, read by `bench_dashboard probe`.
 * The bytes sent are also given per entrance kiosk and per room door. With more devices than
 * the plan's 250 (gen.py devices --kiosks N), the extra doors push nothing of their own.
 * Figures only: it asserts nothing. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "pg_harness.h"
#include "congress_server.h"
#include "central.h"
#include "hashmap.h"
#include "log.h"
#include "store.h"
#include "syncd.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "http_client.h"
#include "file.h"
#include "sysclock.h"

/* The central server's max_connections (its default, 100, is below the daemons' count). */
#define MAX_CONNECTIONS 600
#define STRINGIFY(x)    #x
#define STRING_OF(x)    STRINGIFY(x)

/* One planned scan. */
struct planned {
    int64_t ms;
    char device[SCAN_ID_MAX], room[SCAN_ID_MAX], session[SCAN_ID_MAX], attendee[SCAN_ID_MAX];
    enum kiosk_mode mode;
    enum scan_result result;
};

/* Parses one plan line; false when it is not one. */
static bool plan_parse(char *line, struct planned *p)
{
    char *f[8];
    int n = 0;
    for (char *s = line; n < 8; n++) {
        f[n] = s;
        char *tab = strchr(s, '\t');
        if (tab == NULL) {
            n++;
            break;
        }
        *tab = '\0';
        s = tab + 1;
    }
    if (n != 8)
        return false;
    f[7][strcspn(f[7], "\r\n")] = '\0';
    p->ms = strtoll(f[0], NULL, 10);
    snprintf(p->device, sizeof p->device, "%s", f[2]);
    snprintf(p->room, sizeof p->room, "%s", f[3]);
    snprintf(p->session, sizeof p->session, "%s", f[4]);
    snprintf(p->attendee, sizeof p->attendee, "%s", f[6]);
    return kiosk_mode_parse(f[5], &p->mode) && scan_result_parse(f[7], &p->result);
}

/* The scan a kiosk would have stored for p (its decision as planned). */
static void plan_scan(const struct planned *p, struct scan *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->device_id, sizeof s->device_id, "%s", p->device);
    s->wall_ms = p->ms;
    s->mono_ns = p->ms * 1000000;
    snprintf(s->boot_id, sizeof s->boot_id, "congress-boot");
    s->clock_given = true;
    snprintf(s->room, sizeof s->room, "%s", p->room);
    snprintf(s->session, sizeof s->session, "%s", p->session);
    snprintf(s->attendee, sizeof s->attendee, "%s", p->attendee);
    s->mode = p->mode;
    s->kind = SCAN_BADGE;
    s->result = p->result;
    s->reason = REASON_OK;
}

/* fill: the other devices' scans of the plans into one log. */
static int cmd_fill(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_congress fill DB DEVICE PLAN.tsv... [--until ISO]\n");
        return 2;
    }
    int64_t until = INT64_MAX;
    int n_plans = argc - 3;
    if (argc > 5 && strcmp(argv[argc - 2], "--until") == 0) {
        if (!time_parse_iso8601(argv[argc - 1], &until)) {
            fprintf(stderr, "bench_congress: --until %s: not an ISO 8601 time\n", argv[argc - 1]);
            return 2;
        }
        n_plans -= 2;
    }
    struct store *st = store_open(argv[1], argv[2]);
    if (st == NULL)
        return 1;
    struct hashmap seqs = {0};
    int64_t *next_seq = xcalloc(4096, sizeof *next_seq);
    size_t cap = 5000, n = 0;
    struct scan *batch = xcalloc(cap, sizeof *batch);
    long total = 0;
    int64_t t0 = time_mono_ns();
    bool ok = true;
    for (int i = 0; ok && i < n_plans; i++) {
        FILE *f = fopen(argv[3 + i], "r");
        if (f == NULL) {
            perror(argv[3 + i]);
            ok = false;
            break;
        }
        char line[1024];
        long lineno = 0;
        while (ok && fgets(line, sizeof line, f) != NULL) {
            lineno++;
            struct planned p;
            if (!plan_parse(line, &p)) {
                fprintf(stderr, "%s:%ld: not a plan line (bench/congress/gen.py scans)\n",
                        argv[3 + i], lineno);
                ok = false;
                break;
            }
            if (p.ms > until || strcmp(p.device, argv[2]) == 0)
                continue;
            size_t idx = hashmap_get(&seqs, p.device);
            if (idx == HASHMAP_NONE) {
                idx = seqs.n;
                if (idx >= 4096) {
                    fprintf(stderr, "bench_congress: more than 4096 devices\n");
                    ok = false;
                    break;
                }
                hashmap_put(&seqs, p.device, idx, NULL);
            }
            plan_scan(&p, &batch[n]);
            batch[n].db_epoch = 1000 + (int64_t)idx;
            batch[n].seq = ++next_seq[idx];
            if (++n == cap) {
                ok = store_insert_remote_scans(st, batch, n);
                total += (long)n;
                n = 0;
            }
        }
        fclose(f);
    }
    if (ok && n > 0) {
        ok = store_insert_remote_scans(st, batch, n);
        total += (long)n;
    }
    int64_t t1 = time_mono_ns();
    printf("fill: %ld scans of %zu devices into %s in %.1f s (%s)\n", total, seqs.n, argv[1],
           (double)(t1 - t0) / 1e9, ok ? "ok" : "FAILED");
    free(batch);
    free(next_seq);
    hashmap_finish(&seqs);
    store_close(st);
    return ok ? 0 : 1;
}

/* ---- central ------------------------------------------------------------------------------ */

struct device {
    char id[SCAN_ID_MAX];
    char room[SCAN_ID_MAX];
    bool entrance;
};

/* Reads DEVICES.csv (device,room,mode); returns how many. */
static size_t read_devices(const char *path, struct device **out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return 0;
    }
    size_t n = 0, cap = 0;
    struct device *d = NULL;
    char line[256];
    while (fgets(line, sizeof line, f) != NULL) {
        char id[SCAN_ID_MAX], room[SCAN_ID_MAX];
        if (sscanf(line, "%63[^,],%63[^,],", id, room) != 2 || strcmp(id, "device") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            d = xrealloc(d, cap * sizeof *d);
        }
        snprintf(d[n].id, sizeof d[n].id, "%s", id);
        snprintf(d[n].room, sizeof d[n].room, "%s", room);
        d[n].entrance = strcmp(room, "entrance") == 0;
        n++;
    }
    fclose(f);
    *out = d;
    return n;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* One run's shared state. */
struct run {
    size_t n;            /* devices */
    struct device **dev; /* the run's devices */
    struct store **st;   /* the bench's own connection to each log */
    struct hashmap index;
    int64_t **commit_ns; /* per device, per seq: when the append committed */
    size_t *n_commits;
    int64_t *lag; /* watched arrivals */
    size_t n_lag, cap_lag;
    int64_t now_ns;
    size_t watcher;
    bool own_room_only; /* count only the arrivals of scans into the watcher's room */
};

/* True when the pull cursors of device i's log (its meta sync.pull) have passed every scan the
 * other devices appended: a room door that pulls only its rooms' is then complete though it
 * holds a part of them (the probe's device aside). */
static bool cursors_complete(const struct run *r, size_t i)
{
    char *text = NULL;
    if (!store_get_meta(r->st[i], "sync.pull", &text) || text == NULL)
        return false;
    bool all = true;
    for (size_t j = 0; j < r->n && all; j++) {
        if (j == i || r->n_commits[j] == 0)
            continue;
        char line[SCAN_ID_MAX + 48];
        snprintf(line, sizeof line, "\n%s %" PRId64 " ", r->dev[j]->id, store_db_epoch(r->st[j]));
        const char *at = strstr(text, line + 1) == text ? text : strstr(text, line);
        at = at == NULL ? NULL : at + (at == text ? strlen(line + 1) : strlen(line));
        all = at != NULL && strtoll(at, NULL, 10) >= (int64_t)r->n_commits[j];
    }
    free(text);
    return all;
}

/* store_read_scans callback: a scan arrived in a watched log. */
static bool arrived(const struct scan *s, void *ctx)
{
    struct run *r = ctx;
    size_t i = hashmap_get(&r->index, s->device_id);
    if (i == HASHMAP_NONE || i == r->watcher || s->seq < 1 || (size_t)s->seq > r->n_commits[i] ||
        (r->own_room_only && strcmp(s->room, r->dev[r->watcher]->room) != 0))
        return true;
    if (r->n_lag == r->cap_lag) {
        r->cap_lag = r->cap_lag ? r->cap_lag * 2 : 4096;
        r->lag = xrealloc(r->lag, r->cap_lag * sizeof *r->lag);
    }
    r->lag[r->n_lag++] = r->now_ns - r->commit_ns[i][s->seq - 1];
    return true;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Picks n of the devices: 40/250 of them entrance kiosks, the rest doors spread over rooms. */
static void pick(struct device *all, size_t n_all, size_t n, struct device **out)
{
    size_t n_ent_all = 0;
    for (size_t i = 0; i < n_all; i++)
        n_ent_all += all[i].entrance;
    size_t n_door_all = n_all - n_ent_all;
    size_t n_ent = n * n_ent_all / n_all;
    if (n_ent == 0)
        n_ent = 1;
    size_t n_door = n - n_ent, k = 0;
    for (size_t i = 0, e = 0; i < n_all && e < n_ent; i++) {
        if (all[i].entrance)
            out[k++] = &all[i], e++;
    }
    for (size_t j = 0; j < n_door; j++) {
        size_t want = j * n_door_all / n_door, seen = 0;
        for (size_t i = 0; i < n_all; i++) {
            if (!all[i].entrance && seen++ == want) {
                out[k++] = &all[i];
                break;
            }
        }
    }
}

/* Which of the run's devices takes a scan the plan gives to device: the plan's own when it is
 * in the run, else one of the same kind (entrance or door), by hash. */
static size_t fold(const struct run *r, const struct planned *p)
{
    size_t i = hashmap_get(&r->index, p->device);
    if (i != HASHMAP_NONE)
        return i;
    bool ent = strcmp(p->room, "entrance") == 0;
    size_t n_kind = 0;
    for (size_t j = 0; j < r->n; j++)
        n_kind += r->dev[j]->entrance == ent;
    size_t want = hashmap_hash(p->device) % n_kind, seen = 0;
    for (size_t j = 0; j < r->n; j++) {
        if (r->dev[j]->entrance == ent && seen++ == want)
            return j;
    }
    return 0;
}

/* The central run's fixed inputs. */
struct central_in {
    struct pg_harness *pg;
    PGconn *admin;
    const char *kiosk_dir;
    const char *work;
    struct device *all;
    size_t n_all;
    char **conninfo; /* per device of all, once added */
    struct planned *plan;
    size_t n_plan;
    int64_t attendees_version;
    int hint_ms;         /* the daemons' --hint-interval; 0: the default */
    int others_ms;       /* the room doors' --others-interval; 0: off */
    const char *portier; /* PORTIER_BIN: the program, for PULL and DASHBOARD */
    const char *pull;    /* PULL: the room doors' `portier sync --pull`; NULL: not passed */
    bool dashboard;      /* DASHBOARD=1: `portier dashboard` polled through the peak */
};

/* A room door's daemon with --pull: the real `portier sync` program (the option is its own). */
static void exec_sync(const struct central_in *in, const struct syncd_settings *set)
{
    char hint[16], others[16];
    snprintf(hint, sizeof hint, "%d", in->hint_ms > 0 ? in->hint_ms : SYNCD_HINT_INTERVAL_MS);
    snprintf(others, sizeof others, "%d", set->others_ms);
    const char *poll = getenv("POLL_MS"); /* unset: the program's own default */
    execl(in->portier, in->portier, "sync", set->kiosk_dir, "--device", set->device_id, "--db",
          set->db_path, "--central", set->conninfo, "--hint-interval", hint, "--others-interval",
          others, "--pull", in->pull, poll ? "--poll-interval" : (char *)NULL, poll, (char *)NULL);
    perror(in->portier);
    _exit(127);
}

/* DASHBOARD=1: `portier dashboard --public-feed` on central, and `bench_dashboard probe` (beside
 * this program) committing a manual +1 into room every second and reading /api/rooms every
 * 100 ms, its figures into WORK/dash-probe.txt; *probe is its pid, 0 when it did not start.
 * Returns the dashboard's pid. */
static pid_t dashboard_start(const struct central_in *in, const char *room, pid_t *probe)
{
    int port = pg_harness_free_port();
    char listen[32], port_s[16], self[4096];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(port_s, sizeof port_s, "%d", port);
    *probe = 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl(in->portier, in->portier, "dashboard", "--central", pg_harness_conninfo(in->pg),
              "--listen", listen, "--public-feed", (char *)NULL);
        _exit(127);
    }
    bool up = false;
    for (int i = 0; i < 400 && !up; i++) {
        char *body = NULL;
        up = http_get(port, "/api/status", "", &body) == 200 &&
             strstr(body, "\"connected\":true") != NULL;
        free(body);
        if (!up)
            sleep_ms(50);
    }
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 32);
    if (!up || len <= 0) {
        fprintf(stderr, "bench_congress: portier dashboard did not start on %s\n", listen);
        return pid;
    }
    self[len] = '\0';
    char *slash = strrchr(self, '/');
    snprintf(slash + 1, 32, "bench_dashboard");
    *probe = fork();
    if (*probe == 0) {
        char *out = path_join(in->work, "dash-probe.txt");
        if (freopen(out, "w", stdout) == NULL)
            _exit(127);
        execl(self, self, "probe", pg_harness_conninfo(in->pg), port_s, room, (char *)NULL);
        perror(self);
        _exit(127);
    }
    return pid;
}

/* Prints the lag figures of r. */
static void print_lag(const char *what, int64_t *v, size_t n)
{
    if (n == 0) {
        printf("  %s: no arrivals\n", what);
        return;
    }
    qsort(v, n, sizeof *v, cmp_i64);
    printf("  %s: n=%zu p50 %.0f ms, p99 %.0f ms, max %.0f ms\n", what, n, (double)v[n / 2] / 1e6,
           (double)v[(n - 1) * 99 / 100] / 1e6, (double)v[n - 1] / 1e6);
}

/* Prints the bytes the server sent per kiosk connection in all (as before the kinds were told
 * apart: every connection, the benchmark's own included) and per entrance kiosk and room door
 * (by the backend's login: who, pid and usename of pg_stat_activity, taken while the daemons
 * ran; cleared here). */
static void print_bytes(PGresult *who, const struct run *r, const struct conn_bytes *b0, size_t n0,
                        const struct conn_bytes *b1, size_t n1, size_t appended, double secs)
{
    bool ok = PQresultStatus(who) == PGRES_TUPLES_OK;
    double all = 0, kind[2] = {0, 0}; /* [0] room doors, [1] entrance kiosks */
    size_t n_kind[2] = {0, 0};
    for (size_t i = 0; i < n1; i++) {
        double sent = b1[i].bytes - bytes_before(b0, n0, b1[i].pid);
        all += sent;
        for (int row = 0; ok && row < PQntuples(who); row++) {
            size_t d = atoi(PQgetvalue(who, row, 0)) == b1[i].pid
                           ? hashmap_get(&r->index, PQgetvalue(who, row, 1))
                           : HASHMAP_NONE;
            if (d != HASHMAP_NONE) {
                kind[r->dev[d]->entrance] += sent;
                n_kind[r->dev[d]->entrance]++;
            }
        }
    }
    PQclear(who);
    double per_kiosk = all / (double)(n1 ? n1 : 1), min = secs / 60;
    printf("  bytes sent per kiosk connection: mean %.0f (%.0f per scan committed), "
           "%.1f kB/min\n",
           per_kiosk, per_kiosk / (double)(appended ? appended : 1), per_kiosk / 1024 / min);
    printf("    entrance kiosks: %.1f kB/min each (%zu); room doors: %.1f kB/min each (%zu)\n",
           kind[1] / (double)(n_kind[1] ? n_kind[1] : 1) / 1024 / min, n_kind[1],
           kind[0] / (double)(n_kind[0] ? n_kind[0] : 1) / 1024 / min, n_kind[0]);
}

/* CPU seconds of the children waited for so far (the daemons, and the probe). */
static double children_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* One run with n devices. */
static bool central_run(struct central_in *in, size_t n)
{
    struct run r = {.n = n};
    r.dev = xcalloc(n, sizeof *r.dev);
    r.st = xcalloc(n, sizeof *r.st);
    r.commit_ns = xcalloc(n, sizeof *r.commit_ns);
    r.n_commits = xcalloc(n, sizeof *r.n_commits);
    pid_t *pids = xcalloc(n, sizeof *pids);
    pick(in->all, in->n_all, n, r.dev);
    must(in->admin, "TRUNCATE portier.scans, portier.scan_heads");
    char sub[512];
    snprintf(sub, sizeof sub, "%s/n%zu", in->work, n);
    mkdir_p(sub);
    char **paths = xcalloc(n, sizeof *paths);
    char av[32];
    snprintf(av, sizeof av, "%" PRId64, in->attendees_version);
    for (size_t i = 0; i < n; i++) {
        hashmap_put(&r.index, r.dev[i]->id, i, NULL);
        size_t a = (size_t)(r.dev[i] - in->all);
        if (in->conninfo[a] == NULL) {
            const char *rooms[] = {r.dev[i]->room};
            char port[16];
            snprintf(port, sizeof port, "%d", in->pg->port);
            in->conninfo[a] = central_add_login(in->admin, CENTRAL_DEVICE, r.dev[i]->id,
                                                CENTRAL_AUTH_PASSWORD, rooms, 1, "127.0.0.1", port);
            if (in->conninfo[a] == NULL)
                return false;
        }
        char name[128];
        snprintf(name, sizeof name, "%s.db", r.dev[i]->id);
        paths[i] = path_join(sub, name);
        /* A kiosk that synced the model before the doors opened. */
        struct store *st = store_open(paths[i], r.dev[i]->id);
        if (st == NULL || !store_set_meta(st, "sync.attendees_version", av))
            return false;
        store_close(st);
    }
    for (size_t i = 0; i < n; i++)
        r.commit_ns[i] = xcalloc(in->n_plan + 1, sizeof **r.commit_ns);
    fflush(NULL);
    for (size_t i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            struct syncd_settings set = {.kiosk_dir = in->kiosk_dir,
                                         .device_id = r.dev[i]->id,
                                         .db_path = paths[i],
                                         .conninfo = in->conninfo[r.dev[i] - in->all],
                                         .hint_ms = in->hint_ms,
                                         .others_ms = r.dev[i]->entrance ? 0 : in->others_ms};
            if (in->pull != NULL && !r.dev[i]->entrance)
                exec_sync(in, &set);
            struct syncd *d = syncd_create(&set);
            bool ok = d != NULL && syncd_run(d);
            syncd_destroy(d);
            _exit(ok ? 0 : 1);
        }
    }
    for (size_t i = 0; i < n; i++)
        r.st[i] = store_open(paths[i], r.dev[i]->id);
    /* Let every daemon connect and LISTEN. */
    sleep_ms(3000 + (int)n * 20);
    pid_t dash = 0, probe = 0;
    if (in->dashboard)
        dash = dashboard_start(in, r.dev[n - 1]->room, &probe);
    double dash_cpu0 = dash > 0 ? server_cpu_s(dash) : 0;
    int64_t wal0 = query_i64(in->admin, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    pid_t pm = pg_harness_postmaster_pid(in->pg);
    double cpu0 = server_cpu_s(pm);
    size_t cap_b = n + 64;
    struct conn_bytes *b0 = xcalloc(cap_b, sizeof *b0), *b1 = xcalloc(cap_b, sizeof *b1);
    size_t n_b0 = server_bytes_sent(in->pg->port, b0, cap_b);
    int64_t conns = query_i64(in->admin, "SELECT count(*) FROM pg_stat_activity WHERE "
                                         "usename IS NOT NULL AND backend_type = 'client backend'");

    /* Watched: the first entrance kiosk and a door whose room has another door in the run
     * (the last door if none), for all scans and for the scans into its room. */
    size_t door = n - 1;
    for (size_t i = n; i-- > 0 && door == n - 1;) {
        for (size_t j = 0; j < n && !r.dev[i]->entrance; j++) {
            if (j != i && strcmp(r.dev[j]->room, r.dev[i]->room) == 0)
                door = i;
        }
    }
    size_t watch[3] = {0, door, door};
    int64_t watch_rowid[3] = {0, 0, 0};
    struct {
        int64_t *v;
        size_t n;
    } wl[3] = {{0}};
    int64_t t0 = time_mono_ns(), last_commit = t0;
    size_t next = 0, appended = 0;
    int64_t append_ns_sum = 0;
    for (;;) {
        int64_t now = time_mono_ns();
        while (next < in->n_plan && t0 + (in->plan[next].ms - in->plan[0].ms) * 1000000 <= now) {
            size_t i = fold(&r, &in->plan[next]);
            struct scan s;
            plan_scan(&in->plan[next], &s);
            snprintf(s.device_id, sizeof s.device_id, "%s", r.dev[i]->id);
            if (strcmp(s.room, r.dev[i]->room) != 0) {
                snprintf(s.room, sizeof s.room, "%s", r.dev[i]->room);
                s.session[0] = '\0';
                s.mode = r.dev[i]->entrance ? MODE_TOGGLE : s.mode;
            }
            int64_t a0 = time_mono_ns();
            if (!store_append_scan(r.st[i], &s))
                return false;
            last_commit = time_mono_ns();
            append_ns_sum += last_commit - a0;
            r.commit_ns[i][s.seq - 1] = last_commit;
            r.n_commits[i] = (size_t)s.seq;
            appended++;
            next++;
        }
        for (int w = 0; w < 3; w++) {
            r.now_ns = time_mono_ns();
            r.watcher = watch[w];
            r.own_room_only = w == 2;
            r.lag = wl[w].v;
            r.n_lag = r.cap_lag = wl[w].n;
            store_read_scans(r.st[watch[w]], watch_rowid[w], arrived, &r, &watch_rowid[w]);
            wl[w].v = r.lag;
            wl[w].n = r.n_lag;
            r.lag = NULL;
        }
        if (next == in->n_plan)
            break;
        sleep_ms(2);
    }
    /* The probe's scans are pulled too: every log holds them as well. */
    int64_t probes = 0;
    if (probe > 0) {
        kill(probe, SIGTERM);
        waitpid(probe, NULL, 0);
        probes = query_i64(in->admin,
                           "SELECT count(*) FROM portier.scans WHERE device_id = 'dashprobe'");
    }
    /* Catching up: until every log holds every scan (or 120 s). */
    int64_t *caught = xcalloc(n, sizeof *caught);
    size_t n_caught = 0;
    while (n_caught < n && time_mono_ns() - last_commit < 120000000000LL) {
        for (size_t i = 0; i < n; i++) {
            bool filtered = in->pull != NULL && strcmp(in->pull, "all") != 0 && !r.dev[i]->entrance;
            if (caught[i] == 0 &&
                (filtered ? cursors_complete(&r, i)
                          : store_scan_count(r.st[i]) >= (int64_t)appended + probes)) {
                caught[i] = time_mono_ns() - last_commit;
                n_caught++;
            }
        }
        for (int w = 0; w < 3; w++) {
            r.now_ns = time_mono_ns();
            r.watcher = watch[w];
            r.own_room_only = w == 2;
            r.lag = wl[w].v;
            r.n_lag = r.cap_lag = wl[w].n;
            store_read_scans(r.st[watch[w]], watch_rowid[w], arrived, &r, &watch_rowid[w]);
            wl[w].v = r.lag;
            wl[w].n = r.n_lag;
            r.lag = NULL;
        }
        sleep_ms(5);
    }
    int64_t t_end = time_mono_ns();
    double secs = (double)(t_end - t0) / 1e9;
    int64_t wal1 = query_i64(in->admin, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    double cpu1 = server_cpu_s(pm);
    double dash_cpu = dash > 0 ? server_cpu_s(dash) - dash_cpu0 : 0;

    size_t n_b1 = server_bytes_sent(in->pg->port, b1, cap_b);
    PGresult *who = PQexec(in->admin, "SELECT pid, usename FROM pg_stat_activity WHERE "
                                      "backend_type = 'client backend' AND usename IS NOT NULL");
    int64_t central_rows = query_i64(in->admin, "SELECT count(*) FROM portier.scans");
    for (size_t i = 0; i < n; i++)
        kill(pids[i], SIGTERM);
    for (size_t i = 0; i < n; i++)
        waitpid(pids[i], NULL, 0);
    static double daemons_cpu_before = 0;
    double dcpu = children_cpu_s();

    double plan_s = (double)(in->plan[in->n_plan - 1].ms - in->plan[0].ms) / 1000.0;
    printf("N = %zu devices (%" PRId64 " server connections): %zu scans in %.0f s of plan "
           "(%.1f scans/s), %" PRId64 " at central\n",
           n, conns, appended, plan_s, (double)appended / plan_s, central_rows);
    printf("  kiosk append (durable commit): mean %.1f ms\n",
           (double)append_ns_sum / 1e6 / (double)(appended ? appended : 1));
    print_lag("commit -> in entrance kiosk's log", wl[0].v, wl[0].n);
    print_lag("commit -> in room door's log     ", wl[1].v, wl[1].n);
    printf("  (room door %s, room %s)\n", r.dev[door]->id, r.dev[door]->room);
    print_lag("  of which scans into its room    ", wl[2].v, wl[2].n);
    qsort(caught, n, sizeof *caught, cmp_i64);
    size_t behind = 0;
    for (size_t i = 0; i < n; i++)
        behind += caught[i] == 0 || caught[i] > 1000000000LL;
    printf("  after the last commit, every log complete: %s%.1f s (%zu of %zu logs took > 1 s)\n",
           n_caught < n ? "NOT within " : "", (double)caught[n - 1] / 1e9, behind, n);
    print_bytes(who, &r, b0, n_b0, b1, n_b1, appended, secs);
    printf("  central: CPU %.1f s in %.0f s (%.0f %% of one core), WAL %.1f MB (%.1f MB/min)\n",
           cpu1 - cpu0, secs, 100 * (cpu1 - cpu0) / secs, (double)(wal1 - wal0) / 1e6,
           (double)(wal1 - wal0) / 1e6 / (secs / 60));
    printf("  sync daemons: CPU %.1f s in all (%.2f s each)\n", dcpu - daemons_cpu_before,
           (dcpu - daemons_cpu_before) / (double)n);
    if (dash > 0) {
        printf("  portier dashboard: CPU %.1f s in %.0f s (%.0f %% of one core); %" PRId64
               " probe scans at central (pulled by every kiosk too)\n",
               dash_cpu, secs, 100 * dash_cpu / secs, probes);
        char *out = path_join(in->work, "dash-probe.txt");
        FILE *f = fopen(out, "r");
        char line[512];
        while (f != NULL && fgets(line, sizeof line, f) != NULL)
            fputs(line, stdout);
        if (f != NULL)
            fclose(f);
        free(out);
        kill(dash, SIGTERM);
        waitpid(dash, NULL, 0);
        daemons_cpu_before = children_cpu_s();
    }
    daemons_cpu_before = dcpu;
    fflush(stdout);
    for (size_t i = 0; i < n; i++) {
        store_close(r.st[i]);
        free(r.commit_ns[i]);
        free(paths[i]);
    }
    free(wl[0].v);
    free(wl[1].v);
    free(wl[2].v);
    free(caught);
    free(b0);
    free(b1);
    free(paths);
    free(pids);
    free(r.st);
    free(r.dev);
    free(r.commit_ns);
    free(r.n_commits);
    hashmap_finish(&r.index);
    return true;
}

/* central: the runs for each N. */
static int cmd_central(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: bench_congress central KIOSK_DIR DEVICES.csv PLAN.tsv START_ISO "
                        "SECONDS N...\n");
        return 2;
    }
    struct central_in in = {.kiosk_dir = argv[1],
                            .hint_ms = getenv("HINT_MS") ? atoi(getenv("HINT_MS")) : 0,
                            .others_ms = getenv("OTHERS_MS") ? atoi(getenv("OTHERS_MS")) : 0,
                            .portier = getenv("PORTIER_BIN"),
                            .pull = getenv("PULL") && *getenv("PULL") ? getenv("PULL") : NULL,
                            .dashboard = getenv("DASHBOARD") && atoi(getenv("DASHBOARD")) > 0};
    if ((in.pull != NULL || in.dashboard) && in.portier == NULL) {
        fprintf(stderr, "bench_congress: PULL and DASHBOARD run the portier program: set "
                        "PORTIER_BIN\n");
        return 2;
    }
    int64_t start, secs = atoll(argv[5]);
    if (!time_parse_iso8601(argv[4], &start) || secs <= 0) {
        fprintf(stderr, "bench_congress: START_ISO SECONDS: %s %s\n", argv[4], argv[5]);
        return 2;
    }
    in.n_all = read_devices(argv[2], &in.all);
    in.conninfo = xcalloc(in.n_all + 1, sizeof *in.conninfo);
    FILE *f = fopen(argv[3], "r");
    if (f == NULL || in.n_all == 0) {
        perror(argv[3]);
        return 1;
    }
    char line[1024];
    size_t cap = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        struct planned p;
        if (!plan_parse(line, &p) || p.ms < start)
            continue;
        if (p.ms >= start + secs * 1000)
            break;
        if (in.n_plan == cap) {
            cap = cap ? cap * 2 : 4096;
            in.plan = xrealloc(in.plan, cap * sizeof *in.plan);
        }
        in.plan[in.n_plan++] = p;
    }
    fclose(f);
    if (in.n_plan < 2) {
        fprintf(stderr, "bench_congress: the plan has no scans from %s\n", argv[4]);
        return 1;
    }
    /* The simulated kiosks' logs on tmpfs: each real kiosk commits to its own storage, and
     * 250 logs' fsyncs on this machine's one disk would measure that disk, not the sync. */
    char work[] = "/dev/shm/portier-congress-XXXXXX";
    if (mkdtemp(work) == NULL) {
        memcpy(work, "/tmp/", 5);
        if (mkdtemp(work) == NULL)
            return 1;
    }
    in.work = work;
    struct pg_harness_options opts = {
        .durable = true,
        .settings = "-c max_connections=" STRING_OF(MAX_CONNECTIONS) " -c shared_buffers=256MB"};
    in.pg = pg_harness_start(&opts);
    if (in.pg == NULL)
        return 1;
    int rc = 1;
    in.admin = central_connect(pg_harness_conninfo(in.pg));
    char *model = path_join(argv[1], EVENT_DB_NAME);
    if (in.admin == NULL ||
        !central_migrate(in.admin, central_migrations, central_migration_count, NULL) ||
        !central_publish(in.admin, model, false, NULL))
        goto out;
    in.attendees_version = query_i64(in.admin, "SELECT max(version) FROM portier.attendees");
    printf("central: PostgreSQL 15 (fsync on, max_connections %d), %zu devices known, plan "
           "%s + %" PRId64 " s; kiosk logs in %s; hint interval %d ms, room doors' others "
           "interval %d ms%s%s%s\n",
           MAX_CONNECTIONS, in.n_all, argv[4], secs, work,
           in.hint_ms > 0 ? in.hint_ms : SYNCD_HINT_INTERVAL_MS, in.others_ms,
           in.pull ? ", room doors' pull " : "", in.pull ? in.pull : "",
           in.dashboard ? "; portier dashboard polled" : "");
    for (int i = 6; i < argc; i++) {
        size_t n = (size_t)atol(argv[i]);
        if (n < 2 || n > in.n_all) {
            fprintf(stderr, "bench_congress: N %s: must be 2..%zu\n", argv[i], in.n_all);
            goto out;
        }
        /* A daemon each, the benchmark's own, the dashboard's and its probe's, the server's
         * reserved ones. */
        if (n + 3 + 3 > MAX_CONNECTIONS) {
            fprintf(stderr, "bench_congress: N %s: more connections than max_connections %d\n",
                    argv[i], MAX_CONNECTIONS);
            goto out;
        }
        if (!central_run(&in, n))
            goto out;
    }
    rc = 0;
out:
    free(model);
    PQfinish(in.admin);
    pg_harness_destroy(in.pg);
    pg_harness_rm_tree(work);
    for (size_t i = 0; i < in.n_all; i++)
        free(in.conninfo[i]);
    free(in.conninfo);
    free(in.all);
    free(in.plan);
    return rc;
}

int main(int argc, char **argv)
{
    log_init("bench_congress");
    log_set_verbose(getenv("BENCH_VERBOSE") != NULL);
    if (argc > 1 && strcmp(argv[1], "fill") == 0)
        return cmd_fill(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "central") == 0)
        return cmd_central(argc - 1, argv + 1);
    fprintf(stderr, "usage: bench_congress fill|central ... (see the top of bench_congress.c)\n");
    return 2;
}
