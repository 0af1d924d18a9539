/* SPDX-License-Identifier: Apache-2.0 */
/* portier report on a known day: a generated plan of who goes where and when, turned into the
 * scans three kiosks would hold (overlapping: each holds copies of others' scans), and the
 * figures expected from the plan itself, computed here without the report's code or the
 * occupancy model. Every number of attendance.csv and occupancy.csv (and arrivals.csv) is
 * checked. Then the same scans go into a real PostgreSQL (central) and the report from there
 * must be byte-identical to the one from the kiosk databases. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "shell.h"
#include "csv.h"
#include "pg_harness.h"
#include "report.h"
#include "store.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"
#include "report_out.h"
#include "sysclock.h"

#define MIN      INT64_C(60000)
#define SLOT     (5 * MIN)
#define N_PEOPLE 100
#define N_ROOMS  3
#define N_SESS   7
#define MAX_VIS  8

static char *dir;
static const char *bin;

/* 2026-04-23T09:00:00+02:00 */
#define T9 INT64_C(1776927600000)

struct room_def {
    const char *id, *name;
    int cap;
};
static const struct room_def rooms[N_ROOMS] = {
    {"hall", "Great Hall", 30}, {"lab", "Lab", 8}, {"zaal", "Zaal Één", 15}};

struct sess_def {
    const char *id;
    int room;
    const char *title;
    int start_min, end_min; /* from 09:00 */
};
static const struct sess_def sess[N_SESS] = {
    {"h1", 0, "Opening, \"big\" keynote", 0, 90},
    {"h2", 0, "Panel; cities", 120, 210},
    {"h3", 0, "Closing", 300, 390},
    {"l1", 1, "Soldering", 30, 120},
    {"l2", 1, "Printing badges", 240, 330},
    {"z1", 2, "Événements accessibles", 60, 150},
    {"z2", 2, "Data protection", 270, 360},
};

static int64_t s_start(int s)
{
    return T9 + sess[s].start_min * MIN;
}
static int64_t s_end(int s)
{
    return T9 + sess[s].end_min * MIN;
}

/* The plan. */
struct visit {
    int sess;
    int64_t enter, leave; /* counted in [enter, leave) */
    int how;              /* 0 exit scan, 1 stays to the end, 2 hops into the next visit */
};
struct person {
    char id[8];
    bool staff;
    bool reg[N_SESS];
    int64_t t_in;  /* entrance admission, or 0 */
    int64_t t_out; /* entrance exit, or 0 */
    struct visit v[MAX_VIS];
    int n_v;
    int refused[N_SESS]; /* room_full refusals planned in that session */
};
static struct person people[N_PEOPLE];

/* Manual +1/-1 in zaal during z1. */
static const struct {
    int min;
    int delta;
} manual[] = {{65, +1}, {66, +1}, {100, -1}};

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static int64_t between(int64_t lo, int64_t hi) /* [lo, hi) */
{
    return hi <= lo ? lo : lo + (int64_t)(next() % (uint64_t)(hi - lo));
}

/* Sessions sorted by start, for walking a day. */
static int by_start[N_SESS];

