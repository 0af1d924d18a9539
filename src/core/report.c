/* SPDX-License-Identifier: Apache-2.0 */
/* Organiser reports: the merged log, the one-pass computation and the CSV files. */
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "report_clock.h"
#include "log.h"
#include "occupancy.h"
#include "timeutil.h"
#include "util.h"

#define NONE ((uint32_t)-1)

/* Strings numbered in the order they first came: the map gives a string's number, strs the
 * string of a number (borrowed from the map). */
struct intern {
    struct hashmap map;
    const char **strs; /* by number */
    size_t n, cap_strs;
};

/* A scan as the log keeps it: ids interned, 48 bytes. */
struct rscan {
    int64_t time_ms;
    int64_t db_epoch;
    int64_t seq;
    uint32_t device; /* index into devices; rank order once sorted */
    uint32_t room, session, attendee;
    uint8_t mode, kind, result, reason;
    uint8_t override;
    uint8_t undated; /* unsynchronised, and no log held an offset of its boot: at its wall time */
};

/* An admission by hand as the log keeps it (few: a separate list keeps struct rscan small). */
struct rmanual {
    char device[SCAN_ID_MAX];
    char staff[SCAN_ID_MAX];
    int64_t db_epoch, seq;
};

/* An unsynchronised scan of a kiosk log, to be dated once every log is in. */
struct rpending {
    size_t index; /* into scans */
    uint32_t boot;
    int64_t mono_ns;
};

struct report_log {
    struct rscan *scans;
    size_t n, cap;
    struct report_clock *clock; /* kiosk logs' clocks (NULL until one is added) */
    struct rpending *pending;
    size_t n_pending, cap_pending;
    struct intern boots;
    struct rmanual *manual;
    size_t n_manual, cap_manual;
    struct report_walkin *walkins;
    size_t n_walkins, cap_walkins;
    struct intern devices, rooms, sessions, attendees;
    int64_t (*local_day)(int64_t unix_ms); /* NULL: UTC dates */
};

/* Returns the number of s, adding it when new. */
static uint32_t intern(struct intern *t, const char *s)
{
    const struct hashmap_entry *e;
    if (hashmap_put(&t->map, s, t->n, &e)) {
        if (t->n == t->cap_strs) {
            t->cap_strs = t->cap_strs == 0 ? 64 : t->cap_strs * 2;
            t->strs = xrealloc(t->strs, t->cap_strs * sizeof *t->strs);
        }
        t->strs[t->n++] = e->key;
    }
    return (uint32_t)e->val;
}

/* Frees a table. */
static void intern_finish(struct intern *t)
{
    hashmap_finish(&t->map);
    free(t->strs);
    memset(t, 0, sizeof *t);
}

/* Creates an empty log. */
struct report_log *report_log_create(void)
{
    return xcalloc(1, sizeof(struct report_log));
}

void report_log_set_local_day(struct report_log *log, int64_t (*local_day)(int64_t unix_ms))
{
    log->local_day = local_day;
}

/* The local date of t (days since 1970-01-01). */
static int64_t day_of(const struct report_log *log, int64_t t)
{
    return log->local_day != NULL ? log->local_day(t) : time_utc_day(t);
}

/* Frees a log. */
void report_log_destroy(struct report_log *log)
{
    if (log == NULL)
        return;
    free(log->scans);
    free(log->manual);
    free(log->walkins);
    free(log->pending);
    report_clock_destroy(log->clock);
    intern_finish(&log->boots);
    intern_finish(&log->devices);
    intern_finish(&log->rooms);
    intern_finish(&log->sessions);
    intern_finish(&log->attendees);
    free(log);
}

/* Copies an id field, NUL-terminated whatever it holds. */
static const char *id_of(const char field[SCAN_ID_MAX], char buf[SCAN_ID_MAX])
{
    memcpy(buf, field, SCAN_ID_MAX);
    buf[SCAN_ID_MAX - 1] = '\0';
    return buf;
}

