/* SPDX-License-Identifier: Apache-2.0 */
#include "occupancy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devkey.h"
#include "hashmap.h"
#include "scan_clock.h"
#include "timeutil.h"
#include "util.h"

/* The order of scans in the merged log: (wall_ms, device_id, db_epoch, seq). */
struct order_key {
    int64_t wall_ms;
    int64_t epoch;
    int64_t seq;
    char device[SCAN_ID_MAX];
};

/* A device's scans in its own order (occupancy_use_clock): the last seq folded and its time. */
struct device_floor {
    int64_t seq;
    int64_t ms;
};

struct room_state {
    size_t *sessions; /* indexes into ev->sessions, sorted by start */
    size_t n_sessions;
    /* By bucket: bucket k < n_sessions holds what expires at the end of sessions[k], bucket
     * n_sessions what never expires. */
    int *count;  /* attendees (not staff) whose place is this room */
    int *manual; /* manual +1/-1 */
    bool has_toggle;
    struct order_key toggle_key; /* latest close/open scan */
    bool closed;
};

struct session_state {
    size_t bucket; /* position in its room's session list */
    int registered;
    int *registered_inside; /* by bucket of its room: registered attendees counted there */
    bool end_recorded;
};

struct attendee_state {
    bool has_last;
    struct order_key key;
    size_t last_room; /* room index or OCCUPANCY_ENTRANCE */
    enum scan_result last_result;
    size_t bucket; /* when the latest scan is an admission into a room */
    bool checked_in;
    int64_t checkin_ms; /* the latest entrance admission, when checked_in */
    /* The days of key.wall_ms (venue_day) and of checkin_ms (day_of), kept with them: the local
     * date costs a localtime_r, and a fold asks for the day of the old state again. */
    int64_t venue_day, checkin_day;
};

/* A walk-in the model does not hold yet (registered at another desk, not pulled): tracked by
 * its id, counted as an attendee registered for no session. */
struct walkin {
    char id[SCAN_ID_MAX];
    struct attendee_state st;
};

/* A count by day: check-ins (attendees, staff excluded, whose latest entrance admission is on
 * the day), the venue's people and its manual adjustments (by their day, occupancy.h). */
struct day_count {
    int64_t day;
    int n;
};

struct occupancy {
    const struct event *ev;
    struct room_state *rooms;
    struct session_state *sessions;
    struct attendee_state *attendees;
    struct walkin *walkins; /* person index n_attendees + i: walkins[i] */
    size_t n_walkins, cap_walkins;
    struct hashmap walkin_index;    /* id -> index into walkins */
    struct hashmap manual_keys;     /* folded manual scans, for idempotence */
    bool bound_ahead;               /* occupancy_bound_ahead */
    const struct scan_clock *clock; /* occupancy_use_clock; NULL: wall times */
    struct hashmap device_index;    /* "DEVICE|EPOCH" -> index into devices (with a clock) */
    struct device_floor *devices;
    size_t n_devices, cap_devices;
    int checked_in;
    int64_t (*local_day)(int64_t unix_ms); /* occupancy_use_local_day; NULL: the UTC date */
    /* The fold's last day_of: the day of second memo_sec (a date depends on the second only). A
     * log holds its scans roughly in time order, so most scans repeat their predecessor's
     * second, and a localtime_r is a tenth of a kiosk's start. */
    bool memo_valid;
    int64_t memo_sec, memo_day;
    bool multi_day; /* the sessions lie on several local dates: the venue counts per day */
    struct day_count *checkin_days, *venue_people, *venue_manual;
    size_t n_checkin_days, n_venue_people, n_venue_manual;
};

/* Copies a fixed-size id field, making sure it is NUL-terminated. */
static void copy_id(char out[SCAN_ID_MAX], const char in[SCAN_ID_MAX])
{
    memcpy(out, in, SCAN_ID_MAX);
    out[SCAN_ID_MAX - 1] = '\0';
}

