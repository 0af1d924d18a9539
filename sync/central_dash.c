/* SPDX-License-Identifier: Apache-2.0 */
/* The web dashboard's queries (central_dash.h). */
#include "central_dash.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* A statement of the dashboard that runs longer than this is cut off: the page shows the last
 * figures rather than waiting on a stuck server. */
#define DASH_STATEMENT_TIMEOUT_MS 5000
#define STRINGIFY(x)              #x
#define STRING_OF(x)              STRINGIFY(x)

/* The server's message for a failed result (or the connection's), first line only. */
static void log_failure(PGconn *conn, const PGresult *res, const char *what)
{
    const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (msg == NULL || msg[0] == '\0')
        msg = PQerrorMessage(conn);
    int len = (int)strcspn(msg, "\n");
    log_warnx("dashboard: %s: %.*s", what, len, msg);
}

/* Runs sql with n text parameters; returns its result, or NULL after logging. */
static PGresult *run(PGconn *conn, const char *sql, int n, const char *const *values,
                     const char *what)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        log_failure(conn, res, what);
        PQclear(res);
        return NULL;
    }
    return res;
}

PGconn *central_dash_connect(const char *conninfo)
{
    PGconn *conn = central_connect(conninfo);
    if (conn == NULL)
        return NULL;
    static const char *const setup[] = {
        "SELECT set_config('statement_timeout', '" STRING_OF(DASH_STATEMENT_TIMEOUT_MS) "', false)",
        /* Sessions' times in the event's own zone, as the kiosks and reports show them. */
        "SELECT set_config('TimeZone', timezone, false) FROM portier.event",
        "LISTEN " CENTRAL_CHANNEL_SCANS,
        "LISTEN " CENTRAL_CHANNEL_MODEL,
    };
    for (size_t i = 0; i < ARRAY_LEN(setup); i++) {
        PGresult *res = run(conn, setup[i], 0, NULL, "setting up the connection");
        if (res == NULL) {
            central_close(conn);
            return NULL;
        }
        PQclear(res);
    }
    return conn;
}

/* Every room with its fill (occupancy_now, the view Grafana reads too), its running session
 * and its next one. */
static const char rooms_sql[] =
    "SELECT o.room, o.name, o.occupancy, o.capacity, o.is_open,"
    "       coalesce((SELECT json_build_object('id', s.id, 'title', s.title,"
    "                                          'start', s.starts_at, 'end', s.ends_at)"
    "                 FROM portier.sessions AS s"
    "                 WHERE s.room = o.room AND s.starts_at <= now() AND now() < s.ends_at"
    "                 ORDER BY s.starts_at, s.id LIMIT 1)::text, 'null'),"
    "       coalesce((SELECT json_build_object('id', s.id, 'title', s.title,"
    "                                          'start', s.starts_at, 'end', s.ends_at)"
    "                 FROM portier.sessions AS s WHERE s.room = o.room AND s.starts_at > now()"
    "                 ORDER BY s.starts_at, s.id LIMIT 1)::text, 'null')"
    " FROM portier.occupancy_now AS o ORDER BY o.name, o.room";

bool central_dash_rooms(PGconn *conn, struct central_dash_room **rooms, size_t *n)
{
    PGresult *res = run(conn, rooms_sql, 0, NULL, "reading the rooms");
    if (res == NULL)
        return false;
    size_t rows = (size_t)PQntuples(res);
    struct central_dash_room *out = xcalloc(rows > 0 ? rows : 1, sizeof *out);
    for (size_t i = 0; i < rows; i++) {
        int r = (int)i;
        out[i].room = xstrdup(PQgetvalue(res, r, 0));
        out[i].name = xstrdup(PQgetvalue(res, r, 1));
        out[i].occupancy = atoi(PQgetvalue(res, r, 2));
        out[i].capacity = atoi(PQgetvalue(res, r, 3));
        out[i].open = strcmp(PQgetvalue(res, r, 4), "t") == 0;
        out[i].session_json = xstrdup(PQgetvalue(res, r, 5));
        out[i].next_json = xstrdup(PQgetvalue(res, r, 6));
    }
    PQclear(res);
    *rooms = out;
    *n = rows;
    return true;
}

