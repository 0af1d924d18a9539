/* SPDX-License-Identifier: Apache-2.0 */
/* Occupancy: who is where, derived from the merged scan log (DESIGN.md §4). Pure: no I/O, no
 * clock; every query takes the time it is asked for.
 *
 * The log is the union of this kiosk's scans and other kiosks' scans that arrive through sync,
 * late and in any order. Every derived value is a function of the SET of scans folded so far,
 * never of the order they were folded in, so that the kiosks at the doors of one room converge
 * on the same count once they hold the same scans:
 *
 * - An attendee's place is given by their latest state-changing scan, ordered by the key
 *   (wall_ms, device_id, db_epoch, seq). State-changing scans are badge scans (SCAN_BADGE)
 *   whose result is admitted or exited: admitted at the entrance -> in the venue; exited at
 *   the entrance -> outside; admitted into a room -> in that room (which is the implicit exit
 *   from any other room); exited from a room -> in the venue, in no room. Denied scans change
 *   nothing. A scan newer than every other one wins whatever the time it is folded at.
 * - Session ends are implied by the model, not by scans: an admission into room R at time T
 *   counts until the end of the first session of R that ends at T or after (the session
 *   running or about to run; the end instant belongs to the session, so an admission at
 *   exactly its end is let out by it), or forever when R has no session ending at T or after.
 *   scan.session is therefore not consulted: the time decides, which keeps kiosks with
 *   different session leads consistent. SCAN_SESSION_END records only mark the session as let
 *   out (occupancy_session_end_recorded): duplicates of them from several kiosks do no harm.
 * - SCAN_MANUAL scans (no attendee) add +1 (result admitted) or -1 (result exited) to their
 *   room (or to the venue when the room is "entrance"). A room's manual adjustments expire at
 *   the same session end as an admission at that time would. Counts are clamped at 0.
 * - A room is closed when its latest SCAN_ROOM_CLOSE / SCAN_ROOM_OPEN scan is a close.
 * - Days (a multi-day event: the sessions lie on several local dates, event_session_days with
 *   occupancy_use_local_day's dates): the venue starts afresh each day. An attendee counts in
 *   the venue at t only when their latest state-changing scan falls on the local date of t,
 *   so someone who left on day 1 without scanning out is outside on day 2 until their next
 *   scan; manual entrance adjustments count on their own date only. Rooms are left alone: an
 *   admission counts until its session's end, even one running past midnight (then the person
 *   is in that room, though not in the venue's count of the new day, until the end).
 * - An attendee is checked in once any admitted badge scan at the entrance exists; checked in
 *   on a day (a multi-day event counts check-ins per day) when their latest one falls on that
 *   local date (occupancy_use_local_day).
 * - A walk-in registered at another desk and not in the model yet (an id W<number> with the
 *   number in the walk-in range of one of the event's device keys, devkey.h) is tracked by its
 *   id like an attendee of category attendee registered for no session; once the model holds
 *   them (the kiosk pulled them and folds its log again) they are an attendee like any other.
 * - Staff are tracked (their place) but never counted: room counts, the venue total and
 *   reserved seats are about attendees, speakers and press (and manual adjustments).
 *
 * - Clocks (occupancy_bound_ahead): a kiosk's occupancy may date another device's scan no later
 *   than OCCUPANCY_AHEAD_MAX_MS after this kiosk received it; "wall time" above is then that
 *   bounded time. It is a function of the stored scan (received_ms is stored with it), so the
 *   rules above still hold. Reports, which merge several logs, leave it off.
 * - Clocks (occupancy_use_clock): a kiosk dates each scan by its best time (scan_clock.h: a
 *   given or synchronised time stands; an unsynchronised scan is dated from its boot's offset,
 *   wall = mono + offset, when one is known), and orders each device's scans by the device's own
 *   sequence: a scan counts no earlier than the device's previous scan (seq order; the log
 *   of a kiosk that pulls everything holds a device's scans in seq order; a room door that
 *   pulls only its rooms' may receive an older scan of a device after newer ones, a person's
 *   history read when first counted: that scan counts at its own best time). "Wall time"
 *   above is then that time. The kiosk folds its log again when the clock learns an offset
 *   that re-dates folded scans.
 *
 * Folding is idempotent: folding the same scan (same key) twice changes nothing.
 * Each fold costs O(sessions of the attendee + log(sessions of the room)); each count query
 * O(sessions of the room).
 */