/* Writes "DEVICE|EPOCH" (as "%s|%" PRId64 would: this runs for every scan folded, and
 * snprintf was a tenth of a kiosk's start) into key, SCAN_ID_MAX + 24 bytes. */
static void device_key(char *key, const struct scan *s)
{
    size_t n = strnlen(s->device_id, SCAN_ID_MAX - 1);
    memcpy(key, s->device_id, n);
    key[n++] = '|';
    uint64_t v = s->db_epoch < 0 ? -(uint64_t)s->db_epoch : (uint64_t)s->db_epoch;
    if (s->db_epoch < 0)
        key[n++] = '-';
    char digits[20];
    size_t d = 0;
    do {
        digits[d++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (d > 0)
        key[n++] = digits[--d];
    key[n] = '\0';
}

/* The floor of a device's scans, added when new. */
static struct device_floor *device_floor(struct occupancy *occ, const struct scan *s)
{
    char key[SCAN_ID_MAX + 24];
    device_key(key, s);
    const struct hashmap_entry *e;
    if (hashmap_put(&occ->device_index, key, occ->n_devices, &e)) {
        if (occ->n_devices == occ->cap_devices) {
            occ->cap_devices = occ->cap_devices ? 2 * occ->cap_devices : 8;
            occ->devices = xrealloc(occ->devices, occ->cap_devices * sizeof *occ->devices);
        }
        occ->devices[occ->n_devices++] = (struct device_floor){.seq = 0, .ms = INT64_MIN};
    }
    return &occ->devices[e->val];
}

/* The time a scan counts at: its best time (the clock's, else its wall time), bounded by when
 * this kiosk received it; with a clock, never before the time of the device's previous scan. */
static int64_t scan_time(struct occupancy *occ, const struct scan *s)
{
    int64_t t = scan_clock_time(occ->clock, s);
    if (occ->bound_ahead && s->received_ms > 0 && t - s->received_ms > OCCUPANCY_AHEAD_MAX_MS)
        t = s->received_ms + OCCUPANCY_AHEAD_MAX_MS;
    if (occ->clock != NULL) {
        struct device_floor *f = device_floor(occ, s);
        if (s->seq > f->seq) {
            if (t < f->ms)
                t = f->ms;
            f->seq = s->seq;
            f->ms = t;
        }
    }
    return t;
}

/* Fills k with the order key of s counting at t. */
static void key_of(struct order_key *k, const struct scan *s, int64_t t)
{
    k->wall_ms = t;
    k->epoch = s->db_epoch;
    k->seq = s->seq;
    copy_id(k->device, s->device_id);
}

/* Compares two order keys like strcmp. */
static int key_cmp(const struct order_key *a, const struct order_key *b)
{
    if (a->wall_ms != b->wall_ms)
        return a->wall_ms < b->wall_ms ? -1 : 1;
    int c = strcmp(a->device, b->device);
    if (c != 0)
        return c < 0 ? -1 : 1;
    if (a->epoch != b->epoch)
        return a->epoch < b->epoch ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return 0;
}

/* The end of a bucket of a room. */
static int64_t bucket_end(const struct occupancy *occ, const struct room_state *rs, size_t k)
{
    return k < rs->n_sessions ? occ->ev->sessions[rs->sessions[k]].end_ms : INT64_MAX;
}

/* The first bucket of a room whose session ends after t, or (inclusive) at t or after. */
static size_t bucket_from(const struct occupancy *occ, const struct room_state *rs, int64_t t,
                          bool inclusive)
{
    size_t lo = 0, hi = rs->n_sessions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t end = occ->ev->sessions[rs->sessions[mid]].end_ms;
        if (end > t || (inclusive && end == t))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* The bucket an admission at t falls in: the first session ending at t or after. The end
 * instant belongs to the session ([start - lead, end]), so an admission at exactly the end
 * expires at that end instead of escaping it. */
static size_t bucket_at(const struct occupancy *occ, const struct room_state *rs, int64_t t)
{
    return bucket_from(occ, rs, t, true);
}

/* The first bucket still counted at t: admissions expire at their session's end, so those of
 * a session ending at t no longer count at t. */
static size_t bucket_counted(const struct occupancy *occ, const struct room_state *rs, int64_t t)
{
    return bucket_from(occ, rs, t, false);
}

/* Sorts idx[0..n) (session indexes) by start time. */
static void sort_sessions(const struct event *ev, size_t *idx, size_t n)
{
    /* Insertion sort: a room holds a handful of sessions, and it keeps this reentrant. */
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && ev->sessions[idx[j - 1]].start_ms > ev->sessions[v].start_ms) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

static void find_multi_day(struct occupancy *occ);

/* Creates an empty occupancy with its per-room session lists; ids are looked up in the
 * event's own index. */
struct occupancy *occupancy_create(const struct event *ev)
{
    struct occupancy *occ = xcalloc(1, sizeof *occ);
    occ->ev = ev;
    occ->rooms = xcalloc(ev->n_rooms + 1, sizeof *occ->rooms);
    occ->sessions = xcalloc(ev->n_sessions + 1, sizeof *occ->sessions);
    occ->attendees = xcalloc(ev->n_attendees + 1, sizeof *occ->attendees);

    for (size_t s = 0; s < ev->n_sessions; s++) {
        if (ev->sessions[s].room < ev->n_rooms)
            occ->rooms[ev->sessions[s].room].n_sessions++;
    }
    for (size_t r = 0; r < ev->n_rooms; r++) {
        struct room_state *rs = &occ->rooms[r];
        rs->sessions = xcalloc(rs->n_sessions + 1, sizeof *rs->sessions);
        rs->count = xcalloc(rs->n_sessions + 1, sizeof *rs->count);
        rs->manual = xcalloc(rs->n_sessions + 1, sizeof *rs->manual);
        rs->n_sessions = 0;
    }
    for (size_t s = 0; s < ev->n_sessions; s++) {
        if (ev->sessions[s].room < ev->n_rooms) {
            struct room_state *rs = &occ->rooms[ev->sessions[s].room];
            rs->sessions[rs->n_sessions++] = s;
        }
    }
    for (size_t r = 0; r < ev->n_rooms; r++) {
        struct room_state *rs = &occ->rooms[r];
        sort_sessions(ev, rs->sessions, rs->n_sessions);
        for (size_t k = 0; k < rs->n_sessions; k++) {
            struct session_state *ss = &occ->sessions[rs->sessions[k]];
            ss->bucket = k;
            ss->registered_inside = xcalloc(rs->n_sessions + 1, sizeof(int));
        }
    }
    for (size_t a = 0; a < ev->n_attendees; a++) {
        const struct attendee *at = &ev->attendees[a];
        if (at->category == CATEGORY_STAFF)
            continue;
        for (size_t i = 0; i < at->n_sessions; i++) {
            if (at->sessions[i] < ev->n_sessions)
                occ->sessions[at->sessions[i]].registered++;
        }
    }
    find_multi_day(occ);
    return occ;
}

/* Bounds how far ahead pulled scans count. */
void occupancy_bound_ahead(struct occupancy *occ)
{
    occ->bound_ahead = true;
}

/* Dates scans by their best time and each device's scans in their own order. */
void occupancy_use_clock(struct occupancy *occ, const struct scan_clock *clock)
{
    occ->clock = clock;
}

/* Dates check-ins by the event's local dates. */
void occupancy_use_local_day(struct occupancy *occ, int64_t (*local_day)(int64_t unix_ms))
{
    occ->local_day = local_day;
    occ->memo_valid = false;
    find_multi_day(occ);
}

/* Tells whether the event's sessions lie on several local dates (event_session_days). */
static void find_multi_day(struct occupancy *occ)
{
    int64_t *days = xcalloc(occ->ev->n_sessions + 1, sizeof *days);
    occ->multi_day = event_session_days(occ->ev, occ->local_day, days) > 1;
    free(days);
}

/* The local date of t. */
static int64_t day_of(const struct occupancy *occ, int64_t t)
{
    return occ->local_day != NULL ? occ->local_day(t) : time_utc_day(t);
}

/* The day the venue counts t on: its local date on a multi-day event; one day (0) otherwise. */
static int64_t venue_day(const struct occupancy *occ, int64_t t)
{
    return occ->multi_day ? day_of(occ, t) : 0;
}

/* day_of for the fold, remembering the last second's day. */
static int64_t fold_day_of(struct occupancy *occ, int64_t t)
{
    int64_t sec = t >= 0 ? t / 1000 : -((-(t + 1)) / 1000) - 1;
    if (!occ->memo_valid || sec != occ->memo_sec) {
        occ->memo_day = day_of(occ, t);
        occ->memo_sec = sec;
        occ->memo_valid = true;
    }
    return occ->memo_day;
}

/* Adds delta to the count of day in list (*n entries), adding the day when new. */
static void add_day(struct day_count **list, size_t *n, int64_t day, int delta)
{
    size_t i = 0;
    while (i < *n && (*list)[i].day != day)
        i++;
    if (i == *n) {
        *list = xrealloc(*list, (i + 1) * sizeof **list);
        (*list)[(*n)++] = (struct day_count){day, 0};
    }
    (*list)[i].n += delta;
}

/* The count of day in list (n entries): 0 when absent. */
static int day_get(const struct day_count *list, size_t n, int64_t day)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i].day == day)
            return list[i].n;
    }
    return 0;
}

