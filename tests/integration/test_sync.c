/* SPDX-License-Identifier: Apache-2.0 */
/* The sync daemon end to end, against a real PostgreSQL cluster (tests/pg_harness.h), with
 * real `portier kiosk` and `portier sync` processes:
 *   - three kiosks (two doors of one room and the entrance) replay 3,000 scans while the
 *     central server is killed (SIGKILL, as `pg_ctl stop -m immediate` at worst) and restarted,
 *     also while the daemons push: every scan reaches the central table once, and the kiosks
 *     and the central view agree on every room's occupancy;
 *   - two doors of one room cut off from each other: the room goes over capacity by no more
 *     than the admissions made while apart, those admissions are found in the merged log, and
 *     once synced the doors refuse entry again;
 *   - on-site registration: an attendee imported and published centrally is admitted after
 *     the kiosk's next sync (and no e-mail address reaches the bundle);
 *   - a kiosk whose clock starts at 1970 gets report times within 2 s of the truth;
 *   - a key the server holds with other content raises the alarm;
 *   - --once against an unreachable server fails and says offline;
 *   - systemd readiness and watchdog datagrams. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "csv_file.h"
#include "shell.h"
#include "csv.h"
#include "event.h"
#include "pg_harness.h"
#include "proc.h"
#include "store.h"
#include "syncd.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"
#include "sysclock.h"

#define N_ATTENDEES 300
#define ROUNDS      10
#define PER_KIOSK   100 /* scans per kiosk per round: 3 x 10 x 100 = 3,000 */

static char *dir;
static const char *bin;
static struct pg_harness *pg;
static char admin[1024]; /* superuser conninfo */
static char *tokens[N_ATTENDEES + 8];
static char *ids[N_ATTENDEES + 8];
static size_t n_tokens;

/* Starts `portier kiosk` on kiosk dir kdir. clock may be NULL. */
static void start_kiosk(struct proc *p, const char *kdir, const char *device, const char *room,
                        const char *mode, const char *clock)
{
    char *k = path_join(dir, kdir), *db = xasprintf("%s/%s.db", dir, device);
    char *log = xasprintf("%s/kiosk-%s.log", dir, device);
    char *argv[] = {(char *)bin,
                    "kiosk",
                    k,
                    "--device",
                    (char *)device,
                    "--room",
                    (char *)room,
                    "--mode",
                    (char *)mode,
                    "--db",
                    db,
                    "--camera",
                    "none",
                    "--scanner",
                    "stdin",
                    "--headless",
                    clock ? "--clock" : NULL,
                    (char *)clock,
                    NULL};
    proc_start(p, argv, true, true, log);
    free(k);
    free(db);
    free(log);
}

/* Starts `portier sync` for device (database DIR/device.db) on kiosk dir kdir. */
static void start_sync(struct proc *p, const char *kdir, const char *device, const char *conninfo)
{
    char *k = path_join(dir, kdir), *db = xasprintf("%s/%s.db", dir, device);
    char *log = xasprintf("%s/sync-%s.log", dir, device);
    proc_start_sync(p, bin, k, device, db, conninfo, "500", "800", log);
    free(k);
    free(db);
    free(log);
}

/* Runs `portier sync --once`; returns its exit status. */
static int sync_once(const char *kdir, const char *device, const char *conninfo)
{
    return test_sh(
        "%s sync %s/%s --device %s --db %s/%s.db --central '%s' --once 2>>%s/once-%s.log", bin, dir,
        kdir, device, dir, device, conninfo, dir, device);
}

