/* SPDX-License-Identifier: Apache-2.0 */
/* A symposium day replayed through real kiosks (TIMESTAMP<TAB>TOKEN on stdin, a day in the
 * past), synced to a real PostgreSQL with `portier sync --once`, then reported from central and
 * from the kiosk databases: every report file byte-identical (issue 14). Before scans carried
 * their time source, central dated the replayed scans by their arrival (today), and every
 * session showed 0 attended in the report from central. Also: a kiosk started with --clock
 * stores its scans as given-time scans, and central times them at their given time. */
#define _GNU_SOURCE
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "event_fixture.h"
#include "csv.h"
#include "file.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "shell.h"
#include "store.h"
#include "util.h"

#define N_PEOPLE 10
#define DAY      "2025-03-14T"

static char *dir;
static const char *bin;
static struct event_tokens badges;
static const char *tokens[N_PEOPLE]; /* badges' */

static const char *const devices[] = {"ent", "hall", "salon"};
static const char *const modes[] = {"entry", "toggle", "toggle"};

/* The event (Brussels, UTC+1 that day), its badges and one kiosk bundle per device. */
static void make_event(void)
{
    test_write_file(dir, "rooms.csv", "id,name,capacity\nhall,Great Hall,50\nsalon,Le Salon,4\n");
    test_write_file(dir, "sessions.csv",
                    "id,room,title,start,end\n"
                    "keynote,hall,Keynote," DAY "10:00:00+01:00," DAY "11:00:00+01:00\n"
                    "talk,salon,Small talk," DAY "11:15:00+01:00," DAY "12:00:00+01:00\n"
                    "closing,hall,Closing," DAY "12:30:00+01:00," DAY "13:30:00+01:00\n");
    struct strbuf att = {0};
    strbuf_puts(&att, "id,name,organisation,email,language,category,sessions\n");
    for (int i = 1; i <= N_PEOPLE; i++)
        strbuf_printf(&att, "P%02d,Person %d,Org,p%d@example.org,en,attendee,keynote%s%s\n", i, i,
                      i, i <= 6 ? ";talk" : "", i % 2 == 1 ? ";closing" : "");
    test_write_file(dir, "attendees.csv", att.data);
    strbuf_finish(&att);
    CHECK(event_fixture_init(dir, "Replay", NULL, NULL));
    for (size_t k = 0; k < ARRAY_LEN(devices); k++)
        CHECK(test_sh("cd %s && %s bundle ev --out b-%s >/dev/null", dir, bin, devices[k]) == 0);
    CHECK(event_fixture_tokens(dir, &badges) && badges.n == N_PEOPLE);
    event_fixture_numbered(&badges, "P", tokens, N_PEOPLE);
    for (int i = 0; i < N_PEOPLE; i++)
        CHECK(tokens[i] != NULL);
}

/* Appends "DAY hh:mm:ss UTC<TAB>token of person p (1-based)". */
static void line(struct strbuf *sb, int h, int m, int s, int p)
{
    strbuf_printf(sb, DAY "%02d:%02d:%02dZ\t%s\n", h, m, s, tokens[p - 1]);
}

