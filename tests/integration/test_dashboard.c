/* SPDX-License-Identifier: Apache-2.0 */
/* portier dashboard on a real PostgreSQL 15: the open feed (/api/rooms, /api/rooms/stream)
 * exactly as DESIGN.md §8, a scan committed at central reaching an event stream within 1 s,
 * the page's fill levels (the kiosk's thresholds), logins (add-user, cookies, rate limit),
 * bad requests, and a database that goes away and comes back. */
#define _GNU_SOURCE
#include <errno.h>
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

static char *dir;
static const char *bin;
static struct pg_harness *pg;
static char admin[1024];
static int seq;

/* The event (two rooms; a session running in the salon and one after it), published. */
static bool setup(void)
{
    bin = getenv("PORTIER_BIN");
    dir = event_fixture_dir("dash");
    test_write_file(dir, "rooms.csv",
                    "id,name,capacity\nhall,Great Hall,1000\nsalon,Le Salon,5\nzolder,Zolder,4\n");
    event_fixture_sessions(dir,
                           "id,room,title,start,end\ns1,salon,\"Keynote \"\"one\"\"\",{-30},{30}\n"
                           "s2,salon,Après-midi,{30},{90}\n");
    struct strbuf att = {0};
    strbuf_puts(&att, "id,name,organisation,email,language,category,sessions\n");
    for (int i = 1; i <= 20; i++)
        strbuf_printf(&att, "P%03d,Person %d,Org,p%d@example.org,en,attendee,\n", i, i, i);
    test_write_file(dir, "attendees.csv", att.data);
    strbuf_finish(&att);
    CHECK(test_sh("cd %s && %s init ev --name Dash --timezone Europe/Brussels --rooms rooms.csv "
                  "--sessions sessions.csv --attendees attendees.csv >/dev/null",
                  dir, bin) == 0);
    PGconn *conn = event_fixture_central(dir, &pg, admin, sizeof admin);
    CHECK(conn != NULL);
    if (conn == NULL)
        return false;
    /* Two kiosks: door-1 never heard from, door-2 connected just now. */
    const char *rooms[] = {"salon"};
    char *d1 = central_add_login(conn, CENTRAL_DEVICE, "door-1", CENTRAL_AUTH_PASSWORD, rooms, 1,
                                 NULL, NULL);
    char *d2 = central_add_login(conn, CENTRAL_DEVICE, "door-2", CENTRAL_AUTH_PASSWORD, rooms, 1,
                                 NULL, NULL);
    CHECK(d1 != NULL && d2 != NULL);
    free(d1);
    free(d2);
    PGresult *res = PQexec(conn, "INSERT INTO portier.clock_anchors (device_id, boot_id, mono_ns,"
                                 " wall_ms) VALUES ('door-2', 'b', 1, 0)");
    CHECK(PQresultStatus(res) == PGRES_COMMAND_OK);
    PQclear(res);
    central_close(conn);
    return true;
}

/* Commits a badge scan of attendee at room with mode and result at central, as a kiosk's
 * upload would. */