static void make_plan(void)
{
    for (int i = 0; i < N_SESS; i++)
        by_start[i] = i;
    for (int i = 1; i < N_SESS; i++)
        for (int j = i; j > 0 && s_start(by_start[j - 1]) > s_start(by_start[j]); j--) {
            int t = by_start[j];
            by_start[j] = by_start[j - 1];
            by_start[j - 1] = t;
        }
    for (int p = 0; p < N_PEOPLE; p++) {
        struct person *pe = &people[p];
        snprintf(pe->id, sizeof pe->id, "P%03d", p + 1);
        pe->staff = p < 4;
        for (int s = 0; s < N_SESS; s++)
            pe->reg[s] = next() % 100 < 30;
        int r = (int)(next() % 100);
        int64_t cursor;
        if (r < 80) {
            pe->t_in = between(T9 - 45 * MIN, T9 + 60 * MIN);
        } else if (r < 90) {
            pe->t_in = between(T9 + 180 * MIN, T9 + 240 * MIN); /* late */
        }
        /* 10% never scan at the entrance but may still be seen in rooms. */
        cursor = pe->t_in ? pe->t_in + MIN : T9 - 30 * MIN;
        for (int k = 0; k < N_SESS && pe->n_v < MAX_VIS; k++) {
            int s = by_start[k];
            int64_t lo = s_start(s) - 10 * MIN, hi = s_start(s) + 20 * MIN;
            if (cursor + MIN > lo)
                lo = cursor + MIN;
            if (lo >= hi || lo >= s_end(s) - 10 * MIN)
                continue;
            int want = pe->reg[s] ? 75 : 25;
            if ((int)(next() % 100) >= want)
                continue;
            if (sess[s].room == 1 && next() % 100 < 25 && !pe->staff) {
                pe->refused[s]++; /* turned away at the lab's door */
                if (next() % 2)
                    pe->refused[s]++;
                continue;
            }
            struct visit *v = &pe->v[pe->n_v++];
            v->sess = s;
            v->enter = between(lo, hi);
            int how = (int)(next() % 3);
            if (how == 0) {
                v->leave = between(v->enter + MIN, s_end(s) - MIN);
            } else if (how == 1) {
                v->leave = s_end(s);
            } else {
                /* Hop: find a session elsewhere whose doors are open at a time in our stay. */
                int64_t t = between(v->enter + 5 * MIN, s_end(s) - 2 * MIN);
                int other = -1;
                for (int o = 0; o < N_SESS && other < 0; o++) {
                    if (sess[o].room != sess[s].room && s_start(o) - 10 * MIN <= t &&
                        t < s_end(o) - 10 * MIN)
                        other = o;
                }
                if (other < 0 || pe->n_v >= MAX_VIS) {
                    how = 0;
                    v->leave = t;
                } else {
                    v->leave = t;
                    struct visit *w = &pe->v[pe->n_v++];
                    w->sess = other;
                    w->enter = t;
                    w->how = 0;
                    w->leave = between(t + MIN, s_end(other) - MIN);
                    /* skip the sessions that start before the hop ends */
                    cursor = w->leave;
                    v->how = 2;
                    continue;
                }
            }
            v->how = how;
            cursor = v->leave;
        }
        if (pe->t_in && next() % 2)
            pe->t_out = between(cursor + 5 * MIN, cursor + 60 * MIN);
    }
}

/* --- the scans the plan makes ------------------------------------------------------------ */

static struct scan *scans;
static size_t n_scans, cap_scans;

static void add(const char *device, int64_t t, const char *room, const char *session,
                const char *attendee, enum scan_kind kind, enum scan_result result,
                enum scan_reason reason)
{
    if (n_scans == cap_scans) {
        cap_scans = cap_scans ? cap_scans * 2 : 1024;
        scans = xrealloc(scans, cap_scans * sizeof *scans);
    }
    struct scan *s = &scans[n_scans++];
    memset(s, 0, sizeof *s);
    snprintf(s->device_id, sizeof s->device_id, "%s", device);
    s->wall_ms = t;
    s->mono_ns = (t - T9 + 4 * 3600 * 1000) * 1000000;
    snprintf(s->boot_id, sizeof s->boot_id, "boot-%s", device);
    s->clock_synced = true;
    snprintf(s->room, sizeof s->room, "%s", room);
    snprintf(s->session, sizeof s->session, "%s", session);
    snprintf(s->attendee, sizeof s->attendee, "%s", attendee);
    s->mode = MODE_ENTRY;
    s->kind = kind;
    s->result = result;
    s->reason = reason;
}

static const char *door(int room)
{
    static const char *const doors[] = {"door-hall", "door-lab", "door-zaal"};
    return doors[room];
}