/* Adds a scan. */
void report_log_add(struct report_log *log, const struct scan *s, int64_t time_ms)
{
    if (log->n == log->cap) {
        log->cap = log->cap == 0 ? 4096 : log->cap * 2;
        log->scans = xrealloc(log->scans, log->cap * sizeof *log->scans);
    }
    char buf[SCAN_ID_MAX];
    struct rscan *r = &log->scans[log->n++];
    memset(r, 0, sizeof *r);
    r->time_ms = time_ms;
    r->db_epoch = s->db_epoch;
    r->seq = s->seq;
    r->device = intern(&log->devices, id_of(s->device_id, buf));
    r->room = intern(&log->rooms, id_of(s->room, buf));
    r->session = intern(&log->sessions, id_of(s->session, buf));
    r->attendee = intern(&log->attendees, id_of(s->attendee, buf));
    r->mode = (uint8_t)s->mode;
    r->kind = (uint8_t)s->kind;
    r->result = (uint8_t)s->result;
    r->reason = (uint8_t)s->reason;
    r->override = s->override;
    if (s->kind == SCAN_BADGE && s->result == RESULT_ADMITTED && s->reason == REASON_MANUAL) {
        if (log->n_manual == log->cap_manual) {
            log->cap_manual = log->cap_manual == 0 ? 16 : log->cap_manual * 2;
            log->manual = xrealloc(log->manual, log->cap_manual * sizeof *log->manual);
        }
        struct rmanual *m = &log->manual[log->n_manual++];
        memcpy(m->device, id_of(s->device_id, buf), SCAN_ID_MAX);
        memcpy(m->staff, id_of(s->staff, buf), SCAN_ID_MAX);
        m->db_epoch = s->db_epoch;
        m->seq = s->seq;
    }
}

/* The log's clock, made on first use. */
static struct report_clock *log_clock(struct report_log *log)
{
    if (log->clock == NULL)
        log->clock = report_clock_create();
    return log->clock;
}

void report_log_add_kiosk_scan(struct report_log *log, const struct scan *s)
{
    report_log_add(log, s, s->wall_ms);
    if (s->clock_given)
        return;
    if (s->clock_synced) {
        report_clock_learn(log_clock(log), s);
        return;
    }
    if (log->n_pending == log->cap_pending) {
        log->cap_pending = log->cap_pending == 0 ? 256 : log->cap_pending * 2;
        log->pending = xrealloc(log->pending, log->cap_pending * sizeof *log->pending);
    }
    char boot[SCAN_BOOT_ID_MAX];
    snprintf(boot, sizeof boot, "%.*s", SCAN_BOOT_ID_MAX - 1, s->boot_id);
    log->pending[log->n_pending++] =
        (struct rpending){log->n - 1, intern(&log->boots, boot), s->mono_ns};
}

void report_log_set_boot_offset(struct report_log *log, const char *device_id, const char *boot_id,
                                int64_t offset_ms)
{
    report_clock_set_offset(log_clock(log), device_id, boot_id, offset_ms);
}

/* Dates the kiosk logs' unsynchronised scans now that every log is in (report_clock.h). */
static void date_pending(struct report_log *log)
{
    for (size_t i = 0; i < log->n_pending; i++) {
        const struct rpending *p = &log->pending[i];
        struct rscan *r = &log->scans[p->index];
        int64_t t;
        if (report_clock_time(log->clock, log->devices.strs[r->device], log->boots.strs[p->boot],
                              p->mono_ns, &t))
            r->time_ms = t;
        else
            r->undated = 1;
    }
    log->n_pending = 0;
}

/* Counts the scans added. */
size_t report_log_size(const struct report_log *log)
{
    return log->n;
}

/* Fills a struct scan back from a log record, for the occupancy fold. */
static void unpack(const struct report_log *log, const struct rscan *r, struct scan *s)
{
    memset(s, 0, sizeof *s);
    /* Interned ids came from SCAN_ID_MAX fields, so they fit. */
    strcpy(s->device_id, log->devices.strs[r->device]);
    strcpy(s->room, log->rooms.strs[r->room]);
    strcpy(s->session, log->sessions.strs[r->session]);
    strcpy(s->attendee, log->attendees.strs[r->attendee]);
    s->db_epoch = r->db_epoch;
    s->seq = r->seq;
    s->wall_ms = r->time_ms;
    s->clock_synced = true;
    s->mode = (enum kiosk_mode)r->mode;
    s->kind = (enum scan_kind)r->kind;
    s->result = (enum scan_result)r->result;
    s->reason = (enum scan_reason)r->reason;
    s->override = r->override != 0;
}

