/* SPDX-License-Identifier: Apache-2.0 */
/* The central database on a real PostgreSQL 15 cluster: the schema, publish, login roles,
 * row-level security, the organisers' views and LISTEN/NOTIFY (the migration framework:
 * test_central_migrations.c). */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "central.h"
#include "check.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "privacy.h"
#include "scan.h"
#include "shell.h"
#include "sysclock.h"
#include "util.h"
#include "file.h"

/* 2030-05-01T07:00:00Z, on a 5-minute boundary; the sessions below run 09:00-10:30 +02:00. */
#define T0  INT64_C(1903849200000)
#define MIN INT64_C(60000)

static char tmpdir[] = "/tmp/portier-central-XXXXXX";
static const char *portier_bin;

/* Runs portier with args; captures stdout into *out (owned, may be NULL). Returns the exit
 * status, or -1. */
static int run_portier(char **out, const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = portier_bin;
    for (; *args != NULL && n < ARRAY_LEN(argv) - 1; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(portier_bin, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    struct strbuf sb = {0};
    char buf[4096];
    ssize_t r;
    while ((r = read(fds[0], buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR)) {
        if (r > 0)
            strbuf_append(&sb, buf, (size_t)r);
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (out != NULL)
        *out = strbuf_take(&sb);
    strbuf_finish(&sb);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Writes a file in the temp dir. */
static char *write_file(const char *name, const char *text)
{
    char *path = path_join(tmpdir, name);
    if (!file_write_atomic(path, text, strlen(text), 0644))
        fprintf(stderr, "cannot write %s\n", path);
    return path;
}

/* Fills a scan; the other fields are zero ("", false, first enum value). */
static struct scan make_scan(const char *device, int64_t seq, int64_t wall_ms, const char *room,
                             const char *session, const char *attendee, enum scan_kind kind,
                             enum scan_result result, enum scan_reason reason)
{
    struct scan s;
    memset(&s, 0, sizeof s);
    snprintf(s.device_id, sizeof s.device_id, "%s", device);
    s.db_epoch = 77;
    s.seq = seq;
    s.wall_ms = wall_ms;
    s.mono_ns = (wall_ms - T0 + 3600000) * 1000000; /* a boot an hour before T0 */
    snprintf(s.boot_id, sizeof s.boot_id, "boot-%s", device);
    s.clock_synced = false; /* T0 is years ahead: a synchronised clock could not say so */
    snprintf(s.room, sizeof s.room, "%s", room);
    snprintf(s.session, sizeof s.session, "%s", session);
    snprintf(s.attendee, sizeof s.attendee, "%s", attendee);
    s.mode = MODE_ENTRY;
    s.kind = kind;
    s.result = result;
    s.reason = reason;
    return s;
}

/* The CLI's init: applies the schema, then is a no-op. */
static void test_init(PGconn *db, const char *conninfo)
{
    char *out = NULL;
    const char *init[] = {"central", "init", conninfo, NULL};
    CHECK(run_portier(&out, init) == 0);
    CHECK_MSG(out && strstr(out, "(16 steps applied)"), "init said: %s", out ? out : "");
    free(out);
    CHECK(run_portier(&out, init) == 0);
    CHECK_MSG(out && strstr(out, "up to date"), "second init said: %s", out ? out : "");
    free(out);
    CHECK_QUERY(db, "SELECT count(*) FROM portier.schema_version", "16");
    /* Step 8: multi-day badges refused on another day (reason not_today). */
    CHECK_QUERY(db,
                "SELECT pg_get_constraintdef(oid) LIKE '%''not_today''%' FROM pg_constraint"
                " WHERE conname = 'scans_reason_check'",
                "t");
    CHECK_QUERY(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'portier'", "15");
    CHECK_QUERY(db,
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'portier' AND c.relkind = 'r'"
                " AND c.relrowsecurity AND c.relforcerowsecurity",
                "15");
    CHECK_QUERY(db, "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'portier_owner'", "f");
    const char *bad[] = {"central", "init", NULL};
    CHECK(run_portier(NULL, bad) == 2);
    const char *unknown[] = {"central", "frobnicate", conninfo, NULL};
    CHECK(run_portier(NULL, unknown) == 2);
    const char *help[] = {"central", "--help", NULL};
    CHECK(run_portier(&out, help) == 0);
    CHECK(out && strstr(out, "add-device"));
    free(out);
    const char *unreachable[] = {"central", "init", "host=/nonexistent port=1 connect_timeout=2",
                                 NULL};
    CHECK(run_portier(NULL, unreachable) == 1);
}

/* The CSV files of the test event. */
static const char rooms_csv[] = "id,name,capacity\n"
                                "aula,Aula Magna,100\n"
                                "lab,\"Lab, first floor\",20\n";
static const char sessions_csv[] =
    "id,room,title,start,end\n"
    "s-aula-am,aula,Les événements accessibles,2030-05-01T09:00:00+02:00,"
    "2030-05-01T10:30:00+02:00\n"
    "s-lab-am,lab,Soldering,2030-05-01T09:00:00+02:00,2030-05-01T10:30:00+02:00\n";
static const char attendees_csv[] =
    "id,name,organisation,email,language,category,sessions\n"
    "A1,Françoise Dieudonné,Université libre de Bruxelles,francoise@example.org,fr,attendee,"
    "s-aula-am\n"
    "A2,محمد,,mohammed@example.com,en,attendee,s-aula-am\n"
    "A3,Jürgen Çelik,Stadtwerke Köln,juergen@example.de,en,speaker,s-lab-am\n"
    "A4,Ngọc Anh,Hanoi Tech,ngoc@example.vn,en,attendee,\n";
static const char more_csv[] = "id,name,organisation,email,language,category,sessions\n"
                               "A3,Jürgen Çelik,Stadtwerke Köln,juergen@example.de,en,speaker,"
                               "s-lab-am;s-aula-am\n"
                               "A5,Björn Åström,KTH,bjorn@example.se,en,attendee,s-lab-am\n";

/* publish: the model arrives byte for byte and listeners hear of it; publishing again
 * changes nothing (test_republish checks that it did not notify). */
static bool test_publish(PGconn *db, PGconn *listener, const char *conninfo, const char *event_dir)
{
    char *rooms = write_file("rooms.csv", rooms_csv);
    char *sessions = write_file("sessions.csv", sessions_csv);
    char *attendees = write_file("attendees.csv", attendees_csv);
    const char *init[] = {"init",       event_dir,         "--name",      "Central test",
                          "--timezone", "Europe/Brussels", "--rooms",     rooms,
                          "--sessions", sessions,          "--attendees", attendees,
                          NULL};
    int rc = run_portier(NULL, init);
    CHECK_MSG(rc == 0, "portier init exited with %d", rc);
    free(rooms);
    free(sessions);
    free(attendees);
    if (rc != 0)
        return false;

    char *out = NULL;
    const char *publish[] = {"central", "publish", event_dir, conninfo, NULL};
    CHECK(run_portier(&out, publish) == 0);
    CHECK_MSG(out && strstr(out, "2 rooms, 2 sessions, 4 attendees (4 new, 0 changed)"),
              "publish said: %s", out ? out : "");
    free(out);
    PGnotify *n = wait_notify(listener);
    CHECK(n != NULL && strcmp(n->relname, CENTRAL_CHANNEL_MODEL) == 0 &&
          strcmp(n->extra, "attendees") == 0);
    PQfreemem(n);
    CHECK_QUERY(db, "SELECT name FROM portier.attendees WHERE id = 'A1'", "Françoise Dieudonné");
    CHECK_QUERY(db, "SELECT name FROM portier.attendees WHERE id = 'A2'", "محمد");
    CHECK_QUERY(db, "SELECT organisation FROM portier.attendees WHERE id = 'A3'",
                "Stadtwerke Köln");
    CHECK_QUERY(db, "SELECT name FROM portier.attendees WHERE id = 'A4'", "Ngọc Anh");
    CHECK_QUERY(db, "SELECT octet_length(name) FROM portier.attendees WHERE id = 'A2'", "8");
    CHECK_QUERY(db, "SELECT sessions::text FROM portier.attendees WHERE id = 'A1'", "{s-aula-am}");
    CHECK_QUERY(db, "SELECT sessions::text FROM portier.attendees WHERE id = 'A4'", "{}");
    CHECK_QUERY(db, "SELECT email FROM portier.attendees WHERE id = 'A1'", "francoise@example.org");
    CHECK_QUERY(db,
                "SELECT num || '/' || language || '/' || category FROM portier.attendees"
                " WHERE id = 'A3'",
                "3/en/speaker");
    CHECK_QUERY(db, "SELECT name || '/' || capacity FROM portier.rooms WHERE id = 'lab'",
                "Lab, first floor/20");
    CHECK_QUERY(db, "SELECT title FROM portier.sessions WHERE id = 's-aula-am'",
                "Les événements accessibles");
    CHECK_QUERY(db,
                "SELECT (extract(epoch FROM starts_at) * 1000)::bigint || ' ' || start_text"
                " FROM portier.sessions WHERE id = 's-lab-am'",
                "1903849200000 2030-05-01T09:00:00+02:00");
    CHECK_QUERY(db, "SELECT name || '/' || timezone FROM portier.event",
                "Central test/Europe/Brussels");

    CHECK(run_portier(&out, publish) == 0);
    CHECK_MSG(out && strstr(out, "(0 new, 0 changed), 0 revocations (0 new)"),
              "second publish said: %s", out ? out : "");
    free(out);
    CHECK_QUERY(db, "SELECT max(version) FROM portier.attendees", "4");
    return true;
}

/* On-site registration and a revocation reach the central database, with new versions for
 * exactly what changed, and wake listeners. */
static void test_republish(PGconn *db, PGconn *listener, const char *conninfo,
                           const char *event_dir)
{
    char *more = write_file("more.csv", more_csv);
    const char *import[] = {"import", event_dir, "--attendees", more, NULL};
    CHECK(run_portier(NULL, import) == 0);
    free(more);
    const char *revoke[] = {"revoke", event_dir, "A4", NULL};
    CHECK(run_portier(NULL, revoke) == 0);

    char *out = NULL;
    const char *publish[] = {"central", "publish", event_dir, conninfo, NULL};
    CHECK(run_portier(&out, publish) == 0);
    CHECK_MSG(out && strstr(out, "5 attendees (1 new, 2 changed), 1 revocations (1 new)"),
              "publish after import said: %s", out ? out : "");
    free(out);
    /* A3 registered for one more session; A4's badge serial moved; A1 did not change. */
    CHECK_QUERY(db,
                "SELECT string_agg(id, ',' ORDER BY id) FROM portier.attendees"
                " WHERE version > 4",
                "A3,A4,A5");
    CHECK_QUERY(db, "SELECT sessions::text FROM portier.attendees WHERE id = 'A3'",
                "{s-aula-am,s-lab-am}");
    CHECK_QUERY(db, "SELECT name FROM portier.attendees WHERE id = 'A5'", "Björn Åström");
    CHECK_QUERY(db, "SELECT num || '/' || serial FROM portier.revocations", "4/0");
    CHECK_QUERY(db, "SELECT serial FROM portier.attendees WHERE id = 'A4'", "1");

    bool attendees = false, revocations = false;
    for (int i = 0; i < 2; i++) {
        PGnotify *n = wait_notify(listener);
        CHECK_MSG(n != NULL, "no notification after publish");
        if (n == NULL)
            break;
        CHECK_STR(n->relname, CENTRAL_CHANNEL_MODEL);
        attendees |= strcmp(n->extra, "attendees") == 0;
        revocations |= strcmp(n->extra, "revocations") == 0;
        PQfreemem(n);
    }
    CHECK(attendees && revocations);
}

/* add-device and add-organiser: login roles that work, with their passwords only. */
static char *add_login(const char *what, const char *conninfo, const char *name, const char *auth,
                       int port, const char *room)
{
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);
    const char *argv[] = {"central", what,        conninfo, name,      auth,
                          "--host",  "127.0.0.1", "--port", port_text, room ? "--room" : NULL,
                          room,      NULL};
    char *out = NULL;
    int rc = run_portier(&out, argv);
    CHECK_MSG(rc == 0, "%s %s exited with %d", what, name, rc);
    if (rc != 0) {
        free(out);
        return NULL;
    }
    size_t len = strlen(out);
    while (len > 0 && out[len - 1] == '\n')
        out[--len] = '\0';
    return out;
}

/* The device role: its own scans only, append only, no e-mail addresses. */
static void test_device(PGconn *db, PGconn *device, PGconn *listener)
{
    CHECK_QUERY(device, "SELECT current_user", "door-1");

    /* Upload is idempotent. */
    struct scan s = make_scan("door-1", 1, T0, "aula", "s-aula-am", "A1", SCAN_BADGE,
                              RESULT_ADMITTED, REASON_OK);
    CHECK(central_upload_scans(device, &s, 1, NULL, 0) == 1);
    CHECK(central_upload_scans(device, &s, 1, NULL, 0) == 0);
    CHECK_QUERY(db, "SELECT count(*) FROM portier.scans", "1");
    /* By COPY through the session's own table. */
    CHECK_QUERY(device, "SELECT to_regclass('pg_temp.push_buf') IS NOT NULL", "t");
    CHECK_QUERY(db,
                "SELECT device_id || '/' || db_epoch || '/' || seq || '/' || wall_ms || '/' ||"
                " mono_ns || '/' || boot_id || '/' || clock_synced || '/' || room || '/' ||"
                " session || '/' || attendee || '/' || mode || '/' || kind || '/' || result ||"
                " '/' || reason || '/' || override FROM portier.scans",
                "door-1/77/1/1903849200000/3600000000000/boot-door-1/false/aula/s-aula-am/A1/"
                "entry/badge/admitted/ok/false");
    CHECK_QUERY(db, "SELECT received_at > now() - interval '1 hour' FROM portier.scans", "t");
    CHECK_QUERY(db, "SELECT wall_time = '2030-05-01T07:00:00Z' FROM portier.scans", "t");

    /* The first notification is about door-1's insert; the no-op re-insert sent none. */
    PGnotify *n = wait_notify(listener);
    CHECK_MSG(n != NULL, "no notification after a scan insert");
    if (n != NULL) {
        CHECK_STR(n->relname, CENTRAL_CHANNEL_SCANS);
        CHECK_STR(n->extra, "door-1 aula");
        PQfreemem(n);
    }
    CHECK(central_upload_scans(device, &s, 1, NULL, 0) == 0);
    CHECK(exec_sql(db, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                       " boot_id, clock_synced, room, mode, kind, result, reason) VALUES"
                       " ('door-zz', 1, 1, 0, 0, 'b', true, 'nowhere', 'entry', 'room_open',"
                       " 'denied', 'ok')"));
    n = wait_notify(listener);
    CHECK_MSG(n != NULL && strcmp(n->extra, "door-zz nowhere") == 0,
              "a re-insert that changed nothing notified");
    PQfreemem(n);
    /* Several rows in one upload: one notification. */
    struct scan batch[3];
    for (int i = 0; i < 3; i++)
        batch[i] = make_scan("door-1", 100 + i, T0 - 50 * MIN, "aula", "", "", SCAN_ROOM_OPEN,
                             RESULT_DENIED, REASON_OK);
    CHECK(central_upload_scans(device, batch, 3, NULL, 0) == 3);
    n = wait_notify(listener);
    CHECK(n != NULL && strcmp(n->extra, "door-1 aula") == 0);
    PQfreemem(n);
    /* Only a superuser can clean up. */
    CHECK(exec_sql(db, "DELETE FROM portier.scans WHERE seq >= 100 OR device_id = 'door-zz'"));

    /* Another device's scans: refused by row-level security. */
    struct scan other =
        make_scan("door-2", 1, T0, "aula", "", "A2", SCAN_BADGE, RESULT_ADMITTED, REASON_OK);
    CHECK(central_upload_scans(device, &other, 1, NULL, 0) == -1);
    CHECK(denied(device, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                         " boot_id, clock_synced, room, mode, kind, result, reason) VALUES"
                         " ('door-2', 1, 1, 0, 0, 'b', true, 'aula', 'entry', 'badge',"
                         " 'admitted', 'ok')"));
    /* The server's arrival time is the server's. */
    CHECK(denied(device, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                         " boot_id, clock_synced, room, mode, kind, result, reason, received_at)"
                         " VALUES ('door-1', 1, 9, 0, 0, 'b', true, 'aula', 'entry', 'badge',"
                         " 'admitted', 'ok', now())"));
    /* Append only. */
    CHECK(denied(device, "UPDATE portier.scans SET result = 'denied'"));
    CHECK(denied(device, "UPDATE portier.scans SET result = 'denied' WHERE device_id = 'door-1'"));
    CHECK(denied(device, "DELETE FROM portier.scans"));
    CHECK(denied(device, "DELETE FROM portier.scans WHERE device_id = 'door-1'"));
    CHECK(denied(device, "TRUNCATE portier.scans"));
    CHECK_QUERY(db, "SELECT count(*) || '/' || min(result) FROM portier.scans", "1/admitted");
    /* The model without e-mail addresses, read-only. */
    CHECK(denied(device, "SELECT email FROM portier.attendees"));
    CHECK(denied(device, "SELECT * FROM portier.attendees"));
    CHECK_QUERY(device, "SELECT name FROM portier.attendees WHERE id = 'A2'", "محمد");
    CHECK_QUERY(device, "SELECT count(*) FROM portier.scans", "1");
    CHECK(denied(device, "UPDATE portier.attendees SET name = 'x'"));
    CHECK(denied(device, "INSERT INTO portier.revocations (num, serial, revoked_at) VALUES"
                         " (1, 0, 'now')"));
    CHECK(denied(device, "DELETE FROM portier.revocations"));
    CHECK(denied(device, "SELECT * FROM portier.occupancy_now"));
    /* It sees its own device row only. */
    CHECK_QUERY(device, "SELECT string_agg(id, ',') FROM portier.devices", "door-1");
    /* Clock anchors: its own only. */
    CHECK(exec_sql(device, "INSERT INTO portier.clock_anchors (device_id, boot_id, mono_ns,"
                           " wall_ms) VALUES ('door-1', 'boot-door-1', 1, 0)"));
    CHECK(denied(device, "INSERT INTO portier.clock_anchors (device_id, boot_id, mono_ns,"
                         " wall_ms) VALUES ('door-2', 'b', 1, 0)"));
    CHECK(exec_sql(db, "DELETE FROM portier.clock_anchors"));
}

/* Roles belong to the cluster, but a login acts only on the database that registered it: here
 * the other database "fw", which has the schema too. */
static void test_other_database(PGconn *cluster, struct pg_harness *pg, const char *device_conninfo,
                                const char *organiser_conninfo)
{
    char conninfo[1024];
    int applied = -1;
    CHECK(exec_sql(cluster, "CREATE DATABASE fw"));
    pg_harness_conninfo_db(pg, "fw", conninfo, sizeof conninfo);
    PGconn *super = connect_to(conninfo);
    CHECK(super != NULL &&
          central_migrate(super, central_migrations, central_migration_count, &applied));
    char *device_fw = xasprintf("%s dbname=fw", device_conninfo);
    char *organiser_fw = xasprintf("%s dbname=fw", organiser_conninfo);
    PGconn *device = connect_to(device_fw);
    PGconn *organiser = connect_to(organiser_fw);
    CHECK(super != NULL && device != NULL && organiser != NULL);
    if (super == NULL || device == NULL || organiser == NULL)
        goto out;
    CHECK(exec_sql(super, "INSERT INTO portier.rooms VALUES ('hall', 'Hall', 10)"));
    CHECK(denied(device, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                         " boot_id, clock_synced, room, mode, kind, result, reason) VALUES"
                         " ('door-1', 1, 1, 0, 0, 'b', true, 'hall', 'entry', 'badge',"
                         " 'admitted', 'ok')"));
    CHECK_QUERY(device, "SELECT count(*) FROM portier.rooms", "0");
    CHECK_QUERY(organiser, "SELECT count(*) FROM portier.rooms", "0");
    CHECK_QUERY(super, "SELECT count(*) FROM portier.rooms", "1");
out:
    PQfinish(super);
    PQfinish(device);
    PQfinish(organiser);
    free(device_fw);
    free(organiser_fw);
}

/* Scans inserted by hand (as the superuser, who may set the arrival time), and what the views
 * make of them. */
static void test_views(PGconn *db, PGconn *organiser)
{
    static const char insert[] =
        "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
        " clock_synced, room, session, attendee, mode, kind, result, reason, received_at)"
        " VALUES ";
    struct strbuf sql = {0};
    strbuf_puts(&sql, insert);
    /* device, seq, minutes after T0, room, session, attendee, kind, result, reason */
    static const struct {
        const char *device;
        int seq;
        int64_t minutes_x2; /* half minutes */
        const char *room, *session, *attendee, *kind, *result, *reason;
    } rows[] = {
        /* door-1 seq 1 (A1 into aula at T0) was uploaded by test_device. */
        {"door-1", 2, 2, "aula", "s-aula-am", "A2", "badge", "admitted", "ok"},
        {"door-1", 3, 4, "aula", "s-aula-am", "A4", "badge", "admitted", "not_registered"},
        {"door-lab", 1, 1, "lab", "s-lab-am", "A3", "badge", "admitted", "ok"},
        {"door-lab", 2, 3, "lab", "", "A2", "badge", "admitted", "ok"}, /* 30 s after aula */
        {"door-lab", 3, 20, "lab", "s-lab-am", "A1", "badge", "admitted", "ok"},
        {"door-1", 4, 30, "aula", "s-aula-am", "A2", "badge", "exited", "ok"},
        {"door-1", 5, 32, "aula", "s-aula-am", "", "badge", "denied", "invalid"},
        {"door-1", 6, 34, "aula", "s-aula-am", "", "manual", "admitted", "ok"},
        {"door-lab", 4, 40, "lab", "", "", "room_close", "denied", "ok"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        int64_t wall = T0 + rows[i].minutes_x2 * MIN / 2;
        strbuf_printf(&sql,
                      "%s('%s', 77, %d, %" PRId64 ", %" PRId64 ", 'boot-%s', true, '%s', '%s',"
                      " '%s', 'entry', '%s', '%s', '%s', now())",
                      i > 0 ? ", " : "", rows[i].device, rows[i].seq, wall,
                      (wall - T0 + 3600000) * 1000000, rows[i].device, rows[i].room,
                      rows[i].session, rows[i].attendee, rows[i].kind, rows[i].result,
                      rows[i].reason);
    }
    CHECK(exec_sql(db, sql.data));
    strbuf_finish(&sql);

    /* A3's badge at two entrance doors, the second before the first had been uploaded. */
    CHECK(exec_sql(db, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                       " boot_id, clock_synced, room, attendee, mode, kind, result, reason,"
                       " received_at) VALUES"
                       " ('door-ent-1', 1, 1, 1903847400000, 1, 'e1', true, 'entrance', 'A3',"
                       "  'entry', 'badge', 'admitted', 'ok', '2030-05-01T08:00:00Z'),"
                       " ('door-ent-2', 1, 1, 1903847460000, 1, 'e2', true, 'entrance', 'A3',"
                       "  'entry', 'badge', 'admitted', 'ok', '2030-05-01T06:31:00Z')"));

    /* Corrected times: a boot that synchronised later, and one dated by the server. */
    CHECK(exec_sql(db, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                       " boot_id, clock_synced, room, mode, kind, result, reason, received_at)"
                       " VALUES"
                       " ('door-x', 1, 1, 1000, 10000000000, 'bx', false, 'nowhere', 'entry',"
                       "  'room_open', 'denied', 'ok', '2030-05-01T09:00:00Z'),"
                       " ('door-x', 1, 2, 1903849200000, 20000000000, 'bx', true, 'nowhere',"
                       "  'entry', 'room_open', 'denied', 'ok', '2030-05-01T09:00:00Z'),"
                       " ('door-y', 1, 1, 5000, 5000000000, 'by', false, 'nowhere', 'entry',"
                       "  'room_open', 'denied', 'ok', '2030-05-01T09:00:00Z')"));
    CHECK(exec_sql(db, "INSERT INTO portier.clock_anchors (device_id, boot_id, mono_ns, wall_ms,"
                       " received_at) VALUES ('door-y', 'by', 65000000000, 0,"
                       " '2030-05-01T07:00:00Z')"));

    CHECK_QUERY(organiser,
                "SELECT string_agg(device_id || ':' || corrected_ms || ':' || time_source, ' '"
                " ORDER BY device_id, seq) FROM portier.scans_timed WHERE room = 'nowhere'",
                "door-x:1903849190000:boot door-x:1903849200000:kiosk "
                "door-y:1903849140000:server");

    CHECK_QUERY(organiser,
                "SELECT string_agg(room || '=' || occupancy || '/' || capacity || '/' ||"
                " is_open, ' ' ORDER BY room) FROM portier.occupancy_now",
                "aula=2/100/true lab=2/20/false");
    CHECK_QUERY(organiser,
                "SELECT string_agg(attendee || '@' || room || ':' || result, ' '"
                " ORDER BY attendee) FROM portier.attendee_location",
                "A1@lab:admitted A2@aula:exited A3@lab:admitted A4@aula:admitted");
    CHECK_QUERY(organiser,
                "SELECT string_agg(concat_ws('/', session, registered, attended,"
                " attended_registered, walk_ins, no_shows, manual_admissions), ' '"
                " ORDER BY session) FROM portier.attendance_by_session",
                "s-aula-am/3/3/2/1/1/1 s-lab-am/2/2/1/1/1/0");
    CHECK_QUERY(organiser,
                "SELECT string_agg(concat_ws('/', extract(epoch FROM slot)::bigint * 1000 - "
                "1903849200000, room, admitted, exited, denied), ' ' ORDER BY slot, room)"
                " FROM portier.arrivals_per_5min WHERE room IN ('aula', 'lab')",
                "0/aula/3/0/0 0/lab/2/0/0 600000/lab/1/0/0 900000/aula/1/1/1");
    CHECK_QUERY(organiser,
                "SELECT string_agg(concat_ws('/', kind, attendee, first_device, first_room,"
                " second_device, second_room), ' ' ORDER BY kind) FROM portier.conflicts",
                "admitted_twice_offline/A3/door-ent-1/entrance/door-ent-2/entrance "
                "two_rooms_at_once/A2/door-1/aula/door-lab/lab");
    CHECK_QUERY(organiser, "SELECT count(*) FROM portier.registrations", "5");
    CHECK_QUERY(organiser, "SELECT email FROM portier.attendees WHERE id = 'A1'",
                "francoise@example.org");

    /* Organisers write nothing. */
    CHECK(denied(organiser, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms,"
                            " mono_ns, boot_id, clock_synced, room, mode, kind, result, reason)"
                            " VALUES ('org', 1, 1, 0, 0, 'b', true, 'aula', 'entry', 'badge',"
                            " 'admitted', 'ok')"));
    CHECK(denied(organiser, "UPDATE portier.attendees SET name = 'x'"));
    CHECK(denied(organiser, "DELETE FROM portier.scans"));
    CHECK(denied(organiser, "INSERT INTO portier.rooms VALUES ('x', 'x', 1)"));
    CHECK(denied(organiser, "CREATE TABLE portier.mine (x integer)"));
}

/* The harness's crash and restart, which later tests of the sync daemon rely on: committed
 * rows survive a SIGKILL of every server process, and clients reconnect to the same port. */
static void test_crash(struct pg_harness *pg, const char *conninfo, const char *device_conninfo)
{
    PGconn *db = connect_to(conninfo);
    CHECK(db != NULL);
    char *before = db ? query_value(db, "SELECT count(*) FROM portier.scans", true) : NULL;
    int port = pg->port;
    CHECK(pg_harness_stop_hard(pg));
    PGresult *res = db ? PQexec(db, "SELECT 1") : NULL;
    CHECK(PQresultStatus(res) != PGRES_TUPLES_OK);
    PQclear(res);
    PQfinish(db);
    CHECK(pg_harness_restart(pg));
    CHECK(pg->port == port);
    db = connect_to(conninfo);
    CHECK(db != NULL);
    if (db != NULL && before != NULL)
        CHECK_QUERY(db, "SELECT count(*) FROM portier.scans", before);
    PGconn *device = device_conninfo ? connect_to(device_conninfo) : NULL;
    CHECK(device != NULL);
    if (device != NULL)
        CHECK_QUERY(device, "SELECT current_user", "door-1");
    PQfinish(device);
    PQfinish(db);
    free(before);
}

/* A device role that may not create temporary tables (the schema grants TEMPORARY to the
 * devices' group only; a stricter operator may revoke it): the upload takes multi-row INSERTs
 * instead of COPY, in chunks, just as idempotent. */
static void test_upload_without_temp(PGconn *db, const char *device_conninfo)
{
    CHECK(exec_sql(db, "REVOKE TEMPORARY ON DATABASE event FROM portier_device"));
    PGconn *device = connect_to(device_conninfo);
    CHECK(device != NULL);
    enum { N = 1200 };
    struct scan *batch = xcalloc(N, sizeof *batch);
    for (int i = 0; i < N; i++)
        batch[i] = make_scan("door-1", 1000 + i, T0 - 50 * MIN, "aula", "", "", SCAN_ROOM_OPEN,
                             RESULT_DENIED, REASON_OK);
    if (device != NULL) {
        CHECK(central_upload_scans(device, batch, N, NULL, 0) == N);
        CHECK(central_upload_scans(device, batch, N, NULL, 0) == 0);
        CHECK_QUERY(db, "SELECT count(*) FROM portier.scans WHERE seq >= 1000", "1200");
        CHECK_QUERY(device, "SELECT to_regclass('pg_temp.push_buf') IS NULL", "t");
        struct scan other =
            make_scan("door-2", 1, T0, "aula", "", "A2", SCAN_BADGE, RESULT_ADMITTED, REASON_OK);
        char why[256] = "";
        CHECK(central_upload_scans(device, &other, 1, why, sizeof why) == -1);
        CHECK_MSG(strstr(why, "row-level security") != NULL, "why: %s", why);
    }
    free(batch);
    PQfinish(device);
    CHECK(exec_sql(db, "GRANT TEMPORARY ON DATABASE event TO portier_device"));
    CHECK(exec_sql(db, "DELETE FROM portier.scans WHERE seq >= 1000"));
}

/* Uploads one scan as the device; true when the server refused it saying expected, on one
 * line (the sync daemon shows it as its last error). */
static bool refused(PGconn *device, const struct scan *s, const char *expected)
{
    char why[1024] = "";
    long n = central_upload_scans(device, s, 1, why, sizeof why);
    bool ok = n == -1 && strstr(why, expected) != NULL && strchr(why, '\n') == NULL;
    if (!ok)
        fprintf(stderr, "scan %" PRId64 ": expected a refusal saying '%s', got %ld: %s\n", s->seq,
                expected, n, why);
    return ok;
}

/* A device's credentials act on its own rooms, with what the published model holds: door-1
 * is bound to aula (add-device --room aula), door-cert to the entrance (no --room). */
static void test_binding(PGconn *db, PGconn *device)
{
    CHECK_QUERY(db, "SELECT rooms::text FROM portier.devices WHERE id = 'door-1'", "{aula}");
    CHECK_QUERY(db, "SELECT rooms::text FROM portier.devices WHERE id = 'door-cert'", "{entrance}");
    struct scan s;
    s = make_scan("door-1", 500, T0, "lab", "", "", SCAN_ROOM_CLOSE, RESULT_DENIED, REASON_OK);
    CHECK(refused(device, &s,
                  "scan door-1/77/500: device \"door-1\" may not record scans for room \"lab\": it "
                  "is bound to aula (run the kiosk with a --room its device was added with"));
    CHECK(denied(device, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns,"
                         " boot_id, clock_synced, room, mode, kind, result, reason) VALUES"
                         " ('door-1', 77, 500, 0, 0, 'b', false, 'lab', 'entry', 'room_close',"
                         " 'denied', 'ok')"));
    s = make_scan("door-1", 501, T0, "lab", "s-lab-am", "A3", SCAN_BADGE, RESULT_ADMITTED,
                  REASON_OK);
    s.override = true;
    CHECK(refused(device, &s, "may not record scans for room \"lab\""));
    s = make_scan("door-1", 502, T0, "entrance", "", "A1", SCAN_BADGE, RESULT_ADMITTED, REASON_OK);
    CHECK(refused(device, &s, "may not record scans for room \"entrance\""));
    s = make_scan("door-1", 503, T0, "ghost", "", "A1", SCAN_BADGE, RESULT_ADMITTED, REASON_OK);
    CHECK(refused(device, &s, "room \"ghost\" is not in the published model"));
    s = make_scan("door-1", 504, T0, "aula", "s-aula-am", "Z99", SCAN_BADGE, RESULT_ADMITTED,
                  REASON_OK);
    CHECK(refused(device, &s, "attendee \"Z99\" is not in the published model"));
    s = make_scan("door-1", 505, T0, "aula", "s-lab-am", "A1", SCAN_BADGE, RESULT_ADMITTED,
                  REASON_OK);
    CHECK(refused(device, &s, "session \"s-lab-am\" is not a published session in room \"aula\""));
    s = make_scan("door-1", 506, T0, "aula", "s-aula-am", "A2", SCAN_BADGE, RESULT_ADMITTED,
                  REASON_OK);
    s.override = true;
    CHECK(refused(device, &s, "an override without a staff badge just before it"));
    /* A synchronised clock an hour ahead of the server's. */
    s = make_scan("door-1", 507, time_now_ms() + 60 * MIN, "aula", "", "A1", SCAN_BADGE,
                  RESULT_ADMITTED, REASON_OK);
    s.clock_synced = true;
    s.mono_ns = 1;
    CHECK(refused(device, &s, "more than 5 minutes ahead of the server's clock"));
    CHECK_QUERY(db, "SELECT count(*) FROM portier.scans WHERE seq >= 500", "0");

    /* What the kiosk in aula does goes through: a scan now, and an override right after a
     * staff badge (A4 made staff for the purpose), once. */
    s = make_scan("door-1", 510, time_now_ms(), "aula", "s-aula-am", "A1", SCAN_BADGE,
                  RESULT_EXITED, REASON_OK);
    s.clock_synced = true;
    s.mono_ns = 1;
    CHECK(central_upload_scans(device, &s, 1, NULL, 0) == 1);
    CHECK(exec_sql(db, "UPDATE portier.attendees SET category = 'staff' WHERE id = 'A4'"));
    struct scan pair[3];
    pair[0] = make_scan("door-1", 511, T0 + 1000, "aula", "s-aula-am", "A4", SCAN_BADGE,
                        RESULT_ADMITTED, REASON_OK);
    pair[1] = make_scan("door-1", 512, T0 + 4000, "aula", "s-aula-am", "A2", SCAN_BADGE,
                        RESULT_ADMITTED, REASON_OK);
    pair[1].override = true;
    pair[2] = pair[1];
    pair[2].seq = 513;
    CHECK(central_upload_scans(device, pair, 2, NULL, 0) == 2);
    CHECK(refused(device, &pair[2], "an override without a staff badge just before it"));
    CHECK(exec_sql(db, "UPDATE portier.attendees SET category = 'attendee' WHERE id = 'A4'"));
    CHECK(exec_sql(db, "DELETE FROM portier.scans WHERE seq >= 500"));
}

/* Runs `portier central publish EVENT_DIR CONNINFO [--force]`; returns its exit status and its
 * stderr in *err (owned). */
static int publish_from(const char *event_dir, const char *conninfo, bool force, char **err)
{
    char *path = path_join(tmpdir, "publish.err");
    int rc = test_sh("'%s' central publish '%s' '%s'%s >/dev/null 2>'%s'", portier_bin, event_dir,
                     conninfo, force ? " --force" : "", path);
    *err = file_read_all(path, NULL);
    if (*err == NULL)
        *err = xstrdup("");
    free(path);
    return rc;
}

/* A stale copy of event.db cannot roll back a newer revoke or forget at central, unless
 * --force; an event.db from before model versions counts as version 0. */
static void test_stale_publish(PGconn *db, const char *conninfo, const char *event_dir)
{
    char *stale = path_join(tmpdir, "stale"), *old = path_join(tmpdir, "old");
    char *err = NULL;
    CHECK_QUERY(db, "SELECT model_version FROM portier.event", "2"); /* an import, a revoke */
    CHECK(test_sh("cp -a '%s' '%s' && cp -a '%s' '%s'", event_dir, stale, event_dir, old) == 0);
    char *old_db = path_join(old, "event.db");
    sqlite3 *sq = NULL;
    CHECK(sqlite3_open(old_db, &sq) == SQLITE_OK &&
          sqlite3_exec(sq, "DELETE FROM meta WHERE key = 'model_version'", NULL, NULL, NULL) ==
              SQLITE_OK);
    sqlite3_close(sq);
    free(old_db);
    const char *revoke[] = {"revoke", event_dir, "A4", NULL};
    CHECK(run_portier(NULL, revoke) == 0);
    CHECK(publish_from(event_dir, conninfo, false, &err) == 0);
    free(err);
    CHECK_QUERY(db,
                "SELECT model_version || '/' || (SELECT serial FROM portier.attendees"
                " WHERE id = 'A4') FROM portier.event",
                "3/2");

    CHECK(publish_from(stale, conninfo, false, &err) == 1);
    CHECK_MSG(strstr(err, "holds a newer model (version 3") && strstr(err, "(version 2)") &&
                  strstr(err, "--force"),
              "stale publish said: %s", err);
    free(err);
    CHECK(publish_from(old, conninfo, false, &err) == 1);
    CHECK_MSG(strstr(err, "(version 0)"), "old publish said: %s", err);
    free(err);
    CHECK_QUERY(db,
                "SELECT model_version || '/' || (SELECT serial FROM portier.attendees"
                " WHERE id = 'A4') FROM portier.event",
                "3/2");

    /* --force publishes the older model: its badge serial comes back. */
    CHECK(publish_from(stale, conninfo, true, &err) == 0);
    free(err);
    CHECK_QUERY(db,
                "SELECT model_version || '/' || (SELECT serial FROM portier.attendees"
                " WHERE id = 'A4') FROM portier.event",
                "2/1");

    /* A forget in the central database alone moves its model on. */
    CHECK(test_sh("'%s' forget --central '%s' A5 >/dev/null", portier_bin, conninfo) == 0);
    CHECK_QUERY(db, "SELECT model_version FROM portier.event", "3");
    CHECK(publish_from(stale, conninfo, false, &err) == 1);
    free(err);
    CHECK_QUERY(db, "SELECT name FROM portier.attendees WHERE id = 'A5'", PRIVACY_FORGOTTEN_NAME);
    free(stale);
    free(old);
}

int main(void)
{
    portier_bin = getenv("PORTIER_BIN");
    CHECK_MSG(portier_bin != NULL, "PORTIER_BIN is not set");
    CHECK(mkdtemp(tmpdir) != NULL);
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK_MSG(pg != NULL, "no PostgreSQL cluster (see above)");
    if (pg == NULL || portier_bin == NULL)
        goto out;

    PGconn *super = connect_to(pg_harness_conninfo(pg));
    CHECK(super != NULL);
    if (super == NULL)
        goto out;

    char conninfo[1024];
    CHECK(exec_sql(super, "CREATE DATABASE event ENCODING 'UTF8'"));
    pg_harness_conninfo_db(pg, "event", conninfo, sizeof conninfo);
    PGconn *db = connect_to(conninfo);
    CHECK(db != NULL);
    PGconn *listener = connect_to(conninfo);
    PGconn *device = NULL, *organiser = NULL;
    char *device_conninfo = NULL, *organiser_conninfo = NULL, *cert_conninfo = NULL;
    if (db == NULL || listener == NULL)
        goto done;

    test_init(db, conninfo);
    CHECK(exec_sql(listener, "LISTEN portier_scans; LISTEN portier_model"));
    char *event_dir = path_join(tmpdir, "event");
    bool published = test_publish(db, listener, conninfo, event_dir);
    /* A database without the schema, and a directory without an event. */
    const char *no_schema[] = {"central", "publish", event_dir, pg_harness_conninfo(pg), NULL};
    CHECK(run_portier(NULL, no_schema) == 1);
    const char *no_schema_device[] = {"central", "add-device", pg_harness_conninfo(pg), "door-9",
                                      NULL};
    CHECK(run_portier(NULL, no_schema_device) == 1);
    CHECK_QUERY(super, "SELECT count(*) FROM pg_roles WHERE rolname = 'door-9'", "0");
    const char *no_event[] = {"central", "publish", tmpdir, conninfo, NULL};
    CHECK(run_portier(NULL, no_event) == 1);
    if (published)
        test_republish(db, listener, conninfo, event_dir);
    free(event_dir);

    device_conninfo = add_login("add-device", conninfo, "door-1", "--password", pg->port, "aula");
    CHECK(device_conninfo != NULL && strstr(device_conninfo, "host=127.0.0.1") &&
          strstr(device_conninfo, "user=door-1") && strstr(device_conninfo, "password="));
    device = device_conninfo ? connect_to(device_conninfo) : NULL;
    CHECK_MSG(device != NULL, "the device cannot log in with: %s",
              device_conninfo ? device_conninfo : "(none)");
    /* The password is what lets it in (TCP connections need one). */
    char *wrong = device_conninfo ? xasprintf("%s password=wrong", device_conninfo) : NULL;
    PGconn *intruder = wrong ? PQconnectdb(wrong) : NULL;
    CHECK(intruder != NULL && PQstatus(intruder) != CONNECTION_OK &&
          strstr(PQerrorMessage(intruder), "password authentication failed"));
    PQfinish(intruder);
    free(wrong);
    CHECK_QUERY(db, "SELECT auth FROM portier.devices WHERE id = 'door-1'", "password");
    /* Not twice, and not with a bad name. */
    const char *again[] = {"central", "add-device", conninfo, "door-1", NULL};
    CHECK(run_portier(NULL, again) == 1);
    const char *bad[] = {"central", "add-device", conninfo, "door 1", NULL};
    CHECK(run_portier(NULL, bad) == 2);
    const char *reserved[] = {"central", "add-device", conninfo, "portier_owner", NULL};
    CHECK(run_portier(NULL, reserved) == 2);
    /* A room the published model does not have: refused, and no role made. */
    const char *ghost[] = {"central", "add-device", conninfo, "door-ghost",
                           "--room",  "ghost",      NULL};
    CHECK(run_portier(NULL, ghost) == 1);
    const char *bad_room[] = {"central", "add-device", conninfo, "door-ghost",
                              "--room",  "a b",        NULL};
    CHECK(run_portier(NULL, bad_room) == 2);
    CHECK_QUERY(db, "SELECT count(*) FROM pg_roles WHERE rolname = 'door-ghost'", "0");
    cert_conninfo = add_login("add-device", conninfo, "door-cert", "--cert", pg->port, NULL);
    CHECK(cert_conninfo != NULL && strstr(cert_conninfo, "sslmode=verify-full") &&
          strstr(cert_conninfo, "user=door-cert") && !strstr(cert_conninfo, "password"));
    CHECK_QUERY(db, "SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'door-cert'", "t");
    CHECK_QUERY(db, "SELECT auth FROM portier.devices WHERE id = 'door-cert'", "cert");
    CHECK_QUERY(db,
                "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid"
                " WHERE rolname = 'door-1'",
                "t");
    if (device != NULL && published) {
        test_device(db, device, listener);
        test_binding(db, device);
    }
    if (device_conninfo != NULL && published)
        test_upload_without_temp(db, device_conninfo);

    organiser_conninfo =
        add_login("add-organiser", conninfo, "alice", "--password", pg->port, NULL);
    organiser = organiser_conninfo ? connect_to(organiser_conninfo) : NULL;
    CHECK(organiser != NULL);
    CHECK_QUERY(db, "SELECT count(*) FROM portier.devices WHERE id = 'alice'", "0");
    CHECK_QUERY(db, "SELECT auth FROM portier.organisers WHERE id = 'alice'", "password");
    if (device_conninfo != NULL && organiser_conninfo != NULL)
        test_other_database(super, pg, device_conninfo, organiser_conninfo);
    if (organiser != NULL && device != NULL && published)
        test_views(db, organiser);
    if (published) {
        char *event_dir2 = path_join(tmpdir, "event");
        test_stale_publish(db, conninfo, event_dir2);
        free(event_dir2);
    }

    PQfinish(device);
    device = NULL;
    test_crash(pg, conninfo, device_conninfo);

done:
    PQfinish(device);
    PQfinish(organiser);
    PQfinish(listener);
    PQfinish(db);
    PQfinish(super);
    free(device_conninfo);
    free(organiser_conninfo);
    free(cert_conninfo);
out:
    pg_harness_destroy(pg);
    pg_harness_rm_tree(tmpdir);
    return check_done();
}
