/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's Kiosks page and alerts on a real PostgreSQL 15 (DESIGN.md §8): the heartbeat
 * that `portier sync` writes into portier.device_status (schema step 10) every polled cycle,
 * row-level security on it (a device writes only its own row), /kiosks and /api/kiosks, and
 * the alerts that come of it: a silent kiosk, an unsynchronised or disagreeing clock, an upload
 * that is stuck or quarantined, and a session starting within 10 minutes with more
 * registrations than seats. Then the organisers' pages: People (the kiosk lookup's folding on
 * central's model, check-in and sessions) and Reports (portier report's files from central),
 * refused to staff. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "event_fixture.h"
#include "file.h"
#include "http_client.h"
#include "pg_harness.h"
#include "proc.h"
#include "shell.h"
#include "sysclock.h"
#include "util.h"
#include "web_org.h"

static char *dir;
static const char *bin;
static struct pg_harness *pg;
static char admin[1024];
static char *door1, *door2; /* the devices' conninfo */
static struct event_tokens badges;

/* Runs sql as the superuser; false (checked) when it failed. */
static bool sql_ok(const char *sql)
{
    PGconn *conn = central_connect(admin);
    PGresult *res = PQexec(conn, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    CHECK_MSG(ok, "%s: %s", sql, res ? PQresultErrorMessage(res) : "no connection");
    PQclear(res);
    central_close(conn);
    return ok;
}

/* The first value of sql run on conninfo (owned), or the error message prefixed "ERROR: ". */
static char *value_on(const char *conninfo, const char *sql)
{
    PGconn *conn = PQconnectdb(conninfo);
    PGresult *res = PQexec(conn, sql);
    char *out;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
        out = xstrdup(PQgetvalue(res, 0, 0));
    else if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK)
        out = xasprintf("OK %s", PQcmdTuples(res));
    else
        out = xasprintf("ERROR: %s", PQresultErrorMessage(res));
    PQclear(res);
    PQfinish(conn);
    return out;
}

/* Two rooms with a session each starting in 5 minutes: "small" (2 seats) with 3 registered,
 * "big" (100 seats) with 3 registered; two kiosks, door-1 (small) and door-2 (big). */
static bool setup(void)
{
    bin = getenv("PORTIER_BIN");
    dir = event_fixture_dir("dashk");
    test_write_file(dir, "rooms.csv", "id,name,capacity\nbig,Big Room,100\nsmall,Small Room,2\n");
    event_fixture_sessions(dir, "id,room,title,start,end\nsm1,small,Crowded,{5},{60}\n"
                                "bg1,big,Roomy,{5},{60}\n");
    test_write_file(dir, "attendees.csv",
                    "id,name,organisation,email,language,category,sessions\n"
                    "P001,Ana Lima,Org,a@example.org,en,attendee,sm1;bg1\n"
                    "P002,Bo Berg,Org,b@example.org,en,attendee,sm1;bg1\n"
                    "P003,Çy Dörn,Zorgraad Limburg,c@example.org,en,attendee,sm1;bg1\n"
                    "P004,Di Eck,Org,d@example.org,en,attendee,\n");
    CHECK(event_fixture_init(dir, "Kiosks", NULL, "k1 k2") && event_fixture_tokens(dir, &badges));
    PGconn *conn = event_fixture_central(dir, &pg, admin, sizeof admin);
    const char *small[] = {"small"}, *big[] = {"big"};
    if (conn != NULL) {
        char port[16];
        snprintf(port, sizeof port, "%d", pg->port);
        door1 = central_add_login(conn, CENTRAL_DEVICE, "door-1", CENTRAL_AUTH_PASSWORD, small, 1,
                                  "127.0.0.1", port);
        door2 = central_add_login(conn, CENTRAL_DEVICE, "door-2", CENTRAL_AUTH_PASSWORD, big, 1,
                                  "127.0.0.1", port);
    }
    CHECK(door1 != NULL && door2 != NULL);
    central_close(conn);
    return door1 != NULL && door2 != NULL;
}

/* One scan of attendee's badge at a headless kiosk of device on kiosk dir kdir, in room (a
 * decision line awaited), then the kiosk stopped. */
static void scan_at(const char *kdir, const char *device, const char *room, const char *attendee)
{
    const char *tok = event_fixture_token(&badges, attendee);
    CHECK(test_sh("cd %s && printf '%%s\\n' '%s' | %s kiosk %s --device %s --room %s --mode entry "
                  "--db %s.db --camera none --scanner stdin --headless 2>>kiosk-%s.log | "
                  "grep -q '\"result\"'",
                  dir, tok, bin, kdir, device, room, device, device) == 0);
}