/* Comparators: by key, then by (time, key). Device indexes are ranks by then. */
static int cmp_key(const void *pa, const void *pb)
{
    const struct rscan *a = pa, *b = pb;
    if (a->device != b->device)
        return a->device < b->device ? -1 : 1;
    if (a->db_epoch != b->db_epoch)
        return a->db_epoch < b->db_epoch ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    /* The same key twice with other times (never from one source): keep the earliest. */
    if (a->time_ms != b->time_ms)
        return a->time_ms < b->time_ms ? -1 : 1;
    return 0;
}

static int cmp_time(const void *pa, const void *pb)
{
    const struct rscan *a = pa, *b = pb;
    if (a->time_ms != b->time_ms)
        return a->time_ms < b->time_ms ? -1 : 1;
    return cmp_key(pa, pb);
}

/* A device id and its index before ranking. */
struct ranked_id {
    const char *id;
    uint32_t index;
};

static int cmp_ranked_id(const void *pa, const void *pb)
{
    return strcmp(((const struct ranked_id *)pa)->id, ((const struct ranked_id *)pb)->id);
}

/* Renumbers the devices in the order of their ids, so that comparing indexes compares ids. */
static void rank_devices(struct report_log *log)
{
    size_t n = log->devices.n;
    struct ranked_id *order = xmalloc((n + 1) * sizeof *order);
    uint32_t *rank = xmalloc((n + 1) * sizeof *rank);
    for (size_t i = 0; i < n; i++)
        order[i] = (struct ranked_id){log->devices.strs[i], (uint32_t)i};
    qsort(order, n, sizeof *order, cmp_ranked_id);
    struct intern ranked = {0};
    for (size_t i = 0; i < n; i++)
        rank[order[i].index] = intern(&ranked, order[i].id);
    for (size_t i = 0; i < log->n; i++)
        log->scans[i].device = rank[log->scans[i].device];
    intern_finish(&log->devices);
    log->devices = ranked;
    free(order);
    free(rank);
}

/* Sorts the log into its order and drops duplicate keys; returns how many it dropped. */
static size_t sort_log(struct report_log *log)
{
    rank_devices(log);
    if (log->n == 0)
        return 0;
    qsort(log->scans, log->n, sizeof *log->scans, cmp_key);
    size_t out = 0;
    for (size_t i = 0; i < log->n; i++) {
        const struct rscan *s = &log->scans[i];
        if (out > 0) {
            const struct rscan *p = &log->scans[out - 1];
            if (p->device == s->device && p->db_epoch == s->db_epoch && p->seq == s->seq)
                continue;
        }
        log->scans[out++] = *s;
    }
    size_t dropped = log->n - out;
    log->n = out;
    qsort(log->scans, log->n, sizeof *log->scans, cmp_time);
    return dropped;
}

/* The sessions of each room, by start. */
struct room_sessions {
    size_t *idx;
    size_t n;
};

/* The session of a room that an instant belongs to: the first ending at t or after (the end
 * instant belongs to its session, as in occupancy.h), or SIZE_MAX. */
static size_t bucket_session(const struct event *ev, const struct room_sessions *rs, int64_t t)
{
    size_t lo = 0, hi = rs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ev->sessions[rs->idx[mid]].end_ms >= t)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < rs->n ? rs->idx[lo] : SIZE_MAX;
}

/* The session of a room running at t (start <= t <= end), or SIZE_MAX. */
static size_t running_session(const struct event *ev, const struct room_sessions *rs, int64_t t)
{
    size_t s = bucket_session(ev, rs, t);
    return s != SIZE_MAX && ev->sessions[s].start_ms <= t ? s : SIZE_MAX;
}

/* What the pass carries. */
struct pass {
    const struct event *ev;
    struct report *r;
    struct occupancy *occ;
    struct room_sessions *rooms;
    /* per attendee: the stretch they are counted in a room, when they are */
    size_t *in_room;
    int64_t *since, *until;
    bool *manual;         /* per attendee: the stretch began with an admission by hand */
    uint8_t *flags;       /* [attendee * n_sessions + session] */
    int64_t *checkin_day; /* per attendee: the day of their latest check-in */
};

