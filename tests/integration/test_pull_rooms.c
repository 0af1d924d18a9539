/* SPDX-License-Identifier: Apache-2.0 */
/* A room door's pull (`portier sync --pull rooms`, issue 18, docs/scale.md), on a real
 * PostgreSQL with real sync daemons: the door takes the scans into its rooms, the scans of the
 * people seen in them and the first synchronised scan of each boot, not the whole log, and its
 * room's occupancy is the same as a door that pulls everything.
 *  - The race: someone's scan in another room reaches the server, the door pulls (and skips
 *    it: nobody it counts), then their entry into the door's room arrives, dated before the
 *    other scan. The door reads that person's history once: the other scan is an implicit exit.
 *  - Agreement: a random day (30 people, 4 rooms and the entrance, five devices, one of them
 *    unsynchronised until its clock is set, room closes and manual counts) arrives in random
 *    batches while both daemons run; then the filtered door's log and the full log give the
 *    same count, closed state, reserved seats and places for the room at every minute of the
 *    day, while the filtered log holds only part of the day.
 *  - Switching to --pull all reads the log from the start again. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "central.h"
#include "check.h"
#include "event_db.h"
#include "file.h"
#include "occupancy.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "proc.h"
#include "scan_log.h"
#include "scan_clock.h"
#include "shell.h"
#include "store.h"
#include "util.h"

static char tmpdir[] = "/tmp/portier-pull-rooms-XXXXXX";

/* 2024-04-22T07:00:00+02:00, before the event's first session (tests/data/event). */
#define DAY_START_MS 1713762000000LL
#define MINUTE_MS    60000LL

/* The devices that scan (inserting as their own logins), their rooms and clocks. */
enum { ENT, AULA, ZAAL, R214, LAB, N_DEV };
static const char *const dev_id[N_DEV] = {"ent", "aula-a", "zaal", "r214", "lab"};
static const char *const dev_room[N_DEV] = {"entrance", "aula", "zaal_3", "room-2.14", "lab.1"};

struct gen_scan {
    int dev;
    int64_t seq, wall_ms, mono_ns;
    bool synced;
    const char *kind, *result, *mode;
    char attendee[16];
};

struct day {
    struct gen_scan *s;
    size_t n, cap;
    int64_t next_seq[N_DEV];
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int64_t rand_in(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next_rand() % (uint64_t)(hi - lo + 1));
}

/* Adds a scan of device dev at wall time t. The zaal door has no clock until 10:30: its scans
 * before then are unsynchronised, with a wall time of 1 Jan 2020 plus the monotonic time, and
 * its first synchronised scan dates them (scan_clock.h rule 3). */
static void add(struct day *d, int dev, int64_t t, const char *kind, const char *result,
                const char *attendee)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 256;
        d->s = xrealloc(d->s, d->cap * sizeof *d->s);
    }
    struct gen_scan *g = &d->s[d->n++];
    memset(g, 0, sizeof *g);
    g->dev = dev;
    g->seq = ++d->next_seq[dev];
    g->mono_ns = (t - DAY_START_MS + 3600000) * 1000000;
    g->synced = dev != ZAAL || t >= DAY_START_MS + 210 * MINUTE_MS;
    /* A synchronised clock wanders a little (NTP): each scan gives its boot another offset. */
    g->wall_ms = g->synced ? t + (g->seq % 10) * 37 : 1577836800000LL + g->mono_ns / 1000000;
    g->kind = kind;
    g->result = result;
    g->mode = dev == ENT && strcmp(result, "exited") == 0 ? "exit" : "toggle";
    snprintf(g->attendee, sizeof g->attendee, "%s", attendee);
}

/* One move of the random day, before the devices number them. */
struct move {
    int dev;
    int64_t t;
    const char *kind, *result;
    char who[16];
};

/* A random day: each of 30 people enters, visits rooms (sometimes leaving by their exit, or
 * denied: the kiosks' answers are not replayed here, the log is what the doors decided), and
 * some leave the venue; aula is closed and opened again, and counted by hand twice. Seqs follow
 * each device's time order. */
