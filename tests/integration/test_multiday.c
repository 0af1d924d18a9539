/* SPDX-License-Identifier: Apache-2.0 */
/* Multi-day events (issue 17): a two-day event whose badges are valid on one day or both
 * (attendees.csv column `days`). A real headless kiosk at the entrance replays both days: a
 * badge is refused on a day it is not valid (not_today, by the local date in the event's
 * zone: 00:30 in Brussels is still the day before in UTC), and the report counts check-ins per
 * day (checkins_by_day.csv): the first entrance of each day is that day's check-in (reason ok,
 * not reentry), so the kiosk's answers and the report agree. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csv.h"
#include "event_fixture.h"
#include "file.h"
#include "shell.h"
#include "util.h"

#define N_PEOPLE 4

static char *dir;
static const char *bin;
static struct event_tokens badges;
static const char *tokens[N_PEOPLE]; /* badges' */

/* The event in Brussels (UTC+1 in March) and its badges. */
static void make_event(void)
{
    test_write_file(dir, "rooms.csv", "id,name,capacity\nhall,Great Hall,50\n");
    test_write_file(dir, "sessions.csv",
                    "id,room,title,start,end\n"
                    "d1,hall,Day one,2025-03-14T10:00:00+01:00,2025-03-14T17:00:00+01:00\n"
                    "d2,hall,Day two,2025-03-15T10:00:00+01:00,2025-03-15T17:00:00+01:00\n");
    test_write_file(dir, "attendees.csv",
                    "id,name,organisation,email,language,category,sessions,days\n"
                    "M1,Only Friday,,,en,attendee,,2025-03-14\n"
                    "M2,Both days,,,en,attendee,,2025-03-15;2025-03-14\n"
                    "M3,Every day,,,en,attendee,,\n"
                    "M4,Only Saturday,,,en,attendee,,2025-03-15\n");
    CHECK(event_fixture_init(dir, "Twodays", NULL, "b-ent"));
    CHECK(event_fixture_tokens(dir, &badges) && badges.n == N_PEOPLE);
    event_fixture_numbered(&badges, "M", tokens, N_PEOPLE);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    dir = event_fixture_dir("multiday");
    make_event();
    /* UTC times; expected answers in the comments. */
    static const struct {
        const char *time;
        int person;
        const char *expect;
    } scans[] = {
        {"2025-03-14T08:00:00Z", 1, "\"admitted\",\"reason\":\"ok\""},
        {"2025-03-14T08:01:00Z", 2, "\"admitted\",\"reason\":\"ok\""},
        {"2025-03-14T08:02:00Z", 3, "\"admitted\",\"reason\":\"ok\""},
        {"2025-03-14T08:03:00Z", 4, "\"denied\",\"reason\":\"not_today\""},
        {"2025-03-14T23:30:00Z", 4, "\"admitted\",\"reason\":\"ok\""}, /* 00:30 on the 15th */
        {"2025-03-15T08:00:00Z", 1, "\"denied\",\"reason\":\"not_today\""},
        /* Day 2's first entry is that day's check-in; a second one the same day re-enters. */
        {"2025-03-15T08:01:00Z", 2, "\"admitted\",\"reason\":\"ok\""},
        {"2025-03-15T08:02:00Z", 3, "\"admitted\",\"reason\":\"ok\""},
        {"2025-03-15T09:02:00Z", 3, "\"admitted\",\"reason\":\"reentry\""},
    };
    struct strbuf in = {0};
    for (size_t i = 0; i < ARRAY_LEN(scans); i++)
        strbuf_printf(&in, "%s\t%s\n", scans[i].time, tokens[scans[i].person - 1]);
    test_write_file(dir, "ent.replay", in.data);
    strbuf_finish(&in);
    CHECK(test_sh("cd %s && %s kiosk b-ent --device ent --room entrance --mode entry --db ent.db "
                  "--camera none --scanner stdin --headless <ent.replay >ent.out 2>ent.err",
                  dir, bin) == 0);
    char *path = path_join(dir, "ent.out");
    size_t len = 0;
    char *out = file_read_all(path, &len);
    free(path);
    const char *line = out ? out : "";
    for (size_t i = 0; i < ARRAY_LEN(scans); i++) {
        const char *nl = strchr(line, '\n');
        char *one = xstrndup(line, nl ? (size_t)(nl - line) : strlen(line));
        bool ok = strstr(one, scans[i].expect) != NULL;
        if (!ok)
            fprintf(stderr, "scan %zu: expected %s, got %s\n", i, scans[i].expect, one);
        CHECK(ok);
        free(one);
        line = nl ? nl + 1 : line + strlen(line);
    }
    free(out);

    CHECK(test_sh("cd %s && %s report --db ent.db --event ev --out report >/dev/null && "
                  "printf 'day,checked_in\\r\\n2025-03-14,3\\r\\n2025-03-15,3\\r\\n' >want.csv && "
                  "cmp report/checkins_by_day.csv want.csv",
                  dir, bin) == 0);
    CHECK(test_sh("cd %s && grep -q '>3<.*checked in on 2025-03-15' report/report.html", dir) == 0);
    /* The kiosk's check-ins (admitted/ok) are the report's: 3 + 3. */
    CHECK(test_sh("cd %s && test $(grep -c '\"admitted\",\"reason\":\"ok\"' ent.out) -eq 6", dir) ==
          0);
    /* A date that is not one is refused at import, with file:line. */
    test_write_file(dir, "bad.csv",
                    "id,name,organisation,email,language,category,sessions,days\n"
                    "M9,Bad,,,en,attendee,,2025-02-30\n");
    CHECK(test_sh("cd %s && %s import ev --attendees bad.csv 2>import.err; test $? -ne 0 && "
                  "grep -q \"bad.csv:2: column 'days': '2025-02-30' is not a date\" import.err",
                  dir, bin) == 0);

    event_fixture_tokens_free(&badges);
    if (check_done() == 0)
        test_sh("rm -rf %s", dir);
    else
        fprintf(stderr, "left in %s\n", dir);
    free(dir);
    return check_done();
}
