/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's Alerts, People and Reports pages in a real browser: Debian's chromium driven
 * by puppeteer-core (tests/browser/pages.mjs) against a dashboard on a real PostgreSQL 15.
 * Every alert on /alerts is in the page's language (Dutch and French, not the server's
 * English); People finds a person through its form and shows their check-in and sessions with
 * the minutes spent in them; Reports downloads a file, the same as `portier report --central`
 * makes; staff get 403 for both pages and the file. With PORTIER_SCREENSHOTS=DIR the
 * screenshots are copied there. Needs chromium, node and npm. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "event_fixture.h"
#include "file.h"
#include "http_client.h"
#include "pg_harness.h"
#include "proc.h"
#include "shell.h"
#include "util.h"

#define MIN_MS 60000LL

static char *dir;
static const char *bin;
static struct pg_harness *pg;
static char admin[1024];

/* The event at central: Le Salon full, Zolder at half (the dashboard warns from 50 %), the
 * Small Room's next session in 5 minutes with 2 registered for its 1 seat, kiosk door-1 never
 * heard from; Ana Lima checked in at checkin_ms and in the keynote for 30 minutes. */
static bool setup(int64_t checkin_ms)
{
    bin = getenv("PORTIER_BIN");
    dir = event_fixture_dir("pages");
    test_write_file(dir, "rooms.csv",
                    "id,name,capacity\nhall,Great Hall,100\nsalon,Le Salon,5\n"
                    "small,Small Room,1\nzolder,Zolder,4\n");
    event_fixture_sessions(dir, "id,room,title,start,end\nkey,hall,Keynote,{-60},{60}\n"
                                "sm1,small,Crowded,{5},{60}\n");
    test_write_file(dir, "attendees.csv",
                    "id,name,organisation,email,language,category,sessions\n"
                    "P001,Ana Lima,Acme,a@example.org,en,attendee,key;sm1\n"
                    "P002,Anaïs Dubois,Zorgraad,b@example.org,fr,attendee,sm1\n"
                    "P003,Bo Berg,Acme,c@example.org,nl,attendee,key\n");
    CHECK(event_fixture_init(dir, "Pages", NULL, NULL));
    PGconn *conn = event_fixture_central(dir, &pg, admin, sizeof admin);
    CHECK(conn != NULL);
    if (conn == NULL)
        return false;
    const char *rooms[] = {"salon"};
    char *door = central_add_login(conn, CENTRAL_DEVICE, "door-1", CENTRAL_AUTH_PASSWORD, rooms, 1,
                                   NULL, NULL);
    CHECK(door != NULL);
    static const char scan[] =
        "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
        " clock_synced, room, attendee, mode, kind, result, reason) VALUES ";
    char *sql = xasprintf(
        "%s ('up', 1, 1, %lld, 1, 'b', true, 'entrance', 'P001', 'entry', 'badge', 'admitted',"
        " 'ok'), ('up', 1, 2, %lld, 2, 'b', true, 'hall', 'P001', 'entry', 'badge', 'admitted',"
        " 'ok'), ('up', 1, 3, %lld, 3, 'b', true, 'hall', 'P001', 'exit', 'badge', 'exited',"
        " 'ok');"
        " INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
        " clock_synced, room, mode, kind, result, reason) SELECT 'staff', 1, g, %lld, g, 'b',"
        " true, CASE WHEN g <= 5 THEN 'salon' ELSE 'zolder' END, 'entry', 'manual', 'admitted',"
        " 'ok' FROM generate_series(1, 7) AS g",
        scan, (long long)checkin_ms, (long long)(checkin_ms + 5 * MIN_MS),
        (long long)(checkin_ms + 35 * MIN_MS), (long long)(checkin_ms + 40 * MIN_MS));
    PGresult *res = PQexec(conn, sql);
    CHECK_MSG(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
    PQclear(res);
    free(sql);
    free(door);
    central_close(conn);
    return check_failed == 0;
}

/* The line of out that starts with prefix, up to its end (owned), or "" when none. */
static char *line_of(const char *out, const char *prefix)
{
    const char *at = out ? strstr(out, prefix) : NULL;
    return at ? xasprintf("%.*s", (int)strcspn(at, "\n"), at) : xstrdup("");
}

/* Checks that out has the line want. */
static void check_line(const char *out, const char *want)
{
    char *prefix = xasprintf("%.*s", (int)(strchr(want, ':') - want + 1), want);
    char *got = line_of(out, prefix);
    CHECK_MSG(strcmp(got, want) == 0, "\n got: %s\nwant: %s", got, want);
    free(got);
    free(prefix);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const char *browser_dir = getenv("PORTIER_BROWSER_DIR"); /* tests/browser */
    CHECK(browser_dir != NULL);
    /* The check-in 55 minutes ago, on a minute; its time on the page is the event's zone's. */
    int64_t checkin_ms = ((int64_t)time(NULL) / 60 - 55) * 60 * 1000;
    if (browser_dir == NULL || !setup(checkin_ms))
        return check_done();
    CHECK(test_sh("cd %s && { [ -d node_modules/puppeteer-core ] || npm ci --no-audit --no-fund "
                  "--ignore-scripts >&2; }",
                  browser_dir) == 0);
    CHECK(test_sh("for u in 'olga organiser' 'sam staff'; do set -- $u; printf 'correct horse\\n' "
                  "| %s dashboard add-user '%s' $1 --role $2 >/dev/null || exit 1; done",
                  bin, admin) == 0);
    int port = pg_harness_free_port();
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    char *dlog = path_join(dir, "dashboard.log");
    char *argv[] = {(char *)bin, "dashboard",    "--central", admin, "--listen",
                    listen,      "--alert-near", "50",        NULL};
    struct proc dash;
    proc_start(&dash, argv, false, false, dlog);
    for (int i = 0; i < 200 && http_get(port, "/api/status", "", NULL) != 200; i++)
        test_sleep_ms(50);
    int rc = test_sh("TZ=Europe/Brussels node %s/pages.mjs http://127.0.0.1:%d %s olga sam "
                     "'correct horse' >%s/browser.out 2>%s/browser.log",
                     browser_dir, port, dir, dir, dir);
    char *out_path = path_join(dir, "browser.out");
    char *out = file_read_all(out_path, NULL);
    CHECK_MSG(rc == 0, "the browser failed (%s/browser.log); it said:\n%s", dir, out ? out : "");
    fprintf(stderr, "%s", out ? out : "");

    check_line(out, "alerts nl: Le Salon is vol | Small Room: meer inschrijvingen dan plaatsen "
                    "voor de volgende sessie | Zolder op 50 % | Kiosk door-1 nooit gehoord");
    check_line(out, "alerts fr: Le Salon est complète | Small Room : plus d'inscrits que de places "
                    "pour la prochaine session | Zolder à 50 % | Borne door-1 jamais entendue");
    check_line(out, "alerts en: Le Salon is full (5/5) | Small Room: the next session starts "
                    "within 10 min with 2 registered for 1 seats | Zolder is at 50% (2/4) | "
                    "Kiosk door-1 never heard from");
    /* The check-in in the event's zone; the keynote's 30 minutes; the session not attended. */
    setenv("TZ", "Europe/Brussels", 1);
    tzset();
    time_t checkin_s = (time_t)(checkin_ms / 1000);
    struct tm tm;
    localtime_r(&checkin_s, &tm);
    char *people = xasprintf("people ana: 2 found | Ana Lima / Acme / %02d:%02d / ✓ Keynote (30 "
                             "min) · ✗ Crowded | Anaïs Dubois / Zorgraad / – / ✗ Crowded",
                             tm.tm_hour, tm.tm_min);
    check_line(out, people);
    free(people);
    /* The file the browser saved is the report's. */
    check_line(out, "downloaded attendance.csv");
    CHECK(test_sh("cd %s && %s report --event ev --central '%s' --out rep >/dev/null && "
                  "cmp rep/attendance.csv downloads/attendance.csv",
                  dir, bin, admin) == 0);
    check_line(out, "staff: /people 403 | /reports 403 | /reports/attendance.csv 403");

    CHECK(proc_stop(&dash) == 0);
    proc_finish(&dash);
    const char *shots = getenv("PORTIER_SCREENSHOTS");
    if (shots != NULL && check_failed == 0)
        CHECK(test_sh("cp %s/pages-*.png %s/", dir, shots) == 0);
    CHECK(test_sh("grep -l Sanitizer %s/*.log >&2", dir) == 1);
    pg_harness_destroy(pg);
    event_fixture_cleanup(dir, check_failed == 0);
    free(out);
    free(out_path);
    free(dlog);
    free(dir);
    return check_done();
}
