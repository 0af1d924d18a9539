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
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (msg == NULL || msg[0] == '\0')
        msg = PQerrorMessage(conn);
    int len = (int)strcspn(msg, "\n");
    /* 25006 read_only_sql_transaction: a write on a hot standby. */
    bool standby = state != NULL && strcmp(state, "25006") == 0;
    log_warnx("dashboard: %s: %.*s%s", what, len, msg,
              standby ? " (" CENTRAL_STANDBY_HINT ")" : "");
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

/* Runs each statement of sql[0..n) for the connection's setup; false after logging. */
static bool run_setup(PGconn *conn, const char *const *sql, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        PGresult *res = run(conn, sql[i], 0, NULL, "setting up the connection");
        if (res == NULL)
            return false;
        PQclear(res);
    }
    return true;
}

PGconn *central_dash_connect(const char *conninfo, bool *standby)
{
    PGconn *conn = central_connect(conninfo);
    if (conn == NULL)
        return NULL;
    static const char *const setup[] = {
        "SELECT set_config('statement_timeout', '" STRING_OF(DASH_STATEMENT_TIMEOUT_MS) "', false)",
        /* Sessions' times in the event's own zone, as the kiosks and reports show them. */
        "SELECT set_config('TimeZone', timezone, false) FROM portier.event",
    };
    static const char *const listen[] = {"LISTEN " CENTRAL_CHANNEL_SCANS,
                                         "LISTEN " CENTRAL_CHANNEL_MODEL};
    PGresult *res = NULL;
    bool ok = run_setup(conn, setup, ARRAY_LEN(setup)) &&
              (res = run(conn, "SELECT pg_is_in_recovery()", 0, NULL,
                         "setting up the connection")) != NULL;
    bool recovery = ok && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    /* A hot standby refuses LISTEN ("cannot execute LISTEN during recovery"). */
    if (!ok || (!recovery && !run_setup(conn, listen, ARRAY_LEN(listen)))) {
        central_close(conn);
        return NULL;
    }
    if (standby != NULL)
        *standby = recovery;
    return conn;
}

/* Every room with its fill (occupancy_now, the view Grafana reads too), its running session,
 * its next one, and the next one's registrations when it starts within
 * CENTRAL_DASH_SOON_MIN minutes (else -1). */
#define SESSION_JSON                                                                               \
    "json_build_object('id', s.id, 'title', s.title, 'start', s.starts_at, 'end', "                \
    "s.ends_at)::text"
static const char rooms_sql[] =
    "SELECT o.room, o.name, o.occupancy, o.capacity, o.is_open,"
    "       coalesce((SELECT " SESSION_JSON " FROM portier.sessions AS s"
    "                 WHERE s.room = o.room AND s.starts_at <= now() AND now() < s.ends_at"
    "                 ORDER BY s.starts_at, s.id LIMIT 1), 'null'),"
    "       coalesce(nx.json, 'null'),"
    "       CASE WHEN nx.starts_at <= now() + interval '" STRING_OF(
        CENTRAL_DASH_SOON_MIN) " min'"
                               "            THEN (SELECT count(*) FROM portier.attendees AS a "
                               "WHERE nx.id = ANY (a.sessions))"
                               "            ELSE -1 END"
                               " FROM portier.occupancy_now AS o"
                               " LEFT JOIN LATERAL (SELECT s.id, s.starts_at, " SESSION_JSON
                               " AS json"
                               "                    FROM portier.sessions AS s WHERE s.room = "
                               "o.room AND s.starts_at > now()"
                               "                    ORDER BY s.starts_at, s.id LIMIT 1) AS nx ON "
                               "true"
                               " ORDER BY o.name, o.room";

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
        out[i].soon_registered = atoi(PQgetvalue(res, r, 7));
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