/* The people inside the venue on the day of t, manual adjustments included, before clamping. */
static int venue_sum(const struct occupancy *occ, int64_t t)
{
    int64_t day = venue_day(occ, t);
    return day_get(occ->venue_people, occ->n_venue_people, day) +
           day_get(occ->venue_manual, occ->n_venue_manual, day);
}

/* Frees an occupancy. */
void occupancy_destroy(struct occupancy *occ)
{
    if (occ == NULL)
        return;
    for (size_t r = 0; r < occ->ev->n_rooms; r++) {
        free(occ->rooms[r].sessions);
        free(occ->rooms[r].count);
        free(occ->rooms[r].manual);
    }
    for (size_t s = 0; s < occ->ev->n_sessions; s++)
        free(occ->sessions[s].registered_inside);
    free(occ->rooms);
    free(occ->sessions);
    free(occ->attendees);
    free(occ->walkins);
    hashmap_finish(&occ->walkin_index);
    hashmap_finish(&occ->manual_keys);
    hashmap_finish(&occ->device_index);
    free(occ->devices);
    free(occ->checkin_days);
    free(occ->venue_people);
    free(occ->venue_manual);
    free(occ);
}

/* The state of a person: an attendee of the model or a walk-in (index n_attendees + i); NULL
 * for any other index. */