/* The day, per kiosk, in time order; every kiosk replays it from a file on stdin. */
static void replay_day(void)
{
    struct strbuf ent = {0}, hall = {0}, salon = {0};
    for (int p = 1; p <= N_PEOPLE; p++)
        line(&ent, 8, 20 + p, 0, p); /* arrivals, 09:21 local on */
    for (int p = 1; p <= N_PEOPLE; p++)
        line(&hall, 8, 45 + p, 5, p); /* keynote, let out by its end */
    line(&hall, 10, 5, 0, 7);         /* between sessions: no session running */
    for (int p = 1; p <= 6; p++)
        line(&salon, 10, 5 + p, 0, p); /* talk: 4 seats, two refused */
    line(&salon, 10, 40, 0, 2);        /* leaves: toggled out */
    line(&salon, 10, 41, 0, 5);        /* now there is a seat */
    for (int p = 1; p <= N_PEOPLE; p++)
        line(&hall, 11, 20 + p, 30, p); /* closing: P07, still in since 10:05, toggles out */
    line(&hall, 11, 50, 0, 1);          /* leaves early */
    struct strbuf *days[] = {&ent, &hall, &salon};
    for (size_t k = 0; k < ARRAY_LEN(devices); k++) {
        char *name = xasprintf("%s.replay", devices[k]);
        test_write_file(dir, name, days[k]->data);
        free(name);
        const char *room = strcmp(devices[k], "ent") == 0 ? "entrance" : devices[k];
        CHECK(test_sh("cd %s && %s kiosk b-%s --device %s --room %s --mode %s --db %s.db "
                      "--camera none --scanner stdin --headless <%s.replay >%s.out 2>&1",
                      dir, bin, devices[k], devices[k], room, modes[k], devices[k], devices[k],
                      devices[k]) == 0);
        strbuf_finish(days[k]);
    }
}

/* The value of column col in the row of attendance.csv whose first field is session. */
static char *attendance(const char *sub, const char *session, const char *col)
{
    char *path = xasprintf("%s/%s/attendance.csv", dir, sub);
    struct csv *csv = csv_read_file(path);
    free(path);
    char *v = NULL;
    for (size_t c = 0; csv != NULL && csv->n_records > 0 && c < csv->records[0].n_fields; c++) {
        if (strcmp(csv->records[0].fields[c], col) != 0)
            continue;
        for (size_t r = 1; r < csv->n_records && v == NULL; r++) {
            if (strcmp(csv->records[r].fields[0], session) == 0 && c < csv->records[r].n_fields)
                v = xstrdup(csv->records[r].fields[c]);
        }
    }
    csv_destroy(csv);
    return v ? v : xstrdup("?");
}

/* Every file of DIR/a is in DIR/b, byte for byte, and there are as many. */
static void check_same_dirs(const char *a, const char *b)
{
    char *pa = path_join(dir, a), *pb = path_join(dir, b);
    DIR *d = opendir(pa);
    CHECK(d != NULL);
    int files = 0;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        files++;
        char *fa = path_join(pa, e->d_name), *fb = path_join(pb, e->d_name);
        size_t la = 0, lb = 0;
        char *x = file_read_all(fa, &la), *y = file_read_all(fb, &lb);
        bool same = x != NULL && y != NULL && la == lb && memcmp(x, y, la) == 0;
        if (!same)
            fprintf(stderr, "%s and %s differ\n", fa, fb);
        CHECK(same);
        free(x);
        free(y);
        free(fa);
        free(fb);
    }
    if (d != NULL)
        closedir(d);
    CHECK(files >= 6);
    CHECK(test_sh("test $(ls %s | wc -l) -eq %d", pb, files) == 0);
    free(pa);
    free(pb);
}

static bool count_given(const struct scan *s, void *ctx)
{
    int64_t *n = ctx;
    n[0]++;
    n[1] += s->clock_given && !s->clock_synced;
    n[2] += strcmp(s->device_id, "hall") != 0;
    return true;
}