#ifndef PORTIER_OCCUPANCY_H
#define PORTIER_OCCUPANCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "scan.h"

/* How far ahead of the receiving kiosk's clock a scan of another device may count: a pulled scan
 * dated more than this after it reached the log (scan.received_ms) counts as taken at
 * received_ms + OCCUPANCY_AHEAD_MAX_MS. A door whose clock is an hour fast thus cannot make its
 * admissions outlive the exits and session ends seen elsewhere (issue 14). Scans arrive seconds
 * after they are taken when the network works, later (never earlier) when it does not. */
#define OCCUPANCY_AHEAD_MAX_MS (2 * 60 * 1000)

/* The room id of the venue entrance, and its index in the functions below. */
#define OCCUPANCY_ENTRANCE_ID "entrance"
#define OCCUPANCY_ENTRANCE    ((size_t)-2)
#define OCCUPANCY_NONE        ((size_t)-1)

struct occupancy;

enum occupancy_where {
    OCCUPANCY_NEVER_SEEN, /* no state-changing scan yet */
    OCCUPANCY_OUTSIDE,    /* left the venue at the entrance */
    OCCUPANCY_VENUE,      /* inside the venue, in no room */
    OCCUPANCY_ROOM,       /* counted in a room */
};

/* Where an attendee is at a given time, and their latest state-changing scan. */
struct occupancy_place {
    enum occupancy_where where;
    bool in_venue;      /* counted in the venue at t (occupancy_venue_inside): see Days above */
    size_t room;        /* OCCUPANCY_ROOM: room index; otherwise OCCUPANCY_NONE */
    int64_t until_ms;   /* OCCUPANCY_ROOM: when the admission expires (INT64_MAX: never) */
    bool checked_in;    /* admitted at the entrance at least once */
    int64_t checkin_ms; /* checked_in: the time of the latest such admission */
    bool has_last;      /* the fields below are set */
    size_t last_room;   /* room index of the latest state-changing scan, or OCCUPANCY_ENTRANCE */
    enum scan_result last_result; /* admitted or exited */
    int64_t last_ms;              /* its wall time */
};

/* Creates an empty occupancy for ev, whose index must be built (event_index_build). ev is
 * borrowed and must outlive the occupancy; the occupancy is owned by the caller. */
struct occupancy *occupancy_create(const struct event *ev);
/* Dates scans with a received_ms no later than received_ms + OCCUPANCY_AHEAD_MAX_MS from now
 * on: call it before the first occupancy_apply. A kiosk does; a report merging logs does not. */
void occupancy_bound_ahead(struct occupancy *occ);
struct scan_clock;
/* Dates scans by clock (borrowed; it must outlive the occupancy) and orders each device's scans
 * by its seq from now on: call it before the first occupancy_apply. A kiosk does. */
void occupancy_use_clock(struct occupancy *occ, const struct scan_clock *clock);
/* Dates check-ins and the venue's days by local_day (the local date of a time in the event's
 * time zone as a day number, time_days_from_civil) rather than the UTC date: call it before the
 * first occupancy_apply. A kiosk does (time_local_day), as for its rules; so does a report.
 * local_day(t) must depend on the second of t only (floor(t / 1000)), as a date does: the fold
 * reuses the day of the previous scan's second. */
void occupancy_use_local_day(struct occupancy *occ, int64_t (*local_day)(int64_t unix_ms));
/* Frees an occupancy; NULL is a no-op. */
void occupancy_destroy(struct occupancy *occ);

/* Folds one scan of the merged log (any device, any order). Returns false, changing nothing,
 * when the scan names a room, attendee or session that ev does not know (a scan of another
 * event or of a newer model) or has an out-of-range kind or result; true otherwise (including
 * denied scans, which change nothing). s is only read. */
bool occupancy_apply(struct occupancy *occ, const struct scan *s);

/* Number of people counted in room (an index into ev->rooms) at time t; for OCCUPANCY_ENTRANCE
 * the venue total (occupancy_venue_inside). Never below 0. */
int occupancy_room_count(const struct occupancy *occ, size_t room, int64_t t);
/* The count occupancy_room_count would give with delta more people counted (manual -1s can
 * hold the sum below 0, so this is not always the count + delta). */
int occupancy_room_count_plus(const struct occupancy *occ, size_t room, int64_t t, int delta);
/* Attendees (not staff) registered for the session who are not counted in its room at t:
 * the seats still reserved for them. An attendee who stepped out keeps their seat. */
