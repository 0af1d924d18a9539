/* SPDX-License-Identifier: Apache-2.0 */
/* Issue 14, "the two reports are meant to be identical", for a kiosk whose clock is wrong: a
 * door kiosk an hour fast and unsynchronised (the wall clock's test double
 * PORTIER_CLOCK=skewed:MS, sysclock.h) scans a morning's session offline, beside an entrance
 * kiosk on the system's clock; then both sync with their real `portier sync` against a real
 * PostgreSQL (tests/support/pg_harness.h), which dates the door's scans from its boot's clock
 * anchors. `portier report --central` and `portier report --db` (both kiosk logs, which hold
 * the boot offsets their daemons copied from central) give byte-identical files. Before, the
 * report from the logs took the door's raw wall times: its admissions fell an hour after the
 * session, which nobody attended. A log that never synced holds no offset: its unsynchronised
 * scans keep their raw times, and the report says so. Last, the rules themselves
 * (report_clock.h) against portier.scans_timed over many boots of made-up scans. */
#define _GNU_SOURCE
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "csv.h"
#include "csv_file.h"
#include "file.h"
#include "event_fixture.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "report_clock.h"
#include "scan_clock.h"
#include "shell.h"
#include "store.h"
#include "sysclock.h"
#include "timeutil.h"
#include "util.h"

#define HOUR_MS  3600000
#define N_PEOPLE 6
#define SKEW     "skewed:3600000" /* an hour fast */

static char *dir;
static const char *bin;
static char *tokens[N_PEOPLE];

/* The event: the morning session s1 runs from 40 minutes ago to 20 minutes from now. */
static void make_event(void)
{
    int64_t now = time_now_ms();
    char start[TIME_ISO_LEN], end[TIME_ISO_LEN], s2_start[TIME_ISO_LEN], s2_end[TIME_ISO_LEN];
    time_format_iso8601(now - 40 * 60000, start);
    time_format_iso8601(now + 20 * 60000, end);
    time_format_iso8601(now + 3 * HOUR_MS, s2_start);
    time_format_iso8601(now + 4 * HOUR_MS, s2_end);
    char *sessions = xasprintf("id,room,title,start,end\ns1,r1,Morning,%s,%s\n"
                               "s2,r1,Afternoon,%s,%s\n",
                               start, end, s2_start, s2_end);
    test_write_file(dir, "sessions.csv", sessions);
    free(sessions);
    test_write_file(dir, "rooms.csv", "id,name,capacity\nr1,Room one,20\n");
    struct strbuf att = {0};
    strbuf_puts(&att, "id,name,organisation,email,language,category,sessions\n");
    for (int i = 1; i <= N_PEOPLE; i++)
        strbuf_printf(&att, "P%d,Person %d,Org,p%d@example.org,en,attendee,%s\n", i, i, i,
                      i <= 4 ? "s1" : "s2");
    test_write_file(dir, "attendees.csv", att.data);
    strbuf_finish(&att);
    CHECK(test_sh("cd %s && %s init ev --name Dating --timezone Europe/Brussels --rooms rooms.csv "
                  "--sessions sessions.csv --attendees attendees.csv >/dev/null && "
                  "%s badges ev --out badges --format csv >/dev/null && "
                  "%s bundle ev --out kd >/dev/null && %s bundle ev --out ke >/dev/null",
                  dir, bin, bin, bin, bin) == 0);
    char *path = xasprintf("%s/badges/tokens.csv", dir);
    struct csv *csv = csv_read_file(path);
    free(path);
    CHECK(csv != NULL && csv->n_records == N_PEOPLE + 1);
    for (size_t i = 1; csv != NULL && i < csv->n_records; i++) {
        int n = atoi(csv->records[i].fields[0] + 1);
        if (n >= 1 && n <= N_PEOPLE)
            tokens[n - 1] = xstrdup(csv->records[i].fields[2]);
    }
    csv_destroy(csv);
    for (int i = 0; i < N_PEOPLE; i++)
        CHECK(tokens[i] != NULL);
}

/* Runs a headless kiosk on bundle kdir as device (room, mode) over the badges of people
 * (1-based, 0-terminated), with PORTIER_CLOCK=clock when clock is not NULL. */
static void scan(const char *kdir, const char *device, const char *room, const char *mode,
                 const char *clock, const int *people)
{
    struct strbuf in = {0};
    for (const int *p = people; *p != 0; p++)
        strbuf_printf(&in, "%s\n", tokens[*p - 1]);
    char *name = xasprintf("%s.in", device);
    test_write_file(dir, name, in.data);
    strbuf_finish(&in);
    CHECK(test_sh("cd %s && %s%s %s kiosk %s --device %s --room %s --mode %s --db %s.db "
                  "--camera none --scanner stdin --headless <%s >>%s.out 2>&1",
                  dir, clock ? "PORTIER_CLOCK=" : "", clock ? clock : "", bin, kdir, device, room,
                  mode, device, name, device) == 0);
    free(name);
}