/* `portier sync --once` for device (with PORTIER_CLOCK=clock when not NULL). */
static int sync_once(const char *kdir, const char *device, const char *conninfo, const char *clock)
{
    return test_sh("cd %s && %s%s%s%s sync %s --device %s --db %s.db --central '%s' --once "
                   "2>>sync-%s.log",
                   dir, clock ? "env PORTIER_CLOCK=" : "", clock ? clock : "", clock ? " " : "",
                   bin, kdir, device, device, conninfo, device);
}

/* The sync daemon's heartbeat: written by --once, the host's clock state, the offset, the
 * version; an upload the server refuses (stuck) and a scan it quarantines, counted;
 * pending_since kept while the count does not go down; row-level security. */
static void test_heartbeat(void)
{
    CHECK(sync_once("k2", "door-2", door2, NULL) == 0);
    char *v = value_on(admin, "SELECT pending || ' ' || quarantined || ' ' || clock_synced::int ||"
                              " ' ' || (abs(clock_offset_ms) < 2000)::int || ' ' || version ||"
                              " ' ' || (last_contact > now() - interval '1 minute')::int"
                              " FROM portier.device_status WHERE device_id = 'door-2'");
    char *want = xasprintf("0 0 %d 1 %s 1", sysclock_is_synchronised() ? 1 : 0, PORTIER_VERSION);
    CHECK_STR(v, want);
    free(v);
    free(want);

    /* door-1's kiosk scans in a room it is not bound to: the server refuses the upload (a
     * privilege, not the content: it is retried, not set aside), and the heartbeat still
     * says so; its clock is 90 s ahead and not synchronised. */
    scan_at("k1", "door-1", "big", "P001");
    CHECK(sync_once("k1", "door-1", door1, "skewed:90000") != 0);
    v = value_on(admin, "SELECT pending || ' ' || quarantined || ' ' || clock_synced::int || ' ' ||"
                        " (clock_offset_ms BETWEEN -92000 AND -88000)::int"
                        " FROM portier.device_status WHERE device_id = 'door-1'");
    CHECK_STR(v, "1 0 0 1");
    free(v);
    /* Again: still 1 waiting, so the wait has not restarted. */
    char *since = value_on(admin, "SELECT pending_since FROM portier.device_status"
                                  " WHERE device_id = 'door-1'");
    test_sleep_ms(20);
    CHECK(sync_once("k1", "door-1", door1, "skewed:90000") != 0);
    v = value_on(admin, "SELECT pending_since || ' ' || (last_contact > pending_since)::int"
                        " FROM portier.device_status WHERE device_id = 'door-1'");
    char *want_since = xasprintf("%s 1", since);
    CHECK_STR(v, want_since);
    free(v);
    free(want_since);
    free(since);

    /* door-2's kiosk admits P004, whom central no longer has: the server refuses the scan's
     * content, the daemon sets it aside (quarantine) and counts it in its heartbeat. */
    scan_at("k2", "door-2", "big", "P004");
    CHECK(sql_ok("DELETE FROM portier.attendees WHERE id = 'P004'"));
    sync_once("k2", "door-2", door2, NULL);
    v = value_on(admin, "SELECT pending || ' ' || quarantined FROM portier.device_status"
                        " WHERE device_id = 'door-2'");
    CHECK_STR(v, "0 1");
    free(v);

    /* A device reads and writes its own row only. */
    v = value_on(door1, "SELECT count(*) FROM portier.device_status");
    CHECK_STR(v, "1");
    free(v);
    v = value_on(door1, "UPDATE portier.device_status SET pending = 7 WHERE device_id = 'door-2'");
    CHECK_STR(v, "OK 0");
    free(v);
    v = value_on(door1, "INSERT INTO portier.device_status (device_id, pending, clock_synced)"
                        " VALUES ('door-3', 1, true)");
    CHECK_MSG(strncmp(v, "ERROR: ", 7) == 0 && strstr(v, "row-level security") != NULL, "%s", v);
    free(v);
    /* The server stamps last_contact, whatever the device says. */
    v = value_on(door1, "UPDATE portier.device_status SET last_contact = now() + interval '1 day'");
    CHECK_MSG(strstr(v, "permission denied") != NULL, "%s", v);
    free(v);
}