int occupancy_registered_not_arrived(const struct occupancy *occ, size_t session, int64_t t);
/* Attendees registered for the session (not staff). */
int occupancy_registered(const struct occupancy *occ, size_t session);
/* People inside the venue at t (in a room or not; staff excluded) plus manual entrance
 * adjustments: on a multi-day event, those of the local date of t only (Days above); otherwise
 * t does not matter (a session end moves people from a room to the venue). */
int occupancy_venue_inside(const struct occupancy *occ, int64_t t);
/* Attendees (staff included) that have checked in at the entrance. */
int occupancy_checked_in(const struct occupancy *occ);
/* Attendees (staff excluded) whose latest entrance admission falls on the local date of t:
 * those checked in that day, when t is today (no admission dated on a later day). */
int occupancy_checked_in_on(const struct occupancy *occ, int64_t t);
/* True when staff closed the room and did not reopen it. */
bool occupancy_room_closed(const struct occupancy *occ, size_t room);
/* True when a SCAN_SESSION_END scan for the session has been folded (from any kiosk). */
bool occupancy_session_end_recorded(const struct occupancy *occ, size_t session);
/* Where attendee (an index into ev->attendees, or a person index) is at t. */
void occupancy_attendee_place(const struct occupancy *occ, size_t attendee, int64_t t,
                              struct occupancy_place *out);
/* True when a state-changing scan of attendee made by device_id at wall_ms (with a seq above
 * the device's earlier ones) would become the attendee's latest. False when the log already
 * holds a later one: another kiosk whose clock is ahead, or a tie on wall_ms that a greater
 * device id wins. With a clock (occupancy_use_clock), a scan of the device of the latest one is
 * always later: the device's own order stands. */
bool occupancy_would_be_latest(const struct occupancy *occ, size_t attendee, int64_t wall_ms,
                               const char *device_id);
/* Stores in out (room for occupancy_people indexes) the people whose latest state-changing
 * scan admitted them into the session's room so that they count until its end: those a
 * session end lets out (staff included). Returns how many. */
size_t occupancy_session_leavers(const struct occupancy *occ, size_t session, size_t *out);

/* Lookups in the event's index: a room id ("entrance" gives OCCUPANCY_ENTRANCE), an attendee
 * id, a session id; OCCUPANCY_NONE when absent. */
size_t occupancy_room_index(const struct occupancy *occ, const char *room_id);
size_t occupancy_attendee_index(const struct occupancy *occ, const char *attendee_id);
size_t occupancy_session_index(const struct occupancy *occ, const char *session_id);
/* People: the attendees of ev (indexes 0 .. n_attendees - 1) and then the walk-ins the model
 * does not hold yet, in the order they were first folded. occupancy_person_index looks an id
 * up (OCCUPANCY_NONE: neither); occupancy_people counts them; occupancy_person_id names one.
 * attendee_place and would_be_latest take a person index (OCCUPANCY_NONE: one never seen). */
size_t occupancy_person_index(const struct occupancy *occ, const char *id);
size_t occupancy_people(const struct occupancy *occ);
const char *occupancy_person_id(const struct occupancy *occ, size_t person);
/* The session of room running at t: the first session of the room that ends at t or after,
 * when it starts no more than lead_ms after t. Its window is thus [start - lead, end],
 * inclusive: a scan at the exact end belongs to the session, and an admission then expires at
 * once (counts at t leave out what expires at t). OCCUPANCY_NONE between sessions. */
size_t occupancy_session_at(const struct occupancy *occ, size_t room, int64_t t, int64_t lead_ms);

/* How full a room looks, the same on the kiosk's overview and the web dashboard: closed; full
 * (count >= capacity); near (count >= OCCUPANCY_NEAR_PERCENT % of capacity); else ok (also
 * when the capacity is unknown, <= 0). */
#define OCCUPANCY_NEAR_PERCENT 80
enum occupancy_level {
    OCCUPANCY_LEVEL_OK,
    OCCUPANCY_LEVEL_NEAR,
    OCCUPANCY_LEVEL_FULL,
    OCCUPANCY_LEVEL_CLOSED,
};
enum occupancy_level occupancy_level(int count, int capacity, bool closed);
/* The level's colour as 0xRRGGBB (green, amber, red, grey). */
uint32_t occupancy_level_rgb(enum occupancy_level level);
/* The level's name: "ok", "near", "full", "closed". */
const char *occupancy_level_name(enum occupancy_level level);

#endif