/* Runs `portier sync --once` for device. */
static void sync_once(const char *kdir, const char *device, const char *conninfo, const char *clock)
{
    CHECK(test_sh("%s%s %s sync %s/%s --device %s --db %s/%s.db --central '%s' --once "
                  "2>>%s/sync.log",
                  clock ? "PORTIER_CLOCK=" : "", clock ? clock : "", bin, dir, kdir, device, dir,
                  device, conninfo, dir) == 0);
}

/* Central's boot offsets, in sync.boot_offsets' format. */
static char *central_offsets(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT device_id, boot_id, offset_ms FROM portier.boot_offsets"
                            " ORDER BY device_id, boot_id");
    struct strbuf sb = {0};
    strbuf_puts(&sb, "");
    CHECK_MSG(PQresultStatus(r) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++)
        strbuf_printf(&sb, "%s %s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                      PQgetvalue(r, i, 2));
    PQclear(r);
    return sb.data;
}

/* The boot offsets device's log holds ("" when none), owned by the caller. */
static char *log_offsets(const char *device)
{
    char *db = xasprintf("%s/%s.db", dir, device);
    struct store *st = store_open(db, device);
    free(db);
    char *v = NULL;
    CHECK(st != NULL && store_get_meta(st, SCAN_CLOCK_META_KEY, &v));
    store_close(st);
    return v ? v : xstrdup("");
}

/* Every file of DIR/a is in DIR/b, byte for byte, and there are as many. */
static void check_same_dirs(const char *a, const char *b)
{
    CHECK(test_sh("cd %s && test $(ls %s | wc -l) -ge 6 && diff -r %s %s >&2", dir, a, a, b) == 0);
}

/* A small deterministic generator (xorshift64). */
static uint64_t rng = 88172645463325252u;
static int64_t draw(int64_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (int64_t)(rng % (uint64_t)n);
}

/* Central and report_clock date the same unsynchronised scans alike: 400 scans of device
 * "prop" over 6 boots, some synchronised (their wall times disagreeing, so that which one dates
 * a scan matters), arrivals and clock anchors at made-up server times. */