/* Opens a connection as the superuser, or NULL. */
static PGconn *admin_conn(void)
{
    PGconn *c = PQconnectdb(admin);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* Runs a query returning one number as the superuser; -1 on any error. */
static int64_t admin_number(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int64_t admin_number(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = NULL;
    if (vasprintf(&sql, fmt, ap) < 0)
        abort();
    va_end(ap);
    PGconn *c = admin_conn();
    int64_t v = -1;
    if (c != NULL) {
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
            v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        else if (PQresultStatus(r) != PGRES_TUPLES_OK)
            fprintf(stderr, "query failed: %s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    }
    PQfinish(c);
    free(sql);
    return v;
}

/* Waits (up to timeout_ms) until the superuser's query gives want. */
static bool wait_number(int64_t want, int timeout_ms, const char *sql)
{
    int64_t deadline = time_mono_ns() + (int64_t)timeout_ms * 1000000, v = -1;
    while (time_mono_ns() < deadline) {
        v = admin_number("%s", sql);
        if (v == want)
            return true;
        test_sleep_ms(100);
    }
    fprintf(stderr, "waited for %" PRId64 " from %s, last got %" PRId64 "\n", want, sql, v);
    return false;
}

/* The number of scans in a kiosk's log, -1 on error. */
static int64_t store_count(const char *device)
{
    char *db = xasprintf("%s/%s.db", dir, device);
    struct store *st = store_open(db, device);
    free(db);
    int64_t n = st ? store_scan_count(st) : -1;
    store_close(st);
    return n;
}

/* Waits until a kiosk's log holds n scans. */
static bool wait_store_count(const char *device, int64_t n, int timeout_ms)
{
    int64_t deadline = time_mono_ns() + (int64_t)timeout_ms * 1000000, v = -1;
    while (time_mono_ns() < deadline) {
        v = store_count(device);
        if (v == n)
            return true;
        test_sleep_ms(50);
    }
    fprintf(stderr, "%s holds %" PRId64 " scans, expected %" PRId64 "\n", device, v, n);
    return false;
}

struct room_count {
    const char *room;
    int64_t n;
};

static bool count_room(const struct scan *s, void *ctx)
{
    struct room_count *rc = ctx;
    rc->n += strcmp(s->room, rc->room) == 0;
    return true;
}

/* Waits until a kiosk's log holds n scans made in room. */
static bool wait_room_count(const char *device, const char *room, int64_t n, int timeout_ms)
{
    int64_t deadline = time_mono_ns() + (int64_t)timeout_ms * 1000000;
    struct room_count rc = {room, -1};
    while (time_mono_ns() < deadline) {
        char *db = xasprintf("%s/%s.db", dir, device);
        struct store *st = store_open(db, device);
        free(db);
        rc.n = 0;
        bool ok = st != NULL && store_read_scans(st, 0, count_room, &rc, NULL);
        store_close(st);
        if (ok && rc.n == n)
            return true;
        test_sleep_ms(50);
    }
    fprintf(stderr, "%s holds %" PRId64 " scans in %s, expected %" PRId64 "\n", device, rc.n, room,
            n);
    return false;
}

/* A meta value of a kiosk's log, owned by the caller ("" when absent). */
static char *store_meta(const char *device, const char *key)
{
    char *db = xasprintf("%s/%s.db", dir, device);
    struct store *st = store_open(db, device);
    free(db);
    char *v = NULL;
    if (st != NULL)
        store_get_meta(st, key, &v);
    store_close(st);
    return v ? v : xstrdup("");
}

/* Loads tokens.csv (attendee_id,name,token) from DIR/badges_dir, appending. */
static void load_tokens(const char *badges_dir)
{
    char *path = xasprintf("%s/%s/tokens.csv", dir, badges_dir);
    struct csv *csv = csv_read_file(path);
    free(path);
    CHECK(csv != NULL);
    for (size_t i = 1; csv != NULL && i < csv->n_records && n_tokens < ARRAY_LEN(tokens); i++) {
        bool known = false;
        for (size_t j = 0; j < n_tokens && !known; j++)
            known = strcmp(ids[j], csv->records[i].fields[0]) == 0;
        if (known)
            continue;
        ids[n_tokens] = xstrdup(csv->records[i].fields[0]);
        tokens[n_tokens++] = xstrdup(csv->records[i].fields[2]);
    }
    csv_destroy(csv);
}

static const char *token_of(const char *id)
{
    for (size_t i = 0; i < n_tokens; i++) {
        if (strcmp(ids[i], id) == 0)
            return tokens[i];
    }
    fprintf(stderr, "no attendee %s\n", id);
    abort();
}

/* Makes the event, its badges, five kiosk bundles, the central database and device logins. */
static char *device_conninfo[16];
static const char *devices[] = {"door-1", "door-2", "ent",   "salon-a", "salon-b",
                                "reg",    "clock",  "alarm", "quar"};
static const char *device_rooms[] = {"hall",     "hall",     "entrance", "salon",   "salon",
                                     "entrance", "entrance", "entrance", "entrance"};

static const char *conninfo_of(const char *device)
{
    for (size_t i = 0; i < ARRAY_LEN(devices); i++) {
        if (strcmp(devices[i], device) == 0)
            return device_conninfo[i];
    }
    abort();
}

static bool setup(void)
{
    bin = getenv("PORTIER_BIN");
    char tmpl[] = "/tmp/portier-sync-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    test_write_file(dir, "rooms.csv", "id,name,capacity\nhall,Great Hall,1000\nsalon,Le Salon,5\n");
    test_write_file(dir, "sessions.csv", "id,room,title,start,end\n");
    struct strbuf att = {0};
    strbuf_puts(&att, "id,name,organisation,email,language,category,sessions\n");
    for (int i = 1; i <= N_ATTENDEES; i++)
        strbuf_printf(&att, "P%03d,Person %d,Org,p%d@example.org,en,attendee,\n", i, i, i);
    test_write_file(dir, "attendees.csv", att.data);
    strbuf_finish(&att);
    int rc = test_sh("cd %s && %s init ev --name Sync --timezone Europe/Brussels --rooms rooms.csv "
                     "--sessions sessions.csv --attendees attendees.csv >/dev/null && "
                     "%s badges ev --out badges --format csv >/dev/null",
                     dir, bin, bin);
    CHECK(rc == 0);
    for (int k = 1; k <= 5; k++)
        CHECK(test_sh("cd %s && %s bundle ev --out k%d >/dev/null", dir, bin, k) == 0);
    load_tokens("badges");
    CHECK(n_tokens == N_ATTENDEES);

    pg = pg_harness_start(NULL);
    CHECK(pg != NULL);
    if (pg == NULL)
        return false;
    snprintf(admin, sizeof admin, "%s", pg_harness_conninfo(pg));
    PGconn *c = central_connect(admin);
    CHECK(c != NULL);
    if (c == NULL)
        return false;
    char *event_db = xasprintf("%s/ev/event.db", dir);
    CHECK(central_migrate(c, central_migrations, central_migration_count, NULL));
    CHECK(central_publish(c, event_db, false, NULL));
    free(event_db);
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    bool ok = true;
    for (size_t i = 0; i < ARRAY_LEN(devices); i++) {
        const char *room[] = {device_rooms[i]};
        device_conninfo[i] = central_add_login(c, CENTRAL_DEVICE, devices[i], CENTRAL_AUTH_PASSWORD,
                                               room, 1, "127.0.0.1", port);
        CHECK(device_conninfo[i] != NULL);
        ok &= device_conninfo[i] != NULL;
    }
    PQfinish(c);
    return ok;
}

/* The occupancy of every room as `portier kiosk --mode overview` on a kiosk's log reports it,
 * as "room=count;" pairs in room order. */
static char *kiosk_overview(const char *kdir, const char *device)
{
    char *out = xasprintf("%s/overview-%s.txt", dir, device);
    int rc = test_sh("%s kiosk %s/%s --device %s --room entrance --mode overview --db %s/%s.db "
                     "--camera none --scanner stdin --headless </dev/null >%s 2>>%s/overview.log",
                     bin, dir, kdir, device, dir, device, out, dir);
    CHECK(rc == 0);
    char *text = file_read_all(out, NULL);
    free(out);
    struct strbuf sb = {0};
    const char *rooms[] = {"hall", "salon"};
    for (size_t r = 0; r < ARRAY_LEN(rooms); r++) {
        char *needle = xasprintf("\"room\":\"%s\",\"occupancy\":", rooms[r]);
        const char *p = text ? strstr(text, needle) : NULL;
        strbuf_printf(&sb, "%s=%d;", rooms[r], p ? atoi(p + strlen(needle)) : -1);
        free(needle);
    }
    free(text);
    return strbuf_take(&sb);
}

/* The same from the central view occupancy_now. */
static char *central_overview(void)
{
    struct strbuf sb = {0};
    const char *rooms[] = {"hall", "salon"};
    for (size_t r = 0; r < ARRAY_LEN(rooms); r++)
        strbuf_printf(&sb, "%s=%" PRId64 ";", rooms[r],
                      admin_number("SELECT occupancy FROM portier.occupancy_now WHERE room = '%s'",
                                   rooms[r]));
    return strbuf_take(&sb);
}

/* Three kiosks, 3,000 scans, a central server killed and restarted under them. */
static void test_crash_replay(void)
{
    const char *devs[3] = {"door-1", "door-2", "ent"};
    const char *kdirs[3] = {"k1", "k2", "k3"};
    const char *rooms[3] = {"hall", "hall", "entrance"};
    struct proc kiosk[3], daemon[3];
    for (int k = 0; k < 3; k++) {
        start_kiosk(&kiosk[k], kdirs[k], devs[k], rooms[k], "toggle", NULL);
        start_sync(&daemon[k], kdirs[k], devs[k], conninfo_of(devs[k]));
    }
    size_t order[N_ATTENDEES];
    for (size_t i = 0; i < N_ATTENDEES; i++)
        order[i] = i;
    uint64_t rng = 12345;
    int64_t base_ms;
    CHECK(time_parse_iso8601("2024-04-22T18:00:00+02:00", &base_ms));
    int kills = 0;
    for (int round = 0; round < ROUNDS; round++) {
        /* A fresh order each round; each attendee is scanned once per round. */
        for (size_t i = N_ATTENDEES - 1; i > 0; i--) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t j = (size_t)((rng >> 33) % (i + 1));
            size_t t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int k = 0; k < 3; k++) {
            struct strbuf in = {0};
            for (int i = 0; i < PER_KIOSK; i++) {
                char when[TIME_ISO_LEN];
                time_format_iso8601(base_ms + (int64_t)round * 600000 + i * 1000, when);
                strbuf_printf(&in, "%s\t%s\n", when, tokens[order[k * PER_KIOSK + i]]);
            }
            proc_feed(&kiosk[k], in.data);
            strbuf_finish(&in);
        }
        /* Kill the server while the kiosks decide and the daemons push; it stays down for a
         * while in some rounds, and comes back at once in others. */
        if (round % 2 == 1 && round < ROUNDS - 1) {
            test_sleep_ms(30 + 40 * kills);
            CHECK(pg_harness_stop_hard(pg));
            kills++;
            if (round % 4 == 1)
                test_sleep_ms(700);
            CHECK(pg_harness_restart(pg));
        }
        for (int k = 0; k < 3; k++)
            CHECK(proc_wait_lines(&kiosk[k], (size_t)(round + 1) * PER_KIOSK, 30000));
        /* Rounds apart in real time too: the central view orders by corrected (real) time,
         * the kiosks by their replayed times; both agree when rounds do not overlap. */
        test_sleep_ms(120);
    }
    CHECK(kills >= 4);
    size_t total = 0;
    for (int k = 0; k < 3; k++)
        total += kiosk[k].lines;
    CHECK(total == 3 * ROUNDS * PER_KIOSK);

    CHECK(wait_number((int64_t)total, 30000,
                      "SELECT count(*) FROM portier.scans WHERE device_id IN "
                      "('door-1', 'door-2', 'ent')"));
    /* Exactly once: the key is unique, and each device's seqs are 1..n without a gap. */
    for (int k = 0; k < 3; k++) {
        int64_t n =
            admin_number("SELECT count(*) FROM portier.scans WHERE device_id = '%s'", devs[k]);
        CHECK(n == (int64_t)kiosk[k].lines);
        CHECK(admin_number("SELECT max(seq) - min(seq) + 1 FROM portier.scans WHERE device_id "
                           "= '%s'",
                           devs[k]) == n);
        CHECK(admin_number("SELECT count(DISTINCT db_epoch) FROM portier.scans WHERE "
                           "device_id = '%s'",
                           devs[k]) == 1);
    }
    /* Every kiosk holds the merged log... */
    for (int k = 0; k < 3; k++)
        CHECK(wait_store_count(devs[k], (int64_t)total, 20000));
    /* ... and the kiosks and the central view report the same occupancy. */
    char *central = central_overview();
    CHECK(strstr(central, "hall=-1") == NULL);
    CHECK(strstr(central, "hall=0;") == NULL); /* toggles leave people in the hall */
    for (int k = 0; k < 3; k++) {
        char *seen = kiosk_overview(kdirs[k], devs[k]);
        CHECK_STR(seen, central);
        free(seen);
    }
    free(central);
    for (int k = 0; k < 3; k++) {
        char *state = store_meta(devs[k], "sync.state");
        char *pending = store_meta(devs[k], "sync.pending");
        CHECK_STR(state, "online");
        CHECK_STR(pending, "0");
        free(state);
        free(pending);
        CHECK(proc_stop(&daemon[k]) == 0);
        CHECK(proc_stop(&kiosk[k]) == 0);
        proc_finish(&daemon[k]);
        proc_finish(&kiosk[k]);
        /* A clean stop says offline. */
        state = store_meta(devs[k], "sync.state");
        CHECK_STR(state, "offline");
        free(state);
    }
}

/* Counts the decisions with this result and reason in a kiosk's output. */
static int count_in(const struct proc *p, const char *what)
{
    int n = 0;
    for (const char *s = p->text.data; s && (s = strstr(s, what)) != NULL; s++)
        n++;
    return n;
}

/* Two doors of one room (capacity 5) apart: over capacity by at most what they admitted
 * while apart, and those admissions are the ones the merged log finds past capacity. */
static void test_two_doors(void)
{
    struct proc a, b, da, db;
    start_kiosk(&a, "k4", "salon-a", "salon", "entry", NULL);
    start_kiosk(&b, "k5", "salon-b", "salon", "entry", NULL);
    start_sync(&da, "k4", "salon-a", conninfo_of("salon-a"));
    start_sync(&db, "k5", "salon-b", conninfo_of("salon-b"));
    char line[512];
    /* Together: three in by door a; door b sees them. */
    for (int i = 0; i < 3; i++) {
        snprintf(line, sizeof line, "2024-04-22T21:00:%02d+02:00\t%s\n", i * 5, token_of(ids[i]));
        proc_feed(&a, line);
    }
    CHECK(proc_wait_lines(&a, 3, 10000));
    CHECK(wait_room_count("salon-b", "salon", 3, 10000));
    test_sleep_ms(1300); /* the kiosk folds other processes' scans on its 1 s tick */

    /* Apart: the server is down; each door admits until it believes the room is full. */
    CHECK(pg_harness_stop_hard(pg));
    for (int i = 0; i < 4; i++) {
        snprintf(line, sizeof line, "2024-04-22T21:01:%02d+02:00\t%s\n", i * 5,
                 token_of(ids[10 + i]));
        proc_feed(&a, line);
        snprintf(line, sizeof line, "2024-04-22T21:01:%02d+02:00\t%s\n", i * 5 + 1,
                 token_of(ids[20 + i]));
        proc_feed(&b, line);
    }
    CHECK(proc_wait_lines(&a, 7, 10000));
    CHECK(proc_wait_lines(&b, 4, 10000));
    int admitted_apart =
        count_in(&a, "\"result\":\"admitted\"") - 3 + count_in(&b, "\"result\":\"admitted\"");
    CHECK(admitted_apart == 4); /* two each: each door believed 3 of 5 seats taken */
    CHECK(count_in(&a, "\"room_full\"") == 2);
    CHECK(count_in(&b, "\"room_full\"") == 2);
    char *state = store_meta("salon-a", "sync.state");
    CHECK_STR(state, "offline");
    free(state);
    char *pending = NULL;
    for (int tries = 0; tries < 100; tries++) {
        free(pending);
        pending = store_meta("salon-a", "sync.pending");
        if (strcmp(pending, "4") == 0)
            break;
        test_sleep_ms(50);
    }
    CHECK_STR(pending, "4");
    free(pending);
    char *err = store_meta("salon-a", "sync.last_error");
    CHECK(err[0] != '\0');
    free(err);

    /* Together again. */
    CHECK(pg_harness_restart(pg));
    CHECK(wait_number(11, 20000, "SELECT count(*) FROM portier.scans WHERE room = 'salon'"));
    CHECK(wait_room_count("salon-a", "salon", 11, 10000));
    CHECK(wait_room_count("salon-b", "salon", 11, 10000));
    int64_t occupancy =
        admin_number("SELECT occupancy FROM portier.occupancy_now WHERE room = 'salon'");
    CHECK(occupancy == 7);
    CHECK(occupancy <= 5 + admitted_apart);
    /* The admissions past capacity in the merged log (in corrected time order): exactly the
     * later of the two doors' admissions made apart. */
    int64_t past = admin_number(
        "WITH a AS (SELECT row_number() OVER (ORDER BY corrected_ms, device_id, seq) AS n "
        "FROM portier.scans_timed WHERE room = 'salon' AND result = 'admitted') "
        "SELECT count(*) FROM a WHERE n > 5");
    CHECK(past == occupancy - 5);
    test_sleep_ms(1300);
    char *seen_a = kiosk_overview("k4", "salon-a"), *seen_b = kiosk_overview("k5", "salon-b");
    CHECK(strstr(seen_a, "salon=7;") != NULL);
    CHECK_STR(seen_a, seen_b);
    free(seen_a);
    free(seen_b);
    /* Synced, both doors refuse. */
    snprintf(line, sizeof line, "2024-04-22T21:05:00+02:00\t%s\n", token_of(ids[30]));
    proc_feed(&a, line);
    snprintf(line, sizeof line, "2024-04-22T21:05:01+02:00\t%s\n", token_of(ids[31]));
    proc_feed(&b, line);
    CHECK(proc_wait_lines(&a, 8, 10000));
    CHECK(proc_wait_lines(&b, 5, 10000));
    CHECK(count_in(&a, "\"room_full\"") == 3);
    CHECK(count_in(&b, "\"room_full\"") == 3);
    proc_finish(&da);
    proc_finish(&db);
    proc_finish(&a);
    proc_finish(&b);
}

/* On-site registration: imported, badged and published centrally, admitted after a sync. */
static void test_registration(void)
{
    CHECK(test_sh("cd %s && %s bundle ev --out k6 >/dev/null", dir, bin) == 0);
    test_write_file(dir, "new.csv",
                    "id,name,organisation,email,language,category,sessions\n"
                    "N001,Ngọc Anh,Walk-in,ngoc@example.org,fr,attendee,\n");
    CHECK(test_sh("cd %s && %s import ev --attendees new.csv >/dev/null && %s badges ev --out "
                  "badges2 --format csv --only N001 >/dev/null",
                  dir, bin, bin) == 0);
    load_tokens("badges2");
    const char *token = token_of("N001");
    PGconn *c = central_connect(admin);
    char *event_db = xasprintf("%s/ev/event.db", dir);
    CHECK(c != NULL && central_publish(c, event_db, false, NULL));
    free(event_db);
    PQfinish(c);

    char line[512];
    snprintf(line, sizeof line, "2024-04-22T22:00:00+02:00\t%s\n", token);
    struct proc k;
    start_kiosk(&k, "k6", "reg", "entrance", "entry", NULL);
    proc_feed(&k, line);
    CHECK(proc_wait_lines(&k, 1, 10000));
    CHECK(strstr(k.text.data ? k.text.data : "", "\"unknown_attendee\"") != NULL);
    proc_finish(&k);

    CHECK(sync_once("k6", "reg", conninfo_of("reg")) == 0);
    snprintf(line, sizeof line, "2024-04-22T22:01:00+02:00\t%s\n", token);
    start_kiosk(&k, "k6", "reg", "entrance", "entry", NULL);
    proc_feed(&k, line);
    CHECK(proc_wait_lines(&k, 1, 10000));
    CHECK(strstr(k.text.data ? k.text.data : "",
                 "\"attendee\":\"N001\",\"name\":\"Ngọc Anh\",\"result\":\"admitted\"") != NULL);
    proc_finish(&k);

    /* The bundle got the attendee but no e-mail address, and a new model_version. */
    char *kdb = xasprintf("%s/k6/event.db", dir);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(kdb, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st = NULL;
    CHECK(sqlite3_prepare_v2(db,
                             "SELECT (SELECT count(*) FROM attendees WHERE email IS NOT NULL),"
                             " (SELECT count(*) FROM attendees),"
                             " (SELECT value FROM meta WHERE key = 'model_version')",
                             -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == 0);
    CHECK(sqlite3_column_int(st, 1) == N_ATTENDEES + 1);
    CHECK(sqlite3_column_int(st, 2) >= 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(kdb);
    /* A second sync changes nothing in the bundle. */
    char *before = store_meta("reg", "sync.attendees_version");
    CHECK(sync_once("k6", "reg", conninfo_of("reg")) == 0);
    char *after = store_meta("reg", "sync.attendees_version");
    CHECK(before[0] != '\0');
    CHECK_STR(after, before);
    free(before);
    free(after);
}

/* A kiosk whose clock starts at 1970: synced later, the central times are the true ones. */
static void test_clock(void)
{
    CHECK(test_sh("cd %s && %s bundle ev --out k7 >/dev/null", dir, bin) == 0);
    struct proc k;
    /* The wall clock's test double (sysclock.h): 1 January 1970, not synchronised. */
    char *skew = xasprintf("skewed:%" PRId64, 1000 - time_now_ms());
    setenv("PORTIER_CLOCK", skew, 1);
    start_kiosk(&k, "k7", "clock", "entrance", "toggle", NULL);
    unsetenv("PORTIER_CLOCK");
    free(skew);
    int64_t truth[4];
    for (int i = 0; i < 4; i++) {
        char line[512];
        snprintf(line, sizeof line, "%s\n", token_of(ids[40 + i]));
        int64_t before = time_now_ms();
        proc_feed(&k, line);
        CHECK(proc_wait_lines(&k, (size_t)i + 1, 10000));
        truth[i] = (before + time_now_ms()) / 2;
        test_sleep_ms(400);
    }
    proc_finish(&k);
    test_sleep_ms(500);
    /* The daemon comes later in the same boot and measures the offset then. */
    CHECK(sync_once("k7", "clock", conninfo_of("clock")) == 0);
    for (int i = 0; i < 4; i++) {
        int64_t wall = admin_number("SELECT wall_ms FROM portier.scans WHERE device_id = 'clock' "
                                    "AND seq = %d",
                                    i + 1);
        int64_t corrected = admin_number("SELECT corrected_ms FROM portier.scans_timed WHERE "
                                         "device_id = 'clock' AND seq = %d",
                                         i + 1);
        CHECK(wall >= 0 && wall < 86400000); /* the kiosk believed it was 1 January 1970 */
        CHECK_MSG(llabs(corrected - truth[i]) <= 2000,
                  "scan %d: corrected %" PRId64 ", truth %" PRId64, i + 1, corrected, truth[i]);
    }
    char *offset = store_meta("clock", "sync.clock_offset_ms");
    /* The daemon measures the system clock (the kiosk's was faked in its own process). */
    CHECK(offset[0] != '\0' && llabs(strtoll(offset, NULL, 10)) < 1000);
    free(offset);
    /* The report from central dates them by the corrected times too: checked in this year,
     * not in 1970 (the earliest scan wins, so one 1970 time would show). */
    CHECK(test_sh("cd %s && %s report --central \"%s\" --event ev --out rep-clock >/dev/null", dir,
                  bin, admin) == 0);
    char *csv = xasprintf("%s/rep-clock/attendees.csv", dir);
    char *text = file_read_all(csv, NULL);
    char year[8];
    time_t now = time(NULL);
    strftime(year, sizeof year, "%Y", gmtime(&now));
    for (int i = 0; i < 4 && text != NULL; i++) {
        /* attendee,name,organisation,category,checked_in_at,... (names hold no comma here) */
        char *key = xasprintf("\n%s,", ids[40 + i]);
        const char *row = strstr(text, key);
        const char *end = row ? strchr(row + 1, '\n') : NULL;
        char *line =
            row ? xstrndup(row + 1, end ? (size_t)(end - row - 1) : strlen(row + 1)) : xstrdup("");
        const char *field = line;
        for (int comma = 0; comma < 4 && field != NULL; comma++)
            field = (field = strchr(field, ',')) ? field + 1 : NULL;
        /* This year, or the day replayed earlier with given times (the earliest wins). */
        CHECK_MSG(field != NULL && (strncmp(field, year, strlen(year)) == 0 ||
                                    strncmp(field, "2024-04-22T", 11) == 0),
                  "%s: checked in at '%s' in the central report, not this year", ids[40 + i], line);
        free(line);
        free(key);
    }
    CHECK(text != NULL);
    free(text);
    free(csv);
}

/* A key the server holds with other content: the alarm, not a silent drop. */
/* Appends an entrance admission of attendee at wall_ms to device quar's log. */
static void quar_append(const char *attendee, int64_t wall_ms)
{
    char *db = xasprintf("%s/quar.db", dir);
    struct store *st = store_open(db, "quar");
    CHECK(st != NULL);
    if (st != NULL) {
        struct scan s;
        memset(&s, 0, sizeof s);
        s.wall_ms = wall_ms;
        s.clock_synced = true;
        snprintf(s.boot_id, sizeof s.boot_id, "boot");
        snprintf(s.room, sizeof s.room, "entrance");
        snprintf(s.attendee, sizeof s.attendee, "%s", attendee);
        s.mode = MODE_ENTRY;
        s.result = RESULT_ADMITTED;
        CHECK(store_append_scan(st, &s));
        store_close(st);
    }
    free(db);
}

/* One out-of-range time in the middle of a kiosk's log (written before the entry points refused
 * them): the server refuses that row, the daemon sets it aside, every other scan, before and
 * after it, reaches central, and the daemon and the doctor report it (issue 14). */
static void test_quarantine(void)
{
    char *db = xasprintf("%s/quar.db", dir);
    struct store *st = store_open(db, "quar");
    CHECK(st != NULL);
    if (st == NULL) {
        free(db);
        return;
    }
    for (int i = 0; i < 9; i++) {
        struct scan s;
        memset(&s, 0, sizeof s);
        /* Scan 5 is dated year 24: below the central CHECK (wall_ms >= 0). */
        s.wall_ms = i == 4 ? -61401168000000 : 1713805200000 + i * 1000;
        s.mono_ns = 1000 + i;
        s.clock_synced = true;
        snprintf(s.boot_id, sizeof s.boot_id, "boot");
        snprintf(s.room, sizeof s.room, "entrance");
        snprintf(s.attendee, sizeof s.attendee, "P%03d", i + 1);
        s.mode = MODE_ENTRY;
        s.result = RESULT_ADMITTED;
        CHECK(store_append_scan(st, &s));
    }
    store_close(st);
    CHECK(test_sh("cd %s && %s bundle ev --out k9 >/dev/null", dir, bin) == 0);
    CHECK(sync_once("k9", "quar", conninfo_of("quar")) == 0);
    CHECK(admin_number("SELECT count(*) FROM portier.scans WHERE device_id = 'quar'") == 8);
    CHECK(admin_number("SELECT count(*) FROM portier.scans WHERE device_id = 'quar' AND seq = 5") ==
          0);
    char *quarantined = store_meta("quar", "sync.quarantined");
    char *alarm = store_meta("quar", "sync.alarm");
    char *pending = store_meta("quar", "sync.pending");
    char *push = store_meta("quar", "sync.push_seq");
    CHECK_STR(quarantined, "1");
    CHECK_MSG(strstr(alarm, "/5 was refused") != NULL, "%s", alarm);
    CHECK_STR(pending, "0");
    CHECK_STR(push, "9");
    char *log = xasprintf("%s/once-quar.log", dir);
    char *text = file_read_all(log, NULL);
    CHECK(text != NULL && strstr(text, "ALARM") != NULL);
    /* Later scans go up too: the log is not blocked behind the bad one. */
    quar_append("P010", 1713805300000);
    CHECK(sync_once("k9", "quar", conninfo_of("quar")) == 0);
    CHECK(admin_number("SELECT count(*) FROM portier.scans WHERE device_id = 'quar'") == 9);
    /* A scan of an attendee central does not know yet (imported at the kiosk's desk, not yet
     * published) is set aside too, and goes up once the model holds that attendee. */
    quar_append("P777", 1713805400000);
    CHECK(sync_once("k9", "quar", conninfo_of("quar")) == 0);
    char *two = store_meta("quar", "sync.quarantined");
    CHECK_STR(two, "2");
    free(two);
    CHECK(admin_number("WITH a AS (INSERT INTO portier.attendees (id, num, name, language, "
                       "category) VALUES ('P777', 777777, 'Late Comer', 'en', 'attendee') "
                       "RETURNING 1) SELECT count(*) FROM a") == 1);
    CHECK(sync_once("k9", "quar", conninfo_of("quar")) == 0);
    CHECK(admin_number("SELECT count(*) FROM portier.scans WHERE device_id = 'quar'") == 10);
    char *one = store_meta("quar", "sync.quarantined");
    CHECK_STR(one, "1");
    free(one);
    /* As if the daemon had found the kiosk's clock an hour off the server's. */
    st = store_open(db, "quar");
    CHECK(st != NULL && store_set_meta(st, "sync.clock_offset_ms", "-3600000"));
    store_close(st);
    /* The doctor reports the scan set aside, and the disagreeing clock. */
    char *conf = xasprintf("[kiosk]\ndevice = quar\nroom = entrance\nmode = entry\n"
                           "camera = none\nscanner = none\nheadless = true\ndb = %s\n",
                           db);
    test_write_file(dir, "quar.conf", conf);
    CHECK(test_sh("cd %s && %s doctor --config quar.conf --kiosk-dir k9 --no-central "
                  "--camera-seconds 0 --sync-env /nonexistent > doctor-quar.out 2>&1; "
                  "grep -q 'upload.*1 scan(s) or issued badge(s) refused by the central server' "
                  "doctor-quar.out",
                  dir, bin) == 0);
    CHECK(test_sh("grep -q 'clock.*disagrees with the central server.s by -3600.0 s' "
                  "%s/doctor-quar.out",
                  dir) == 0);
    free(conf);
    free(text);
    free(log);
    free(quarantined);
    free(alarm);
    free(pending);
    free(push);
    free(db);
}

static void test_alarm(void)
{
    char *db = xasprintf("%s/alarm.db", dir);
    struct store *st = store_open(db, "alarm");
    free(db);
    CHECK(st != NULL);
    if (st == NULL)
        return;
    struct scan s;
    memset(&s, 0, sizeof s);
    s.wall_ms = 1713805200000;
    s.mono_ns = 1000;
    snprintf(s.boot_id, sizeof s.boot_id, "boot");
    snprintf(s.room, sizeof s.room, "entrance");
    snprintf(s.attendee, sizeof s.attendee, "P001");
    s.mode = MODE_ENTRY;
    s.result = RESULT_ADMITTED;
    CHECK(store_append_scan(st, &s));
    struct scan t = s;
    CHECK(store_append_scan(st, &t));
    int64_t epoch = store_db_epoch(st);
    store_close(st);
    /* Someone else's row under the first key (the superuser bypasses row-level security). */
    CHECK(admin_number("INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, "
                       "boot_id, clock_synced, room, attendee, mode, kind, result, reason) "
                       "VALUES ('alarm', %" PRId64 ", 1, 1713805200000, 1000, 'boot', false, "
                       "'hall', 'P002', 'entry', 'badge', 'admitted', 'ok') RETURNING 1",
                       epoch) == 1);
    /* And scan 2 as if its push had committed but the answer was lost: no alarm for it. */
    CHECK(admin_number("INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, "
                       "boot_id, clock_synced, room, attendee, mode, kind, result, reason) "
                       "VALUES ('alarm', %" PRId64 ", 2, 1713805200000, 1000, 'boot', false, "
                       "'entrance', 'P001', 'entry', 'badge', 'admitted', 'ok') RETURNING 1",
                       epoch) == 1);
    CHECK(test_sh("cd %s && %s bundle ev --out k8 >/dev/null", dir, bin) == 0);
    CHECK(sync_once("k8", "alarm", conninfo_of("alarm")) == 0);
    char *log = xasprintf("%s/once-alarm.log", dir);
    char *text = file_read_all(log, NULL);
    free(log);
    CHECK(text != NULL && strstr(text, "ALARM") != NULL);
    free(text);
    char *conflicts = store_meta("alarm", "sync.conflicts");
    char *alarm = store_meta("alarm", "sync.alarm");
    char *pending = store_meta("alarm", "sync.pending");
    CHECK_STR(conflicts, "1");
    CHECK(strstr(alarm, "/1 ") != NULL);
    CHECK_STR(pending, "0");
    free(conflicts);
    free(alarm);
    free(pending);
    CHECK(admin_number("SELECT count(*) FROM portier.scans WHERE device_id = 'alarm'") == 2);
    CHECK(admin_number("SELECT count(*) FROM portier.scans WHERE device_id = 'alarm' AND "
                       "room = 'hall'") == 1); /* the server's row stands; the alarm says so */
}

/* --once against nothing: exit 1, offline, the error kept for the screen. */
static void test_unreachable(void)
{
    int rc = sync_once("k8", "alarm", "host=127.0.0.1 port=1 user=alarm connect_timeout=2");
    CHECK(rc == 1);
    char *state = store_meta("alarm", "sync.state");
    char *err = store_meta("alarm", "sync.last_error");
    CHECK_STR(state, "offline");
    CHECK(err[0] != '\0');
    free(state);
    free(err);
    CHECK(test_sh("%s sync >/dev/null 2>&1", bin) == 2);
    CHECK(test_sh("%s sync --help >/dev/null", bin) == 0);
}

/* systemd: READY=1 then WATCHDOG=1 on $NOTIFY_SOCKET. */
static void test_notify(void)
{
    CHECK(syncd_backoff_ms(1, 30000, 0) == SYNCD_BACKOFF_MIN_MS / 2);
    CHECK(syncd_backoff_ms(30, 30000, UINT64_MAX) <= 30000);
    CHECK(syncd_backoff_ms(3, 30000, 999999) <= SYNCD_BACKOFF_MIN_MS * 4);

    char *path = xasprintf("%s/notify.sock", dir);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    CHECK(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
    setenv("NOTIFY_SOCKET", path, 1);
    setenv("WATCHDOG_USEC", "200000", 1);
    struct proc d;
    start_sync(&d, "k8", "alarm", conninfo_of("alarm"));
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    bool ready = false;
    int watchdogs = 0;
    int64_t deadline = time_mono_ns() + 5000000000LL;
    while (time_mono_ns() < deadline && watchdogs < 2) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        char buf[256];
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        if (strncmp(buf, "READY=1", 7) == 0 && (buf[7] == '\0' || buf[7] == '\n'))
            ready = true;
        else if (strcmp(buf, "WATCHDOG=1") == 0 && ready)
            watchdogs++;
    }
    CHECK(ready);
    CHECK(watchdogs == 2);
    CHECK(proc_stop(&d) == 0);
    proc_finish(&d);
    close(fd);
    free(path);
}

/* Counts "sync: pulling" lines (one per pull of scans or of the model) in a daemon's log. */
static int64_t pulls_logged(const char *log)
{
    char *text = file_read_all(log, NULL);
    int64_t n = 0;
    for (const char *p = text; p != NULL && (p = strstr(p, "sync: pulling")) != NULL; p++)
        n++;
    free(text);
    return n;
}

/* A flood of NOTIFYs from another device's login, on both channels, with payloads that lie:
 * the daemon takes them as hints, coalesced, so its pulls stay bounded by the time the flood
 * lasted (at most one of each kind per SYNCD_HINT_INTERVAL_MS), not by the notifications. */
static void test_notify_flood(void)
{
    char *k = path_join(dir, "k8"), *db = xasprintf("%s/alarm.db", dir);
    char *log = xasprintf("%s/sync-flood.log", dir);
    char *argv[] = {(char *)bin,
                    "sync",
                    k,
                    "--device",
                    "alarm",
                    "--db",
                    db,
                    "--central",
                    (char *)conninfo_of("alarm"),
                    "--poll-interval",
                    "3600000",
                    "--verbose",
                    NULL};
    struct proc d;
    proc_start(&d, argv, false, false, log);
    char *state = NULL;
    for (int tries = 0; tries < 400; tries++) {
        free(state);
        state = store_meta("alarm", "sync.state");
        if (strcmp(state, "online") == 0 && pulls_logged(log) >= 2)
            break;
        test_sleep_ms(50);
    }
    CHECK_STR(state, "online");
    free(state);
    int64_t scans_before = store_count("alarm");
    PGconn *flooder = PQconnectdb(conninfo_of("door-2"));
    CHECK(PQstatus(flooder) == CONNECTION_OK);
    int64_t before = pulls_logged(log), start = time_mono_ns();
    enum { FLOOD = 3000 };
    for (int i = 0; i < FLOOD && PQstatus(flooder) == CONNECTION_OK; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "NOTIFY %s, '%s'",
                 i % 2 ? CENTRAL_CHANNEL_MODEL : CENTRAL_CHANNEL_SCANS,
                 i % 3 ? "door-1" : "attendees");
        PQclear(PQexec(flooder, sql));
    }
    /* The daemon heard it (it pulls at least once more), then the count is read. */
    int64_t deadline = time_mono_ns() + 20000000000LL;
    while (pulls_logged(log) == before && time_mono_ns() < deadline)
        test_sleep_ms(20);
    int64_t pulls = pulls_logged(log) - before;
    int64_t elapsed_ms = (time_mono_ns() - start) / 1000000;
    int64_t bound = 2 * (elapsed_ms / SYNCD_HINT_INTERVAL_MS + 1) + 2;
    printf("notify flood: %d notifications over %" PRId64 " ms, %" PRId64 " pulls (bound %" PRId64
           ")\n",
           FLOOD, elapsed_ms, pulls, bound);
    CHECK(pulls >= 1);
    CHECK_MSG(pulls <= bound, "%" PRId64 " pulls for %d notifications in %" PRId64 " ms", pulls,
              FLOOD, elapsed_ms);
    CHECK(store_count("alarm") == scans_before); /* nothing new, nothing pulled */
    PQfinish(flooder);
    CHECK(proc_stop(&d) == 0);
    proc_finish(&d);
    free(k);
    free(db);
    free(log);
}

/* The sync unit's credential (LoadCredential=, PGPASSFILE=%d/pgpass): the conninfo without its
 * password, and the password in a libpq password file (mode 0600). The daemon logs in with it
 * alone, and the doctor checks the file and connects as the daemon would. Uses test_quarantine's
 * kiosk (k9, quar.conf). */
static void test_credential(void)
{
    const char *full = conninfo_of("quar");
    const char *pw = strstr(full, " password=");
    CHECK(pw != NULL);
    if (pw == NULL)
        return;
    size_t pw_len = strcspn(pw + 10, " ");
    char *conninfo = xasprintf("%.*s%s", (int)(pw - full), full, pw + 10 + pw_len);
    char *line = xasprintf("# portier-sync's credential\n*:*:*:quar:%.*s\n", (int)pw_len, pw + 10);
    char *pgpass = xasprintf("%s/pgpass", dir);
    CHECK(file_write_atomic(pgpass, line, strlen(line), 0600));
    const char *sync = "env -u PGPASSWORD PGPASSFILE=%s %s sync %s/k9 --device quar --db "
                       "%s/quar.db --central '%s' --once 2>>%s/once-credential.log";
    CHECK(test_sh(sync, pgpass, bin, dir, dir, conninfo, dir) == 0);
    CHECK(test_sh(sync, "/nonexistent", bin, dir, dir, conninfo, dir) != 0);

    char *env = xasprintf("PORTIER_DEVICE=quar\nPORTIER_CENTRAL='%s'\n", conninfo);
    test_write_file(dir, "credential.env", env);
    const char *doctor = "cd %s && %s doctor --config quar.conf --kiosk-dir k9 --camera-seconds 0 "
                         "--sync-env credential.env --pgpass pgpass > doctor-credential.out 2>&1; "
                         "grep -q '%s' doctor-credential.out && grep -q '%s' doctor-credential.out";
    CHECK(test_sh(doctor, dir, bin, "credential.*pgpass has the password of quar",
                  "central.*connected to") == 0);
    CHECK(file_write_atomic(pgpass, "*:*:*:quar:wrong\n", 17, 0600));
    CHECK(test_sh(doctor, dir, bin, "credential.*has the password", "central.*unreachable") == 0);
    free(env);
    free(pgpass);
    free(line);
    free(conninfo);
}

int main(void)
{
    if (setup()) {
        test_crash_replay();
        test_two_doors();
        test_registration();
        test_clock();
        test_alarm();
        test_quarantine();
        test_credential();
        test_unreachable();
        test_notify();
        test_notify_flood();
    }
    /* Sanitizer builds: the children's reports land in their logs. */
    CHECK(test_sh("grep -l Sanitizer %s/*.log >&2", dir) == 1);
    pg_harness_destroy(pg);
    for (size_t i = 0; i < ARRAY_LEN(devices); i++)
        free(device_conninfo[i]);
    for (size_t i = 0; i < n_tokens; i++) {
        free(tokens[i]);
        free(ids[i]);
    }
    if (check_failed == 0 && getenv("PORTIER_TEST_KEEP") == NULL)
        test_sh("rm -rf %s", dir);
    else
        fprintf(stderr, "kept %s for inspection\n", dir);
    free(dir);
    return check_done();
}
