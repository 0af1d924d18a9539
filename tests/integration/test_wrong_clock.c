/* SPDX-License-Identifier: Apache-2.0 */
/* Issue 14, "a kiosk with a wrong clock locks a room at every door", end to end: two real
 * headless kiosks at the two doors of a 3-seat room, each with its real `portier sync` daemon,
 * against a real PostgreSQL (tests/support/pg_harness.h). Door A's clock is an hour fast and
 * unsynchronised (the wall clock's test double PORTIER_CLOCK=skewed:MS, sysclock.h: a Pi
 * without a real-time clock whose fake-hwclock restored a wrong time); door B's is the
 * system's.
 *
 * The sessions are real time: S1 ends about 40 s after the event is made, S2 follows. Door A,
 * offline, admits the three attendees of S1 (an hour after both sessions by its clock). Then
 * the daemons connect: A dates its own scans from its boot's anchor, B dates A's the same way.
 * B lets one out (exited/ok, the count drops to 2 at B); once S1 has ended, S2's attendee is
 * admitted at A (not room_full: the session end let the other two out at A too), a walk-in at
 * B, and both kiosks' logs and central's occupancy_now say 2. Before the fix A's scans kept
 * their raw time: B's exit changed nothing, the session end let nobody out, A refused S2's
 * attendee, and central still counted the three. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "csv.h"
#include "event_fixture.h"
#include "file.h"
#include "pg_harness.h"
#include "proc.h"
#include "shell.h"
#include "store.h"
#include "sysclock.h"
#include "timeutil.h"
#include "util.h"

#define HOUR_MS    3600000
#define S1_LEFT_MS 40000 /* S1 ends this long after the event is made */
#define N_PEOPLE   6     /* P1-P3 registered for S1, P4 for S2, P5 a walk-in, P6 staff */
#define WAIT_MS    15000 /* the longest wait for a process (a loaded machine) */

static char *dir;
static const char *bin;
static struct event_tokens badges;
static const char *tokens[N_PEOPLE]; /* badges' */
static int64_t s1_end_ms;

/* The event (room r1, 3 seats; S1 ending S1_LEFT_MS from now, S2 after it), badges, bundles. */
static void make_event(void)
{
    int64_t now = time_now_ms();
    s1_end_ms = now + S1_LEFT_MS;
    char s1_start[TIME_ISO_LEN], s1_end[TIME_ISO_LEN], s2_end[TIME_ISO_LEN];
    time_format_iso8601(now - 10 * 60000, s1_start);
    time_format_iso8601(s1_end_ms, s1_end);
    time_format_iso8601(s1_end_ms + 30 * 60000, s2_end);
    char s0_start[TIME_ISO_LEN], s0_end[TIME_ISO_LEN];
    time_format_iso8601(now - 2 * HOUR_MS, s0_start);
    time_format_iso8601(now - HOUR_MS, s0_end);
    char *sessions = xasprintf("id,room,title,start,end\ns0,r1,Past,%s,%s\ns1,r1,First,%s,%s\n"
                               "s2,r1,Second,%s,%s\n",
                               s0_start, s0_end, s1_start, s1_end, s1_end, s2_end);
    test_write_file(dir, "sessions.csv", sessions);
    free(sessions);
    test_write_file(dir, "rooms.csv", "id,name,capacity\nr1,Room one,3\n");
    test_write_file(dir, "attendees.csv",
                    "id,name,organisation,email,language,category,sessions\n"
                    "P1,Person 1,Org,p1@example.org,en,attendee,s1\n"
                    "P2,Person 2,Org,p2@example.org,en,attendee,s1\n"
                    "P3,Person 3,Org,p3@example.org,en,attendee,s1\n"
                    "P4,Person 4,Org,p4@example.org,en,attendee,s2\n"
                    "P5,Person 5,Org,p5@example.org,en,attendee,\n"
                    "P6,Person 6,Org,p6@example.org,en,staff,\n");
    CHECK(event_fixture_init(dir, "Clock", NULL, "ka kb"));
    CHECK(event_fixture_tokens(dir, &badges) && badges.n == N_PEOPLE);
    event_fixture_numbered(&badges, "P", tokens, N_PEOPLE);
    for (int i = 0; i < N_PEOPLE; i++)
        CHECK(tokens[i] != NULL);
}