static void make_day(struct day *d)
{
    struct move ev[2000];
    size_t n = 0;
    /* The zaal door's first synchronised scan is A0030's, whom the room door never counts: it
     * must pull it all the same, to date the zaal door's earlier scans as everyone does (first
     * among the moves at that minute: the sort below is stable). */
    ev[n].dev = ZAAL, ev[n].t = DAY_START_MS + 210 * MINUTE_MS, ev[n].kind = "badge";
    ev[n].result = "admitted";
    snprintf(ev[n++].who, sizeof ev[0].who, "A0030");
    for (int a = 1; a <= 30; a++) {
        char who[16];
        snprintf(who, sizeof who, "A%04d", a);
        int64_t t = DAY_START_MS + rand_in(60, 180) * MINUTE_MS;
        ev[n].dev = ENT, ev[n].t = t, ev[n].kind = "badge", ev[n].result = "admitted";
        snprintf(ev[n++].who, sizeof ev[0].who, "%s", who);
        int visits = (int)rand_in(1, 6);
        for (int v = 0; v < visits; v++) {
            t += rand_in(5, 90) * MINUTE_MS;
            int dev = (int)rand_in(AULA, LAB);
            if (a == 30 && dev == AULA)
                dev = ZAAL; /* A0030 never comes to aula: see below */
            int r = (int)rand_in(0, 9);
            ev[n].dev = dev, ev[n].t = t, ev[n].kind = "badge";
            ev[n].result = r == 0 ? "denied" : "admitted";
            snprintf(ev[n++].who, sizeof ev[0].who, "%s", who);
            if (r >= 7) {
                ev[n].dev = dev, ev[n].t = t + rand_in(10, 40) * MINUTE_MS, ev[n].kind = "badge";
                ev[n].result = "exited";
                snprintf(ev[n++].who, sizeof ev[0].who, "%s", who);
            }
        }
        if (next_rand() % 3 == 0) {
            ev[n].dev = ENT, ev[n].t = t + rand_in(5, 60) * MINUTE_MS, ev[n].kind = "badge";
            ev[n].result = "exited";
            snprintf(ev[n++].who, sizeof ev[0].who, "%s", who);
        }
    }
    const struct {
        int64_t min;
        const char *kind, *result;
    } aula[] = {{150, "room_close", "admitted"},
                {170, "room_open", "admitted"},
                {200, "manual", "admitted"},
                {260, "manual", "exited"}};
    for (size_t i = 0; i < ARRAY_LEN(aula); i++) {
        ev[n].dev = AULA, ev[n].t = DAY_START_MS + aula[i].min * MINUTE_MS;
        ev[n].kind = aula[i].kind, ev[n].result = aula[i].result, ev[n++].who[0] = '\0';
    }
    /* Each device numbers its scans in its own time order. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && ev[j].t < ev[j - 1].t; j--) {
            struct move tmp = ev[j];
            ev[j] = ev[j - 1];
            ev[j - 1] = tmp;
        }
    for (size_t i = 0; i < n; i++)
        add(d, ev[i].dev, ev[i].t, ev[i].kind, ev[i].result, ev[i].who);
}

/* The INSERT of scans [from, to) of device dev (the day's scans in device order). */
static char *insert_sql(const struct gen_scan *const *s, size_t from, size_t to)
{
    struct strbuf sb = {0};
    strbuf_printf(&sb, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                       " boot_id, clock_synced, room, attendee, mode, kind, result, reason)"
                       " VALUES ");
    for (size_t i = from; i < to; i++) {
        const struct gen_scan *g = s[i];
        const char *reason = strcmp(g->result, "denied") == 0 ? "room_full" : "ok";
        strbuf_printf(&sb,
                      "%s('%s', 1, %" PRId64 ", %" PRId64 ", %" PRId64 ", 'boot-%s', %s, '%s',"
                      " '%s', '%s', '%s', '%s', '%s')",
                      i > from ? ", " : "", dev_id[g->dev], g->seq, g->wall_ms, g->mono_ns,
                      dev_id[g->dev], g->synced ? "true" : "false", dev_room[g->dev], g->attendee,
                      g->mode, g->kind, g->result, reason);
    }
    return sb.data;
}

/* The login conninfo `portier central add-device` wrote to tmpdir/NAME.txt (owned). */
static char *login(const char *name)
{
    char *text = test_login(tmpdir, name);
    CHECK_MSG(text != NULL, "no login for %s", name);
    return text;
}

/* Starts the sync daemon of device (kiosk directory tmpdir/kiosk-DEVICE, scan log DEVICE.db,
 * its messages in DEVICE.log). */
static void start_sync(struct proc *p, const char *bin, const char *device, const char *conninfo,
                       const char *pull)
{
    char *kiosk = xasprintf("%s/kiosk-%s", tmpdir, device);
    char *db = xasprintf("%s/%s.db", tmpdir, device);
    char *argv[] = {(char *)bin,
                    "sync",
                    kiosk,
                    "--device",
                    (char *)device,
                    "--db",
                    db,
                    "--central",
                    (char *)conninfo,
                    "--poll-interval",
                    "1000",
                    "--hint-interval",
                    "50",
                    "--pull",
                    (char *)pull,
                    NULL};
    char *log = xasprintf("%s/%s.log", tmpdir, device);
    proc_start(p, argv, false, false, log);
    free(log);
    free(kiosk);
    free(db);
}

/* A kiosk's log read into memory, with the clock it learns from all of it. */
struct log {
    struct scan *s;
    size_t n, cap;
    struct scan_clock *clock;
};

/* store_read_scans callback: keeps the scan, learns the clock. */
static bool keep(const struct scan *s, void *ctx)
{
    struct log *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->s = xrealloc(l->s, l->cap * sizeof *l->s);
    }
    l->s[l->n++] = *s;
    scan_clock_learn(l->clock, s);
    return true;
}