static void scan_at(const char *room, const char *attendee, const char *mode, const char *result)
{
    PGconn *conn = central_connect(admin);
    CHECK(conn != NULL);
    if (conn == NULL)
        return;
    int n = ++seq;
    char *sql = xasprintf(
        "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
        " clock_synced, room, attendee, mode, kind, result, reason) VALUES ('door', 1, %d,"
        " (extract(epoch FROM now()) * 1000)::bigint, %d, 'b', true, '%s', '%s', '%s',"
        " 'badge', '%s', 'ok')",
        n, n, room, attendee, mode, result);
    PGresult *res = PQexec(conn, sql);
    CHECK_MSG(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
    PQclear(res);
    free(sql);
    central_close(conn);
}

/* Commits an admission of attendee into room at central. */
static void admit(const char *room, const char *attendee)
{
    scan_at(room, attendee, "entry", "admitted");
}

/* True when the dashboard on port answers /api/status (over HTTPS when tls) and has read the
 * rooms. */
static bool dashboard_up(int port, bool tls)
{
    if (tls)
        return test_sh("curl -sk https://127.0.0.1:%d/api/status | grep -q '\"connected\":true'",
                       port) == 0;
    char *body = NULL;
    int st = http_get(port, "/api/status", "", &body);
    bool up = st == 200 && strstr(body, "\"connected\":true") != NULL;
    free(body);
    return up;
}

/* Starts the dashboard on port with up to 4 more options (NULL-terminated). */
static pid_t start_dashboard(int port, const char *const *extra)
{
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    char *log = xasprintf("%s/dashboard-%d.log", dir, port);
    const char *argv[16] = {bin, "dashboard", "--central", admin, "--listen", listen};
    size_t n = 6;
    bool tls = false;
    for (; extra != NULL && *extra != NULL && n < 15; extra++) {
        tls |= strcmp(*extra, "--tls-cert") == 0;
        argv[n++] = *extra;
    }
    argv[n] = NULL;
    struct proc dash;
    proc_start(&dash, (char *const *)argv, false, false, log);
    pid_t pid = dash.pid;
    free(log);
    for (int i = 0; i < 200; i++) {
        if (dashboard_up(port, tls))
            return pid;
        test_sleep_ms(50);
    }
    CHECK_MSG(false, "the dashboard did not start (see %s/dashboard-%d.log)", dir, port);
    return pid;
}

/* Stops it with SIGTERM; true when it ended cleanly within 5 s. */
static bool stop_dashboard(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < 500; i++) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        test_sleep_ms(10);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return false;
}

/* The body of an answer (after the blank line). */
static const char *body_of(const char *answer)
{
    const char *b = strstr(answer, "\r\n\r\n");
    return b ? b + 4 : "";
}

static int64_t now_ms(void)
{
    return time_mono_ns() / 1000000;
}

/* The open feed: /api/rooms exactly as DESIGN.md §8, and a scan committed at central reaching
 * /api/rooms/stream within 1 s; the page's stream with the kiosk's fill levels. */
static void test_feed(int port)
{
    char *ans = NULL;
    CHECK(http_get(port, "/api/rooms", "", &ans) == 200);
    const char *body = body_of(ans);
    CHECK_MSG(
        strncmp(body,
                "[{\"room\":\"hall\",\"name\":\"Great Hall\",\"occupancy\":0,\"capacity\":1000,"
                "\"session\":null,\"next_session\":null},{\"room\":\"salon\",\"name\":\"Le "
                "Salon\",\"occupancy\":0,\"capacity\":5,\"session\":{\"id\" : \"s1\", "
                "\"title\" : \"Keynote \\\"one\\\"\", \"start\" : \"",
                strlen("[{\"room\":\"hall\",\"name\":\"Great Hall\",\"occupancy\":0,"
                       "\"capacity\":1000,\"session\":null,\"next_session\":null},{\"room\":"
                       "\"salon\",\"name\":\"Le Salon\",\"occupancy\":0,\"capacity\":5,"
                       "\"session\":{\"id\" : \"s1\", \"title\" : \"Keynote \\\"one\\\"\", "
                       "\"start\" : \"")) == 0,
        "%s", body);
    CHECK(strstr(body, "\"next_session\":{\"id\" : \"s2\", \"title\" : \"Après-midi\"") != NULL);
    CHECK(strstr(body, "+01:00\"") != NULL); /* the event's zone, Brussels in December */
    CHECK(strstr(body, "level") == NULL && strstr(body, "@") == NULL);
    CHECK(strstr(ans, "Access-Control-Allow-Origin: *") != NULL);
    CHECK(strstr(ans, "Content-Type: application/json") != NULL);
    free(ans);

    int open_fd = http_stream(port, "/api/rooms/stream");
    int page_fd = http_stream(port, "/stream");
    struct strbuf open_sb = {0}, page_sb = {0};
    long at = http_stream_wait(open_fd, &open_sb, 0, "data: {\"room\":\"salon\"", 5000);
    long pat = http_stream_wait(page_fd, &page_sb, 0, "\"open\":true,\"level\":\"ok\"}", 5000);
    CHECK(at > 0 && pat > 0);
    CHECK(strstr(open_sb.data, "text/event-stream") != NULL);
    CHECK(http_stream_wait(page_fd, &page_sb, 0, "event: status\ndata: {\"connected\":true", 5000) >
          0);

    int64_t t0 = now_ms();
    admit("salon", "P001");
    long got =
        http_stream_wait(open_fd, &open_sb, (size_t)at,
                         "data: {\"room\":\"salon\",\"name\":\"Le Salon\",\"occupancy\":1,", 5000);
    int64_t latency = now_ms() - t0;
    CHECK_MSG(got > 0 && latency < 1000, "scan to event: %lld ms", (long long)latency);
    fprintf(stderr, "commit at central -> event: %lld ms\n", (long long)latency);
    /* Only the room that changed: the hall is not sent again. */
    CHECK(strstr(open_sb.data + at, "\"room\":\"hall\"") == NULL);

    admit("salon", "P002");
    admit("salon", "P003");
    admit("salon", "P004");
    CHECK(http_stream_wait(page_fd, &page_sb, (size_t)pat, "\"occupancy\":4,\"capacity\":5,",
                           5000) > 0);
    CHECK(http_stream_wait(page_fd, &page_sb, (size_t)pat, "\"open\":true,\"level\":\"near\"}",
                           5000) > 0);
    admit("salon", "P005");
    CHECK(http_stream_wait(page_fd, &page_sb, (size_t)pat, "\"open\":true,\"level\":\"full\"}",
                           5000) > 0);
    close(open_fd);
    close(page_fd);
    strbuf_finish(&open_sb);
    strbuf_finish(&page_sb);
}

