/* SPDX-License-Identifier: Apache-2.0 */
/* report.html in headless Chromium: a screenshot (PNG) and an A4 print (PDF), both without
 * errors, from a page that fetches nothing and runs no script; no sideways scrolling at 1280 and
 * 390 px (tests/browser/report.mjs). Needs the `chromium` package, node and npm. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "shell.h"
#include "event.h"
#include "image.h"
#include "report.h"
#include "roster.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "report_out.h"
#include "roster_db.h"

static char *dir;

/* A report of the fixture event, with a second day's session, and a morning of scans on each
 * day, written into dir/out. */
static void make_report(void)
{
    const char *data = getenv("PORTIER_TEST_DATA");
    /* The fixture's rooms and 32 more: a column each in the occupancy table, wider than a
     * desktop window. */
    char *rooms = path_join(dir, "rooms.csv");
    CHECK(
        test_sh("{ cat %s/event/rooms.csv; for i in $(seq 10 41); do echo \"hall-$i,Hall $i,50\"; "
                "done; } >%s",
                data, rooms) == 0);
    char *ev_dir = path_join(dir, "ev");
    char *sessions = path_join(dir, "sessions.csv");
    CHECK(test_sh("{ cat %s/event/sessions.csv; echo 's-day2,aula,Day two keynote,"
                  "2024-04-23T09:00:00+02:00,2024-04-23T10:30:00+02:00'; } >%s",
                  data, sessions) == 0);
    char *people = xasprintf("%s/event/attendees.csv", data);
    CHECK(roster_init_event(ev_dir, "Test <&> \"event\"", "Europe/Brussels", rooms, sessions,
                            people, NULL));
    char *db = path_join(ev_dir, EVENT_DB_NAME);
    struct event *ev = event_load(db);
    CHECK(ev != NULL);
    if (ev == NULL)
        return;
    int64_t t9;
    CHECK(time_parse_iso8601("2024-04-22T09:00:00+02:00", &t9));
    struct report_log *log = report_log_create();
    int64_t seq = 0;
    for (size_t a = 0; a < ev->n_attendees; a++) {
        struct scan s = {0};
        snprintf(s.device_id, sizeof s.device_id, "entr");
        s.db_epoch = 1;
        s.kind = SCAN_BADGE;
        s.result = RESULT_ADMITTED;
        s.clock_synced = true;
        snprintf(s.attendee, sizeof s.attendee, "%s", ev->attendees[a].id);
        snprintf(s.room, sizeof s.room, "entrance");
        s.seq = ++seq;
        int64_t t = t9 - 40 * 60000 + (int64_t)a * 75000;
        report_log_add(log, &s, t);
        snprintf(s.room, sizeof s.room, "%s", ev->rooms[a % ev->n_rooms].id);
        s.seq = ++seq;
        report_log_add(log, &s, t + 10 * 60000);
        if (a % 3 == 0) {
            s.result = RESULT_EXITED;
            s.seq = ++seq;
            report_log_add(log, &s, t + 70 * 60000);
        }
        if (a % 2 == 0) { /* back the next day */
            snprintf(s.room, sizeof s.room, "entrance");
            s.result = RESULT_ADMITTED;
            s.seq = ++seq;
            report_log_add(log, &s, t + 24 * 3600000);
        }
    }
    struct report *r = report_compute(ev, log);
    struct report_csv_format fmt = {',', false, false, NULL};
    char *out = path_join(dir, "out");
    CHECK(report_write_dir(r, out, &fmt));
    report_destroy(r);
    report_log_destroy(log);
    event_destroy(ev);
    free(out);
    free(db);
    free(ev_dir);
    free(rooms);
    free(sessions);
    free(people);
}

/* Runs Chromium headless on the page with extra arguments; stderr into dir/chromium.log. */
static int chromium(const char *args)
{
    return test_sh("cd %s && chromium --headless --no-sandbox --disable-gpu --disable-quic "
                   "--no-first-run --disable-background-networking --disable-component-update "
                   "--disable-sync --enable-logging=stderr --v=0 --user-data-dir=%s/profile %s "
                   "file://%s/out/report.html >>chromium.log 2>&1",
                   dir, dir, args, dir);
}