#define FLAG_REFUSED_FULL     1
#define FLAG_REFUSED_RESERVED 2

/* Records the time attendee a spent in room from t0 to t1. */
static void add_presence(struct pass *p, size_t a, size_t room, int64_t t0, int64_t t1)
{
    if (t1 <= t0)
        return;
    size_t s = bucket_session(p->ev, &p->rooms[room], t0);
    if (s == SIZE_MAX)
        return;
    const struct session *se = &p->ev->sessions[s];
    int64_t lo = t0 > se->start_ms ? t0 : se->start_ms;
    int64_t hi = t1 < se->end_ms ? t1 : se->end_ms;
    if (hi > lo) {
        p->r->present_ms[a * p->ev->n_sessions + s] += hi - lo;
        if (p->manual[a])
            p->r->present_manual[a * p->ev->n_sessions + s] = true;
    }
}

/* Reads the count of room (n_rooms: the venue) at t into the slot and session maxima. */
static void observe(struct pass *p, size_t room, int64_t t)
{
    const struct event *ev = p->ev;
    struct report *r = p->r;
    int c;
    if (room == ev->n_rooms) {
        c = occupancy_venue_inside(p->occ, t);
        if (c > r->venue_peak) {
            r->venue_peak = c;
            r->venue_peak_ms = t;
        }
    } else {
        c = occupancy_room_count(p->occ, room, t);
        size_t s = running_session(ev, &p->rooms[room], t);
        if (s != SIZE_MAX && c > r->sessions[s].peak) {
            r->sessions[s].peak = c;
            r->sessions[s].peak_ms = t;
        }
    }
    if (t >= r->slot0_ms) {
        size_t slot = (size_t)((t - r->slot0_ms) / REPORT_SLOT_MS);
        if (slot < r->n_slots) {
            int *cell = &r->occupancy[slot * (ev->n_rooms + 1) + room];
            if (c > *cell)
                *cell = c;
        }
    }
}

/* Compares int64 values for qsort. */
static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

/* Chooses the time slots: the sessions' span, widened to the scans within a day of it. */
static void choose_window(struct report *r, const struct report_log *log)
{
    const struct event *ev = r->ev;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        if (ev->sessions[s].start_ms < lo)
            lo = ev->sessions[s].start_ms;
        if (ev->sessions[s].end_ms > hi)
            hi = ev->sessions[s].end_ms;
    }
    int64_t min_ok = lo == INT64_MAX ? INT64_MIN : lo - REPORT_WINDOW_MARGIN_MS;
    int64_t max_ok = hi == INT64_MIN ? INT64_MAX : hi + REPORT_WINDOW_MARGIN_MS;
    for (size_t i = 0; i < log->n; i++) {
        int64_t t = log->scans[i].time_ms;
        if (t < min_ok || t > max_ok)
            continue;
        if (t < lo)
            lo = t;
        if (t > hi)
            hi = t;
    }
    if (lo > hi) {
        r->slot0_ms = 0;
        r->n_slots = 0;
        return;
    }
    if (hi - lo > 7 * REPORT_WINDOW_MARGIN_MS) /* scans only, spread over weeks */
        hi = lo + 7 * REPORT_WINDOW_MARGIN_MS;
    int64_t first = lo - ((lo % REPORT_SLOT_MS) + REPORT_SLOT_MS) % REPORT_SLOT_MS;
    r->slot0_ms = first;
    r->n_slots = (size_t)((hi - first) / REPORT_SLOT_MS + 1);
}

/* The model times at which counts change without a scan: slot starts, session starts and
 * ends. Returns a sorted array owned by the caller. */
static int64_t *model_points(const struct report *r, size_t *n_out)
{
    const struct event *ev = r->ev;
    size_t n = r->n_slots + 2 * ev->n_sessions, k = 0;
    int64_t *pts = xmalloc((n + 1) * sizeof *pts);
    for (size_t i = 0; i < r->n_slots; i++)
        pts[k++] = r->slot0_ms + (int64_t)i * REPORT_SLOT_MS;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        pts[k++] = ev->sessions[s].start_ms;
        pts[k++] = ev->sessions[s].end_ms;
    }
    qsort(pts, k, sizeof *pts, cmp_i64);
    *n_out = k;
    return pts;
}

