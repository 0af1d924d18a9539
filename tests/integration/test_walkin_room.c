/* SPDX-License-Identifier: Apache-2.0 */
/* A room door and the badges issued at the entrance desk, through a real PostgreSQL (issue 15):
 * kiosk A, a real headless kiosk with its own device key and no printer, registers a walk-in
 * and reprints A0003's badge; kiosk B, a real headless kiosk at the door of lab.1, before its
 * sync daemon pulled anything, admits the walk-in as a new registration and counts them in the
 * room. Once A's and B's sync daemons ran, B (the same scan log) knows the walk-in by name and
 * still counts them once, refuses the reprinted badge's old token (revoked), and counts a
 * manual admission (the headless admit action); central holds B's scans, and the report lists
 * the admission by hand for door-b, the same from B's scan log as from central. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "file.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "shell.h"
#include "util.h"
#include "walkin_fixture.h"

#define STAFF  "A0007" /* Pieter De Smet, staff, in tests/data/event/attendees.csv */
#define WALKIN "W10000000"
#define ROOM   "lab.1"

static char *dir;
static const char *bin;

/* The token of an attendee in badges/tokens.csv. */
static char *badge_token(const char *id)
{
    return walkin_fixture_token(dir, id);
}

/* The value of "key":"..." in the answer to action in text, owned ("" when absent). */
static char *action_field(const char *text, const char *action, const char *key)
{
    char *act = xasprintf("{\"action\":\"%s\"", action);
    char *v = walkin_fixture_field(text, act, key);
    free(act);
    return v;
}

/* Runs a headless kiosk of bundle kdir at room (entry mode, English screen, scan log db, extra
 * options) on input; returns its stdout. */
static char *kiosk(const char *kdir, const char *device, const char *room, const char *db,
                   const char *extra, const char *input)
{
    return walkin_fixture_kiosk(dir, bin, kdir, device, room, db, extra, input);
}

/* Runs one pass of the real sync daemon of a kiosk. */
static bool sync_once(const char *kdir, const char *device, const char *db, const char *conninfo)
{
    return walkin_fixture_sync(dir, bin, kdir, device, db, conninfo);
}

/* manual_admissions.csv of a report in dir/sub ("" when absent). */
static char *manual_csv(const char *sub)
{
    char *path = xasprintf("%s/%s/manual_admissions.csv", dir, sub);
    char *text = file_read_all(path, NULL);
    free(path);
    return text ? text : xstrdup("");
}

/* Desk A registers the walk-in and reprints A0003's badge; returns both new tokens. */
static void desk_a(char **walkin, char **reprint)
{
    char *staff = badge_token(STAFF);
    char *input = xasprintf("{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Zoë Walkin\","
                            "\"organisation\":\"Zorgraad\",\"language\":\"nl\",\"category\":"
                            "\"attendee\"}\n{\"action\":\"reprint\",\"staff\":\"%s\","
                            "\"attendee\":\"A0003\"}\n",
                            staff, staff);
    char *out = kiosk("ka", "door-a", "entrance", "a.db", "--device-key a.key", input);
    *walkin = action_field(out, "register", "token");
    *reprint = action_field(out, "reprint", "token");
    CHECK_MSG(strstr(out, "\"attendee\":\"" WALKIN "\"") != NULL && strlen(*walkin) > 0 &&
                  strlen(*reprint) > 0,
              "desk A said: %s", out);
    free(out);
    free(input);
    free(staff);
}