/* A burst of scans (--refresh-interval 2000): the first is read at once, the rest together
 * after the interval, not one read of all of central's scans per notification; the figure
 * ends right. */
static void test_burst(int port)
{
    int fd = http_stream(port, "/api/rooms/stream");
    struct strbuf sb = {0};
    long at = http_stream_wait(fd, &sb, 0, "data: {\"room\":\"hall\"", 5000);
    CHECK(at > 0);
    static const char *const who[] = {"P013", "P014", "P015", "P016", "P017", "P018"};
    for (size_t i = 0; i < ARRAY_LEN(who); i++)
        admit("hall", who[i]);
    CHECK(http_stream_wait(fd, &sb, (size_t)at,
                           "\"room\":\"hall\",\"name\":\"Great Hall\","
                           "\"occupancy\":6,",
                           10000) > 0);
    test_sleep_ms(2500); /* a read after the next interval would send nothing new */
    int events = 0;
    for (const char *p = sb.data + at; (p = strstr(p, "\"room\":\"hall\"")) != NULL; p++)
        events++;
    CHECK_MSG(events >= 1 && events <= 2, "%d events for 6 scans in a burst", events);
    for (size_t i = 0; i < ARRAY_LEN(who); i++)
        scan_at("hall", who[i], "exit", "exited");
    CHECK(http_stream_wait(fd, &sb, (size_t)at,
                           "\"room\":\"hall\",\"name\":\"Great Hall\","
                           "\"occupancy\":0,",
                           10000) > 0);
    close(fd);
    strbuf_finish(&sb);
}