static void make_scans(void)
{
    for (int p = 0; p < N_PEOPLE; p++) {
        struct person *pe = &people[p];
        if (pe->t_in)
            add(p % 2 ? "entr-1" : "entr-2", pe->t_in, "entrance", "", pe->id, SCAN_BADGE,
                RESULT_ADMITTED, REASON_OK);
        if (pe->t_in && p % 7 == 0) /* a second admission later: a re-entry, not a check-in */
            add("entr-1", pe->t_in + 30 * 1000, "entrance", "", pe->id, SCAN_BADGE, RESULT_ADMITTED,
                REASON_REENTRY);
        if (pe->t_out)
            add("entr-2", pe->t_out, "entrance", "", pe->id, SCAN_BADGE, RESULT_EXITED, REASON_OK);
        for (int s = 0; s < N_SESS; s++) {
            for (int k = 0; k < pe->refused[s]; k++)
                add(door(sess[s].room), s_start(s) - 5 * MIN + k * 7000 + p * 1000,
                    rooms[sess[s].room].id, sess[s].id, pe->id, SCAN_BADGE, RESULT_DENIED,
                    REASON_ROOM_FULL);
        }
        for (int i = 0; i < pe->n_v; i++) {
            const struct visit *v = &pe->v[i];
            int room = sess[v->sess].room;
            add(door(room), v->enter, rooms[room].id, sess[v->sess].id, pe->id, SCAN_BADGE,
                RESULT_ADMITTED, REASON_OK);
            if (v->how == 0)
                add(door(room), v->leave, rooms[room].id, sess[v->sess].id, pe->id, SCAN_BADGE,
                    RESULT_EXITED, REASON_OK);
            else if (v->how == 1)
                add(door(room), v->leave, rooms[room].id, sess[v->sess].id, pe->id,
                    SCAN_SESSION_END, RESULT_EXITED, REASON_OK);
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(manual); i++)
        add("door-zaal", T9 + manual[i].min * MIN + 123, "zaal", "z1", "", SCAN_MANUAL,
            manual[i].delta > 0 ? RESULT_ADMITTED : RESULT_EXITED, REASON_OK);
    /* A scan of an unknown badge: denied, counts nowhere. */
    add("entr-1", T9 - 20 * MIN, "entrance", "", "", SCAN_BADGE, RESULT_DENIED, REASON_INVALID);
    /* Keys: per device, seq in time order. */
    for (size_t i = 1; i < n_scans; i++)
        for (size_t j = i; j > 0 && scans[j - 1].wall_ms > scans[j].wall_ms; j--) {
            struct scan t = scans[j];
            scans[j] = scans[j - 1];
            scans[j - 1] = t;
        }
    const char *devs[] = {"entr-1", "entr-2", "door-hall", "door-lab", "door-zaal"};
    for (size_t d = 0; d < ARRAY_LEN(devs); d++) {
        int64_t seq = 0;
        for (size_t i = 0; i < n_scans; i++) {
            if (strcmp(scans[i].device_id, devs[d]) == 0) {
                scans[i].db_epoch = 1000 + (int64_t)d;
                scans[i].seq = ++seq;
            }
        }
    }
}

/* --- expected figures, from the plan ----------------------------------------------------- */

/* People (not staff) counted in room at t, manual adjustments included. */
static int count_at(int room, int64_t t)
{
    int n = 0;
    for (int p = 0; p < N_PEOPLE; p++) {
        if (people[p].staff)
            continue;
        for (int i = 0; i < people[p].n_v; i++) {
            const struct visit *v = &people[p].v[i];
            n += sess[v->sess].room == room && v->enter <= t && t < v->leave;
        }
    }
    if (room == 2) {
        for (size_t i = 0; i < ARRAY_LEN(manual); i++) {
            int64_t tm = T9 + manual[i].min * MIN + 123;
            if (tm <= t && t < s_end(5))
                n += manual[i].delta;
        }
    }
    return n;
}

/* People (not staff) inside the venue at t: seen (any move) and not gone out. */
static int venue_at(int64_t t)
{
    int n = 0;
    for (int p = 0; p < N_PEOPLE; p++) {
        const struct person *pe = &people[p];
        if (pe->staff)
            continue;
        int64_t first = pe->t_in ? pe->t_in : (pe->n_v ? pe->v[0].enter : 0);
        if (first == 0 || first > t)
            continue;
        if (pe->t_out && pe->t_out <= t)
            continue;
        n++;
    }
    return n;
}

/* The times at which counts may rise (entries, manual +1s), and all of the others. */
static int64_t *moments(size_t *n_out)
{
    int64_t *m = xmalloc((n_scans + 16) * sizeof *m);
    size_t n = 0;
    for (size_t i = 0; i < n_scans; i++)
        m[n++] = scans[i].wall_ms;
    *n_out = n;
    return m;
}

static int64_t present(const struct person *pe, int s)
{
    int64_t total = 0;
    for (int i = 0; i < pe->n_v; i++) {
        const struct visit *v = &pe->v[i];
        if (v->sess != s)
            continue;
        int64_t lo = v->enter > s_start(s) ? v->enter : s_start(s);
        int64_t hi = v->leave < s_end(s) ? v->leave : s_end(s);
        if (hi > lo)
            total += hi - lo;
    }
    return total;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static char *minutes(int64_t ms)
{
    int64_t tenths = (ms + 3000) / 6000;
    return xasprintf("%" PRId64 ".%" PRId64, tenths / 10, tenths % 10);
}

static char *iso(int64_t ms)
{
    char buf[TIME_ISO_LEN];
    time_format_iso8601(ms, buf);
    return xstrdup(buf);
}

/* --- files and commands ------------------------------------------------------------------ */

static struct csv *load_csv(const char *sub, const char *name)
{
    char *path = xasprintf("%s/%s/%s", dir, sub, name);
    size_t len;
    char *text = file_read_all(path, &len);
    free(path);
    if (text == NULL)
        return NULL;
    struct csv_error err;
    struct csv *c = csv_parse(text, len, &err);
    free(text);
    return c;
}

static const char *field(const struct csv *c, size_t row, const char *name)
{
    int i = csv_header_index(&c->records[0], name);
    if (i < 0 || (size_t)i >= c->records[row].n_fields)
        return "(missing)";
    return c->records[row].fields[i];
}

static void write_event(void)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, "id,name,capacity\n");
    for (int r = 0; r < N_ROOMS; r++)
        strbuf_printf(&sb, "%s,%s,%d\n", rooms[r].id, rooms[r].name, rooms[r].cap);
    char *p = path_join(dir, "rooms.csv");
    CHECK(file_write_atomic(p, sb.data, sb.len, 0644));
    free(p);
    strbuf_reset(&sb);
    strbuf_puts(&sb, "id,room,title,start,end\n");
    for (int s = 0; s < N_SESS; s++) {
        char *a = iso(s_start(s)), *b = iso(s_end(s));
        struct strbuf t = {0};
        for (const char *c = sess[s].title; *c; c++) {
            if (*c == '"')
                strbuf_putc(&t, '"');
            strbuf_putc(&t, *c);
        }
        strbuf_printf(&sb, "%s,%s,\"%s\",%s,%s\n", sess[s].id, rooms[sess[s].room].id, t.data, a,
                      b);
        strbuf_finish(&t);
        free(a);
        free(b);
    }
    p = path_join(dir, "sessions.csv");
    CHECK(file_write_atomic(p, sb.data, sb.len, 0644));
    free(p);
    strbuf_reset(&sb);
    strbuf_puts(&sb, "id,name,organisation,email,language,category,sessions\n");
    for (int i = 0; i < N_PEOPLE; i++) {
        const struct person *pe = &people[i];
        strbuf_printf(&sb, "%s,Person %d Dupré,Org %d,p%d@example.org,nl,%s,", pe->id, i + 1, i % 9,
                      i + 1,
                      pe->staff ? "staff"
                      : i < 10  ? "speaker"
                                : "attendee");
        bool first = true;
        for (int s = 0; s < N_SESS; s++) {
            if (pe->reg[s]) {
                strbuf_printf(&sb, "%s%s", first ? "" : ";", sess[s].id);
                first = false;
            }
        }
        strbuf_putc(&sb, '\n');
    }
    p = path_join(dir, "attendees.csv");
    CHECK(file_write_atomic(p, sb.data, sb.len, 0644));
    free(p);
    strbuf_finish(&sb);
    CHECK(test_sh("cd %s && %s init ev --name 'Known day' --timezone Europe/Brussels --rooms "
                  "rooms.csv --sessions sessions.csv --attendees attendees.csv >/dev/null",
                  dir, bin) == 0);
}