/* Every scan of device's log, its own and those pulled from the others, has a given time. */
static void check_log_given(const char *device)
{
    char *db = xasprintf("%s/%s.db", dir, device);
    struct store *st = store_open(db, device);
    free(db);
    int64_t n[3] = {0, 0, 0};
    CHECK(st != NULL && store_read_scans(st, 0, count_given, n, NULL));
    store_close(st);
    CHECK(n[0] > 0 && n[1] == n[0]);
    CHECK(strcmp(device, "hall") != 0 || n[2] > 0); /* hall pulled the others' scans */
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    dir = event_fixture_dir("replay");
    make_event();
    replay_day();

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
    char *conninfo[ARRAY_LEN(devices)];
    for (size_t k = 0; k < ARRAY_LEN(devices); k++) {
        const char *room[] = {strcmp(devices[k], "ent") == 0 ? "entrance" : devices[k]};
        conninfo[k] = central_add_login(c, CENTRAL_DEVICE, devices[k], CENTRAL_AUTH_PASSWORD, room,
                                        1, "127.0.0.1", port);
        CHECK(conninfo[k] != NULL);
    }
    char *org = central_add_login(c, CENTRAL_ORGANISER, "reporter", CENTRAL_AUTH_PASSWORD, NULL, 0,
                                  "127.0.0.1", NULL);
    CHECK(org != NULL);
    /* Two rounds: every kiosk pushes its day, then pulls the others' (the pulled copies are
     * in the kiosk databases the report merges). */
    for (int round = 0; round < 2; round++) {
        for (size_t k = 0; k < ARRAY_LEN(devices) && conninfo[k] != NULL; k++)
            CHECK(test_sh("%s sync %s/b-%s --device %s --db %s/%s.db --central '%s' --once "
                          "2>>%s/sync.log",
                          bin, dir, devices[k], devices[k], dir, devices[k], conninfo[k],
                          dir) == 0);
    }
    for (size_t k = 0; k < ARRAY_LEN(devices); k++)
        check_log_given(devices[k]);
    int64_t total = query_number(c, "SELECT count(*) FROM portier.scans");
    CHECK(total > 30);
    CHECK(query_number(c, "SELECT count(*) FROM portier.scans_timed WHERE time_source = 'given'"
                          " AND corrected_ms = wall_ms") == total);
    CHECK(query_number(c, "SELECT count(*) FROM portier.scans WHERE clock_synced") == 0);

    CHECK(test_sh("cd %s && %s report --db ent.db --db hall.db --db salon.db --event ev "
                  "--out kiosks >/dev/null",
                  dir, bin) == 0);
    CHECK(org != NULL && test_sh("cd %s && %s report --central \"%s\" --event ev --out central "
                                 ">/dev/null",
                                 dir, bin, org) == 0);
    /* The day as replayed (a report that says 0 everywhere would match a broken one). */
    const char *expect[][2] = {{"keynote", "10"}, {"talk", "5"}, {"closing", "9"}};
    for (size_t i = 0; i < ARRAY_LEN(expect); i++) {
        char *v = attendance("kiosks", expect[i][0], "attended");
        if (strcmp(v, expect[i][1]) != 0)
            fprintf(stderr, "%s: attended %s, expected %s\n", expect[i][0], v, expect[i][1]);
        CHECK(strcmp(v, expect[i][1]) == 0);
        free(v);
    }
    check_same_dirs("kiosks", "central");

    /* A kiosk started with --clock: its scans are given-time scans, timed as given. */
    CHECK(test_sh("cd %s && printf '%%s\\n' '%s' | %s kiosk b-ent --device ent --room entrance "
                  "--mode entry --db ent.db --camera none --scanner stdin --headless "
                  "--clock " DAY "08:00:00Z >/dev/null 2>&1",
                  dir, tokens[0], bin) == 0);
    CHECK(test_sh("%s sync %s/b-ent --device ent --db %s/ent.db --central '%s' --once "
                  "2>>%s/sync.log",
                  bin, dir, dir, conninfo[0], dir) == 0);
    CHECK(query_number(c, "SELECT count(*) FROM portier.scans_timed WHERE time_source = 'given'"
                          " AND corrected_at < '2025-03-14T08:01:00Z'"
                          " AND corrected_at >= '2025-03-14T08:00:00Z'") == 1);

    PQfinish(c);
    for (size_t k = 0; k < ARRAY_LEN(devices); k++)
        free(conninfo[k]);
    free(org);
    event_fixture_tokens_free(&badges);
    pg_harness_destroy(pg);
    test_sh("rm -rf %s", dir);
    free(dir);
    return check_done();
}