void central_dash_rooms_free(struct central_dash_room *rooms, size_t n)
{
    if (rooms == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(rooms[i].room);
        free(rooms[i].name);
        free(rooms[i].session_json);
        free(rooms[i].next_json);
    }
    free(rooms);
}

bool central_dash_kiosks(PGconn *conn, struct central_dash_kiosk **kiosks, size_t *n)
{
    PGresult *res = run(conn,
                        "SELECT d.id, coalesce((extract(epoch FROM greatest("
                        "  (SELECT max(s.received_at) FROM portier.scans AS s"
                        "   WHERE s.device_id = d.id),"
                        "  (SELECT max(a.received_at) FROM portier.clock_anchors AS a"
                        "   WHERE a.device_id = d.id))) * 1000)::bigint, 0)"
                        " FROM portier.devices AS d ORDER BY d.id",
                        0, NULL, "reading the kiosks");
    if (res == NULL)
        return false;
    size_t rows = (size_t)PQntuples(res);
    struct central_dash_kiosk *out = xcalloc(rows > 0 ? rows : 1, sizeof *out);
    for (size_t i = 0; i < rows; i++) {
        out[i].id = xstrdup(PQgetvalue(res, (int)i, 0));
        out[i].last_ms = strtoll(PQgetvalue(res, (int)i, 1), NULL, 10);
    }
    PQclear(res);
    *kiosks = out;
    *n = rows;
    return true;
}

void central_dash_kiosks_free(struct central_dash_kiosk *kiosks, size_t n)
{
    if (kiosks == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(kiosks[i].id);
    free(kiosks);
}

/* Takes what arrived; returns how many notifications, or -1 when the connection is lost. */
static int drain(PGconn *conn)
{
    if (!PQconsumeInput(conn)) {
        log_failure(conn, NULL, "connection lost");
        return -1;
    }
    int got = 0;
    PGnotify *note;
    while ((note = PQnotifies(conn)) != NULL) {
        got++;
        PQfreemem(note);
    }
    return got;
}

int central_dash_wait(PGconn *conn, int timeout_ms, int wake_fd)
{
    int got = drain(conn);
    if (got != 0)
        return got < 0 ? -1 : 1;
    struct pollfd fds[2] = {{.fd = PQsocket(conn), .events = POLLIN},
                            {.fd = wake_fd, .events = POLLIN}};
    if (fds[0].fd < 0) {
        log_warnx("dashboard: connection lost");
        return -1;
    }
    int r = poll(fds, wake_fd >= 0 ? 2 : 1, timeout_ms);
    if (r < 0 && errno != EINTR) {
        log_warn("dashboard: poll");
        return -1;
    }
    if (r <= 0 || !(fds[0].revents & (POLLIN | POLLERR | POLLHUP)))
        return 0;
    got = drain(conn);
    return got < 0 ? -1 : got > 0;
}

bool central_dash_add_user(PGconn *conn, const char *name, const char *role, const char *hash)
{
    const char *values[] = {name, role, hash};
    PGresult *res = run(conn,
                        "INSERT INTO portier.dashboard_users (name, role, hash)"
                        " VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE"
                        " SET role = excluded.role, hash = excluded.hash,"
                        "     created_at = now(), created_by = session_user",
                        3, values, "storing the dashboard user");
    PQclear(res);
    return res != NULL;
}

int central_dash_user(PGconn *conn, const char *name, char **hash, char **role)
{
    const char *values[] = {name};
    PGresult *res = run(conn, "SELECT hash, role FROM portier.dashboard_users WHERE name = $1", 1,
                        values, "reading the dashboard's users");
    if (res == NULL)
        return -1;
    int found = PQntuples(res) == 1;
    if (found) {
        *hash = xstrdup(PQgetvalue(res, 0, 0));
        *role = xstrdup(PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    return found;
}
