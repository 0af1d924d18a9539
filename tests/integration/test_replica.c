/* SPDX-License-Identifier: Apache-2.0 */
/* The organiser's side on a streaming replica (issue 18, docs/scale.md): a real PostgreSQL 15
 * primary and a hot standby made from it with pg_basebackup -R (pg_harness.h). Once the
 * standby has replayed, `portier report --central` and `portier certificates --central` on
 * it give the same files, byte for byte, as on the primary; `portier dashboard --central` on
 * it (which cannot LISTEN there) serves the rooms, follows scans committed on the primary by
 * reading every --standby-poll, and logs users in; `portier dashboard add-user` on it is
 * refused with a message that names the standby. */
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
#include "file.h"
#include "http_client.h"
#include "pg_harness.h"
#include "proc.h"
#include "shell.h"
#include "util.h"

static char *dir;
static const char *bin;
static struct pg_harness *primary, *standby;
static int seq;

/* Commits a badge scan of attendee into room at wall_ms on the primary (0: now), as a kiosk's
 * upload would. */
static void scan(const char *room, const char *attendee, const char *result, long long wall_ms)
{
    PGconn *conn = central_connect(pg_harness_conninfo(primary));
    CHECK(conn != NULL);
    if (conn == NULL)
        return;
    int n = ++seq;
    char wall[64];
    if (wall_ms > 0)
        snprintf(wall, sizeof wall, "%lld", wall_ms);
    else
        snprintf(wall, sizeof wall, "(extract(epoch FROM now()) * 1000)::bigint");
    char *sql = xasprintf(
        "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
        " clock_synced, room, attendee, mode, kind, result, reason) VALUES ('door', 1, %d,"
        " %s, %d, 'b', true, '%s', '%s', 'entry', 'badge', '%s', 'ok')",
        n, wall, n, room, attendee, result);
    PGresult *res = PQexec(conn, sql);
    CHECK_MSG(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
    PQclear(res);
    free(sql);
    central_close(conn);
}

/* 2024-04-22 (the fixture's day) at hh:mm in Brussels (UTC+2), in ms since the epoch. */
static long long at(int hh, int mm)
{
    return (1713744000LL + (hh - 2) * 3600LL + mm * 60LL) * 1000LL;
}

/* The event, published on the primary, with a morning of scans; the standby made after the
 * first of them, so that it has both copied and streamed rows. Returns an organiser's
 * conninfo for the standby (owned), or NULL. */
static char *setup(void)
{
    const char *data = getenv("PORTIER_TEST_DATA");
    CHECK(test_sh("cd %s && %s init ev --name Replica --timezone Europe/Brussels --rooms "
                  "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null",
                  dir, bin, data, data, data) == 0);
    test_write_file(dir, "ev/certificate.ini", "[certificate]\norganiser = Dr. Marie Dubois\n");
    struct pg_harness_options opts = {.replication = true};
    primary = pg_harness_start(&opts);
    CHECK(primary != NULL);
    if (primary == NULL)
        return NULL;
    PGconn *c = central_connect(pg_harness_conninfo(primary));
    char *event_db = xasprintf("%s/ev/event.db", dir);
    bool ok = c != NULL && central_migrate(c, central_migrations, central_migration_count, NULL) &&
              central_publish(c, event_db, false, NULL);
    free(event_db);
    CHECK(ok);
    scan("entrance", "A0001", "admitted", at(8, 50));
    scan("aula", "A0001", "admitted", at(8, 58));
    scan("entrance", "A0004", "admitted", at(8, 55));
    standby = ok ? pg_harness_standby_start(primary) : NULL;
    CHECK(standby != NULL);
    scan("aula", "A0004", "admitted", at(9, 1));
    scan("entrance", "A0003", "admitted", at(9, 10));
    scan("room-2.14", "A0003", "admitted", at(9, 14));
    scan("aula", "A0001", "exited", at(10, 31));
    char port[16];
    snprintf(port, sizeof port, "%d", standby != NULL ? standby->port : 0);
    char *org = ok && standby != NULL
                    ? central_add_login(c, CENTRAL_ORGANISER, "viewer", CENTRAL_AUTH_PASSWORD, NULL,
                                        0, "127.0.0.1", port)
                    : NULL;
    CHECK(org != NULL);
    central_close(c);
    CHECK(org != NULL && pg_harness_standby_caught_up(primary, standby));
    return org;
}

/* report and certificates --central on the standby: the primary's files, byte for byte. */
static void test_files(const char *org)
{
    CHECK(test_sh("cd %s && %s report --central '%s' --event ev --out rep-primary >/dev/null && "
                  "%s report --central '%s' --event ev --out rep-standby >/dev/null && "
                  "ls rep-standby/attendance.csv >/dev/null && diff -r rep-primary rep-standby",
                  dir, bin, pg_harness_conninfo(primary), bin, org) == 0);
    /* A0003's scans came to the standby by streaming, after its base backup. */
    CHECK(test_sh("cd %s && grep -q '^A0003,.*,165.0' rep-standby/attendees.csv", dir) == 0);
    CHECK(test_sh("cd %s && %s certificates --central '%s' --event ev --out cert-primary "
                  ">/dev/null && %s certificates --central '%s' --event ev --out cert-standby "
                  ">/dev/null && cmp cert-primary/certificates.csv cert-standby/certificates.csv",
                  dir, bin, pg_harness_conninfo(primary), bin, org) == 0);
}

/* True when the dashboard on port has read the rooms. */
static bool dashboard_up(int port)
{
    char *body = NULL;
    int st = http_get(port, "/api/status", "", &body);
    bool up = st == 200 && strstr(body, "\"connected\":true") != NULL;
    free(body);
    return up;
}

/* The dashboard on the standby: rooms, live through polling, logins; add-user refused. */
static void test_dashboard(const char *org)
{
    int port = pg_harness_free_port();
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    char *log = xasprintf("%s/dashboard.log", dir);
    char *argv[] = {(char *)bin, "dashboard",     "--central",      (char *)org, "--listen",
                    listen,      "--public-feed", "--standby-poll", "200",       NULL};
    struct proc dash;
    proc_start(&dash, argv, false, false, log);
    bool up = false;
    for (int i = 0; i < 200 && !(up = dashboard_up(port)); i++)
        test_sleep_ms(50);
    CHECK_MSG(up, "the dashboard on the standby did not start (see %s)", log);
    char *body = NULL;
    CHECK(http_get(port, "/api/rooms", "", &body) == 200);
    /* Nobody in the lab yet. */
    CHECK(body != NULL && strstr(body, "\"room\":\"lab.1\"") != NULL &&
          strstr(body, "\"occupancy\":0,\"capacity\":12") != NULL);
    free(body);

    /* Live: admissions committed on the primary now reach the page through the standby. */
    int fd = http_stream(port, "/api/rooms/stream");
    struct strbuf sb = {0};
    CHECK(fd >= 0 && http_stream_wait(fd, &sb, 0, "\"room\":\"lab.1\"", 5000) > 0);
    size_t from = sb.len;
    scan("lab.1", "A0002", "admitted", 0);
    scan("lab.1", "A0003", "admitted", 0);
    CHECK_MSG(http_stream_wait(fd, &sb, from, "\"occupancy\":2,\"capacity\":12", 20000) > 0,
              "the stream did not follow the primary: %s", sb.data ? sb.data : "");
    close(fd);
    strbuf_finish(&sb);

    /* A user added on the primary logs in on the standby's dashboard (checked in memory:
     * the failures' count is the dashboard's own, no write). */
    CHECK(test_sh("printf 'correct horse\\n' | %s dashboard add-user '%s' anna --role organiser "
                  ">/dev/null",
                  bin, pg_harness_conninfo(primary)) == 0);
    CHECK(pg_harness_standby_caught_up(primary, standby));
    CHECK(http_post(port, "/login", "", "name=anna&password=wrong", NULL) == 401);
    char *ans = NULL;
    CHECK(http_post(port, "/login", "", "name=anna&password=correct+horse", &ans) == 303);
    /* An organiser's pages read the standby: People, and a report the same as the file. */
    const char *cookie = ans != NULL ? strstr(ans, "Set-Cookie: ") : NULL;
    char *hdr = cookie != NULL
                    ? xasprintf("Cookie: %.*s\r\n", (int)strcspn(cookie + 12, ";\r"), cookie + 12)
                    : xstrdup("");
    free(ans);
    CHECK(http_get(port, "/api/people?q=Hanoi", hdr, &ans) == 200);
    CHECK(ans != NULL && strstr(ans, "\"attendee\":\"A0003\"") != NULL);
    free(ans);
    /* The same rows as `portier report`'s file (the page orders the sessions by the rooms'
     * ids, the model read back from central; the file in the event's order). */
    CHECK(http_get(port, "/reports/attendance.csv", hdr, &ans) == 200);
    const char *got = ans != NULL ? strstr(ans, "\r\n\r\n") : NULL;
    CHECK(got != NULL);
    test_write_file(dir, "dash-attendance.csv", got != NULL ? got + 4 : "");
    free(ans);
    CHECK(test_sh("cd %s && sort dash-attendance.csv >a.sorted && sort rep-primary/attendance.csv "
                  ">b.sorted && cmp a.sorted b.sorted && test -s a.sorted",
                  dir) == 0);
    free(hdr);
    /* Adding a user on the standby: refused, and the message says why and where to go. */
    CHECK(test_sh("cd %s && printf 'correct horse\\n' | %s dashboard add-user '%s' bert --role "
                  "staff >/dev/null 2>add-user.err; test $? -ne 0 && grep -q 'read-only standby' "
                  "add-user.err && grep -q primary add-user.err",
                  dir, bin, pg_harness_conninfo(standby)) == 0);
    CHECK(test_sh("cd %s && %s central add-device '%s' door-x >/dev/null 2>add-device.err; "
                  "test $? -ne 0 && grep -q 'read-only standby' add-device.err",
                  dir, bin, pg_harness_conninfo(standby)) == 0);
    CHECK(test_sh("grep -q 'standby: reading it every 200 ms' %s", log) == 0);
    CHECK(proc_stop(&dash) == 0);
    proc_finish(&dash);
    free(log);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    char tmpl[] = "/tmp/portier-replica-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    char *org = setup();
    if (org != NULL) {
        test_files(org);
        test_dashboard(org);
    }
    free(org);
    pg_harness_destroy(standby);
    pg_harness_destroy(primary);
    pg_harness_rm_tree(dir);
    free(dir);
    return check_done();
}