/* Three kiosk databases that together hold every scan, each some twice or thrice. */
static void write_kiosk_dbs(void)
{
    const char *names[] = {"k1", "k2", "k3"};
    for (int k = 0; k < 3; k++) {
        char *path = xasprintf("%s/%s.db", dir, names[k]);
        struct store *st = store_open(path, names[k]);
        CHECK(st != NULL);
        struct scan *part = xmalloc((n_scans + 1) * sizeof *part);
        size_t n = 0;
        for (size_t i = 0; i < n_scans; i++) {
            /* every scan in at least one: i % 3 == k always, others half the time */
            if ((int)(i % 3) == k || (i * 7 + (size_t)k) % 4 < 2)
                part[n++] = scans[i];
        }
        CHECK(st != NULL && store_insert_remote_scans(st, part, n));
        store_close(st);
        free(part);
        free(path);
    }
}

static void check_attendance(const char *sub)
{
    struct csv *c = load_csv(sub, REPORT_ATTENDANCE_CSV);
    CHECK(c != NULL && c->n_records == N_SESS + 1);
    if (c == NULL)
        return;
    size_t n_m;
    int64_t *m = moments(&n_m);
    for (size_t row = 1; row < c->n_records; row++) {
        int s = -1;
        for (int k = 0; k < N_SESS; k++)
            if (strcmp(field(c, row, "session"), sess[k].id) == 0)
                s = k;
        CHECK(s >= 0);
        if (s < 0)
            continue;
        int room = sess[s].room;
        int registered = 0, attended = 0, att_reg = 0, no_shows = 0, refused = 0;
        int64_t times[N_PEOPLE];
        size_t nt = 0;
        for (int p = 0; p < N_PEOPLE; p++) {
            const struct person *pe = &people[p];
            if (pe->staff)
                continue;
            registered += pe->reg[s];
            int64_t ms = present(pe, s);
            if (ms > 0) {
                attended++;
                att_reg += pe->reg[s];
                times[nt++] = ms;
            } else if (pe->reg[s] && pe->t_in && pe->t_in < s_end(s)) {
                no_shows++;
            }
            refused += pe->refused[s] > 0;
        }
        qsort(times, nt, sizeof *times, cmp64);
        int64_t med = nt == 0  ? 0
                      : nt % 2 ? times[nt / 2]
                               : (times[nt / 2 - 1] + times[nt / 2]) / 2;
        int peak = count_at(room, s_start(s));
        int64_t peak_at = s_start(s);
        qsort(m, n_m, sizeof *m, cmp64);
        for (size_t i = 0; i < n_m; i++) {
            if (m[i] <= s_start(s) || m[i] >= s_end(s))
                continue;
            int v = count_at(room, m[i]);
            if (v > peak) {
                peak = v;
                peak_at = m[i];
            }
        }
        char buf[32];
        CHECK_STR(field(c, row, "room"), rooms[room].id);
        CHECK_STR(field(c, row, "title"), sess[s].title);
        char *a = iso(s_start(s)), *b = iso(s_end(s)), *pa = iso(peak_at), *md = minutes(med);
        CHECK_STR(field(c, row, "start"), a);
        CHECK_STR(field(c, row, "end"), b);
        snprintf(buf, sizeof buf, "%d", rooms[room].cap);
        CHECK_STR(field(c, row, "capacity"), buf);
#define CHECK_INT(col, v)                                                                          \
    do {                                                                                           \
        snprintf(buf, sizeof buf, "%d", (v));                                                      \
        CHECK_MSG(strcmp(field(c, row, col), buf) == 0, "%s %s: got %s, expected %s", sess[s].id,  \
                  col, field(c, row, col), buf);                                                   \
    } while (0)
        CHECK_INT("registered", registered);
        CHECK_INT("attended", attended);
        CHECK_INT("of_which_registered", att_reg);
        CHECK_INT("walk_ins", attended - att_reg);
        CHECK_INT("no_shows", no_shows);
        CHECK_INT("peak_occupancy", peak);
        CHECK_INT("refused_at_capacity", refused);
        CHECK_INT("refused_reserved_seats", 0);
        CHECK_INT("manual_admissions", s == 5 ? 2 : 0);
        CHECK_STR(field(c, row, "peak_at"), peak > 0 ? pa : "");
        CHECK_STR(field(c, row, "median_minutes_present"), md);
        /* the scenario must exercise what it checks */
        if (s == 3)
            CHECK(refused > 0 && peak > 0);
        free(a);
        free(b);
        free(pa);
        free(md);
    }
    free(m);
    csv_destroy(c);
}