static struct attendee_state *state_of(const struct occupancy *occ, size_t person)
{
    if (person < occ->ev->n_attendees)
        return &occ->attendees[person];
    if (person - occ->ev->n_attendees < occ->n_walkins)
        return &occ->walkins[person - occ->ev->n_attendees].st;
    return NULL;
}

/* The index of the walk-in id, added when new; OCCUPANCY_NONE when id is not a walk-in number
 * of one of the event's device keys. */
static size_t walkin_person(struct occupancy *occ, const char *id)
{
    size_t i = hashmap_get(&occ->walkin_index, id);
    if (i != HASHMAP_NONE)
        return occ->ev->n_attendees + i;
    size_t plen = strlen(DEVKEY_WALKIN_PREFIX);
    char *end;
    if (strncmp(id, DEVKEY_WALKIN_PREFIX, plen) != 0 || id[plen] < '1' || id[plen] > '9')
        return OCCUPANCY_NONE;
    unsigned long num = strtoul(id + plen, &end, 10);
    if (*end != '\0')
        return OCCUPANCY_NONE;
    bool in_range = false;
    for (size_t k = 0; k < occ->ev->n_device_keys; k++)
        in_range |=
            num >= occ->ev->device_keys[k].first_num && num <= occ->ev->device_keys[k].last_num;
    if (!in_range)
        return OCCUPANCY_NONE;
    if (occ->n_walkins == occ->cap_walkins) {
        occ->cap_walkins = occ->cap_walkins ? 2 * occ->cap_walkins : 8;
        occ->walkins = xrealloc(occ->walkins, occ->cap_walkins * sizeof *occ->walkins);
    }
    struct walkin *w = &occ->walkins[occ->n_walkins];
    memset(w, 0, sizeof *w);
    snprintf(w->id, sizeof w->id, "%s", id);
    hashmap_put(&occ->walkin_index, id, occ->n_walkins, NULL);
    return occ->ev->n_attendees + occ->n_walkins++;
}