/* Without --public-feed: no open feed; the page in the browser's language; bad requests. */
static void test_pages(int port)
{
    char *ans = NULL;
    CHECK(http_get(port, "/api/rooms", "", NULL) == 404);
    CHECK(http_get(port, "/api/rooms/stream", "", NULL) == 404);
    CHECK(http_get(port, "/", "", &ans) == 200);
    CHECK(strstr(ans, "<html lang=\"en\">") != NULL);
    CHECK(strstr(ans, "{{") == NULL);
    CHECK(strstr(ans, "Content-Security-Policy: default-src 'self'") != NULL);
    free(ans);
    CHECK(http_get(port, "/", "Accept-Language: de-DE, fr-BE;q=0.9, en;q=0.5\r\n", &ans) == 200);
    CHECK(strstr(ans, "<html lang=\"fr\">") != NULL);
    free(ans);
    CHECK(http_get(port, "/?lang=nl", "Accept-Language: fr\r\n", &ans) == 200);
    CHECK(strstr(ans, "<html lang=\"nl\">") != NULL);
    free(ans);
    CHECK(http_get(port, "/", "Cookie: portier_lang=fr\r\n", &ans) == 200);
    CHECK(strstr(ans, "<html lang=\"fr\">") != NULL);
    free(ans);
    CHECK(http_get(port, "/levels.css", "", &ans) == 200);
    CHECK(strstr(ans, "--level-ok: #16a34a; --level-near: #f59e0b; --level-full: #dc2626;") !=
          NULL);
    free(ans);
    CHECK(http_get(port, "/dashboard.js", "", &ans) == 200);
    CHECK(strstr(ans, "Content-Type: text/javascript") != NULL);
    CHECK(strstr(ans, "new EventSource('/stream')") != NULL);
    free(ans);
    CHECK(http_get(port, "/nothing", "", NULL) == 404);
    CHECK(http_get(port, "/../../../../etc/passwd", "", &ans) == 404);
    CHECK(strstr(ans, "root:") == NULL);
    free(ans);
    CHECK(http_get(port, "/%2e%2e/%2e%2e/etc/passwd", "", NULL) == 404);
    const char *del = "DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    CHECK(http_raw(port, del, strlen(del), NULL) == 405);
    /* Headers beyond the connection's memory, and a body beyond a form's size. */
    struct strbuf big = {0};
    strbuf_puts(&big, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
    for (int i = 0; i < 64 * 1024; i++)
        strbuf_putc(&big, 'a');
    strbuf_puts(&big, "\r\nConnection: close\r\n\r\n");
    int st = http_raw(port, big.data, big.len, NULL);
    CHECK_MSG(st == 431 || st == 413, "oversized headers: %d", st);
    strbuf_reset(&big);
    strbuf_puts(&big, "name=a&password=");
    for (int i = 0; i < 10000; i++)
        strbuf_putc(&big, 'b');
    CHECK(http_post(port, "/login", "", big.data, NULL) == 413);
    strbuf_finish(&big);
    CHECK(http_get(port, "/api/status", "", NULL) == 200); /* still serving */

    /* Slow clients: 200 connections that send half a request and hold on do not keep others
     * out. */
    int slow[200];
    const char *half = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (size_t i = 0; i < ARRAY_LEN(slow); i++) {
        slow[i] = http_connect(port);
        CHECK(slow[i] >= 0 && http_send(slow[i], half, strlen(half)));
    }
    int64_t t0 = now_ms();
    CHECK(http_get(port, "/api/status", "", NULL) == 200);
    CHECK(now_ms() - t0 < 1000);
    for (size_t i = 0; i < ARRAY_LEN(slow); i++)
        close(slow[i]);
}

/* The session cookie in a login's answer (owned), or NULL. */
static char *cookie_of(const char *ans)
{
    const char *c = strstr(ans, "Set-Cookie: portier_session=");
    if (c == NULL)
        return NULL;
    c += strlen("Set-Cookie: ");
    return xasprintf("%.*s", (int)strcspn(c, ";\r"), c);
}

/* portier dashboard add-user, POST /login, the cookie, /api/me, logout, the rate limit. */
static void test_logins(int port)
{
    CHECK(test_sh("printf 'correct horse\\n' | %s dashboard add-user '%s' anna --role staff "
                  ">/dev/null",
                  bin, admin) == 0);
    CHECK(test_sh("printf 'short\\n' | %s dashboard add-user '%s' bob --role staff 2>/dev/null",
                  bin, admin) == 1);
    CHECK(test_sh("printf 'long enough\\n' | %s dashboard add-user '%s' bob --role boss "
                  "2>/dev/null",
                  bin, admin) == 2);
    CHECK(test_sh("psql -Atq '%s' -c \"SELECT role || hash FROM portier.dashboard_users\" | "
                  "grep -q '^staff\\$argon2id\\$'",
                  admin) == 0);

    char *ans = NULL;
    CHECK(http_get(port, "/login", "Accept-Language: nl-BE\r\n", &ans) == 200);
    CHECK(strstr(ans, "<html lang=\"nl\">") != NULL && strstr(ans, "{{") == NULL &&
          strstr(ans, "class=\"error\"") == NULL);
    free(ans);
    CHECK(http_get(port, "/api/me", "", &ans) == 200);
    CHECK_STR(body_of(ans), "null");
    free(ans);
    /* An unknown name is checked against a password hash too: the time does not tell. */
    int64_t t0 = now_ms();
    CHECK(http_post(port, "/login", "", "name=anna&password=wrong", &ans) == 401);
    CHECK(strstr(ans, "<form class=\"loginform\"") != NULL &&
          strstr(ans, "data-t=\"wrong\">Wrong name or password.</p>") != NULL);
    free(ans);
    int64_t t_wrong = now_ms() - t0;
    t0 = now_ms();
    CHECK(http_post(port, "/login", "", "name=nobody&password=x", NULL) == 401);
    int64_t t_unknown = now_ms() - t0;
    fprintf(stderr, "login: wrong password %lld ms, unknown name %lld ms\n", (long long)t_wrong,
            (long long)t_unknown);
    /* A 64 MiB Argon2id check takes tens of ms on any machine, and a lookup without it about
     * one: so an unknown name either costs about what a wrong password costs, or at least
     * 20 ms. (The ratio alone failed under stress-ng, when the wrong-password request stalled.) */
    CHECK(t_unknown * 2 > t_wrong || t_unknown >= 20);
    CHECK(http_post(port, "/login", "", "name=anna&password=correct+horse", &ans) == 303);
    CHECK(strstr(ans, "; HttpOnly; SameSite=Strict") != NULL && strstr(ans, "Secure") == NULL);
    char *cookie = cookie_of(ans);
    free(ans);
    CHECK(cookie != NULL);
    if (cookie == NULL)
        return;
    char *hdr = xasprintf("Cookie: %s\r\n", cookie);
    CHECK(http_get(port, "/api/me", hdr, &ans) == 200);
    CHECK(strstr(body_of(ans), "{\"name\":\"anna\",\"role\":\"staff\"}") != NULL);
    free(ans);
    char *forged = xstrdup(hdr);
    char *last = forged + strlen("Cookie: portier_session=") + 5;
    *last = *last == 'A' ? 'B' : 'A';
    CHECK(http_get(port, "/api/me", forged, &ans) == 200);
    CHECK_STR(body_of(ans), "null");
    free(ans);
    /* Alerts: for logged-in users only. */
    CHECK(http_get(port, "/api/alerts", "", NULL) == 401);
    admit("zolder", "P011");
    admit("zolder", "P012");
    /* The second scan is read within a --refresh-interval of the first. */
    for (int tries = 0; tries < 50; tries++) {
        CHECK(http_get(port, "/api/alerts", hdr, &ans) == 200);
        if (strstr(ans, "Zolder is at 50%") != NULL || tries == 49)
            break;
        free(ans);
        test_sleep_ms(100);
    }
    const char *alerts = body_of(ans);
    CHECK_MSG(strstr(alerts, "[{\"kind\":\"room_full\",\"room\":\"salon\",\"since\":") == alerts &&
                  strstr(alerts, ",\"text\":\"Le Salon is full (5/5)\"},{\"kind\":\"room_near\","
                                 "\"room\":\"zolder\",\"since\":") != NULL &&
                  strstr(alerts, ",\"text\":\"Zolder is at 50% (2/4)\"},{\"kind\":\"kiosk_silent\","
                                 "\"device\":\"door-1\",\"since\":0,\"text\":\"kiosk door-1: "
                                 "nothing received from it yet\"}]") != NULL &&
                  strstr(alerts, "door-2") == NULL && strstr(alerts, "hall") == NULL,
              "%s", alerts);
    free(ans);
    CHECK(http_post(port, "/logout", hdr, "", NULL) == 303);
    CHECK(http_get(port, "/api/me", hdr, &ans) == 200);
    CHECK_STR(body_of(ans), "null");
    free(ans);
    /* Two failures so far from this address; three more use up the window. */
    for (int i = 0; i < 3; i++)
        CHECK(http_post(port, "/login", "", "name=anna&password=guess", NULL) == 401);
    CHECK(http_post(port, "/login", "", "name=anna&password=correct+horse", &ans) == 429);
    CHECK(strstr(ans, "Retry-After: ") != NULL);
    free(ans);
    free(forged);
    free(hdr);
    free(cookie);
}

/* HTTPS with --tls-cert and --tls-key: the cookie is Secure; plain HTTP is refused. */
static void test_tls(void)
{
    CHECK(test_sh("cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                  "-keyout key.pem -out cert.pem -days 2 -subj /CN=localhost 2>/dev/null",
                  dir) == 0);
    char *cert = path_join(dir, "cert.pem"), *key = path_join(dir, "key.pem");
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", pg_harness_free_port());
    CHECK(test_sh("%s dashboard --central '%s' --listen %s --tls-cert %s 2>/dev/null", bin, admin,
                  listen, cert) == 2);
    CHECK(test_sh("%s dashboard --central '%s' --listen %s --tls-cert %s --tls-key /nonexistent "
                  "2>/dev/null",
                  bin, admin, listen, cert) == 1);
    int port = pg_harness_free_port();
    const char *opts[] = {"--tls-cert", cert, "--tls-key", key, NULL};
    pid_t d = start_dashboard(port, opts);
    CHECK(test_sh("curl -sk -o /dev/null -D %s/tls-login.txt -d 'name=anna&password=correct+horse' "
                  "https://127.0.0.1:%d/login",
                  dir, port) == 0);
    CHECK(test_sh("grep -q '^HTTP/1.1 303' %s/tls-login.txt && grep -qi "
                  "'^set-cookie: portier_session=.*; HttpOnly; SameSite=Strict; Secure' "
                  "%s/tls-login.txt",
                  dir, dir) == 0);
    CHECK(http_get(port, "/api/status", "", NULL) != 200); /* no plain HTTP on a TLS port */
    CHECK(stop_dashboard(d));
    free(cert);
    free(key);
}

/* The database goes away and comes back: the page's stream says so, and recovers. */
static void test_outage(int port)
{
    int fd = http_stream(port, "/stream");
    struct strbuf sb = {0};
    long at = http_stream_wait(fd, &sb, 0, "\"connected\":true", 5000);
    CHECK(at > 0);
    CHECK(pg_harness_stop(pg));
    long down = http_stream_wait(fd, &sb, (size_t)at, "\"connected\":false,\"since\":", 15000);
    CHECK(down > 0);
    char *ans = NULL;
    CHECK(http_get(port, "/api/rooms", "", &ans) == 200); /* the last figures stay */
    CHECK(strstr(ans, "\"room\":\"salon\"") != NULL);
    free(ans);
    CHECK(pg_harness_restart(pg));
    long up = http_stream_wait(fd, &sb, (size_t)(down > 0 ? down : 0), "\"connected\":true", 20000);
    CHECK(up > 0);
    admit("hall", "P010");
    CHECK(http_stream_wait(fd, &sb, (size_t)(up > 0 ? up : 0),
                           "{\"room\":\"hall\",\"name\":\"Great Hall\",\"occupancy\":1,",
                           5000) > 0);
    close(fd);
    strbuf_finish(&sb);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (setup()) {
        int port = pg_harness_free_port();
        const char *public_feed[] = {"--public-feed", NULL};
        pid_t d = start_dashboard(port, public_feed);
        test_feed(port);
        int port2 = pg_harness_free_port();
        const char *near50[] = {"--alert-near", "50", NULL};
        pid_t d2 = start_dashboard(port2, near50);
        test_pages(port2);
        test_logins(port2);
        CHECK(stop_dashboard(d2));
        int port3 = pg_harness_free_port();
        const char *slow[] = {"--public-feed", "--refresh-interval", "2000", NULL};
        pid_t d3 = start_dashboard(port3, slow);
        test_burst(port3);
        CHECK(stop_dashboard(d3));
        test_tls();
        /* With an event stream open, SIGTERM still ends it at once. */
        int fd = http_stream(port, "/api/rooms/stream");
        test_sleep_ms(200);
        test_outage(port);
        CHECK(stop_dashboard(d));
        close(fd);
    }
    CHECK(test_sh("grep -l Sanitizer %s/*.log >&2", dir) == 1);
    pg_harness_destroy(pg);
    event_fixture_cleanup(dir, check_failed == 0);
    free(dir);
    return check_done();
}