bool central_dash_arrivals(PGconn *conn, struct central_dash_arrivals *out)
{
    /* A multi-day event (sessions on several local dates: the connection's time zone is the
     * event's) counts today's check-ins, against the badges valid today. */
    PGresult *res =
        run(conn,
            "WITH multi AS (SELECT count(DISTINCT starts_at::date) > 1 AS yes"
            "               FROM portier.sessions)"
            "SELECT CASE WHEN multi.yes THEN coalesce((SELECT c.checked_in"
            "        FROM portier.checkins_by_day AS c WHERE c.day = current_date), 0)"
            "       ELSE (SELECT count(DISTINCT s.attendee) FROM portier.scans AS s"
            "        JOIN portier.attendees AS a ON a.id = s.attendee"
            "        WHERE s.room = 'entrance' AND s.kind = 'badge' AND s.result = 'admitted'"
            "          AND a.category <> 'staff') END,"
            "       (SELECT count(*) FROM portier.scans_timed AS t"
            "        WHERE t.room = 'entrance' AND t.kind = 'badge' AND t.result = 'admitted'"
            "          AND t.corrected_ms >= (extract(epoch FROM now() - interval '" STRING_OF(
                CENTRAL_DASH_ARRIVALS_MIN) " min') * 1000)::bigint),"
                                           "       CASE WHEN multi.yes THEN (SELECT count(*) FROM "
                                           "portier.attendees AS a"
                                           "        WHERE a.category <> 'staff'"
                                           "          AND (a.days = '{}' OR current_date = ANY "
                                           "(a.days))) ELSE -1 END"
                                           " FROM multi",
            0, NULL, "reading the arrivals");
    if (res == NULL)
        return false;
    out->checked_in = atoi(PQgetvalue(res, 0, 0));
    out->recent = atoi(PQgetvalue(res, 0, 1));
    out->expected_today = atoi(PQgetvalue(res, 0, 2));
    PQclear(res);
    return true;
}

/* Milliseconds since the epoch of a timestamptz expression, 0 when NULL. */
#define DASH_MS(expr) "coalesce((extract(epoch FROM " expr ") * 1000)::bigint, 0)"

bool central_dash_kiosks(PGconn *conn, struct central_dash_kiosk **kiosks, size_t *n)
{
    PGresult *res = run(
        conn,
        "SELECT d.id, " DASH_MS(
            "greatest(st.last_contact,"
            " (SELECT max(s.received_at) FROM portier.scans AS s"
            "  WHERE s.device_id = d.id),"
            " (SELECT max(a.received_at) FROM portier.clock_anchors AS a"
            "  WHERE a.device_id = d.id))") ","
                                            " array_to_string(d.rooms, ','), coalesce(l.room, ''), "
                                            "coalesce(l.mode, ''),"
                                            " st.device_id IS NOT NULL, coalesce(st.pending, "
                                            "0), " DASH_MS(
                                                "st.pending_since") ","
                                                                    " coalesce(st.quarantined, 0), "
                                                                    "coalesce(st.clock_synced, "
                                                                    "false),"
                                                                    " st.clock_offset_ms IS NOT "
                                                                    "NULL, "
                                                                    "coalesce(st.clock_offset_ms, "
                                                                    "0),"
                                                                    " coalesce(st.version, '')"
                                                                    " FROM portier.devices AS d"
                                                                    " LEFT JOIN "
                                                                    "portier.device_status AS st "
                                                                    "ON st.device_id = d.id"
                                                                    " LEFT JOIN LATERAL (SELECT "
                                                                    "s.room, s.mode FROM "
                                                                    "portier.scans AS s"
                                                                    "  WHERE s.device_id = d.id "
                                                                    "ORDER BY s.db_epoch DESC, "
                                                                    "s.seq DESC"
                                                                    "  LIMIT 1) AS l ON true"
                                                                    " ORDER BY d.id",
        0, NULL, "reading the kiosks");
    if (res == NULL)
        return false;
    size_t rows = (size_t)PQntuples(res);
    struct central_dash_kiosk *out = xcalloc(rows > 0 ? rows : 1, sizeof *out);
    for (size_t i = 0; i < rows; i++) {
        int r = (int)i;
        struct central_dash_kiosk *k = &out[i];
        k->id = xstrdup(PQgetvalue(res, r, 0));
        k->last_ms = strtoll(PQgetvalue(res, r, 1), NULL, 10);
        k->rooms = xstrdup(PQgetvalue(res, r, 2));
        k->room = xstrdup(PQgetvalue(res, r, 3));
        k->mode = xstrdup(PQgetvalue(res, r, 4));
        k->status = PQgetvalue(res, r, 5)[0] == 't';
        k->pending = strtoll(PQgetvalue(res, r, 6), NULL, 10);
        k->pending_since_ms = strtoll(PQgetvalue(res, r, 7), NULL, 10);
        k->quarantined = strtoll(PQgetvalue(res, r, 8), NULL, 10);
        k->clock_synced = PQgetvalue(res, r, 9)[0] == 't';
        k->offset_known = PQgetvalue(res, r, 10)[0] == 't';
        k->clock_offset_ms = strtoll(PQgetvalue(res, r, 11), NULL, 10);
        k->version = xstrdup(PQgetvalue(res, r, 12));
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
    for (size_t i = 0; i < n; i++) {
        free(kiosks[i].id);
        free(kiosks[i].rooms);
        free(kiosks[i].room);
        free(kiosks[i].mode);
        free(kiosks[i].version);
    }
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