static void check_rules(PGconn *c)
{
    struct strbuf sql = {0};
    strbuf_puts(&sql, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                      " boot_id, clock_synced, room, attendee, mode, kind, result, reason,"
                      " received_at) VALUES ");
    int64_t base = time_now_ms() - 6 * HOUR_MS;
    for (int i = 1; i <= 400; i++) {
        int boot = (int)draw(6); /* boots 0 and 1 have no synchronised scan */
        bool synced = boot >= 2 && draw(4) == 0;
        int64_t mono = 1000000000 + draw(3600) * (int64_t)1000000000 + draw(1000000000);
        int64_t wall = base + draw(2 * HOUR_MS), received = base + draw(8 * HOUR_MS);
        strbuf_printf(&sql,
                      "%s('prop', 1, %d, %" PRId64 ", %" PRId64 ", 'boot%d', %s, 'r1', 'P1',"
                      " 'toggle', 'badge', 'admitted', 'ok', to_timestamp(%" PRId64 " / 1000.0))",
                      i > 1 ? "," : "", i, wall, mono, boot, synced ? "true" : "false", received);
    }
    strbuf_puts(&sql, "; INSERT INTO portier.clock_anchors (device_id, boot_id, mono_ns, wall_ms,"
                      " received_at) VALUES ");
    for (int i = 0; i < 12; i++)
        strbuf_printf(&sql,
                      "%s('prop', 'boot%d', %" PRId64 ", 0, to_timestamp(%" PRId64 " / 1000.0))",
                      i > 0 ? "," : "", i % 6, draw(3600) * (int64_t)1000000000 + draw(1000000000),
                      base + draw(8 * HOUR_MS));
    PGresult *r = PQexec(c, sql.data);
    CHECK_MSG(PQresultStatus(r) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
    PQclear(r);
    strbuf_finish(&sql);

    struct report_clock *clock = report_clock_create();
    r = PQexec(c, "SELECT boot_id, mono_ns, wall_ms FROM portier.scans"
                  " WHERE device_id = 'prop' AND clock_synced");
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
        struct scan s = {.device_id = "prop", .clock_synced = true};
        snprintf(s.boot_id, sizeof s.boot_id, "%s", PQgetvalue(r, i, 0));
        s.mono_ns = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        s.wall_ms = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        report_clock_learn(clock, &s);
    }
    PQclear(r);
    r = PQexec(c, "SELECT boot_id, offset_ms FROM portier.boot_offsets WHERE device_id = 'prop'");
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 6);
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++)
        report_clock_set_offset(clock, "prop", PQgetvalue(r, i, 0),
                                strtoll(PQgetvalue(r, i, 1), NULL, 10));
    PQclear(r);
    r = PQexec(c, "SELECT boot_id, mono_ns, corrected_ms, time_source FROM portier.scans_timed"
                  " WHERE device_id = 'prop' AND NOT clock_synced");
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 250);
    int same = 0, by_boot = 0;
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
        int64_t t = -1, want = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        bool ok = report_clock_time(clock, "prop", PQgetvalue(r, i, 0),
                                    strtoll(PQgetvalue(r, i, 1), NULL, 10), &t);
        same += ok && t == want;
        by_boot += strcmp(PQgetvalue(r, i, 3), "boot") == 0;
        if (!ok || t != want)
            fprintf(stderr, "%s at %s ns: central %" PRId64 ", report_clock %" PRId64 "\n",
                    PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), want, t);
    }
    CHECK(same == PQntuples(r) && by_boot > 100);
    PQclear(r);
    report_clock_destroy(clock);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    CHECK(bin != NULL);
    char tmpl[] = "/tmp/portier-dating-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
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
    const char *room_d[] = {"r1"}, *room_e[] = {"entrance"};
    char *conn_d = central_add_login(c, CENTRAL_DEVICE, "door", CENTRAL_AUTH_PASSWORD, room_d, 1,
                                     "127.0.0.1", port);
    char *conn_e = central_add_login(c, CENTRAL_DEVICE, "ent", CENTRAL_AUTH_PASSWORD, room_e, 1,
                                     "127.0.0.1", port);
    char *org = central_add_login(c, CENTRAL_ORGANISER, "reporter", CENTRAL_AUTH_PASSWORD, NULL, 0,
                                  "127.0.0.1", NULL);
    CHECK(conn_d != NULL && conn_e != NULL && org != NULL);

    /* The morning, offline: five arrive; four go into s1 at the door (an hour fast), P2
     * leaves, P5 (registered for the afternoon only) walks in. */
    const int arrivals[] = {1, 2, 3, 4, 5, 0}, morning[] = {1, 2, 3, 4, 0}, later[] = {2, 5, 0};
    scan("ke", "ent", "entrance", "entry", NULL, arrivals);
    scan("kd", "door", "r1", "toggle", SKEW, morning);
    scan("kd", "door", "r1", "toggle", SKEW, later);
    /* The door never synchronised its clock (nor may the machine running this test). */
    CHECK(test_sh("cd %s && sqlite3 door.db 'SELECT count(*) FROM scans WHERE clock_synced = 0 "
                  "AND clock_given = 0' | grep -qx 6",
                  dir) == 0);

    /* Both sync, twice: each pushes its morning and pulls the other's, with the offsets. */
    for (int round = 0; round < 2; round++) {
        sync_once("ke", "ent", conn_e, NULL);
        sync_once("kd", "door", conn_d, SKEW);
    }
    CHECK(query_number(c, "SELECT count(*) FROM portier.scans") == 11);
    CHECK(query_number(c, "SELECT count(*) FROM portier.scans_timed WHERE device_id = 'door'"
                          " AND time_source = 'server'"
                          " AND abs(wall_ms - corrected_ms - 3600000) < 60000") == 6);
    /* Each log holds central's offset of its own boot (its daemon copies them after its
     * anchor; the other's log may hold an older, larger one: the report takes the smallest). */
    char *want = central_offsets(c);
    CHECK_MSG(strstr(want, "door ") != NULL && strstr(want, "ent ") != NULL, "central: '%s'", want);
    for (char *line = want, *end; (end = strchr(line, '\n')) != NULL; line = end + 1) {
        *end = '\0';
        char device[SCAN_ID_MAX];
        CHECK(sscanf(line, "%63s", device) == 1);
        char *have = log_offsets(device);
        CHECK_MSG(strstr(have, line) != NULL, "central '%s', %s's log '%s'", line, device, have);
        free(have);
    }
    free(want);

    CHECK(test_sh("cd %s && %s report --db door.db --db ent.db --event ev --out kiosks "
                  ">kiosks.txt",
                  dir, bin) == 0);
    CHECK(test_sh("cd %s && %s report --central \"%s\" --event ev --out central >/dev/null", dir,
                  bin, org) == 0);
    /* The morning as it was (a report that says 0 everywhere would match a broken one). */
    CHECK(test_sh("cd %s && grep -q '^s1,.*,20,4,5,4,1,0,4,' kiosks/attendance.csv || "
                  "{ cat kiosks/attendance.csv >&2; false; }",
                  dir) == 0);
    CHECK(test_sh("grep -q unsynchronised %s/kiosks.txt", dir) != 0);
    check_same_dirs("kiosks", "central");

    /* A door that never synced holds no offset: its scans keep their raw (wrong) times, and
     * the report says so. */
    const int one[] = {6, 0};
    scan("kd", "lone", "r1", "toggle", SKEW, one);
    CHECK(test_sh("cd %s && %s report --db lone.db --event ev --out lone >lone.txt && "
                  "grep -q '^note: 1 scans were taken with an unsynchronised clock' lone.txt && "
                  "grep -q '1 scans were taken by a kiosk whose clock was not synchronised and "
                  "that never synced' lone/report.html",
                  dir, bin) == 0);

    check_rules(c);

    PQfinish(c);
    free(conn_d);
    free(conn_e);
    free(org);
    for (int i = 0; i < N_PEOPLE; i++)
        free(tokens[i]);
    pg_harness_destroy(pg);
    if (check_failed == 0)
        test_sh("rm -rf %s", dir);
    else
        fprintf(stderr, "files kept in %s\n", dir);
    free(dir);
    return check_done();
}
