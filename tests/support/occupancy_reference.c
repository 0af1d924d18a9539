/* SPDX-License-Identifier: Apache-2.0 */
/* The reference occupancy model: occupancy.h's counts derived from scratch, written out on its
 * own (no index, no increment, linear lookups) so that the tests do not check the product's code
 * against itself. */
#include "occupancy_reference.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Reference: the end of the admission into room at t, found by looking at every session: the
 * earliest end at t or after (the end instant belongs to its session). */
static int64_t naive_until(const struct event *ev, size_t room, int64_t t)
{
    int64_t until = INT64_MAX;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        if (ev->sessions[s].room == room && ev->sessions[s].end_ms >= t &&
            ev->sessions[s].end_ms < until)
            until = ev->sessions[s].end_ms;
    }
    return until;
}

/* Reference: true when scan a comes after scan b in the log's order, written out on its own
 * so that the derivation does not share the comparison it checks. */
static bool naive_later(const struct scan *a, const struct scan *b)
{
    if (a->wall_ms != b->wall_ms)
        return a->wall_ms > b->wall_ms;
    int c = strncmp(a->device_id, b->device_id, SCAN_ID_MAX);
    if (c != 0)
        return c > 0;
    if (a->db_epoch != b->db_epoch)
        return a->db_epoch > b->db_epoch;
    return a->seq > b->seq;
}

/* Reference: a room id's index, OCCUPANCY_ENTRANCE or OCCUPANCY_NONE, by linear search. */
static size_t naive_room(const struct event *ev, const char *id)
{
    if (strcmp(id, OCCUPANCY_ENTRANCE_ID) == 0)
        return OCCUPANCY_ENTRANCE;
    for (size_t r = 0; r < ev->n_rooms; r++) {
        if (strcmp(ev->rooms[r].id, id) == 0)
            return r;
    }
    return OCCUPANCY_NONE;
}

/* Reference: an attendee by id, by linear search; NULL when absent. */
static const struct attendee *naive_attendee(const struct event *ev, const char *id)
{
    for (size_t a = 0; a < ev->n_attendees; a++) {
        if (strcmp(ev->attendees[a].id, id) == 0)
            return &ev->attendees[a];
    }
    return NULL;
}

/* Reference: the UTC date of ms, as a count of days since 1970-01-01 (floor division). */
static int64_t naive_date(int64_t ms)
{
    int64_t day_ms = 86400000;
    return ms >= 0 ? ms / day_ms : -((-ms + day_ms - 1) / day_ms);
}

/* Reference: true when the sessions start on more than one UTC date. */
static bool naive_several_days(const struct event *ev)
{
    for (size_t s = 1; s < ev->n_sessions; s++) {
        if (naive_date(ev->sessions[s].start_ms) != naive_date(ev->sessions[0].start_ms))
            return true;
    }
    return false;
}

/* Derives the counts from scratch (tests). */
void occupancy_reference(const struct event *ev, const struct scan *scans, size_t n, int64_t t,
                         int *room_count, int *not_arrived, int *venue_inside, int *checked_in)
{
    const struct scan **latest = xcalloc(ev->n_attendees + 1, sizeof *latest);
    bool *checked = xcalloc(ev->n_attendees + 1, sizeof *checked);
    size_t *where = xcalloc(ev->n_attendees + 1, sizeof *where); /* room at t, or NONE */

    for (size_t i = 0; i < n; i++) {
        const struct scan *s = &scans[i];
        if (s->kind != SCAN_BADGE || s->result == RESULT_DENIED ||
            (unsigned)s->result >= SCAN_RESULT_COUNT)
            continue;
        if (naive_room(ev, s->room) == OCCUPANCY_NONE)
            continue;
        const struct attendee *at = naive_attendee(ev, s->attendee);
        if (at == NULL)
            continue;
        size_t a = (size_t)(at - ev->attendees);
        if (strcmp(s->room, OCCUPANCY_ENTRANCE_ID) == 0 && s->result == RESULT_ADMITTED)
            checked[a] = true;
        if (latest[a] == NULL || naive_later(s, latest[a]))
            latest[a] = s;
    }

    /* On several days the venue holds, at t, only those whose latest move is of t's date. */
    bool by_day = naive_several_days(ev);
    int venue = 0, n_checked = 0;
    for (size_t r = 0; r < ev->n_rooms; r++)
        room_count[r] = 0;
    for (size_t a = 0; a < ev->n_attendees; a++) {
        where[a] = OCCUPANCY_NONE;
        n_checked += checked[a];
        const struct scan *s = latest[a];
        if (s == NULL)
            continue;
        size_t room = naive_room(ev, s->room);
        if (room != OCCUPANCY_ENTRANCE && s->result == RESULT_ADMITTED &&
            t < naive_until(ev, room, s->wall_ms))
            where[a] = room;
        if (ev->attendees[a].category == CATEGORY_STAFF)
            continue;
        if (!(room == OCCUPANCY_ENTRANCE && s->result == RESULT_EXITED) &&
            (!by_day || naive_date(s->wall_ms) == naive_date(t)))
            venue++;
        if (where[a] != OCCUPANCY_NONE)
            room_count[where[a]]++;
    }

    /* Manual adjustments, each key once. */
    for (size_t i = 0; i < n; i++) {
        const struct scan *s = &scans[i];
        if (s->kind != SCAN_MANUAL || s->result == RESULT_DENIED ||
            (unsigned)s->result >= SCAN_RESULT_COUNT)
            continue;
        size_t room = naive_room(ev, s->room);
        if (room == OCCUPANCY_NONE)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            seen = scans[j].kind == SCAN_MANUAL && scans[j].result != RESULT_DENIED &&
                   scans[j].db_epoch == s->db_epoch && scans[j].seq == s->seq &&
                   strcmp(scans[j].device_id, s->device_id) == 0;
        }
        if (seen)
            continue;
        int delta = s->result == RESULT_ADMITTED ? 1 : -1;
        if (room == OCCUPANCY_ENTRANCE) {
            if (!by_day || naive_date(s->wall_ms) == naive_date(t))
                venue += delta;
        } else if (t < naive_until(ev, room, s->wall_ms))
            room_count[room] += delta;
    }
    for (size_t r = 0; r < ev->n_rooms; r++) {
        if (room_count[r] < 0)
            room_count[r] = 0;
    }

    if (not_arrived != NULL) {
        for (size_t s = 0; s < ev->n_sessions; s++) {
            not_arrived[s] = 0;
            for (size_t a = 0; a < ev->n_attendees; a++) {
                const struct attendee *at = &ev->attendees[a];
                if (at->category == CATEGORY_STAFF || where[a] == ev->sessions[s].room)
                    continue;
                for (size_t i = 0; i < at->n_sessions; i++)
                    not_arrived[s] += at->sessions[i] == s;
            }
        }
    }
    if (venue_inside != NULL)
        *venue_inside = venue < 0 ? 0 : venue;
    if (checked_in != NULL)
        *checked_in = n_checked;
    free(latest);
    free(checked);
    free(where);
}