static void run(struct pg_harness *pg)
{
    PGconn *c = central_connect(pg_harness_conninfo(pg));
    CHECK(c != NULL);
    char *event_db = path_join(dir, "ev/event.db");
    CHECK(central_migrate(c, central_migrations, central_migration_count, NULL));
    CHECK(central_publish(c, event_db, false, NULL));
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    const char *entrance[] = {"entrance"}, *lab[] = {ROOM};
    char *conn_a = central_add_login(c, CENTRAL_DEVICE, "door-a", CENTRAL_AUTH_PASSWORD, entrance,
                                     1, "127.0.0.1", port);
    char *conn_b = central_add_login(c, CENTRAL_DEVICE, "door-b", CENTRAL_AUTH_PASSWORD, lab, 1,
                                     "127.0.0.1", port);
    char *org = central_add_login(c, CENTRAL_ORGANISER, "reporter", CENTRAL_AUTH_PASSWORD, NULL, 0,
                                  "127.0.0.1", port);
    CHECK(conn_a != NULL && conn_b != NULL && org != NULL);
    if (conn_a == NULL || conn_b == NULL || org == NULL)
        return;

    char *walkin = NULL, *reprint = NULL;
    desk_a(&walkin, &reprint);
    char *old = badge_token("A0003"), *staff = badge_token(STAFF);

    /* B has pulled nothing: the walk-in is a new registration, admitted and counted. */
    char *input = xasprintf("%s\n", walkin);
    char *out = kiosk("kb", "door-b", ROOM, "b.db", "", input);
    CHECK_MSG(strstr(out, "\"attendee\":\"" WALKIN "\",\"name\":\"New registration\","
                          "\"result\":\"admitted\",\"reason\":\"ok\",\"occupancy\":1,") != NULL,
              "before the pull: %s", out);
    free(out);
    free(input);

    /* A uploads the walk-in and the reprint; B uploads its scan of the walk-in and pulls. */
    CHECK(sync_once("ka", "door-a", "a.db", conn_a));
    CHECK(sync_once("kb", "door-b", "b.db", conn_b));
    CHECK_QUERY(c,
                "SELECT count(*) FROM portier.scans WHERE device_id = 'door-b'"
                " AND attendee = '" WALKIN "' AND room = '" ROOM "' AND result = 'admitted'",
                "1");

    /* The same door, the same log: the walk-in by name, still counted once; the old badge
     * refused; an admission by hand counted. */
    input = xasprintf("%s\n%s\n{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A0001\"}\n",
                      walkin, old, staff);
    out = kiosk("kb", "door-b", ROOM, "b.db", "", input);
    CHECK_MSG(strstr(out, "\"attendee\":\"" WALKIN "\",\"name\":\"Zoë Walkin\",\"result\":"
                          "\"admitted\",\"reason\":\"duplicate\",\"occupancy\":1,") != NULL,
              "after the pull: %s", out);
    CHECK_MSG(strstr(out, "\"attendee\":\"A0003\",\"name\":\"Ngọc Anh\",\"result\":\"denied\","
                          "\"reason\":\"revoked\",\"occupancy\":1,") != NULL,
              "the old badge: %s", out);
    CHECK_MSG(strstr(out, "\"attendee\":\"A0001\"") != NULL &&
                  strstr(out, "\"result\":\"admitted\",\"reason\":\"manual\",\"occupancy\":2,") !=
                      NULL &&
                  strstr(out, "\"staff\":\"" STAFF "\"") != NULL,
              "by hand: %s", out);
    free(out);
    free(input);
    CHECK(sync_once("kb", "door-b", "b.db", conn_b));
    CHECK_QUERY(c,
                "SELECT string_agg(attendee || '/' || reason, ',' ORDER BY attendee, reason) FROM"
                " portier.scans WHERE device_id = 'door-b' AND result = 'admitted'",
                "A0001/manual," WALKIN "/duplicate," WALKIN "/ok");

    /* The report: door-b's admission by hand, the same from B's log as from central. */
    CHECK(test_sh("cd %s && %s report --db b.db --event ev --lang en --out rep-db >/dev/null "
                  "2>>report.log && %s report --central '%s' --event ev --lang en --out "
                  "rep-central >/dev/null 2>>report.log",
                  dir, bin, bin, org) == 0);
    char *from_db = manual_csv("rep-db"), *from_central = manual_csv("rep-central");
    CHECK_MSG(strstr(from_db, "\ndoor-b," STAFF ",Pieter De Smet,1") != NULL, "%s", from_db);
    CHECK_STR(from_central, from_db);
    free(from_db);
    free(from_central);

    free(staff);
    free(old);
    free(walkin);
    free(reprint);
    free(conn_a);
    free(conn_b);
    free(org);
    free(event_db);
    PQfinish(c);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    const char *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-walkin-room-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    CHECK(walkin_fixture_make(dir, bin, data));
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK(pg != NULL);
    if (pg != NULL)
        run(pg);
    if (check_failed > 0)
        test_sh("cd %s && tail -n 30 kiosk.log sync.log report.log >&2", dir);
    pg_harness_destroy(pg);
    test_sh("rm -rf %s", dir);
    free(dir);
    return check_done();
}