static void check_occupancy(const char *sub)
{
    struct csv *c = load_csv(sub, REPORT_OCCUPANCY_CSV);
    struct csv *arr = load_csv(sub, REPORT_ARRIVALS_CSV);
    CHECK(c != NULL && arr != NULL);
    if (c == NULL || arr == NULL)
        return;
    int64_t lo = s_start(0), hi = s_end(0);
    for (int s = 0; s < N_SESS; s++) {
        lo = s_start(s) < lo ? s_start(s) : lo;
        hi = s_end(s) > hi ? s_end(s) : hi;
    }
    for (size_t i = 0; i < n_scans; i++) {
        lo = scans[i].wall_ms < lo ? scans[i].wall_ms : lo;
        hi = scans[i].wall_ms > hi ? scans[i].wall_ms : hi;
    }
    int64_t first = lo / SLOT * SLOT;
    size_t n_slots = (size_t)((hi - first) / SLOT + 1);
    CHECK_MSG(c->n_records == n_slots + 1, "%zu rows, expected %zu", c->n_records - 1, n_slots);
    CHECK(arr->n_records == n_slots + 1);
    CHECK_STR(c->records[0].fields[0], "time");
    size_t n_m;
    int64_t *m = moments(&n_m);
    int total = 0, nonzero = 0;
    for (size_t i = 0; i < n_slots && i + 1 < c->n_records; i++) {
        int64_t a = first + (int64_t)i * SLOT, b = a + SLOT;
        char *t = iso(a);
        CHECK_STR(c->records[i + 1].fields[0], t);
        free(t);
        char buf[16];
        for (int room = 0; room <= N_ROOMS; room++) {
            int best = room < N_ROOMS ? count_at(room, a) : venue_at(a);
            for (size_t k = 0; k < n_m; k++) {
                if (m[k] > a && m[k] < b) {
                    int v = room < N_ROOMS ? count_at(room, m[k]) : venue_at(m[k]);
                    best = v > best ? v : best;
                }
            }
            nonzero += best > 0;
            snprintf(buf, sizeof buf, "%d", best);
            const char *col = room < N_ROOMS ? rooms[room].id : "venue";
            CHECK_MSG(strcmp(field(c, i + 1, col), buf) == 0, "slot %zu %s: got %s, expected %s", i,
                      col, field(c, i + 1, col), buf);
        }
        int arrivals = 0;
        for (int p = 0; p < N_PEOPLE; p++)
            arrivals += !people[p].staff && people[p].t_in >= a && people[p].t_in < b;
        total += arrivals;
        snprintf(buf, sizeof buf, "%d", arrivals);
        CHECK_STR(field(arr, i + 1, "check_ins"), buf);
        snprintf(buf, sizeof buf, "%d", total);
        CHECK_STR(field(arr, i + 1, "checked_in_total"), buf);
    }
    CHECK(nonzero > 50);
    free(m);
    csv_destroy(c);
    csv_destroy(arr);
}