/* Adds (sign +1) or removes (-1) what person a's current state contributes to the counts. */
static void contribute(struct occupancy *occ, size_t a, int sign)
{
    static const struct attendee walkin = {.category = CATEGORY_ATTENDEE};
    const struct attendee *at = a < occ->ev->n_attendees ? &occ->ev->attendees[a] : &walkin;
    const struct attendee_state *st = state_of(occ, a);
    if (!st->has_last || at->category == CATEGORY_STAFF)
        return;
    bool outside = st->last_room == OCCUPANCY_ENTRANCE && st->last_result == RESULT_EXITED;
    if (!outside)
        add_day(&occ->venue_people, &occ->n_venue_people, st->venue_day, sign);
    if (st->last_room == OCCUPANCY_ENTRANCE || st->last_result != RESULT_ADMITTED)
        return;
    occ->rooms[st->last_room].count[st->bucket] += sign;
    for (size_t i = 0; i < at->n_sessions; i++) {
        size_t s = at->sessions[i];
        if (s < occ->ev->n_sessions && occ->ev->sessions[s].room == st->last_room)
            occ->sessions[s].registered_inside[st->bucket] += sign;
    }
}

/* Folds a badge scan. */
static bool apply_badge(struct occupancy *occ, const struct scan *s, size_t room, int64_t t)
{
    if (s->result == RESULT_DENIED)
        return true;
    char id[SCAN_ID_MAX];
    copy_id(id, s->attendee);
    size_t a = occupancy_attendee_index(occ, id);
    if (a == OCCUPANCY_NONE)
        a = walkin_person(occ, id);
    if (a == OCCUPANCY_NONE)
        return false;
    struct attendee_state *st = state_of(occ, a);
    if (room == OCCUPANCY_ENTRANCE && s->result == RESULT_ADMITTED &&
        (!st->checked_in || t > st->checkin_ms)) {
        /* Per day: the attendee counts on the date of their latest admission. */
        bool counted =
            a >= occ->ev->n_attendees || occ->ev->attendees[a].category != CATEGORY_STAFF;
        int64_t day = fold_day_of(occ, t);
        if (counted && st->checked_in)
            add_day(&occ->checkin_days, &occ->n_checkin_days, st->checkin_day, -1);
        if (counted)
            add_day(&occ->checkin_days, &occ->n_checkin_days, day, +1);
        occ->checked_in += !st->checked_in;
        st->checked_in = true;
        st->checkin_ms = t;
        st->checkin_day = day;
    }
    struct order_key k;
    key_of(&k, s, t);
    if (st->has_last && key_cmp(&k, &st->key) <= 0)
        return true;
    contribute(occ, a, -1);
    st->has_last = true;
    st->key = k;
    st->venue_day = occ->multi_day ? fold_day_of(occ, k.wall_ms) : 0;
    st->last_room = room;
    st->last_result = s->result;
    st->bucket = room == OCCUPANCY_ENTRANCE ? 0 : bucket_at(occ, &occ->rooms[room], k.wall_ms);
    contribute(occ, a, +1);
    return true;
}