/* Reads the log db of device into l. */
static void read_log(const char *db, const char *device, struct log *l)
{
    memset(l, 0, sizeof *l);
    l->clock = scan_clock_create();
    struct store *st = store_open(db, device);
    CHECK_MSG(st != NULL, "cannot open %s", db);
    if (st != NULL) {
        CHECK(store_read_scans(st, 0, keep, l, NULL));
        store_close(st);
    }
}

/* The occupancy a kiosk derives at t from the scans of l dated up to t (its clock learnt from
 * the whole log, as the kiosk's fold ends up after its last re-fold). */
static struct occupancy *derive(const struct event *ev, const struct log *l, int64_t t)
{
    struct occupancy *occ = occupancy_create(ev);
    occupancy_use_clock(occ, l->clock);
    for (size_t i = 0; i < l->n; i++) {
        if (scan_clock_time(l->clock, &l->s[i]) <= t)
            occupancy_apply(occ, &l->s[i]);
    }
    return occ;
}

/* Compares the room aula as the room door and a kiosk holding everything see it at each
 * minute of the day, from the scans taken up to then: count, closed state, reserved seats
 * and who is in it. */
static void compare_aula(const struct event *ev, const struct log *door, const struct log *all)
{
    int differ = 0, inside = 0;
    for (int64_t t = DAY_START_MS; t <= DAY_START_MS + 13 * 60 * MINUTE_MS; t += MINUTE_MS) {
        struct occupancy *part = derive(ev, door, t), *whole = derive(ev, all, t);
        size_t aula = occupancy_room_index(whole, "aula");
        int a = occupancy_room_count(part, aula, t), b = occupancy_room_count(whole, aula, t);
        CHECK_MSG(a == b, "aula at +%lld min: %d people by the room door, %d by all",
                  (long long)((t - DAY_START_MS) / MINUTE_MS), a, b);
        inside += b;
        differ += occupancy_room_closed(part, aula) != occupancy_room_closed(whole, aula);
        for (size_t s = 0; s < ev->n_sessions; s++) {
            if (ev->sessions[s].room == aula)
                differ += occupancy_registered_not_arrived(part, s, t) !=
                          occupancy_registered_not_arrived(whole, s, t);
        }
        for (size_t i = 0; i < ev->n_attendees; i++) {
            struct occupancy_place p, q;
            occupancy_attendee_place(part, i, t, &p);
            occupancy_attendee_place(whole, i, t, &q);
            bool in_p = p.where == OCCUPANCY_ROOM && p.room == aula;
            bool in_q = q.where == OCCUPANCY_ROOM && q.room == aula;
            differ += in_p != in_q;
        }
        occupancy_destroy(part);
        occupancy_destroy(whole);
    }
    CHECK_MSG(differ == 0, "%d closed, reserved-seat or place answers differ", differ);
    CHECK_MSG(inside > 0, "the random day never had anyone in aula: the comparison is empty");
}