/* Starts `portier kiosk` (toggle mode, tokens on stdin) at door device, bundle kdir. */
static void start_kiosk(struct proc *p, const char *kdir, const char *device)
{
    char *k = path_join(dir, kdir), *db = xasprintf("%s/%s.db", dir, device);
    char *log = xasprintf("%s/kiosk-%s.log", dir, device);
    char *argv[] = {(char *)bin,  "kiosk",    k,        "--device",  (char *)device,
                    "--room",     "r1",       "--mode", "toggle",    "--db",
                    db,           "--camera", "none",   "--scanner", "stdin",
                    "--headless", NULL};
    proc_start(p, argv, true, true, log);
    free(k);
    free(db);
    free(log);
}

/* Starts `portier sync` for device. */
static void start_sync(struct proc *p, const char *kdir, const char *device, const char *conninfo)
{
    char *k = path_join(dir, kdir), *db = xasprintf("%s/%s.db", dir, device);
    char *log = xasprintf("%s/sync-%s.log", dir, device);
    proc_start_sync(p, bin, k, device, db, conninfo, "300", "500", log);
    free(k);
    free(db);
    free(log);
}

/* Feeds person p's badge (1-based) and waits for its decision line; returns it (owned by the
 * caller; "" when none came). Session-end lines (with a "kind") are skipped. */
static char *decide(struct proc *k, int p)
{
    char *line = xasprintf("%s\n", tokens[p - 1]);
    proc_feed(k, line);
    free(line);
    char *needle = xasprintf("\"attendee\":\"P%d\"", p);
    int64_t deadline = time_mono_ns() + (int64_t)WAIT_MS * 1000000;
    size_t from = k->text.len;
    char *found = NULL;
    while (found == NULL && time_mono_ns() < deadline) {
        proc_wait_lines(k, k->lines + 1, 100);
        for (const char *s = k->text.data ? k->text.data + from : NULL; s && *s;) {
            const char *end = strchr(s, '\n');
            if (end == NULL)
                break;
            char *l = xstrndup(s, (size_t)(end - s));
            if (strstr(l, needle) != NULL && strstr(l, "\"kind\"") == NULL) {
                found = l;
                break;
            }
            free(l);
            s = end + 1;
        }
    }
    free(needle);
    if (found == NULL)
        fprintf(stderr, "no decision for P%d; kiosk said:\n%s\n", p,
                k->text.data ? k->text.data : "");
    return found ? found : xstrdup("");
}

/* Checks a decision line's result/reason and occupancy. */
static void check_decision(const char *line, const char *result, const char *reason, int count)
{
    char *want =
        xasprintf("\"result\":\"%s\",\"reason\":\"%s\",\"occupancy\":%d,", result, reason, count);
    CHECK_MSG(strstr(line, want) != NULL, "expected %s in %s", want, line);
    free(want);
}

/* A meta value of a device's log ("" when absent), owned by the caller. */
static char *log_meta(const char *device, const char *key)
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

static bool count_badge(const struct scan *s, void *ctx)
{
    *(int64_t *)ctx += s->kind == SCAN_BADGE;
    return true;
}

/* Waits until the device's log holds n badge scans and boot offsets naming every device in
 * want, then lets its kiosk fold them. */
static bool wait_log(const char *device, int64_t n, const char *const *want, size_t n_want)
{
    int64_t deadline = time_mono_ns() + (int64_t)WAIT_MS * 1000000, count = -1;
    char *offsets = NULL;
    while (time_mono_ns() < deadline) {
        char *db = xasprintf("%s/%s.db", dir, device);
        struct store *st = store_open(db, device);
        free(db);
        count = 0;
        if (st == NULL || !store_read_scans(st, 0, count_badge, &count, NULL))
            count = -1;
        store_close(st);
        free(offsets);
        offsets = log_meta(device, "sync.boot_offsets");
        bool all = count == n;
        for (size_t i = 0; i < n_want && all; i++) {
            char *key = xasprintf("%s ", want[i]);
            all = strstr(offsets, key) != NULL;
            free(key);
        }
        if (all) {
            free(offsets);
            test_sleep_ms(1300); /* the kiosk folds the log and reads the offsets on its 1 s tick */
            return true;
        }
        test_sleep_ms(50);
    }
    fprintf(stderr, "%s: %" PRId64 " badge scans (expected %" PRId64 "), boot offsets '%s'\n",
            device, count, n, offsets ? offsets : "");
    free(offsets);
    return false;
}