/* Folds a manual +1/-1, once per scan key. */
static bool apply_manual(struct occupancy *occ, const struct scan *s, size_t room, int64_t t)
{
    if (s->result == RESULT_DENIED)
        return true;
    struct order_key k;
    key_of(&k, s, t);
    char keytext[SCAN_ID_MAX + 48];
    snprintf(keytext, sizeof keytext, "%s|%" PRId64 "|%" PRId64, k.device, k.epoch, k.seq);
    if (!hashmap_put(&occ->manual_keys, keytext, 0, NULL))
        return true;
    int delta = s->result == RESULT_ADMITTED ? 1 : -1;
    if (room == OCCUPANCY_ENTRANCE) {
        add_day(&occ->venue_manual, &occ->n_venue_manual, venue_day(occ, k.wall_ms), delta);
    } else {
        struct room_state *rs = &occ->rooms[room];
        rs->manual[bucket_at(occ, rs, k.wall_ms)] += delta;
    }
    return true;
}

/* Folds one scan of the merged log. */
bool occupancy_apply(struct occupancy *occ, const struct scan *s)
{
    if ((unsigned)s->result >= SCAN_RESULT_COUNT)
        return false;
    char id[SCAN_ID_MAX];
    copy_id(id, s->room);
    size_t room = occupancy_room_index(occ, id);
    if (room == OCCUPANCY_NONE)
        return false;
    int64_t t = scan_time(occ, s);
    switch (s->kind) {
    case SCAN_BADGE:
        return apply_badge(occ, s, room, t);
    case SCAN_MANUAL:
        return apply_manual(occ, s, room, t);
    case SCAN_SESSION_END: {
        copy_id(id, s->session);
        size_t sess = occupancy_session_index(occ, id);
        if (sess == OCCUPANCY_NONE)
            return false;
        occ->sessions[sess].end_recorded = true;
        return true;
    }
    case SCAN_ROOM_CLOSE:
    case SCAN_ROOM_OPEN: {
        if (room == OCCUPANCY_ENTRANCE)
            return false;
        struct room_state *rs = &occ->rooms[room];
        struct order_key k;
        key_of(&k, s, t);
        if (!rs->has_toggle || key_cmp(&k, &rs->toggle_key) > 0) {
            rs->has_toggle = true;
            rs->toggle_key = k;
            rs->closed = s->kind == SCAN_ROOM_CLOSE;
        }
        return true;
    }
    }
    return false;
}

/* Counts the people in a room at t. */
int occupancy_room_count(const struct occupancy *occ, size_t room, int64_t t)
{
    return occupancy_room_count_plus(occ, room, t, 0);
}

/* Counts the people in a room at t with delta more, before clamping at 0. */
int occupancy_room_count_plus(const struct occupancy *occ, size_t room, int64_t t, int delta)
{
    int n = delta;
    if (room == OCCUPANCY_ENTRANCE) {
        n += venue_sum(occ, t);
    } else if (room < occ->ev->n_rooms) {
        const struct room_state *rs = &occ->rooms[room];
        for (size_t k = bucket_counted(occ, rs, t); k <= rs->n_sessions; k++)
            n += rs->count[k] + rs->manual[k];
    }
    return n < 0 ? 0 : n;
}

/* Counts a session's reserved seats still empty at t. */
int occupancy_registered_not_arrived(const struct occupancy *occ, size_t session, int64_t t)
{
    if (session >= occ->ev->n_sessions)
        return 0;
    const struct session_state *ss = &occ->sessions[session];
    if (ss->registered_inside == NULL)
        return 0;
    const struct room_state *rs = &occ->rooms[occ->ev->sessions[session].room];
    int n = ss->registered;
    for (size_t k = bucket_counted(occ, rs, t); k <= rs->n_sessions; k++)
        n -= ss->registered_inside[k];
    return n < 0 ? 0 : n;
}