/* Closes attendee a's stretch in a room at t (or at its expiry, when earlier). */
static void leave(struct pass *p, size_t a, int64_t t)
{
    if (p->in_room[a] == OCCUPANCY_NONE)
        return;
    add_presence(p, a, p->in_room[a], p->since[a], t < p->until[a] ? t : p->until[a]);
    p->in_room[a] = OCCUPANCY_NONE;
}

/* Records an admission that left its room above capacity. */
static void note_overflow(struct pass *p, const struct scan *s, size_t room, size_t a)
{
    struct report *r = p->r;
    int count = occupancy_room_count(p->occ, room, s->wall_ms);
    int capacity = p->ev->rooms[room].capacity;
    if (count <= capacity)
        return;
    if ((r->n_overflows & (r->n_overflows + 1)) == 0) /* 0, 1, 3, 7...: full */
        r->overflows = xrealloc(r->overflows, (r->n_overflows * 2 + 1) * sizeof *r->overflows);
    struct report_overflow *o = &r->overflows[r->n_overflows++];
    memset(o, 0, sizeof *o);
    o->time_ms = s->wall_ms;
    o->room = room;
    o->session = running_session(p->ev, &p->rooms[room], s->wall_ms);
    o->count = count;
    o->capacity = capacity;
    o->attendee = a;
    o->override = s->override;
    memcpy(o->device, s->device_id, sizeof o->device);
}

/* Counts one in per_slot's slot of t, when t is in the slots. */
static void count_in_slot(const struct report *r, int *per_slot, int64_t t)
{
    if (t >= r->slot0_ms) {
        size_t slot = (size_t)((t - r->slot0_ms) / REPORT_SLOT_MS);
        if (slot < r->n_slots)
            per_slot[slot]++;
    }
}

/* Folds one scan and updates the per-attendee and per-session figures; adds the rooms whose
 * count it may change to touched (a bitmap over n_rooms + 1). */
static void fold(struct pass *p, const struct report_log *log, const struct rscan *rs,
                 const size_t *room_of, const size_t *att_of, bool *touched)
{
    const struct event *ev = p->ev;
    struct report *r = p->r;
    struct scan s;
    unpack(log, rs, &s);
    size_t room = room_of[rs->room], a = att_of[rs->attendee];
    if (room == OCCUPANCY_NONE || !occupancy_apply(p->occ, &s)) {
        r->unknown_scans++;
        return;
    }
    size_t ridx = room == OCCUPANCY_ENTRANCE ? ev->n_rooms : room;
    bool staff = a != OCCUPANCY_NONE && ev->attendees[a].category == CATEGORY_STAFF;
    if (rs->kind == SCAN_MANUAL) {
        touched[ridx] = true;
        if (rs->result == RESULT_ADMITTED && room != OCCUPANCY_ENTRANCE) {
            size_t se = bucket_session(ev, &p->rooms[room], rs->time_ms);
            if (se != SIZE_MAX)
                r->sessions[se].manual_in++;
        }
        return;
    }
    if (rs->kind != SCAN_BADGE || a == OCCUPANCY_NONE)
        return;
    if (rs->result == RESULT_DENIED) {
        if (room == OCCUPANCY_ENTRANCE || staff)
            return;
        size_t se = bucket_session(ev, &p->rooms[room], rs->time_ms);
        if (se == SIZE_MAX)
            return;
        if (rs->reason == REASON_ROOM_FULL)
            p->flags[a * ev->n_sessions + se] |= FLAG_REFUSED_FULL;
        else if (rs->reason == REASON_NOT_REGISTERED)
            p->flags[a * ev->n_sessions + se] |= FLAG_REFUSED_RESERVED;
        return;
    }
    if (room == OCCUPANCY_ENTRANCE && rs->result == RESULT_ADMITTED && !staff) {
        /* Per day: the first entrance admission of each day (scans come in time order). */
        int64_t day = day_of(log, rs->time_ms);
        if (p->checkin_day[a] != day) {
            for (size_t d = 0; d < r->n_days; d++) {
                if (r->days[d] == day)
                    r->checked_in_by_day[d]++;
            }
            count_in_slot(r, r->day_arrivals, rs->time_ms);
        }
        p->checkin_day[a] = day;
    }
    if (room == OCCUPANCY_ENTRANCE && rs->result == RESULT_ADMITTED &&
        r->attendees[a].checked_in_ms == INT64_MIN) {
        r->attendees[a].checked_in_ms = rs->time_ms;
        if (!staff) {
            r->checked_in++;
            count_in_slot(r, r->arrivals, rs->time_ms);
        }
    }
    /* Sorted by time, each state-changing scan becomes the attendee's latest. */
    if (p->in_room[a] != OCCUPANCY_NONE)
        touched[p->in_room[a]] = true;
    leave(p, a, rs->time_ms);
    struct occupancy_place place;
    occupancy_attendee_place(p->occ, a, rs->time_ms, &place);
    if (place.where == OCCUPANCY_ROOM) {
        p->in_room[a] = place.room;
        p->since[a] = rs->time_ms;
        p->until[a] = place.until_ms;
        p->manual[a] = rs->result == RESULT_ADMITTED && rs->reason == REASON_MANUAL;
        touched[place.room] = true;
        if (rs->result == RESULT_ADMITTED && place.room == room && !staff)
            note_overflow(p, &s, room, a);
    }
    touched[ev->n_rooms] = true;
}

