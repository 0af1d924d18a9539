/* SPDX-License-Identifier: Apache-2.0 */
/* Multi-day badges through central (issue 17, docs/multi-day.md), against a real PostgreSQL:
 * the organiser changes an attendee's days after the kiosk's bundle was made and publishes
 * again; the kiosk's sync daemon pulls the change and the entrance's answer changes with it
 * (not_today -> admitted for one badge, admitted -> not_today for another). Then
 * `portier report --central` and `--db` write the same checkins_by_day.csv, and central's view
 * checkins_by_day counts those expected (badge valid that day) and checked in per day. The
 * event's two days are yesterday and today (in Brussels), so that the dashboard's arrivals,
 * which count today's check-ins on a multi-day event, can be checked too. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "central_dash.h"
#include "check.h"
#include "csv.h"
#include "csv_file.h"
#include "file.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "shell.h"
#include "sysclock.h"
#include "timeutil.h"
#include "util.h"

static char tmpdir[] = "/tmp/portier-multiday-central-XXXXXX";
static char *tokens[3];
static char day1[16], day2[16]; /* yesterday and today in Brussels, YYYY-MM-DD */

/* A two-day event in Brussels; M1 valid on day 1 only, M2 on both days, M3 every day. Noon
 * UTC lies on the same date in Brussels, whatever the season. */
static bool make_event(const char *ci)
{
    test_write_file(tmpdir, "rooms.csv", "id,name,capacity\nhall,Great Hall,50\n");
    char *text = xasprintf("id,room,title,start,end\n"
                           "d1,hall,Day one,%sT09:00:00Z,%sT16:00:00Z\n"
                           "d2,hall,Day two,%sT09:00:00Z,%sT16:00:00Z\n",
                           day1, day1, day2, day2);
    test_write_file(tmpdir, "sessions.csv", text);
    free(text);
    text = xasprintf("id,name,organisation,email,language,category,sessions,days\n"
                     "M1,Day one,,,en,attendee,,%s\n"
                     "M2,Both days,,,en,attendee,,%s;%s\n"
                     "M3,Every day,,,en,attendee,,\n",
                     day1, day1, day2);
    test_write_file(tmpdir, "attendees.csv", text);
    free(text);
    if (test_sh("cd %s && \"$PORTIER_BIN\" init ev --name Twodays --timezone Europe/Brussels "
                "--rooms rooms.csv --sessions sessions.csv --attendees attendees.csv >/dev/null && "
                "\"$PORTIER_BIN\" badges ev --out badges --format csv >/dev/null && "
                "\"$PORTIER_BIN\" bundle ev --out kiosk >/dev/null && "
                "\"$PORTIER_BIN\" central init '%s' >/dev/null && "
                "\"$PORTIER_BIN\" central publish ev '%s' >/dev/null && "
                "\"$PORTIER_BIN\" central add-device '%s' ent | tail -1 >conninfo.txt",
                tmpdir, ci, ci, ci) != 0)
        return false;
    char *path = xasprintf("%s/badges/tokens.csv", tmpdir);
    struct csv *csv = csv_read_file(path);
    free(path);
    for (size_t i = 1; csv != NULL && i < csv->n_records; i++) {
        int n = atoi(csv->records[i].fields[0] + 1);
        if (n >= 1 && n <= 3)
            tokens[n - 1] = xstrdup(csv->records[i].fields[2]);
    }
    csv_destroy(csv);
    return tokens[0] != NULL && tokens[1] != NULL && tokens[2] != NULL;
}

/* Replays "TIME PERSON" scans through a headless entrance kiosk; true when its answers hold
 * the expected fragments, in order. */
static bool replay(const char *name, const char *const times[], const int people[],
                   const char *const expect[], size_t n)
{
    struct strbuf in = {0};
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&in, "%s\t%s\n", times[i], tokens[people[i] - 1]);
    char *file = xasprintf("%s.replay", name);
    test_write_file(tmpdir, file, in.data);
    strbuf_finish(&in);
    bool ok = test_sh("cd %s && \"$PORTIER_BIN\" kiosk kiosk --device ent --room entrance --mode "
                      "entry --db ent.db --camera none --scanner stdin --headless <%s >%s.out "
                      "2>>kiosk.err",
                      tmpdir, file, name) == 0;
    free(file);
    char *path = xasprintf("%s/%s.out", tmpdir, name);
    char *out = file_read_all(path, NULL);
    free(path);
    const char *line = out ? out : "";
    for (size_t i = 0; ok && i < n; i++) {
        const char *nl = strchr(line, '\n');
        char *one = xstrndup(line, nl ? (size_t)(nl - line) : strlen(line));
        if (strstr(one, expect[i]) == NULL) {
            fprintf(stderr, "%s scan %zu: expected %s, got %s\n", name, i, expect[i], one);
            ok = false;
        }
        free(one);
        line = nl ? nl + 1 : line + strlen(line);
    }
    free(out);
    return ok;
}

/* One round of the kiosk's sync daemon: uploads its scans, pulls the attendees' changes. */
static bool sync_once(void)
{
    return test_sh("cd %s && \"$PORTIER_BIN\" sync kiosk --device ent --db ent.db --central "
                   "\"$(cat conninfo.txt)\" --once 2>>sync.err",
                   tmpdir) == 0;
}