/* Counts the attendees registered for a session. */
int occupancy_registered(const struct occupancy *occ, size_t session)
{
    return session < occ->ev->n_sessions ? occ->sessions[session].registered : 0;
}

/* Counts the people inside the venue. */
int occupancy_venue_inside(const struct occupancy *occ, int64_t t)
{
    int n = venue_sum(occ, t);
    return n < 0 ? 0 : n;
}

/* Counts the attendees checked in. */
int occupancy_checked_in(const struct occupancy *occ)
{
    return occ->checked_in;
}

/* Counts the attendees checked in on the local date of t. */
int occupancy_checked_in_on(const struct occupancy *occ, int64_t t)
{
    return day_get(occ->checkin_days, occ->n_checkin_days, day_of(occ, t));
}

/* Tells whether a room is closed. */
bool occupancy_room_closed(const struct occupancy *occ, size_t room)
{
    return room < occ->ev->n_rooms && occ->rooms[room].closed;
}

/* Tells whether a session's end has been recorded. */
bool occupancy_session_end_recorded(const struct occupancy *occ, size_t session)
{
    return session < occ->ev->n_sessions && occ->sessions[session].end_recorded;
}

/* Tells where an attendee is at t. */
void occupancy_attendee_place(const struct occupancy *occ, size_t attendee, int64_t t,
                              struct occupancy_place *out)
{
    memset(out, 0, sizeof *out);
    out->where = OCCUPANCY_NEVER_SEEN;
    out->room = OCCUPANCY_NONE;
    out->last_room = OCCUPANCY_NONE;
    const struct attendee_state *st = state_of(occ, attendee);
    if (st == NULL)
        return;
    out->checked_in = st->checked_in;
    out->checkin_ms = st->checkin_ms;
    if (!st->has_last)
        return;
    out->has_last = true;
    out->last_room = st->last_room;
    out->last_result = st->last_result;
    out->last_ms = st->key.wall_ms;
    /* A new day of a multi-day event finds everyone outside until their next scan. */
    bool today = st->venue_day == venue_day(occ, t);
    if (st->last_room == OCCUPANCY_ENTRANCE) {
        out->in_venue = st->last_result == RESULT_ADMITTED && today;
        out->where = out->in_venue ? OCCUPANCY_VENUE : OCCUPANCY_OUTSIDE;
        return;
    }
    out->where = today ? OCCUPANCY_VENUE : OCCUPANCY_OUTSIDE;
    out->in_venue = today;
    if (st->last_result != RESULT_ADMITTED)
        return;
    int64_t until = bucket_end(occ, &occ->rooms[st->last_room], st->bucket);
    if (t < until) {
        out->where = OCCUPANCY_ROOM;
        out->room = st->last_room;
        out->until_ms = until;
    }
}

/* Tells whether a new scan of the attendee would become their latest. */
bool occupancy_would_be_latest(const struct occupancy *occ, size_t attendee, int64_t wall_ms,
                               const char *device_id)
{
    const struct attendee_state *st = state_of(occ, attendee);
    if (st == NULL)
        return true;
    /* With a clock, a device's own scans keep their order (a new one has a greater seq). */
    if (st->has_last && occ->clock != NULL && strcmp(device_id, st->key.device) == 0)
        return true;
    if (!st->has_last || wall_ms != st->key.wall_ms)
        return !st->has_last || wall_ms > st->key.wall_ms;
    return strcmp(device_id, st->key.device) >= 0;
}

