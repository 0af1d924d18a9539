/* SPDX-License-Identifier: Apache-2.0 */
/* portier dashboard in a real browser: Debian's chromium driven by puppeteer-core
 * (tests/browser, installed by npm ci from its package-lock.json) loads the page from a
 * dashboard on a real PostgreSQL 15, with 15 rooms; checks the phone, tablet and TV layouts and
 * screenshots them; then a badge scanned at a headless `portier kiosk` and pushed by its
 * `portier sync` daemon changes the room's number on the page. With PORTIER_SCREENSHOTS=DIR the
 * screenshots are copied there (docs/screenshots). Needs chromium, node and npm. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "shell.h"
#include "sysclock.h"
#include "util.h"

#define N_ROOMS 15

static char *dir;
static const char *bin;
static struct pg_harness *pg;
static char admin[1024];

/* A time minutes from now, ISO 8601 in UTC, on a 5-minute boundary. */
static char *iso_from_now(int minutes)
{
    time_t t = time(NULL) / 300 * 300 + minutes * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:00+00:00", &tm);
    return xstrdup(buf);
}

/* A conference day: 15 rooms, a session running in each and one after it. */
static const struct {
    const char *id, *name;
    int capacity, filled, closed;
    const char *now, *next;
} rooms[N_ROOMS] = {
    {"aula", "Aula Magna", 400, 212, 0, "Opening keynote: the open web in 2026", "Lightning talks"},
    {"salon", "Le Salon", 5, 2, 0, "Petit-déjeuner des orateurs", "Atelier d'écriture"},
    {"lab", "Lab 1", 30, 27, 0, "Soldering for beginners", "Rust on microcontrollers"},
    {"lab2", "Lab 2", 30, 30, 0, "PostgreSQL performance clinic", "Logical replication"},
    {"zaal-a", "Zaal A", 120, 64, 0, "Toegankelijkheid in de praktijk", "Open data in Gent"},
    {"zaal-b", "Zaal B", 120, 101, 0, "Mobiliteit en privacy", "Slimme steden"},
    {"room-c", "Room C", 80, 12, 0, "Accessibility audits", "Design systems"},
    {"room-d", "Room D", 80, 80, 0, "Kubernetes without tears", "Observability"},
    {"studio", "Studio", 25, 0, 1, "Recording (closed)", "Podcast live"},
    {"forum", "Forum", 200, 150, 0, "Panel: AI and public services", "Civic tech showcase"},
    {"atelier", "Atelier", 40, 33, 0, "Typographie et lisibilité", "Dessin génératif"},
    {"kelder", "De Kelder", 60, 8, 0, "Hardware hacking", "Retro computing"},
    {"terrace", "Terrace", 150, 90, 0, "Networking lunch", "Coffee & stickers"},
    {"library", "Library", 50, 49, 0, "Quiet room", "Book signing"},
    {"hall-e", "Hall E", 300, 20, 0, "Sponsors' booths", "Career fair"},
};

/* The event, published; the kiosk's device login; the rooms filled by hand counts. */
static char *setup(void)
{
    bin = getenv("PORTIER_BIN");
    dir = event_fixture_dir("browser");
    struct strbuf r = {0}, s = {0};
    char *a = iso_from_now(-40), *b = iso_from_now(35), *c = iso_from_now(95);
    strbuf_puts(&r, "id,name,capacity\n");
    strbuf_puts(&s, "id,room,title,start,end\n");
    for (size_t i = 0; i < N_ROOMS; i++) {
        strbuf_printf(&r, "%s,%s,%d\n", rooms[i].id, rooms[i].name, rooms[i].capacity);
        strbuf_printf(&s, "%s-1,%s,\"%s\",%s,%s\n%s-2,%s,\"%s\",%s,%s\n", rooms[i].id, rooms[i].id,
                      rooms[i].now, a, b, rooms[i].id, rooms[i].id, rooms[i].next, b, c);
    }
    free(a);
    free(b);
    free(c);
    test_write_file(dir, "rooms.csv", r.data);
    test_write_file(dir, "sessions.csv", s.data);
    strbuf_finish(&r);
    strbuf_finish(&s);
    test_write_file(dir, "attendees.csv",
                    "id,name,organisation,email,language,category,sessions\n"
                    "P001,Ana Lima,Org,ana@example.org,en,attendee,salon-1\n");
    CHECK(event_fixture_init(dir, "Browser", NULL, "k1"));
    PGconn *conn = event_fixture_central(dir, &pg, admin, sizeof admin);
    CHECK(conn != NULL);
    if (conn == NULL)
        return NULL;
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    const char *room[] = {"salon"};
    char *device = central_add_login(conn, CENTRAL_DEVICE, "door-salon", CENTRAL_AUTH_PASSWORD,
                                     room, 1, "127.0.0.1", port);
    CHECK(device != NULL);
    /* Counts by hand (staff's +1), and a closed room. */
    struct strbuf sql = {0};
    int seq = 0;
    for (size_t i = 0; i < N_ROOMS; i++) {
        const char *kind = rooms[i].closed ? "room_close" : "manual";
        int n = rooms[i].closed ? 1 : rooms[i].filled;
        if (n == 0)
            continue;
        strbuf_printf(&sql,
                      "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                      " boot_id, clock_synced, room, mode, kind, result, reason)"
                      " SELECT 'staff', 1, %d + g, (extract(epoch FROM now()) * 1000)::bigint,"
                      " g, 'b', true, '%s', 'entry', '%s', 'admitted', 'ok'"
                      " FROM generate_series(1, %d) AS g;\n",
                      seq, rooms[i].id, kind, n);
        seq += n;
    }
    PGresult *res = PQexec(conn, sql.data);
    CHECK_MSG(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
    PQclear(res);
    strbuf_finish(&sql);
    central_close(conn);
    return device;
}