/* True when the pull cursors saved in the log db (meta sync.pull) hold the line part text. */
static bool cursor_has(const char *db, const char *text)
{
    sqlite3 *conn = NULL;
    sqlite3_stmt *st = NULL;
    bool has = false;
    if (sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(conn, "SELECT value FROM meta WHERE key = 'sync.pull'", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        has = strstr((const char *)sqlite3_column_text(st, 0), text) != NULL;
    sqlite3_finalize(st);
    sqlite3_close(conn);
    return has;
}

/* The race: A0007 is admitted into zaal_3 at 10:15 (that scan reaches the server first and the
 * room door skips it), then into aula at 10:00 (arriving later), during the keynote that ends
 * at 10:30. Once the door counts A0007 it must hold the zaal scan, which ends that admission
 * at 10:15. A0008, only ever in zaal_3, never reaches the door. */
static void test_race(PGconn *zaal, PGconn *aula, const char *door_db)
{
    const char *before =
        "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
        " clock_synced, room, attendee, mode, kind, result, reason) VALUES"
        " ('zaal', 7, 1, 1713773700000, 1, 'boot-z7', true, 'zaal_3', 'A0007', 'toggle',"
        "  'badge', 'admitted', 'ok'),"
        " ('zaal', 7, 2, 1713773760000, 2, 'boot-z7', true, 'zaal_3', 'A0008', 'toggle',"
        "  'badge', 'admitted', 'ok')";
    CHECK(exec_sql(zaal, before));
    /* Wait until the door has pulled past them: its cursor for zaal/7 is saved. */
    bool past = false;
    for (int tries = 0; tries < 300 && !past; tries++) {
        test_sleep_ms(100);
        past = cursor_has(door_db, "zaal 7 2");
    }
    CHECK_MSG(past, "the room door did not pull past the zaal scans");
    CHECK_MSG(test_log_count(door_db, "db_epoch = 7") == 0,
              "the room door pulled scans of people it does not count");
    CHECK(exec_sql(aula,
                   "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
                   " clock_synced, room, attendee, mode, kind, result, reason) VALUES"
                   " ('aula-a', 7, 1, 1713772800000, 1, 'boot-a7', true, 'aula', 'A0007',"
                   "  'toggle', 'badge', 'admitted', 'ok')"));
    CHECK_MSG(test_log_wait(door_db, "db_epoch = 7 AND attendee = 'A0007'", 2) == 2,
              "the room door did not read the history of someone it now counts");
    test_sleep_ms(500);
    CHECK_MSG(test_log_count(door_db, "attendee = 'A0008'") == 0,
              "the room door pulled someone it never counted");
}

/* The room channel (central schema step 14): a door started with --pull rooms and polling once
 * an hour is woken by a scan into its room, not by one elsewhere (it would pull at once if it
 * still listened on portier_scans); and (step 16) by the next move elsewhere of someone it
 * counts. super LISTENs on aula's channel itself. The day after the random day (23 April),
 * so that no admission of that day still counts. */
static void test_channel(const char *bin, PGconn *super, PGconn *zaal, PGconn *aula,
                         const char *door_ci, const char *door_db)
{
    char *listen = query_value(super, "SELECT 'LISTEN portier_room_' || md5('aula')", true);
    CHECK(listen != NULL && exec_sql(super, listen));
    free(listen);
    struct proc door;
    char *kiosk = xasprintf("%s/kiosk-door", tmpdir), *log = xasprintf("%s/door2.log", tmpdir);
    char *argv[] = {(char *)bin,
                    "sync",
                    kiosk,
                    "--device",
                    "door",
                    "--db",
                    (char *)door_db,
                    "--central",
                    (char *)door_ci,
                    "--poll-interval",
                    "3600000",
                    "--hint-interval",
                    "50",
                    "--pull",
                    "rooms",
                    NULL};
    proc_start(&door, argv, false, false, log);
    test_sleep_ms(1500); /* connected, its first pull done */
    CHECK(exec_sql(zaal, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                         " boot_id, clock_synced, room, attendee, mode, kind, result, reason)"
                         " VALUES ('zaal', 7, 3, 1713860400000, 3, 'boot-z7', true, 'zaal_3',"
                         " 'A0009', 'toggle', 'badge', 'admitted', 'ok')"));
    test_sleep_ms(1500);
    CHECK_MSG(!cursor_has(door_db, "zaal 7 3"), "a scan elsewhere woke the room door");
    CHECK(exec_sql(aula, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                         " boot_id, clock_synced, room, attendee, mode, kind, result, reason)"
                         " VALUES ('aula-a', 7, 2, 1713860460000, 2, 'boot-a7', true, 'aula',"
                         " 'A0009', 'toggle', 'badge', 'admitted', 'ok')"));
    PGnotify *n = wait_notify(super);
    CHECK_MSG(n != NULL && strcmp(n->extra, "aula-a") == 0, "room channel payload %s",
              n ? n->extra : "(none)");
    PQfreemem(n);
    CHECK_MSG(test_log_wait(door_db, "db_epoch = 7 AND seq = 2 AND room = 'aula'", 1) == 1,
              "a scan into its room did not wake the room door");
    /* A0009 leaves aula for zaal_3 a minute later: the door hears it on aula's channel. */
    CHECK(exec_sql(zaal, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                         " boot_id, clock_synced, room, attendee, mode, kind, result, reason)"
                         " VALUES ('zaal', 7, 4, 1713860520000, 4, 'boot-z7', true, 'zaal_3',"
                         " 'A0009', 'toggle', 'badge', 'admitted', 'ok')"));
    n = wait_notify(super);
    CHECK_MSG(n != NULL && strcmp(n->extra, "zaal") == 0, "room channel payload %s",
              n ? n->extra : "(none)");
    PQfreemem(n);
    CHECK_MSG(test_log_wait(door_db, "db_epoch = 7 AND seq = 4 AND room = 'zaal_3'", 1) == 1,
              "the move elsewhere of someone it counts did not wake the room door");
    CHECK(proc_stop(&door) == 0);
    free(kiosk);
    free(log);
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
    CHECK(test_sh("cd %s && P=\"$PORTIER_BIN\" && $P init ev --name Rooms --timezone "
                  "Europe/Brussels --rooms %s/event/rooms.csv --sessions %s/event/sessions.csv "
                  "--attendees %s/event/attendees.csv >/dev/null && $P bundle ev --out kiosk-door "
                  ">/dev/null && $P bundle ev --out kiosk-all >/dev/null && $P central init '%s' "
                  ">/dev/null && $P central publish ev '%s' "
                  ">/dev/null && for d in ent:entrance aula-a:aula door:aula zaal:zaal_3 "
                  "r214:room-2.14 lab:lab.1 all:entrance; do $P central add-device '%s' "
                  "${d%%:*} --room ${d#*:} | tail -1 >${d%%:*}.txt || exit 1; done",
                  tmpdir, data, data, data, ci, ci, ci) == 0);
    PGconn *conn[N_DEV] = {0};
    bool up = true;
    for (int i = 0; i < N_DEV; i++) {
        char *l = login(dev_id[i]);
        conn[i] = l ? PQconnectdb(l) : NULL;
        up &= PQstatus(conn[i]) == CONNECTION_OK;
        free(l);
    }
    char *door_ci = login("door"), *all_ci = login("all");
    char *door_db = xasprintf("%s/door.db", tmpdir), *all_db = xasprintf("%s/all.db", tmpdir);
    CHECK(up && door_ci != NULL && all_ci != NULL);
    if (!up || door_ci == NULL || all_ci == NULL)
        goto done;
    struct proc door, all;
    start_sync(&door, bin, "door", door_ci, "rooms");
    start_sync(&all, bin, "all", all_ci, "all");
    test_race(conn[ZAAL], conn[AULA], door_db);

    /* The random day, device by device in random batches, while both daemons pull. */
    struct day day = {0};
    make_day(&day);
    const struct gen_scan **by_dev[N_DEV];
    size_t n_dev[N_DEV] = {0}, sent[N_DEV] = {0};
    for (int i = 0; i < N_DEV; i++)
        by_dev[i] = xcalloc(day.n + 1, sizeof *by_dev[i]);
    for (size_t i = 0; i < day.n; i++)
        by_dev[day.s[i].dev][n_dev[day.s[i].dev]++] = &day.s[i];
    for (size_t left = day.n; left > 0;) {
        int dev = (int)rand_in(0, N_DEV - 1);
        if (sent[dev] == n_dev[dev])
            continue;
        size_t to = sent[dev] + (size_t)rand_in(1, 12);
        to = to > n_dev[dev] ? n_dev[dev] : to;
        char *sql = insert_sql(by_dev[dev], sent[dev], to);
        CHECK_MSG(exec_sql(conn[dev], sql), "batch of %s refused", dev_id[dev]);
        free(sql);
        left -= to - sent[dev];
        sent[dev] = to;
        if (next_rand() % 4 == 0)
            test_sleep_ms((int)rand_in(5, 120));
    }
    /* Both are complete once the full log holds every scan and the door its own room's. */
    int total = (int)day.n + 3; /* and the race's three */
    CHECK_MSG(test_log_wait(all_db, "1", total) == total, "the full pull is incomplete");
    int aula_n = 1;
    for (size_t i = 0; i < day.n; i++)
        aula_n += day.s[i].dev == AULA;
    CHECK_MSG(test_log_wait(door_db, "room = 'aula'", aula_n) == aula_n,
              "the room door lacks scans of its room");
    test_sleep_ms(1500); /* a last pull of each, after the final notifications */
    int held = test_log_count(door_db, "1");
    CHECK_MSG(held < total, "the room door holds %d of %d scans: nothing was filtered", held,
              total);
    fprintf(stderr, "room door holds %d of %d scans\n", held, total);

    char *evdb = xasprintf("%s/kiosk-all/event.db", tmpdir);
    struct event *ev = event_load(evdb);
    CHECK(ev != NULL);
    if (ev != NULL) {
        struct log door_log, all_log;
        read_log(door_db, "door", &door_log);
        read_log(all_db, "all", &all_log);
        compare_aula(ev, &door_log, &all_log);
        /* The unsynchronised zaal scans are dated alike: the door holds the boot's first
         * synchronised scan. */
        int64_t o1 = 0, o2 = 1;
        CHECK(scan_clock_offset(all_log.clock, "zaal", "boot-zaal", &o2));
        CHECK(scan_clock_offset(door_log.clock, "zaal", "boot-zaal", &o1) && o1 == o2);
        scan_clock_destroy(door_log.clock);
        scan_clock_destroy(all_log.clock);
        free(door_log.s);
        free(all_log.s);
        event_destroy(ev);
    }
    free(evdb);
    CHECK(proc_stop(&door) == 0 && proc_stop(&all) == 0);

    PGconn *super = PQconnectdb(ci);
    CHECK(PQstatus(super) == CONNECTION_OK);
    test_channel(bin, super, conn[ZAAL], conn[AULA], door_ci, door_db);
    PQfinish(super);
    total += 3; /* the channel test's three */

    /* Switched to --pull all, the door reads everything from the start. */
    start_sync(&door, bin, "door", door_ci, "all");
    CHECK_MSG(test_log_wait(door_db, "1", total) == total, "--pull all did not read the whole log");
    CHECK(proc_stop(&door) == 0);
    for (int i = 0; i < N_DEV; i++)
        free(by_dev[i]);
    free(day.s);
done:
    for (int i = 0; i < N_DEV; i++)
        PQfinish(conn[i]);
    free(door_ci);
    free(all_ci);
    free(door_db);
    free(all_db);
out:
    pg_harness_destroy(pg);
    pg_harness_rm_tree(tmpdir);
    return check_done();
}