/* Lists those a session end lets out. */
size_t occupancy_session_leavers(const struct occupancy *occ, size_t session, size_t *out)
{
    if (session >= occ->ev->n_sessions || occ->sessions[session].registered_inside == NULL)
        return 0;
    size_t room = occ->ev->sessions[session].room;
    size_t bucket = occ->sessions[session].bucket;
    size_t n = 0;
    for (size_t a = 0; a < occupancy_people(occ); a++) {
        const struct attendee_state *st = state_of(occ, a);
        if (st->has_last && st->last_room == room && st->last_result == RESULT_ADMITTED &&
            st->bucket == bucket)
            out[n++] = a;
    }
    return n;
}

/* Looks a room id up. */
size_t occupancy_room_index(const struct occupancy *occ, const char *room_id)
{
    if (strcmp(room_id, OCCUPANCY_ENTRANCE_ID) == 0)
        return OCCUPANCY_ENTRANCE;
    return event_room_index(occ->ev, room_id);
}

/* Looks an attendee id up. */
size_t occupancy_attendee_index(const struct occupancy *occ, const char *attendee_id)
{
    const struct attendee *a = event_attendee_by_id(occ->ev, attendee_id);
    return a != NULL ? (size_t)(a - occ->ev->attendees) : OCCUPANCY_NONE;
}

/* Looks a person id up: an attendee of the model or a walk-in already folded. */
size_t occupancy_person_index(const struct occupancy *occ, const char *id)
{
    size_t a = occupancy_attendee_index(occ, id);
    if (a != OCCUPANCY_NONE)
        return a;
    size_t i = hashmap_get(&occ->walkin_index, id);
    return i != HASHMAP_NONE ? occ->ev->n_attendees + i : OCCUPANCY_NONE;
}

/* Counts the people tracked. */
size_t occupancy_people(const struct occupancy *occ)
{
    return occ->ev->n_attendees + occ->n_walkins;
}

/* The id of a person. */
const char *occupancy_person_id(const struct occupancy *occ, size_t person)
{
    if (person < occ->ev->n_attendees)
        return occ->ev->attendees[person].id;
    return occ->walkins[person - occ->ev->n_attendees].id;
}

/* Looks a session id up. */
size_t occupancy_session_index(const struct occupancy *occ, const char *session_id)
{
    return event_session_index(occ->ev, session_id);
}

/* Finds the session of a room running at t. */
size_t occupancy_session_at(const struct occupancy *occ, size_t room, int64_t t, int64_t lead_ms)
{
    if (room >= occ->ev->n_rooms)
        return OCCUPANCY_NONE;
    const struct room_state *rs = &occ->rooms[room];
    size_t k = bucket_at(occ, rs, t);
    if (k == rs->n_sessions)
        return OCCUPANCY_NONE;
    const struct session *s = &occ->ev->sessions[rs->sessions[k]];
    return s->start_ms - lead_ms <= t ? rs->sessions[k] : OCCUPANCY_NONE;
}

enum occupancy_level occupancy_level(int count, int capacity, bool closed)
{
    if (closed)
        return OCCUPANCY_LEVEL_CLOSED;
    if (capacity <= 0)
        return OCCUPANCY_LEVEL_OK;
    if (count >= capacity)
        return OCCUPANCY_LEVEL_FULL;
    if ((long)count * 100 >= (long)capacity * OCCUPANCY_NEAR_PERCENT)
        return OCCUPANCY_LEVEL_NEAR;
    return OCCUPANCY_LEVEL_OK;
}

uint32_t occupancy_level_rgb(enum occupancy_level level)
{
    static const uint32_t rgb[] = {0x16a34au, 0xf59e0bu, 0xdc2626u, 0x64748bu};
    return (unsigned)level < ARRAY_LEN(rgb) ? rgb[level] : rgb[0];
}

const char *occupancy_level_name(enum occupancy_level level)
{
    static const char *const names[] = {"ok", "near", "full", "closed"};
    return (unsigned)level < ARRAY_LEN(names) ? names[level] : names[0];
}