/* Formats the local date `day` (a day number) as YYYY-MM-DD. */
static void format_day(int64_t day, char out[16])
{
    int64_t y;
    int m, d;
    time_civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04lld-%02d-%02d", (long long)y, m, d);
}

int main(void)
{
    CHECK(getenv("PORTIER_BIN") != NULL && mkdtemp(tmpdir) != NULL);
    CHECK(time_set_zone("Europe/Brussels"));
    int64_t today = time_local_day(time_now_ms());
    format_day(today - 1, day1);
    format_day(today, day2);
    char t1a[32], t1b[32], t2a[32], t2b[32], t2c[32], t2d[32];
    snprintf(t1a, sizeof t1a, "%sT11:00:00Z", day1);
    snprintf(t1b, sizeof t1b, "%sT11:01:00Z", day1);
    snprintf(t2a, sizeof t2a, "%sT11:00:00Z", day2);
    snprintf(t2b, sizeof t2b, "%sT11:05:00Z", day2);
    snprintf(t2c, sizeof t2c, "%sT11:06:00Z", day2);
    snprintf(t2d, sizeof t2d, "%sT12:05:00Z", day2);
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK_MSG(pg != NULL, "no PostgreSQL cluster (see above)");
    if (pg == NULL)
        goto out;
    const char *ci = pg_harness_conninfo(pg);
    CHECK(make_event(ci));

    /* Day 1 both are welcome; on day 2 M1's badge is not valid. */
    const char *const times1[] = {t1a, t1b, t2a};
    static const int p1[] = {1, 2, 1};
    static const char *const e1[] = {"\"admitted\",\"reason\":\"ok\"",
                                     "\"admitted\",\"reason\":\"ok\"",
                                     "\"denied\",\"reason\":\"not_today\""};
    CHECK(replay("before", times1, p1, e1, ARRAY_LEN(times1)));
    CHECK(sync_once());

    /* The organiser swaps them: M1 comes both days after all, M2 on day 1 only. */
    char *change = xasprintf("id,name,organisation,email,language,category,sessions,days\n"
                             "M1,Day one,,,en,attendee,,%s;%s\n"
                             "M2,Both days,,,en,attendee,,%s\n",
                             day1, day2, day1);
    test_write_file(tmpdir, "change.csv", change);
    free(change);
    CHECK(test_sh("cd %s && \"$PORTIER_BIN\" import ev --attendees change.csv >/dev/null && "
                  "\"$PORTIER_BIN\" central publish ev '%s' >publish.out",
                  tmpdir, ci) == 0);
    PGconn *db = PQconnectdb(ci);
    CHECK(PQstatus(db) == CONNECTION_OK);
    char *want = xasprintf("M1:%s;%s M2:%s M3:", day1, day2, day1);
    CHECK_QUERY(db,
                "SELECT string_agg(id || ':' || array_to_string(days, ';'), ' ' ORDER BY id)"
                " FROM portier.attendees",
                want);
    free(want);
    /* The daemon pulls the change into the bundle; the kiosk answers by it. */
    CHECK(sync_once());
    const char *const times2[] = {t2b, t2c, t2d};
    static const int p2[] = {1, 2, 1};
    static const char *const e2[] = {"\"admitted\",\"reason\":\"ok\"",
                                     "\"denied\",\"reason\":\"not_today\"",
                                     "\"admitted\",\"reason\":\"reentry\""};
    CHECK(replay("after", times2, p2, e2, ARRAY_LEN(times2)));
    CHECK(sync_once());

    /* The reports from central and from the kiosk's database agree, and with the view. */
    CHECK(test_sh("cd %s && \"$PORTIER_BIN\" report --central '%s' --event ev --out rc "
                  ">/dev/null && \"$PORTIER_BIN\" report --db ent.db --event ev --out rd "
                  ">/dev/null && cmp rc/checkins_by_day.csv rd/checkins_by_day.csv && "
                  "printf 'day,checked_in\\r\\n%s,2\\r\\n%s,1\\r\\n' >want.csv && "
                  "cmp rc/checkins_by_day.csv want.csv",
                  tmpdir, ci, day1, day2) == 0);
    want = xasprintf("%s:3:2 %s:2:1", day1, day2);
    CHECK_QUERY(db,
                "SELECT string_agg(day || ':' || expected || ':' || checked_in, ' ' ORDER BY day)"
                " FROM portier.checkins_by_day",
                want);
    free(want);
    PQfinish(db);
    /* The dashboard's arrivals: today's check-in (M1) of the two valid today (M1, M3), not the
     * event's two people. */
    PGconn *dash = central_dash_connect(ci, NULL);
    struct central_dash_arrivals arr = {0};
    CHECK(dash != NULL && central_dash_arrivals(dash, &arr));
    CHECK_MSG(arr.checked_in == 1 && arr.expected_today == 2, "arrivals %d of %d", arr.checked_in,
              arr.expected_today);
    central_close(dash);
out:
    pg_harness_destroy(pg);
    for (size_t i = 0; i < ARRAY_LEN(tokens); i++)
        free(tokens[i]);
    if (check_done() == 0)
        pg_harness_rm_tree(tmpdir);
    else
        fprintf(stderr, "left in %s\n", tmpdir);
    return check_done();
}