static void check_attendees(const char *sub)
{
    struct csv *c = load_csv(sub, REPORT_ATTENDEES_CSV);
    CHECK(c != NULL && c->n_records == N_PEOPLE + 1);
    if (c == NULL)
        return;
    for (size_t row = 1; row < c->n_records && row <= N_PEOPLE; row++) {
        const struct person *pe = &people[row - 1];
        CHECK_STR(field(c, row, "attendee"), pe->id);
        char *t = pe->t_in ? iso(pe->t_in) : xstrdup("");
        CHECK_STR(field(c, row, "checked_in_at"), t);
        free(t);
        int n_att = 0;
        for (int s = 0; s < N_SESS; s++) {
            int64_t ms = present(pe, s);
            n_att += ms > 0;
            char *col = xasprintf("minutes:%s", sess[s].id);
            char *want = ms > 0 ? minutes(ms) : xstrdup(pe->reg[s] ? "0" : "");
            CHECK_STR(field(c, row, col), want);
            free(col);
            free(want);
        }
        char buf[16];
        snprintf(buf, sizeof buf, "%d", n_att);
        CHECK_STR(field(c, row, "sessions_attended"), buf);
    }
    csv_destroy(c);
}

static bool same_file(const char *a, const char *b, const char *name)
{
    char *pa = xasprintf("%s/%s/%s", dir, a, name), *pb = xasprintf("%s/%s/%s", dir, b, name);
    size_t la, lb;
    char *x = file_read_all(pa, &la), *y = file_read_all(pb, &lb);
    bool same = x != NULL && y != NULL && la == lb && memcmp(x, y, la) == 0;
    if (!same)
        fprintf(stderr, "%s and %s differ\n", pa, pb);
    free(x);
    free(y);
    free(pa);
    free(pb);
    return same;
}