int main(void)
{
    char tmpl[] = "/tmp/portier-report-html-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    CHECK_MSG(test_sh("command -v chromium >/dev/null") == 0,
              "chromium is not installed: apt-get install chromium");
    make_report();

    /* Self-contained: nothing to fetch, no script. */
    char *html_path = path_join(dir, "out/report.html");
    char *html = file_read_all(html_path, NULL);
    CHECK(html != NULL);
    if (html != NULL) {
        CHECK(strstr(html, "<script") == NULL);
        CHECK(strstr(html, "http://") == NULL && strstr(html, "https://") == NULL);
        CHECK(strstr(html, "<svg") != NULL && strstr(html, "@page{size:A4") != NULL);
        CHECK(strstr(html, "Test &lt;&amp;&gt; &quot;event&quot;") != NULL);
        CHECK(strstr(html, "<div class=\"when\">22–23 April 2024<br>") != NULL);
        CHECK(strstr(html, "<h3 class=\"day\">Tuesday 23 April 2024</h3>") != NULL);
        CHECK(strstr(html, "Fran\xC3\xA7oise Dieudonn\xC3\xA9") != NULL);
        CHECK(utf8_valid(html, strlen(html), NULL));
    }

    CHECK(chromium("--screenshot=shot.png --window-size=1240,1754") == 0);
    struct image img = {0};
    char *png = path_join(dir, "shot.png");
    CHECK(image_load(png, &img));
    CHECK(img.width == 1240 && img.height == 1754);
    /* Not a blank page: ink (dark text) and colour (the charts' fills) both there. */
    size_t dark = 0, mid = 0;
    for (int y = 0; y < img.height; y++) {
        for (int x = 0; x < img.width; x++) {
            uint8_t v = img.pixels[(size_t)y * (size_t)img.stride + (size_t)x];
            dark += v < 80;
            mid += v >= 80 && v < 230;
        }
    }
    CHECK_MSG(dark > 5000 && mid > 20000, "dark %zu, mid %zu", dark, mid);
    image_finish(&img);

    CHECK(chromium("--no-pdf-header-footer --print-to-pdf=print.pdf") == 0);
    char *pdf_path = path_join(dir, "print.pdf");
    size_t len = 0;
    char *pdf = file_read_all(pdf_path, &len);
    CHECK(pdf != NULL && len > 10000 && memcmp(pdf, "%PDF", 4) == 0);
    /* A4 pages: 595 x 842 points */
    CHECK(pdf != NULL && memmem(pdf, len, "/MediaBox [0 0 594.95996 841.91998]", 35) != NULL);

    /* Errors: the page's console, failed loads. Chromium's own D-Bus noise is not ours. */
    char *log_path = path_join(dir, "chromium.log");
    char *log = file_read_all(log_path, NULL);
    CHECK(log != NULL);
    if (log != NULL) {
        CHECK_MSG(strstr(log, "CONSOLE") == NULL && strstr(log, "net::ERR") == NULL &&
                      strstr(log, "Uncaught") == NULL,
                  "%s", log);
        CHECK(strstr(log, "bytes written to file") != NULL);
    }
    /* Nothing scrolls the page sideways, in a desktop window or on a phone: a wide table
     * scrolls in its own box, the charts and cards fit the width. */
    const char *browser_dir = getenv("PORTIER_BROWSER_DIR"); /* tests/browser */
    CHECK(browser_dir != NULL);
    if (browser_dir != NULL) {
        CHECK(test_sh("cd %s && { [ -d node_modules/puppeteer-core ] || npm ci --no-audit "
                      "--no-fund --ignore-scripts >&2; }",
                      browser_dir) == 0);
        int rc = test_sh("node %s/report.mjs %s %s >%s/browser.out 2>&1", browser_dir, html_path,
                         dir, dir);
        char *out_path = path_join(dir, "browser.out");
        char *out = file_read_all(out_path, NULL);
        CHECK_MSG(rc == 0, "the browser failed: %s", out ? out : "");
        CHECK_MSG(out != NULL &&
                      strcmp(out, "width 1280: scroll 1280\nwidth 390: scroll 390\n") == 0,
                  "the page scrolls sideways:\n%s", out ? out : "");
        free(out);
        free(out_path);
    }
    test_sh("rm -rf %s", dir);
    free(log);
    free(log_path);
    free(pdf);
    free(pdf_path);
    free(png);
    free(html);
    free(html_path);
    free(dir);
    return check_done();
}