/* Starts the dashboard on port; its pid. */
static pid_t start_dashboard(int port)
{
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    char *log = xasprintf("%s/dashboard.log", dir);
    const char *argv[] = {bin, "dashboard", "--central", admin, "--listen", listen, NULL};
    struct proc dash;
    proc_start(&dash, (char *const *)argv, false, false, log);
    pid_t pid = dash.pid;
    free(log);
    for (int i = 0; i < 200; i++) {
        char *body = NULL;
        bool up = http_get(port, "/api/status", "", &body) == 200 &&
                  strstr(body, "\"connected\":true") != NULL;
        free(body);
        if (up)
            return pid;
        test_sleep_ms(50);
    }
    CHECK_MSG(false, "the dashboard did not start (see %s/dashboard.log)", dir);
    return pid;
}

static bool stop_dashboard(pid_t pid)
{
    kill(pid, SIGTERM);
    int status = 0;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static const char *body_of(const char *answer)
{
    const char *b = strstr(answer, "\r\n\r\n");
    return b ? b + 4 : "";
}

/* Logs name in with password; the Cookie header to send (owned), or NULL. */
static char *login(int port, const char *name, const char *password)
{
    char *form = xasprintf("name=%s&password=%s", name, password), *ans = NULL;
    int st = http_post(port, "/login", "", form, &ans);
    free(form);
    const char *c = st == 303 ? strstr(ans, "Set-Cookie: portier_session=") : NULL;
    char *hdr = c ? xasprintf("Cookie: %.*s\r\n", (int)strcspn(c + 12, ";\r"), c + 12) : NULL;
    free(ans);
    CHECK(hdr != NULL);
    return hdr;
}

/* Time passes: door-1's scan has waited 5 minutes; door-2 has been silent for 5 minutes (no
 * anchor, no scan, its heartbeat that old) and its clock, synchronised, is a minute behind
 * the server's. */
static void five_minutes_later(void)
{
    CHECK(sql_ok("DELETE FROM portier.clock_anchors WHERE device_id = 'door-2';"
                 " SET session_replication_role = replica;"
                 " UPDATE portier.device_status SET pending_since = now() - interval '5 min'"
                 " WHERE device_id = 'door-1';"
                 " UPDATE portier.device_status SET clock_synced = true, clock_offset_ms = 60000,"
                 " last_contact = now() - interval '5 min' WHERE device_id = 'door-2'"));
}

/* /kiosks and /api/kiosks behind a login; the alerts of the heartbeats and of the sessions. */
static void test_pages(int port)
{
    char *ans = NULL;
    CHECK(http_get(port, "/api/kiosks", "", NULL) == 401);
    CHECK(http_get(port, "/kiosks", "", &ans) == 401);
    CHECK(strstr(ans, "<form class=\"loginform\"") != NULL);
    free(ans);
    CHECK(http_get(port, "/alerts", "", NULL) == 401);
    CHECK(test_sh("printf 'correct horse\\n' | %s dashboard add-user '%s' sam --role staff "
                  ">/dev/null",
                  bin, admin) == 0);
    char *hdr = login(port, "sam", "correct+horse");
    if (hdr == NULL)
        return;
    CHECK(http_get(port, "/kiosks", hdr, &ans) == 200);
    CHECK(strstr(ans, "<table id=\"kiosks\"") != NULL && strstr(ans, "/pages.js") != NULL &&
          strstr(ans, "{{") == NULL);
    free(ans);
    CHECK(http_get(port, "/alerts", hdr, &ans) == 200);
    CHECK(strstr(ans, "id=\"alertlist\"") != NULL);
    free(ans);
    CHECK(http_get(port, "/pages.js", "", &ans) == 200);
    CHECK(strstr(ans, "/api/kiosks") != NULL);
    free(ans);

    CHECK(http_get(port, "/api/kiosks", hdr, &ans) == 200);
    const char *k = body_of(ans);
    CHECK_MSG(strstr(k, "[{\"device\":\"door-1\",\"rooms\":\"small\",\"room\":\"\","
                        "\"mode\":\"\",\"last_contact\":") == k &&
                  strstr(k, ",\"heartbeat\":true,\"pending\":1,\"quarantined\":0,"
                            "\"clock_synced\":false,\"clock_offset_ms\":-") != NULL &&
                  strstr(k, ",\"clock_ok\":false,\"version\":\"" PORTIER_VERSION "\"},"
                            "{\"device\":\"door-2\",\"rooms\":\"big\",") != NULL &&
                  strstr(k, "\"heartbeat\":true,\"pending\":0,\"quarantined\":1,"
                            "\"clock_synced\":true,\"clock_offset_ms\":60000,"
                            "\"clock_ok\":false,") != NULL,
              "%s", k);
    free(ans);

    CHECK(http_get(port, "/api/alerts", hdr, &ans) == 200);
    const char *a = body_of(ans);
    CHECK_MSG(strstr(a, "[{\"kind\":\"session_overbooked\",\"room\":\"small\",\"since\":") == a &&
                  strstr(a, "\"text\":\"Small Room: the next session starts within 10 min with "
                            "3 registered for 2 seats\"},{\"kind\":\"kiosk_clock\",\"device\":"
                            "\"door-1\",") != NULL &&
                  strstr(a, "\"text\":\"kiosk door-1: its clock is not synchronised\"},"
                            "{\"kind\":\"kiosk_stuck\",\"device\":\"door-1\",") != NULL &&
                  strstr(a, "\"text\":\"kiosk door-1: 1 scans waiting to upload, not going "
                            "down\"},{\"kind\":\"kiosk_silent\",\"device\":\"door-2\",") != NULL &&
                  strstr(a, "\"text\":\"kiosk door-2: nothing received for 5 min\"},"
                            "{\"kind\":\"kiosk_clock\",\"device\":\"door-2\",") != NULL &&
                  strstr(a, "\"text\":\"kiosk door-2: its clock is -60.0 s off the server's\"},"
                            "{\"kind\":\"kiosk_stuck\",\"device\":\"door-2\",") != NULL &&
                  strstr(a, "\"text\":\"kiosk door-2: 1 scans refused by the server "
                            "(quarantined)\"}]") != NULL &&
                  strstr(a, "big") == NULL,
              "%s", a);
    free(ans);

    /* door-2 is back: its next heartbeat (a real sync) ends its silence (its quarantined scan
     * stays), and the feed picks it up at its next refresh (a scan's notification). */
    sync_once("k2", "door-2", door2, NULL);
    CHECK(sql_ok("NOTIFY portier_scans"));
    bool cleared = false;
    for (int i = 0; i < 50 && !cleared; i++) {
        test_sleep_ms(100);
        CHECK(http_get(port, "/api/alerts", hdr, &ans) == 200);
        cleared = strstr(ans, "kiosk_silent") == NULL &&
                  strstr(ans, "\"kiosk_stuck\",\"device\":\"door-2\"") != NULL;
        free(ans);
    }
    CHECK(cleared);
    free(hdr);
}

/* Admits attendee at room (entrance or a room) at central, as an upload would. */
static void admit(int seq, const char *room, const char *attendee)
{
    char *sql = xasprintf(
        "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
        " clock_synced, room, attendee, mode, kind, result, reason) VALUES ('up', 1, %d,"
        " (extract(epoch FROM now()) * 1000)::bigint - 60000, %d, 'b', true, '%s', '%s', 'entry',"
        " 'badge', 'admitted', 'ok')",
        seq, seq, room, attendee);
    CHECK(sql_ok(sql));
    free(sql);
}

/* Arrivals at the entrances on the rooms page's stream, live: a badge admitted at an
 * entrance reaches it within 1 s. */
static void test_arrivals(int port)
{
    int fd = http_stream(port, "/stream");
    struct strbuf sb = {0};
    long at =
        http_stream_wait(fd, &sb, 0,
                         "event: arrivals\ndata: "
                         "{\"checked_in\":0,\"recent\":0,\"minutes\":15,\"expected_today\":-1}\n\n",
                         5000);
    CHECK(at > 0);
    int64_t t0 = time_mono_ns();
    admit(10, "entrance", "P001");
    long got =
        http_stream_wait(fd, &sb, (size_t)(at > 0 ? at : 0),
                         "event: arrivals\ndata: "
                         "{\"checked_in\":1,\"recent\":1,\"minutes\":15,\"expected_today\":-1}\n\n",
                         5000);
    int64_t ms = (time_mono_ns() - t0) / 1000000;
    CHECK_MSG(got > 0 && ms < 1000, "entrance admission -> page: %lld ms", (long long)ms);
    close(fd);
    strbuf_finish(&sb);
    CHECK(http_get(port, "/dashboard.js", "", &sb.data) == 200);
    CHECK(strstr(sb.data, "addEventListener('arrivals'") != NULL);
    free(sb.data);
}

/* People and Reports: organisers only; the lookup's folding; the report's files. */
static void test_organisers(int port)
{
    /* P004 back at central: the event directory's model and central's are the same again. */
    PGconn *conn = central_connect(admin);
    char *event_db = xasprintf("%s/ev/event.db", dir);
    CHECK(conn != NULL && central_publish(conn, event_db, false, NULL));
    free(event_db);
    central_close(conn);
    admit(1, "entrance", "P003");
    admit(2, "big", "P003");
    CHECK(test_sh("printf 'correct horse\\n' | %s dashboard add-user '%s' olga --role organiser "
                  ">/dev/null",
                  bin, admin) == 0);
    char *staff = login(port, "sam", "correct+horse");
    char *org = login(port, "olga", "correct+horse");
    if (staff == NULL || org == NULL)
        return;
    static const char *const paths[] = {"/people", "/reports", "/api/people?q=cy",
                                        "/reports/attendance.csv"};
    for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
        CHECK_MSG(http_get(port, paths[i], "", NULL) == 401, "%s", paths[i]);
        CHECK_MSG(http_get(port, paths[i], staff, NULL) == 403, "%s", paths[i]);
    }
    char *ans = NULL;
    CHECK(http_get(port, "/people", org, &ans) == 200);
    CHECK(strstr(ans, "<table id=\"people\"") != NULL);
    free(ans);
    /* Folded as at the kiosk: case, accents, word starts, organisations. */
    static const char *const queries[] = {"cy%20dorn", "DÖRN", "zorgraad", "%C3%A7y"};
    for (size_t i = 0; i < ARRAY_LEN(queries); i++) {
        char *path = xasprintf("/api/people?q=%s", queries[i]);
        CHECK(http_get(port, path, org, &ans) == 200);
        const char *b = body_of(ans);
        CHECK_MSG(strstr(b, "{\"total\":1,\"people\":[{\"attendee\":\"P003\",\"name\":"
                            "\"Çy Dörn\",\"organisation\":\"Zorgraad Limburg\",\"category\":"
                            "\"attendee\",\"checked_in\":\"") == b &&
                      strstr(b, "\"sessions\":[{\"id\":\"bg1\",\"title\":\"Roomy\",") != NULL &&
                      strstr(b, "\"registered\":true,\"minutes\":") != NULL &&
                      strstr(b, "{\"id\":\"sm1\",\"title\":\"Crowded\",") != NULL &&
                      strstr(b, "@") == NULL,
                  "%s: %s", queries[i], b);
        free(ans);
        free(path);
    }
    CHECK(http_get(port, "/api/people?q=o", org, &ans) == 400);
    CHECK(strstr(ans, "too_short") != NULL);
    free(ans);
    CHECK(http_get(port, "/api/people?q=org", org, &ans) == 200);
    CHECK(strstr(body_of(ans), "{\"total\":3,") == body_of(ans));
    free(ans);

    CHECK(http_get(port, "/reports", org, &ans) == 200);
    CHECK(strstr(ans, "<a href=\"/reports/walkins.csv\">") != NULL);
    for (size_t i = 0; web_org_report_names[i] != NULL; i++) {
        char *link = xasprintf("<a href=\"/reports/%s\">", web_org_report_names[i]);
        CHECK_MSG(strstr(ans, link) != NULL, "%s", link);
        free(link);
    }
    free(ans);
    /* The same files as portier report --central. */
    CHECK(test_sh("cd %s && %s report --event ev --central '%s' --out rep >/dev/null", dir, bin,
                  admin) == 0);
    for (size_t i = 0; web_org_report_names[i] != NULL; i++) {
        char *path = xasprintf("/reports/%s", web_org_report_names[i]);
        CHECK(http_get(port, path, org, &ans) == 200);
        char *file = xasprintf("%s/rep/%s", dir, web_org_report_names[i]);
        char *want = file_read_all(file, NULL);
        CHECK_MSG(want != NULL && strcmp(body_of(ans), want) == 0, "%s differs", path);
        CHECK(strstr(ans, "Content-Disposition: attachment; filename=") != NULL);
        free(want);
        free(file);
        free(path);
        free(ans);
    }
    CHECK(http_get(port, "/reports/report.xlsx", org, NULL) == 404);
    CHECK(http_get(port, "/reports/../../etc/passwd", org, NULL) == 404);
    free(staff);
    free(org);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (setup()) {
        test_heartbeat();
        five_minutes_later();
        int port = pg_harness_free_port();
        pid_t d = start_dashboard(port);
        test_pages(port);
        test_arrivals(port);
        test_organisers(port);
        CHECK(stop_dashboard(d));
    }
    CHECK(test_sh("grep -l Sanitizer %s/*.log >&2", dir) == 1);
    pg_harness_destroy(pg);
    free(door1);
    free(door2);
    event_fixture_tokens_free(&badges);
    event_fixture_cleanup(dir, check_failed == 0);
    free(dir);
    return check_done();
}