/* Starts argv; stdin from a pipe (*in) when in is not NULL, stdout into a pipe (*out) when out
 * is not NULL, the rest into log. */
static pid_t spawn(char *const argv[], int *in, int *out, const char *log)
{
    int ip[2] = {-1, -1}, op[2] = {-1, -1};
    if ((in && pipe(ip) != 0) || (out && pipe(op) != 0))
        abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int null = open("/dev/null", O_RDONLY);
        dup2(in ? ip[0] : null, 0);
        dup2(out ? op[1] : fd, 1);
        dup2(fd, 2);
        for (int i = 3; i < 64; i++)
            close(i);
        execv(argv[0], argv);
        _exit(127);
    }
    if (in) {
        close(ip[0]);
        *in = ip[1];
    }
    if (out) {
        close(op[1]);
        *out = op[0];
    }
    return pid;
}

static void stop(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* Reads the pipe fd into sb until it holds needle or timeout_ms passes. */
static bool wait_for(int fd, struct strbuf *sb, const char *needle, int timeout_ms)
{
    int64_t deadline = time_mono_ns() + (int64_t)timeout_ms * 1000000;
    for (;;) {
        strbuf_putc(sb, '\0');
        sb->len--;
        if (strstr(sb->data, needle) != NULL)
            return true;
        int64_t left = (deadline - time_mono_ns()) / 1000000;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (r < 0 && errno == EINTR) /* a child of the harness ended */
            continue;
        if (r <= 0)
            return false;
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        strbuf_append(sb, buf, (size_t)n);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const char *browser_dir = getenv("PORTIER_BROWSER_DIR"); /* tests/browser */
    CHECK(browser_dir != NULL);
    char *device = browser_dir ? setup() : NULL;
    struct event_tokens badges = {0};
    const char *tok = device != NULL && event_fixture_tokens(dir, &badges)
                          ? event_fixture_token(&badges, "P001")
                          : NULL;
    CHECK(tok != NULL);
    /* puppeteer-core, exactly as package-lock.json pins it. */
    CHECK(tok == NULL ||
          test_sh("cd %s && { [ -d node_modules/puppeteer-core ] || npm ci --no-audit --no-fund "
                  "--ignore-scripts >&2; }",
                  browser_dir) == 0);
    pid_t kiosk = 0, sync = 0, dash = 0, node = 0;
    int kiosk_in = -1, node_out = -1;
    if (tok != NULL) {
        char *k1 = path_join(dir, "k1"), *db = path_join(dir, "door.db");
        char *klog = path_join(dir, "kiosk.log"), *slog = path_join(dir, "sync.log");
        char *dlog = path_join(dir, "dashboard.log"), *blog = path_join(dir, "browser.log");
        char *kargv[] = {(char *)bin, "kiosk",     k1,      "--device",   "door-salon", "--room",
                         "salon",     "--mode",    "entry", "--db",       db,           "--camera",
                         "none",      "--scanner", "stdin", "--headless", NULL};
        kiosk = spawn(kargv, &kiosk_in, NULL, klog);
        char *sargv[] = {(char *)bin, "sync",      k1,     "--device",        "door-salon", "--db",
                         db,          "--central", device, "--poll-interval", "500",        NULL};
        sync = spawn(sargv, NULL, NULL, slog);
        int port = pg_harness_free_port();
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        char *dargv[] = {(char *)bin, "dashboard", "--central", admin, "--listen", listen, NULL};
        dash = spawn(dargv, NULL, NULL, dlog);
        char *url = xasprintf("http://127.0.0.1:%d/?lang=en", port);
        char *script = path_join(browser_dir, "dashboard.mjs");
        CHECK(test_sh("printf 'correct horse\\n' | %s dashboard add-user '%s' anna --role staff "
                      ">/dev/null",
                      bin, admin) == 0);
        char *nargv[] = {"/usr/bin/node", script, url, "salon", dir, "anna", "correct horse", NULL};
        for (int i = 0; i < 200 && http_get(port, "/api/status", "", NULL) != 200; i++)
            test_sleep_ms(50);
        /* The browser in the venue's time zone, as staff's phones are: its clock and the
         * sessions' times (the event's zone) agree. */
        setenv("TZ", "Europe/Brussels", 1);
        node = spawn(nargv, NULL, &node_out, blog);
        struct strbuf out = {0};
        CHECK_MSG(wait_for(node_out, &out, "ready salon=2 rooms=15", 60000), "browser said: %s",
                  out.data ? out.data : "");
        int64_t t0 = time_mono_ns();
        char *line = xasprintf("%s\n", tok);
        CHECK(write(kiosk_in, line, strlen(line)) == (ssize_t)strlen(line));
        free(line);
        CHECK_MSG(wait_for(node_out, &out, "changed salon=3 after", 20000), "browser said: %s",
                  out.data ? out.data : "");
        fprintf(stderr, "badge at the kiosk -> number on the page: %lld ms\n",
                (long long)((time_mono_ns() - t0) / 1000000));
        /* Logged in: the alerts, in the page's words (the kiosk is connected: not silent; on
         * a machine whose clock is not synchronised its heartbeat may already say so). */
        CHECK_MSG(wait_for(node_out, &out, "alerts: ", 20000) &&
                      wait_for(node_out, &out, "kiosks: ", 20000),
                  "browser said: %s", out.data ? out.data : "");
        const char *alerts = out.data ? strstr(out.data, "alerts: ") : NULL;
        static const char rooms_alerts[] =
            "alerts: Lab 1 at 90 % | Lab 2 is full | Library at 98 % | Room D is full";
        const char *rest =
            alerts != NULL && strncmp(alerts, rooms_alerts, strlen(rooms_alerts)) == 0
                ? alerts + strlen(rooms_alerts)
                : NULL;
        CHECK_MSG(
            rest != NULL &&
                (strncmp(rest, "\n", 1) == 0 ||
                 (!sysclock_is_synchronised() &&
                  strncmp(rest, " | kiosk door-salon: its clock is not synchronised\n", 51) == 0)),
            "%s", alerts ? alerts : "");
        /* The Kiosks page: the kiosk's room and mode (its latest scan), nothing waiting to
         * upload, this Portier's version (from its sync daemon's heartbeat). */
        CHECK_MSG(wait_for(node_out, &out, "kiosks: ", 20000) &&
                      wait_for(node_out, &out, "stop the database\n", 20000),
                  "browser said: %s", out.data ? out.data : "");
        const char *kiosks = out.data ? strstr(out.data, "kiosks: ") : NULL;
        CHECK_MSG(kiosks != NULL &&
                      strncmp(kiosks, "kiosks: door-salon / salon (entry) / ", 37) == 0 &&
                      strstr(kiosks, " / 0 / ") != NULL &&
                      strstr(kiosks, " / " PORTIER_VERSION "\n") != NULL,
                  "%s", kiosks ? kiosks : "");
        /* The database goes away: the page says since when, and recovers by itself. */
        CHECK(wait_for(node_out, &out, "stop the database\n", 20000));
        CHECK(pg_harness_stop(pg));
        CHECK_MSG(wait_for(node_out, &out, "page says: No connection since ", 30000),
                  "browser said: %s", out.data ? out.data : "");
        CHECK(pg_harness_restart(pg));
        CHECK_MSG(wait_for(node_out, &out, "page says again: Live", 30000), "browser said: %s",
                  out.data ? out.data : "");
        fprintf(stderr, "%s", out.data ? out.data : "");
        int status = 0;
        CHECK(waitpid(node, &status, 0) == node && WIFEXITED(status) && WEXITSTATUS(status) == 0);
        node = 0;
        const char *shots = getenv("PORTIER_SCREENSHOTS");
        if (shots != NULL && check_failed == 0)
            CHECK(test_sh("cp %s/dashboard-*.png %s/", dir, shots) == 0);
        strbuf_finish(&out);
        free(url);
        free(script);
        free(k1);
        free(db);
        free(klog);
        free(slog);
        free(dlog);
        free(blog);
    }
    if (kiosk_in >= 0)
        close(kiosk_in);
    stop(node);
    stop(dash);
    stop(sync);
    stop(kiosk);
    if (node_out >= 0)
        close(node_out);
    CHECK(dir == NULL || test_sh("grep -l Sanitizer %s/*.log >&2", dir) == 1);
    pg_harness_destroy(pg);
    event_fixture_cleanup(dir, check_failed == 0);
    free(dir);
    free(device);
    event_fixture_tokens_free(&badges);
    return check_done();
}
