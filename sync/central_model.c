/* SPDX-License-Identifier: Apache-2.0 */
/* The event model as central holds it (central.h: central_load_event), for what works from
 * central alone: the dashboard's People and Reports pages. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "central.h"
#include "event.h"
#include "log.h"
#include "util.h"

/* Runs a query; its result, or NULL after logging. */
static PGresult *model_query(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_warnx("central: reading the event model: %s", PQresultErrorMessage(res));
        PQclear(res);
        return NULL;
    }
    return res;
}

/* Rooms by id, then sessions by (room, start, id) as event.h keeps them. */
static bool load_rooms_sessions(PGconn *conn, struct event *ev)
{
    PGresult *res = model_query(conn, "SELECT id, name, capacity FROM portier.rooms ORDER BY id");
    if (res == NULL)
        return false;
    ev->n_rooms = (size_t)PQntuples(res);
    ev->rooms = xcalloc(ev->n_rooms + 1, sizeof *ev->rooms);
    for (int i = 0; i < PQntuples(res); i++)
        ev->rooms[i] = (struct room){xstrdup(PQgetvalue(res, i, 0)), xstrdup(PQgetvalue(res, i, 1)),
                                     atoi(PQgetvalue(res, i, 2))};
    PQclear(res);
    event_index_build(ev);
    res =
        model_query(conn, "SELECT id, room, title, (extract(epoch FROM starts_at) * 1000)::bigint,"
                          " (extract(epoch FROM ends_at) * 1000)::bigint FROM portier.sessions"
                          " ORDER BY room, starts_at, id");
    if (res == NULL)
        return false;
    ev->sessions = xcalloc((size_t)PQntuples(res) + 1, sizeof *ev->sessions);
    for (int i = 0; i < PQntuples(res); i++) {
        size_t room = event_room_index(ev, PQgetvalue(res, i, 1));
        if (room == SIZE_MAX)
            continue; /* a foreign key at central: cannot happen */
        ev->sessions[ev->n_sessions++] = (struct session){
            xstrdup(PQgetvalue(res, i, 0)),           room,
            xstrdup(PQgetvalue(res, i, 2)),           strtoll(PQgetvalue(res, i, 3), NULL, 10),
            strtoll(PQgetvalue(res, i, 4), NULL, 10), -1};
    }
    PQclear(res);
    return true;
}

/* Attendees by num with their registrations (the sessions indexed) and days; e-mail left out. */
static bool load_attendees(PGconn *conn, struct event *ev)
{
    PGresult *res = model_query(conn, "SELECT id, num, name, organisation, language, category,"
                                      " serial, array_to_string(sessions, chr(31)),"
                                      " array_to_string(ARRAY(SELECT to_char(d, 'YYYY-MM-DD')"
                                      " FROM unnest(days) AS d), ';')"
                                      " FROM portier.attendees ORDER BY num");
    if (res == NULL)
        return false;
    ev->attendees = xcalloc((size_t)PQntuples(res) + 1, sizeof *ev->attendees);
    for (int i = 0; i < PQntuples(res); i++) {
        struct attendee *a = &ev->attendees[ev->n_attendees];
        *a = (struct attendee){.id = xstrdup(PQgetvalue(res, i, 0)),
                               .num = (uint32_t)strtoul(PQgetvalue(res, i, 1), NULL, 10),
                               .name = xstrdup(PQgetvalue(res, i, 2)),
                               .organisation = xstrdup(PQgetvalue(res, i, 3)),
                               .serial = (uint32_t)strtoul(PQgetvalue(res, i, 6), NULL, 10)};
        ev->n_attendees++;
        if (!language_parse(PQgetvalue(res, i, 4), &a->language) ||
            !category_parse(PQgetvalue(res, i, 5), &a->category) ||
            !event_attendee_set_days(a, PQgetvalue(res, i, 8))) {
            log_warnx("central: attendee '%s': bad language, category or days", a->id);
            PQclear(res);
            return false;
        }
        /* The registered session ids, separated by U+001F (no id holds a control character). */
        char *list = xstrdup(PQgetvalue(res, i, 7)), *save = NULL;
        for (char *id = strtok_r(list, "\x1f", &save); id != NULL;
             id = strtok_r(NULL, "\x1f", &save)) {
            size_t si = event_session_index(ev, id);
            if (si == SIZE_MAX)
                continue;
            a->sessions = xrealloc(a->sessions, (a->n_sessions + 1) * sizeof *a->sessions);
            a->sessions[a->n_sessions++] = si;
        }
        free(list);
        event_attendee_sort_sessions(a);
    }
    PQclear(res);
    return true;
}

struct event *central_load_event(PGconn *conn)
{
    PGresult *res = model_query(conn, "SELECT event_id, key_id, name, timezone FROM portier.event");
    if (res == NULL)
        return NULL;
    if (PQntuples(res) != 1) {
        log_warnx("central: no event published yet (run 'portier central publish')");
        PQclear(res);
        return NULL;
    }
    struct event *ev = xcalloc(1, sizeof *ev);
    ev->event_id = (uint32_t)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
    ev->key_id = (uint16_t)atoi(PQgetvalue(res, 0, 1));
    ev->name = xstrdup(PQgetvalue(res, 0, 2));
    ev->timezone = xstrdup(PQgetvalue(res, 0, 3));
    PQclear(res);
    if (!load_rooms_sessions(conn, ev)) {
        event_destroy(ev);
        return NULL;
    }
    event_index_build(ev); /* the sessions, for the registrations */
    if (!load_attendees(conn, ev)) {
        event_destroy(ev);
        return NULL;
    }
    event_index_build(ev);
    return ev;
}