/* The count of r1 that a read-only overview kiosk on the device's log reports now. */
static int overview(const char *kdir, const char *device)
{
    char *out = xasprintf("%s/overview-%s.txt", dir, device);
    CHECK(test_sh("%s kiosk %s/%s --device %s --room entrance --mode overview --db %s/%s.db "
                  "--camera none --scanner stdin --headless </dev/null >%s 2>>%s/overview.log",
                  bin, dir, kdir, device, dir, device, out, dir) == 0);
    char *text = file_read_all(out, NULL);
    free(out);
    const char *needle = "\"room\":\"r1\",\"occupancy\":";
    const char *p = text ? strstr(text, needle) : NULL;
    int n = p ? atoi(p + strlen(needle)) : -1;
    free(text);
    return n;
}

static int64_t central_count(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT occupancy FROM portier.occupancy_now WHERE room = 'r1'");
    int64_t v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    else
        fprintf(stderr, "occupancy_now: %s", PQresultErrorMessage(r));
    PQclear(r);
    return v;
}

/* Waits until central holds n scans of r1. */
static bool wait_central_scans(PGconn *c, int64_t n)
{
    int64_t deadline = time_mono_ns() + (int64_t)WAIT_MS * 1000000, v = -1;
    while (time_mono_ns() < deadline) {
        PGresult *r = PQexec(c, "SELECT count(*) FROM portier.scans WHERE kind = 'badge'");
        v = PQresultStatus(r) == PGRES_TUPLES_OK ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
        PQclear(r);
        if (v == n)
            return true;
        test_sleep_ms(100);
    }
    fprintf(stderr, "central holds %" PRId64 " badge scans, expected %" PRId64 "\n", v, n);
    return false;
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    CHECK(bin != NULL);
    dir = event_fixture_dir("clock");
    CHECK(time_set_zone("Europe/Brussels"));
    if (bin == NULL)
        return check_done();
    make_event();
    struct pg_harness *pg = NULL;
    char admin[1024];
    PGconn *c = event_fixture_central(dir, &pg, admin, sizeof admin);
    CHECK(c != NULL);
    if (c == NULL) {
        pg_harness_destroy(pg);
        return check_done();
    }
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    const char *room[] = {"r1"};
    char *conn_a = central_add_login(c, CENTRAL_DEVICE, "door-a", CENTRAL_AUTH_PASSWORD, room, 1,
                                     "127.0.0.1", port);
    char *conn_b = central_add_login(c, CENTRAL_DEVICE, "door-b", CENTRAL_AUTH_PASSWORD, room, 1,
                                     "127.0.0.1", port);
    CHECK(conn_a != NULL && conn_b != NULL);
    /* P5 was admitted during S0, which ended an hour ago (a door since retired): central lets
     * P5 out at S0's end, as the kiosks do, though P5 was last seen in r1. */
    PGresult *r = PQexec(c, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                            " boot_id, clock_synced, room, session, attendee, mode, kind, result,"
                            " reason) VALUES ('door-old', 1, 1, (extract(epoch FROM now()) - 5400)"
                            " * 1000, 1, 'b', true, 'r1', 's0', 'P5', 'entry', 'badge',"
                            " 'admitted', 'ok')");
    CHECK_MSG(PQresultStatus(r) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
    PQclear(r);
    CHECK(central_count(c) == 0);
    /* A kiosk that came and went, synchronised: its anchor dates nothing that any kiosk holds,
     * so no kiosk is sent its boot (only boots with unsynchronised scans, and the device's
     * own). */
    r = PQexec(c, "INSERT INTO portier.clock_anchors (device_id, boot_id, mono_ns, wall_ms)"
                  " VALUES ('door-gone', 'g', 1000000, 1)");
    CHECK_MSG(PQresultStatus(r) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
    PQclear(r);

    /* Door A, an hour fast, unsynchronised, offline: admits S1's three. */
    struct proc a, b, sa, sb;
    char *skew = xasprintf("skewed:%d", HOUR_MS);
    setenv("PORTIER_CLOCK", skew, 1);
    start_kiosk(&a, "ka", "door-a");
    unsetenv("PORTIER_CLOCK");
    for (int p = 1; p <= 3; p++) {
        char *line = decide(&a, p);
        check_decision(line, "admitted", "ok", p);
        free(line);
    }
    /* The daemons connect; B's kiosk starts. */
    setenv("PORTIER_CLOCK", skew, 1);
    start_sync(&sa, "ka", "door-a", conn_a);
    unsetenv("PORTIER_CLOCK");
    free(skew);
    start_sync(&sb, "kb", "door-b", conn_b);
    start_kiosk(&b, "kb", "door-b");
    const char *both[] = {"door-a"};
    CHECK(wait_log("door-b", 4, both, 1)); /* A's three and door-old's */
    CHECK(wait_log("door-a", 4, both, 1));

    /* B lets P1 out: it counts. */
    char *line = decide(&b, 1);
    check_decision(line, "exited", "ok", 2);
    free(line);
    CHECK(wait_central_scans(c, 5));
    CHECK(wait_log("door-a", 5, both, 1));
    CHECK(central_count(c) == 2);
    CHECK_MSG(time_now_ms() < s1_end_ms - 2000, "the machine took too long: S1 ended first");

    /* After S1's end: S2's attendee at A, a walk-in and staff at B. */
    while (time_now_ms() <= s1_end_ms + 1500)
        test_sleep_ms(100);
    line = decide(&a, 4);
    check_decision(line, "admitted", "ok", 1);
    free(line);
    CHECK(wait_log("door-b", 6, both, 1));
    line = decide(&b, 5);
    check_decision(line, "admitted", "ok", 2);
    free(line);
    line = decide(&b, 6);
    check_decision(line, "admitted", "ok", 2); /* staff are never counted */
    free(line);
    CHECK(wait_central_scans(c, 8));
    CHECK(central_count(c) == 2);
    /* Five were last admitted into r1 by a badge (P2 to P6): occupancy_now lets two out at S1's
     * end by itself, not by the kiosks' session-end records, and does not count staff. */
    r = PQexec(c, "SELECT count(*) FROM (SELECT DISTINCT ON (attendee) room, result"
                  " FROM portier.scans_timed WHERE kind = 'badge' AND attendee <> ''"
                  " AND result <> 'denied' ORDER BY attendee, corrected_ms DESC) AS l"
                  " WHERE room = 'r1' AND result = 'admitted'");
    CHECK_MSG(PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "5") == 0, "%s",
              PQgetvalue(r, 0, 0));
    PQclear(r);
    CHECK(wait_log("door-a", 8, both, 1) && wait_log("door-b", 8, both, 1));
    CHECK(overview("ka", "door-a") == 2);
    CHECK(overview("kb", "door-b") == 2);
    /* Both logs hold A's boot (unsynchronised scans) and B's own; neither the retired
     * kiosk's. */
    char *offsets_a = log_meta("door-a", "sync.boot_offsets");
    char *offsets_b = log_meta("door-b", "sync.boot_offsets");
    CHECK_MSG(strstr(offsets_b, "door-b ") != NULL && strstr(offsets_b, "door-a ") != NULL &&
                  strstr(offsets_a, "door-a ") != NULL && strstr(offsets_a, "door-gone") == NULL &&
                  strstr(offsets_b, "door-gone") == NULL,
              "door-a: '%s', door-b: '%s'", offsets_a, offsets_b);
    free(offsets_a);
    free(offsets_b);

    /* Each process ends cleanly (a kiosk at the end of its input, a daemon on SIGTERM). */
    struct proc *procs[] = {&a, &b, &sa, &sb};
    for (size_t i = 0; i < ARRAY_LEN(procs); i++) {
        CHECK_MSG(proc_stop(procs[i]) == 0, "process %zu did not exit with 0", i);
        proc_finish(procs[i]);
    }
    PQfinish(c);
    free(conn_a);
    free(conn_b);
    event_fixture_tokens_free(&badges);
    pg_harness_destroy(pg);
    if (check_failed == 0)
        test_sh("rm -rf %s", dir);
    else
        fprintf(stderr, "logs kept in %s\n", dir);
    free(dir);
    return check_done();
}