/* The median of v[0..n) (sorted here); 0 when n is 0. Even n: the mean of the middle two. */
static int64_t median(int64_t *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_i64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Derives the per-session and per-attendee totals from the pass's matrices. */
static void totals(struct pass *p)
{
    const struct event *ev = p->ev;
    struct report *r = p->r;
    size_t ns = ev->n_sessions;
    int64_t *times = xmalloc((ev->n_attendees + 1) * sizeof *times);
    for (size_t s = 0; s < ns; s++) {
        struct report_session *rs = &r->sessions[s];
        rs->registered = occupancy_registered(p->occ, s);
        size_t n_times = 0;
        for (size_t a = 0; a < ev->n_attendees; a++) {
            const struct attendee *at = &ev->attendees[a];
            if (at->category == CATEGORY_STAFF)
                continue;
            bool reg = event_is_registered(at, s);
            bool came = r->present_ms[a * ns + s] > 0;
            uint8_t fl = p->flags[a * ns + s];
            rs->refused_full += (fl & FLAG_REFUSED_FULL) != 0;
            rs->refused_reserved += (fl & FLAG_REFUSED_RESERVED) != 0;
            if (came) {
                rs->attended++;
                rs->attended_registered += reg;
                times[n_times++] = r->present_ms[a * ns + s];
            } else if (reg && r->attendees[a].checked_in_ms != INT64_MIN &&
                       r->attendees[a].checked_in_ms < ev->sessions[s].end_ms) {
                rs->no_shows++;
            }
        }
        rs->walk_ins = rs->attended - rs->attended_registered;
        rs->median_present_ms = median(times, n_times);
        if (rs->peak == 0)
            rs->peak_ms = ev->sessions[s].start_ms;
    }
    for (size_t a = 0; a < ev->n_attendees; a++) {
        const struct attendee *at = &ev->attendees[a];
        r->attendees[a].sessions_registered = (int)at->n_sessions;
        for (size_t s = 0; s < ns; s++)
            r->attendees[a].sessions_attended += r->present_ms[a * ns + s] > 0;
        r->people += at->category != CATEGORY_STAFF;
    }
    free(times);
}

/* Orders admissions by hand by door and staff member, then by key. */
static int cmp_manual(const void *pa, const void *pb)
{
    const struct rmanual *a = pa, *b = pb;
    int c = strcmp(a->device, b->device);
    if (c == 0)
        c = strcmp(a->staff, b->staff);
    if (c != 0)
        return c;
    if (a->db_epoch != b->db_epoch)
        return a->db_epoch < b->db_epoch ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Counts the admissions by hand per door and staff member, each scan key once. A key names
 * one scan, so its copies sort next to each other. */
static void count_manual(struct report *r, struct report_log *log)
{
    if (log->n_manual > 1) /* qsort may not be given a NULL base, even for 0 elements */
        qsort(log->manual, log->n_manual, sizeof *log->manual, cmp_manual);
    for (size_t i = 0; i < log->n_manual; i++) {
        const struct rmanual *m = &log->manual[i], *p = i > 0 ? &log->manual[i - 1] : NULL;
        if (p != NULL && strcmp(p->device, m->device) == 0 && p->db_epoch == m->db_epoch &&
            p->seq == m->seq)
            continue;
        struct report_manual *row = r->n_manual > 0 ? &r->manual[r->n_manual - 1] : NULL;
        if (row == NULL || strcmp(row->device, m->device) != 0 ||
            strcmp(row->staff, m->staff) != 0) {
            r->manual = xrealloc(r->manual, (r->n_manual + 1) * sizeof *r->manual);
            row = &r->manual[r->n_manual++];
            memcpy(row->device, m->device, SCAN_ID_MAX);
            memcpy(row->staff, m->staff, SCAN_ID_MAX);
            row->admitted = 0;
        }
        row->admitted++;
    }
}

void report_log_add_walkin(struct report_log *log, const struct report_walkin *w)
{
    if (log->n_walkins == log->cap_walkins) {
        log->cap_walkins = log->cap_walkins == 0 ? 16 : log->cap_walkins * 2;
        log->walkins = xrealloc(log->walkins, log->cap_walkins * sizeof *log->walkins);
    }
    log->walkins[log->n_walkins++] = *w;
}

static int cmp_walkin(const void *pa, const void *pb)
{
    const struct report_walkin *a = pa, *b = pb;
    if (a->registered_ms != b->registered_ms)
        return a->registered_ms < b->registered_ms ? -1 : 1;
    return strcmp(a->attendee, b->attendee);
}

/* Moves the log's walk-ins to the report, in order, each attendee once. */
static void take_walkins(struct report *r, struct report_log *log)
{
    if (log->n_walkins > 1)
        qsort(log->walkins, log->n_walkins, sizeof *log->walkins, cmp_walkin);
    size_t n = 0;
    for (size_t i = 0; i < log->n_walkins; i++) {
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(log->walkins[j].attendee, log->walkins[i].attendee) == 0;
        if (!seen)
            log->walkins[n++] = log->walkins[i];
    }
    r->walkins = log->walkins;
    r->n_walkins = n;
    log->walkins = NULL;
    log->n_walkins = log->cap_walkins = 0;
}

/* Computes the report. */
struct report *report_compute(const struct event *ev, struct report_log *log)
{
    struct report *r = xcalloc(1, sizeof *r);
    r->ev = ev;
    date_pending(log);
    r->duplicates = sort_log(log);
    for (size_t i = 0; i < log->n; i++)
        r->undated_scans += log->scans[i].undated;
    count_manual(r, log);
    take_walkins(r, log);
    r->scans = log->n;
    r->devices = log->devices.n;
    if (log->n > 0) {
        r->first_ms = log->scans[0].time_ms;
        r->last_ms = log->scans[log->n - 1].time_ms;
    }
    size_t ns = ev->n_sessions, nr = ev->n_rooms;
    r->sessions = xcalloc(ns + 1, sizeof *r->sessions);
    r->attendees = xcalloc(ev->n_attendees + 1, sizeof *r->attendees);
    r->present_ms = xcalloc(ev->n_attendees * ns + 1, sizeof *r->present_ms);
    r->present_manual = xcalloc(ev->n_attendees * ns + 1, sizeof *r->present_manual);
    for (size_t a = 0; a < ev->n_attendees; a++)
        r->attendees[a].checked_in_ms = INT64_MIN;
    choose_window(r, log);
    r->occupancy = xcalloc(r->n_slots * (nr + 1) + 1, sizeof *r->occupancy);
    r->arrivals = xcalloc(r->n_slots + 1, sizeof *r->arrivals);
    r->day_arrivals = xcalloc(r->n_slots + 1, sizeof *r->day_arrivals);
    r->days = xcalloc(ns + 1, sizeof *r->days);
    r->n_days = event_session_days(ev, log->local_day, r->days);
    r->checked_in_by_day = xcalloc(r->n_days + 1, sizeof *r->checked_in_by_day);

    struct pass p = {.ev = ev, .r = r};
    p.occ = occupancy_create(ev);
    occupancy_use_local_day(p.occ, log->local_day);
    p.rooms = xcalloc(nr + 1, sizeof *p.rooms);
    for (size_t s = 0; s < ns; s++)
        p.rooms[ev->sessions[s].room].n++;
    for (size_t k = 0; k < nr; k++) {
        p.rooms[k].idx = xmalloc((p.rooms[k].n + 1) * sizeof(size_t));
        p.rooms[k].n = 0;
    }
    /* event.sessions is sorted by (room, start): each room's list comes out sorted. */
    for (size_t s = 0; s < ns; s++) {
        struct room_sessions *rs = &p.rooms[ev->sessions[s].room];
        rs->idx[rs->n++] = s;
    }
    p.in_room = xmalloc((ev->n_attendees + 1) * sizeof *p.in_room);
    p.since = xcalloc(ev->n_attendees + 1, sizeof *p.since);
    p.until = xcalloc(ev->n_attendees + 1, sizeof *p.until);
    p.manual = xcalloc(ev->n_attendees + 1, sizeof *p.manual);
    p.flags = xcalloc(ev->n_attendees * ns + 1, 1);
    p.checkin_day = xmalloc((ev->n_attendees + 1) * sizeof *p.checkin_day);
    for (size_t a = 0; a < ev->n_attendees; a++)
        p.checkin_day[a] = INT64_MIN;
    for (size_t a = 0; a < ev->n_attendees; a++)
        p.in_room[a] = OCCUPANCY_NONE;
    size_t *room_of = xmalloc((log->rooms.n + 1) * sizeof *room_of);
    size_t *att_of = xmalloc((log->attendees.n + 1) * sizeof *att_of);
    for (size_t i = 0; i < log->rooms.n; i++)
        room_of[i] = occupancy_room_index(p.occ, log->rooms.strs[i]);
    for (size_t i = 0; i < log->attendees.n; i++)
        att_of[i] = occupancy_attendee_index(p.occ, log->attendees.strs[i]);
    bool *touched = xcalloc(nr + 1, sizeof *touched);

    size_t n_pts, pi = 0, si = 0;
    int64_t *pts = model_points(r, &n_pts);
    while (si < log->n || pi < n_pts) {
        int64_t ts = si < log->n ? log->scans[si].time_ms : INT64_MAX;
        if (pi < n_pts && pts[pi] < ts) {
            /* No scan until after this point: the state is that at the point. */
            int64_t t = pts[pi];
            while (pi < n_pts && pts[pi] == t)
                pi++;
            for (size_t k = 0; k <= nr; k++)
                observe(&p, k, t);
            continue;
        }
        /* Every scan at ts, then the counts they changed, once all are folded. */
        for (; si < log->n && log->scans[si].time_ms == ts; si++)
            fold(&p, log, &log->scans[si], room_of, att_of, touched);
        for (size_t k = 0; k <= nr; k++) {
            if (touched[k])
                observe(&p, k, ts);
            touched[k] = false;
        }
    }
    for (size_t a = 0; a < ev->n_attendees; a++)
        leave(&p, a, INT64_MAX);
    totals(&p);

    free(pts);
    free(touched);
    free(room_of);
    free(att_of);
    for (size_t k = 0; k < nr; k++)
        free(p.rooms[k].idx);
    free(p.rooms);
    free(p.in_room);
    free(p.since);
    free(p.until);
    free(p.manual);
    free(p.flags);
    free(p.checkin_day);
    occupancy_destroy(p.occ);
    return r;
}

/* Frees a report. */
void report_destroy(struct report *r)
{
    if (r == NULL)
        return;
    free(r->sessions);
    free(r->attendees);
    free(r->present_ms);
    free(r->present_manual);
    free(r->occupancy);
    free(r->arrivals);
    free(r->day_arrivals);
    free(r->days);
    free(r->checked_in_by_day);
    free(r->overflows);
    free(r->manual);
    free(r->walkins);
    free(r);
}