static void test_central_identical(void)
{
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK(pg != NULL);
    if (pg == NULL)
        return;
    PGconn *conn = central_connect(pg_harness_conninfo(pg));
    CHECK(conn != NULL);
    CHECK(central_migrate(conn, central_migrations, central_migration_count, NULL));
    char *evdb = xasprintf("%s/ev/event.db", dir);
    CHECK(central_publish(conn, evdb, false, NULL));
    free(evdb);
    /* Uploaded in two halves, the second overlapping the first (idempotent). */
    CHECK(central_upload_scans(conn, scans, n_scans * 2 / 3, NULL, 0) == (long)(n_scans * 2 / 3));
    CHECK(central_upload_scans(conn, scans + n_scans / 3, n_scans - n_scans / 3, NULL, 0) ==
          (long)(n_scans - n_scans * 2 / 3));
    char *org = central_add_login(conn, CENTRAL_ORGANISER, "reporter", CENTRAL_AUTH_PASSWORD, NULL,
                                  0, "127.0.0.1", NULL);
    CHECK(org != NULL);
    PQfinish(conn);
    if (org != NULL) {
        char *cmd = xasprintf("cd %s && %s report --central \"%s\" --event ev --out central "
                              ">/dev/null",
                              dir, bin, org);
        CHECK(system(cmd) == 0);
        free(cmd);
    }
    const char *files[] = {REPORT_ATTENDANCE_CSV, REPORT_ATTENDEES_CSV, REPORT_OCCUPANCY_CSV,
                           REPORT_ARRIVALS_CSV, REPORT_HTML};
    for (size_t i = 0; i < ARRAY_LEN(files); i++)
        CHECK(same_file("kiosks", "central", files[i]));
    free(org);
    pg_harness_destroy(pg);
}

static void test_formats(void)
{
    CHECK(test_sh("cd %s && %s report --db k1.db --db k2.db --db k3.db --event ev --out semi "
                  "--csv-sep ';' --bom >/dev/null",
                  dir, bin) == 0);
    char *p = xasprintf("%s/semi/%s", dir, REPORT_ATTENDANCE_CSV);
    char *text = file_read_all(p, NULL);
    free(p);
    CHECK(text != NULL && strncmp(text, "\xEF\xBB\xBFsession;room;title;start;", 24) == 0);
    /* "Panel; cities" is quoted, decimals take a comma */
    CHECK(text != NULL && strstr(text, "\"Panel; cities\"") != NULL);
    CHECK(text != NULL && strstr(text, ".") == NULL);
    free(text);
    /* usage errors */
    CHECK(test_sh("%s report --event x --out y 2>/dev/null", bin) == 2);
    CHECK(test_sh("%s report --db a --central b --event x --out y 2>/dev/null", bin) == 2);
    CHECK(test_sh("%s report --db a --event x --out y --csv-sep '|' 2>/dev/null", bin) == 2);
    CHECK(test_sh("cd %s && %s report --db missing.db --event ev --out z 2>/dev/null", dir, bin) ==
          1);
    CHECK(test_sh("%s report --help | grep -q csv-sep", bin) == 0);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    char tmpl[] = "/tmp/portier-report-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    time_set_zone("Europe/Brussels");
    make_plan();
    make_scans();
    write_event();
    write_kiosk_dbs();
    CHECK(test_sh("cd %s && %s report --db k1.db --db k2.db --db k3.db --event ev --out kiosks "
                  ">/dev/null",
                  dir, bin) == 0);
    check_attendance("kiosks");
    check_occupancy("kiosks");
    check_attendees("kiosks");
    test_formats();
    test_central_identical();
    test_sh("rm -rf %s", dir);
    free(dir);
    free(scans);
    return check_done();
}
