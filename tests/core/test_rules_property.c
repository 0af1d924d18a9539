/* SPDX-License-Identifier: Apache-2.0 */
/* Properties of the rules and the occupancy over long random scan streams (fixed seeds):
 *  - a single kiosk: occupancy never below 0, never above capacity after an ordinary
 *    (no override, not a speaker or staff) admission, the incremental counts equal the
 *    from-scratch derivation after every step;
 *  - several kiosks with skewed clocks whose replicas receive each other's scans late and
 *    shuffled: every replica equals the derivation over the scans it holds after every step,
 *    and replicas holding the same scans agree on every count;
 *  - a log crowded around the change of date, folded in time order and shuffled: the venue's
 *    days and check-ins equal the derivation's.
 * Over 10,000 scans in all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "occupancy.h"
#include "occupancy_reference.h"
#include "rules.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"

#define EVENT_ID    99
#define N_ATTENDEES 60
#define N_ROOMS     3
#define STEPS       3000

static struct room rooms[N_ROOMS] = {{"aula", "Aula", 5}, {"lab", "Lab", 8}, {"tiny", "Tiny", 3}};
/* Room, start, end (times of 2024-04-22, +02:00). */
static const struct {
    size_t room;
    const char *start, *end;
} plan[] = {
    {0, "08:30", "09:15"}, {0, "09:30", "10:30"}, {0, "10:45", "11:30"},
    {1, "08:15", "09:45"}, {1, "10:00", "11:45"}, {2, "08:10", "08:30"},
    {2, "08:40", "09:00"}, {2, "09:10", "09:30"}, {2, "09:40", "10:00"},
};
#define N_SESSIONS ARRAY_LEN(plan)
static struct session sessions[N_SESSIONS];
static char session_ids[N_SESSIONS][16];
static struct attendee attendees[N_ATTENDEES];
static char attendee_ids[N_ATTENDEES][16];
static size_t registrations[N_ATTENDEES][N_SESSIONS];
static struct revocation revocations[] = {{N_ATTENDEES, 0}};
static struct event event;

static uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
static char tokens[N_ATTENDEES][TOKEN_TEXT_LEN + 1];
static char revoked_token[TOKEN_TEXT_LEN + 1], wrong_token[TOKEN_TEXT_LEN + 1];
static int64_t day_start;

/* xorshift64*: a small deterministic generator. */
static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717u) >> 33) % n;
}

/* Parses "HH:MM" of the test day. */
static int64_t hhmm(const char *s)
{
    char iso[40];
    snprintf(iso, sizeof iso, "2024-04-22T%s:00+02:00", s);
    int64_t ms = 0;
    CHECK(time_parse_iso8601(iso, &ms));
    return ms;
}

/* Builds the event (registrations drawn from seed 1) and the tokens. */
static void setup(void)
{
    CHECK(token_init());
    token_keypair(pk, sk);
    rng_state = 1;
    for (size_t s = 0; s < N_SESSIONS; s++) {
        snprintf(session_ids[s], sizeof session_ids[s], "s%zu", s);
        sessions[s] = (struct session){session_ids[s],      plan[s].room,      "T",
                                       hhmm(plan[s].start), hhmm(plan[s].end), -1};
    }
    for (size_t a = 0; a < N_ATTENDEES; a++) {
        snprintf(attendee_ids[a], sizeof attendee_ids[a], "P%03zu", a + 1);
        enum category cat = a < 5    ? CATEGORY_STAFF
                            : a < 10 ? CATEGORY_SPEAKER
                            : a < 15 ? CATEGORY_PRESS
                                     : CATEGORY_ATTENDEE;
        size_t n = 0;
        for (size_t s = 0; s < N_SESSIONS; s++) {
            if (rnd(4) == 0)
                registrations[a][n++] = s;
        }
        attendees[a] = (struct attendee){attendee_ids[a],
                                         (uint32_t)(a + 1),
                                         "Name",
                                         "",
                                         NULL,
                                         LANG_NL,
                                         cat,
                                         a + 1 == N_ATTENDEES ? 1 : 0,
                                         registrations[a],
                                         n,
                                         NULL,
                                         0};
        struct token t = {
            .event_id = EVENT_ID, .attendee_num = attendees[a].num, .serial = attendees[a].serial};
        CHECK(token_encode(&t, sk, tokens[a]));
    }
    struct token t = {.event_id = EVENT_ID, .attendee_num = N_ATTENDEES, .serial = 0};
    CHECK(token_encode(&t, sk, revoked_token));
    t.event_id = EVENT_ID + 1;
    CHECK(token_encode(&t, sk, wrong_token));
    event = (struct event){.event_id = EVENT_ID,
                           .key_id = token_key_id(pk),
                           .name = "Property",
                           .timezone = "Europe/Brussels",
                           .rooms = rooms,
                           .n_rooms = N_ROOMS,
                           .sessions = sessions,
                           .n_sessions = N_SESSIONS,
                           .attendees = attendees,
                           .n_attendees = N_ATTENDEES,
                           .revocations = revocations,
                           .n_revocations = 1};
    event_index_build(&event);
    day_start = hhmm("08:00");
}

/* Picks a payload: mostly badges, sometimes garbage, a revoked or another event's badge. */
static size_t pick_payload(char *buf)
{
    uint32_t x = rnd(100);
    if (x < 3) {
        size_t len = rnd(200);
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)rnd(256);
        return len;
    }
    if (x < 5) {
        strcpy(buf, revoked_token);
    } else if (x < 7) {
        strcpy(buf, wrong_token);
    } else {
        /* Half the badges from a few busy people, so that they move a lot. */
        strcpy(buf, tokens[rnd(2) ? 10 + rnd(6) : rnd(N_ATTENDEES)]);
    }
    return strlen(buf);
}

/* A growable list of scans: one replica's view of the log. */
struct log {
    struct scan *scans;
    size_t n, cap;
};

/* Appends a scan to a log. */
static void log_add(struct log *l, const struct scan *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->scans = xrealloc(l->scans, l->cap * sizeof *l->scans);
    }
    l->scans[l->n++] = *s;
}

/* Compares an occupancy with the derivation from scratch over log at t. */
static bool matches_reference(const struct occupancy *occ, const struct log *l, int64_t t)
{
    int counts[N_ROOMS], na[N_SESSIONS], venue, checked;
    occupancy_reference(&event, l->scans, l->n, t, counts, na, &venue, &checked);
    bool ok = venue == occupancy_venue_inside(occ, t) && checked == occupancy_checked_in(occ);
    for (size_t r = 0; r < N_ROOMS; r++)
        ok = ok && counts[r] == occupancy_room_count(occ, r, t) && counts[r] >= 0;
    for (size_t s = 0; s < N_SESSIONS; s++)
        ok = ok && na[s] == occupancy_registered_not_arrived(occ, s, t);
    return ok;
}

/* True when two occupancies agree on every count at t. */
static bool agree(const struct occupancy *a, const struct occupancy *b, int64_t t)
{
    bool ok = occupancy_venue_inside(a, t) == occupancy_venue_inside(b, t) &&
              occupancy_checked_in(a) == occupancy_checked_in(b);
    for (size_t r = 0; r < N_ROOMS; r++)
        ok = ok && occupancy_room_count(a, r, t) == occupancy_room_count(b, r, t) &&
             occupancy_room_closed(a, r) == occupancy_room_closed(b, r);
    for (size_t s = 0; s < N_SESSIONS; s++)
        ok = ok &&
             occupancy_registered_not_arrived(a, s, t) == occupancy_registered_not_arrived(b, s, t);
    return ok;
}

/* A staff action at a room: close, open, or a manual +1/-1. */
static void staff_action(struct scan *s, const char *device, const char *room, int64_t t,
                         bool manual)
{
    memset(s, 0, sizeof *s);
    snprintf(s->device_id, sizeof s->device_id, "%s", device);
    snprintf(s->room, sizeof s->room, "%s", room);
    s->wall_ms = t;
    if (manual) {
        s->kind = SCAN_MANUAL;
        s->result = rnd(2) ? RESULT_ADMITTED : RESULT_EXITED;
    } else {
        s->kind = rnd(3) == 0 ? SCAN_ROOM_CLOSE : SCAN_ROOM_OPEN;
    }
}

/* One kiosk alone at a room door: capacity holds, counts equal the derivation. */
static size_t single_kiosk(uint64_t seed, enum kiosk_mode mode)
{
    rng_state = seed;
    struct occupancy *occ = occupancy_create(&event);
    struct rules *r = rules_create(&event, pk, NULL, "aula", mode, "door");
    struct log l = {0};
    int64_t now = day_start, seq = 0;
    int capacity = rooms[0].capacity, overrides = 0, full = 0, bad_cap = 0, bad_ref = 0;
    for (int step = 0; step < STEPS; step++) {
        now += rnd(8000);
        struct scan s;
        struct rules_verdict v = {0};
        if (rnd(100) == 0) {
            staff_action(&s, "door", "aula", now, false);
        } else {
            char buf[256];
            size_t len = pick_payload(buf);
            if (rules_decide(r, occ, (const uint8_t *)buf, len, now, &s, &v) == RULES_IGNORED)
                continue;
        }
        s.db_epoch = 1;
        s.seq = ++seq;
        CHECK(occupancy_apply(occ, &s));
        log_add(&l, &s);
        if (s.kind == SCAN_BADGE) {
            int count = occupancy_room_count(occ, 0, now);
            if (v.occupancy != count)
                bad_ref++;
            overrides += s.override;
            full += s.reason == REASON_ROOM_FULL || s.reason == REASON_NOT_REGISTERED;
            /* An ordinary admission that took a seat: attendees and press, no override (a
             * duplicate admission takes no new seat). */
            bool ordinary = v.attendee != NULL && (v.attendee->category == CATEGORY_ATTENDEE ||
                                                   v.attendee->category == CATEGORY_PRESS);
            if (s.result == RESULT_ADMITTED && s.reason == REASON_OK && ordinary && !s.override &&
                count > capacity)
                bad_cap++;
        }
        size_t n_end = 0;
        struct scan *ends = rules_session_end_exits(r, occ, now, &n_end);
        for (size_t i = 0; i < n_end; i++) {
            ends[i].db_epoch = 1;
            ends[i].seq = ++seq;
            CHECK(occupancy_apply(occ, &ends[i]));
            log_add(&l, &ends[i]);
        }
        free(ends);
        if (!matches_reference(occ, &l, now))
            bad_ref++;
        for (size_t rm = 0; rm < N_ROOMS; rm++) {
            if (occupancy_room_count(occ, rm, now) < 0)
                bad_cap++;
        }
    }
    CHECK_MSG(bad_cap == 0, "seed %llu: %d capacity violations", (unsigned long long)seed, bad_cap);
    CHECK_MSG(bad_ref == 0, "seed %llu: %d steps differ from the derivation",
              (unsigned long long)seed, bad_ref);
    /* The stream did reach the interesting states. */
    CHECK_MSG(full > 10, "seed %llu: only %d refusals for capacity", (unsigned long long)seed,
              full);
    CHECK_MSG(overrides > 0, "seed %llu: no override", (unsigned long long)seed);
    size_t n = l.n;
    free(l.scans);
    rules_destroy(r);
    occupancy_destroy(occ);
    return n;
}

#define N_KIOSKS 6

struct replica {
    const char *room;
    enum kiosk_mode mode;
    const char *device;
    int64_t skew_ms; /* this kiosk's clock error */
    struct rules *rules;
    struct occupancy *occ;
    struct log held; /* the scans it holds, in the order received */
    bool *has;       /* by index into the global log */
    size_t *pending; /* indexes into the global log not yet received */
    size_t n_pending, cap_pending;
    int64_t seq;
};

/* Delivers global scan i to replica k. */
static void deliver(struct replica *k, const struct log *global, size_t i)
{
    if (k->has[i])
        return;
    k->has[i] = true;
    CHECK(occupancy_apply(k->occ, &global->scans[i]));
    log_add(&k->held, &global->scans[i]);
}

/* Stores a scan made by replica k in the global log, delivers it to k, queues it for the
 * others. */
static void publish(struct replica *ks, size_t k, struct log *global, struct scan *s,
                    size_t max_scans)
{
    s->db_epoch = (int64_t)k + 100;
    s->seq = ++ks[k].seq;
    log_add(global, s);
    size_t i = global->n - 1;
    CHECK(i < max_scans);
    for (size_t j = 0; j < N_KIOSKS; j++) {
        if (j == k)
            continue;
        if (ks[j].n_pending == ks[j].cap_pending) {
            ks[j].cap_pending = ks[j].cap_pending ? ks[j].cap_pending * 2 : 256;
            ks[j].pending = xrealloc(ks[j].pending, ks[j].cap_pending * sizeof(size_t));
        }
        ks[j].pending[ks[j].n_pending++] = i;
    }
    deliver(&ks[k], global, i);
}

/* Delivers up to n random pending scans to replica k, in random order. */
static void sync_some(struct replica *k, const struct log *global, size_t n)
{
    while (n-- > 0 && k->n_pending > 0) {
        size_t p = rnd((uint32_t)k->n_pending);
        size_t i = k->pending[p];
        k->pending[p] = k->pending[--k->n_pending];
        deliver(k, global, i);
    }
}

/* Several kiosks, late and shuffled sync: replicas follow the derivation and converge. */
static size_t many_kiosks(uint64_t seed)
{
    rng_state = seed;
    struct replica ks[N_KIOSKS] = {
        {"aula", MODE_ENTRY, "aula-a", 0, NULL, NULL, {0}, NULL, NULL, 0, 0, 0},
        {"aula", MODE_EXIT, "aula-b", 1000, NULL, NULL, {0}, NULL, NULL, 0, 0, 0},
        {"aula", MODE_TOGGLE, "aula-c", -2000, NULL, NULL, {0}, NULL, NULL, 0, 0, 0},
        {"lab", MODE_TOGGLE, "lab", 4000, NULL, NULL, {0}, NULL, NULL, 0, 0, 0},
        {"tiny", MODE_ENTRY, "tiny", -1000, NULL, NULL, {0}, NULL, NULL, 0, 0, 0},
        {"entrance", MODE_TOGGLE, "entrance", 0, NULL, NULL, {0}, NULL, NULL, 0, 0, 0},
    };
    size_t max_scans = STEPS * 4 + 1000;
    for (size_t k = 0; k < N_KIOSKS; k++) {
        ks[k].rules = rules_create(&event, pk, NULL, ks[k].room, ks[k].mode, ks[k].device);
        CHECK(ks[k].rules != NULL);
        ks[k].occ = occupancy_create(&event);
        ks[k].has = xcalloc(max_scans, sizeof(bool));
    }
    struct log global = {0};
    int64_t now = day_start;
    int bad_ref = 0, disagree = 0, full_syncs = 0, bad_verdict = 0;
    for (int step = 0; step < STEPS; step++) {
        /* Whole seconds, so that scans of several kiosks often share a wall time and the
         * rest of the order key decides. */
        now += 1000 * (int64_t)rnd(4);
        size_t k = rnd(N_KIOSKS);
        struct replica *kk = &ks[k];
        int64_t t = now + kk->skew_ms;
        struct scan s;
        uint32_t x = rnd(100);
        if (x < 2 && strcmp(kk->room, "entrance") != 0) {
            staff_action(&s, kk->device, kk->room, t, false);
            publish(ks, k, &global, &s, max_scans);
        } else if (x < 5) {
            staff_action(&s, kk->device, kk->room, t, true);
            publish(ks, k, &global, &s, max_scans);
        } else {
            char buf[256];
            size_t len = pick_payload(buf);
            struct rules_verdict v;
            if (rules_decide(kk->rules, kk->occ, (const uint8_t *)buf, len, t, &s, &v) ==
                RULES_DECIDED) {
                publish(ks, k, &global, &s, max_scans);
                size_t room = occupancy_room_index(kk->occ, kk->room);
                if (v.occupancy != occupancy_room_count(kk->occ, room, t))
                    bad_verdict++;
            }
        }
        size_t n_end = 0;
        struct scan *ends = rules_session_end_exits(kk->rules, kk->occ, t, &n_end);
        for (size_t i = 0; i < n_end; i++)
            publish(ks, k, &global, &ends[i], max_scans);
        free(ends);
        if (!matches_reference(kk->occ, &kk->held, t))
            bad_ref++;

        /* Sync: now and then a replica receives a random batch of the others' scans. */
        if (rnd(3) == 0)
            sync_some(&ks[rnd(N_KIOSKS)], &global, rnd(40));
        /* Every 500 steps everything is delivered: all replicas must agree. */
        if (step % 500 == 499) {
            for (size_t j = 0; j < N_KIOSKS; j++)
                sync_some(&ks[j], &global, SIZE_MAX);
            full_syncs++;
            for (size_t j = 1; j < N_KIOSKS; j++) {
                CHECK(ks[j].held.n == global.n);
                for (int64_t dt = -3600000; dt <= 3600000; dt += 600000) {
                    if (!agree(ks[0].occ, ks[j].occ, now + dt))
                        disagree++;
                }
            }
            if (!matches_reference(ks[0].occ, &global, now))
                bad_ref++;
        }
    }
    CHECK_MSG(bad_ref == 0, "seed %llu: %d checks differ from the derivation",
              (unsigned long long)seed, bad_ref);
    CHECK_MSG(disagree == 0, "seed %llu: replicas disagree %d times", (unsigned long long)seed,
              disagree);
    CHECK_MSG(bad_verdict == 0, "seed %llu: %d verdicts with another occupancy",
              (unsigned long long)seed, bad_verdict);
    CHECK(full_syncs == STEPS / 500);

    /* The whole log, folded in shuffled orders (some scans twice), gives the same counts. */
    size_t n = global.n;
    size_t *order = xcalloc(n, sizeof *order);
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = rnd((uint32_t)(i + 1)), tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        struct occupancy *occ = occupancy_create(&event);
        for (size_t i = 0; i < n; i++) {
            CHECK(occupancy_apply(occ, &global.scans[order[i]]));
            if (rnd(10) == 0)
                CHECK(occupancy_apply(occ, &global.scans[order[rnd((uint32_t)(i + 1))]]));
        }
        for (int64_t t = day_start; t <= now + 3600000; t += 300000) {
            CHECK_MSG(agree(occ, ks[0].occ, t), "seed %llu round %d", (unsigned long long)seed,
                      round);
            CHECK(matches_reference(occ, &global, t));
        }
        occupancy_destroy(occ);
    }
    free(order);

    for (size_t k = 0; k < N_KIOSKS; k++) {
        rules_destroy(ks[k].rules);
        occupancy_destroy(ks[k].occ);
        free(ks[k].held.scans);
        free(ks[k].has);
        free(ks[k].pending);
    }
    free(global.scans);
    return n;
}

#define DAY_MS (24 * 3600000LL)

/* Ends a random-log run: moves the last session back by shift, reports the checks that
 * differed from the derivation and frees the replicas and the logs. */
static void end_log(uint64_t seed, int bad, int64_t shift, struct occupancy *a, struct occupancy *b,
                    struct log *l, struct log *held)
{
    sessions[N_SESSIONS - 1].start_ms -= shift;
    sessions[N_SESSIONS - 1].end_ms -= shift;
    CHECK_MSG(bad == 0, "seed %llu: %d checks differ from the derivation", (unsigned long long)seed,
              bad);
    occupancy_destroy(a);
    occupancy_destroy(b);
    free(l->scans);
    free(held->scans);
}

/* A raw random log (not decided by rules) crowded with equal wall times over `days` days,
 * folded into two replicas in different orders: the order key's tie-breaks decide, the
 * derivation after every step and the replicas at the end agree. With days > 1 the last
 * session moves to the second day: a multi-day event, whose venue counts per day. */
static size_t raw_log(uint64_t seed, size_t n, int days)
{
    struct session *last = &sessions[N_SESSIONS - 1]; /* the last room's: the order holds */
    int64_t shift = days > 1 ? DAY_MS : 0;
    last->start_ms += shift;
    last->end_ms += shift;
    rng_state = seed;
    static const char *const room_names[] = {"aula", "lab", "tiny", "entrance", "aula"};
    static const char *const devices[] = {"k1", "k2", "k3"};
    struct log l = {0};
    for (size_t i = 0; i < n; i++) {
        struct scan s = {0};
        snprintf(s.device_id, sizeof s.device_id, "%s", devices[rnd(3)]);
        s.db_epoch = rnd(2);
        s.seq = (int64_t)i;
        /* 8 distinct times a day */
        s.wall_ms = day_start + DAY_MS * (int64_t)rnd((uint32_t)days) + 1800000 * (int64_t)rnd(8);
        snprintf(s.room, sizeof s.room, "%s", room_names[rnd(ARRAY_LEN(room_names))]);
        uint32_t x = rnd(20);
        s.kind = x == 0 ? SCAN_MANUAL : x == 1 ? SCAN_SESSION_END : SCAN_BADGE;
        s.result = (enum scan_result)rnd(SCAN_RESULT_COUNT);
        if (s.kind == SCAN_BADGE)
            snprintf(s.attendee, sizeof s.attendee, "%s",
                     attendee_ids[rnd(2) ? rnd(4) + 10 : rnd(N_ATTENDEES)]);
        if (s.kind == SCAN_SESSION_END)
            snprintf(s.session, sizeof s.session, "%s", session_ids[rnd(N_SESSIONS)]);
        if (s.kind == SCAN_SESSION_END && strcmp(s.room, "entrance") == 0)
            snprintf(s.room, sizeof s.room, "lab");
        log_add(&l, &s);
    }
    struct occupancy *a = occupancy_create(&event), *b = occupancy_create(&event);
    struct log held = {0};
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(occupancy_apply(a, &l.scans[i]));
        log_add(&held, &l.scans[i]);
        for (int d = 0; d < days; d++) {
            for (int64_t t = day_start; t <= day_start + 4 * 3600000; t += 3600000) {
                if (!matches_reference(a, &held, t + d * DAY_MS))
                    bad++;
            }
        }
    }
    for (size_t i = n; i-- > 0;)
        CHECK(occupancy_apply(b, &l.scans[i]));
    for (int d = 0; d < days; d++) {
        for (int64_t t = day_start - 3600000; t <= day_start + 6 * 3600000; t += 60000)
            CHECK(agree(a, b, t + d * DAY_MS));
    }
    end_log(seed, bad, shift, a, b, &l, &held);
    return n;
}

/* Orders scans by wall time (qsort). */
static int by_time(const void *a, const void *b)
{
    const struct scan *x = a, *y = b;
    return (x->wall_ms > y->wall_ms) - (x->wall_ms < y->wall_ms);
}

/* True when two occupancies agree on every attendee's place and the check-ins of t's day. */
static bool agree_places(const struct occupancy *a, const struct occupancy *b, int64_t t)
{
    bool ok = occupancy_checked_in_on(a, t) == occupancy_checked_in_on(b, t);
    for (size_t i = 0; i < N_ATTENDEES; i++) {
        struct occupancy_place p, q;
        occupancy_attendee_place(a, i, t, &p);
        occupancy_attendee_place(b, i, t, &q);
        ok = ok && p.where == q.where && p.in_venue == q.in_venue && p.room == q.room &&
             p.checked_in == q.checked_in && p.checkin_ms == q.checkin_ms &&
             p.last_ms == q.last_ms && p.last_room == q.last_room;
    }
    return ok;
}

/* A multi-day log crowded around the change of date (UTC dates, as the derivation's, through
 * occupancy_use_local_day), milliseconds apart across it, folded in time order (the fold
 * reuses the day of the previous scan's second: most scans hit it) and in a random order (few
 * do): both equal the derivation after every step and agree on every attendee's place and each
 * day's check-ins. A day remembered for longer than its second counts people on the wrong
 * date here. */
static size_t midnight_log(uint64_t seed, size_t n)
{
    struct session *last = &sessions[N_SESSIONS - 1];
    last->start_ms += DAY_MS;
    last->end_ms += DAY_MS;
    int64_t midnight = (day_start / DAY_MS + 1) * DAY_MS;
    rng_state = seed;
    static const char *const room_names[] = {"entrance", "entrance", "aula", "lab"};
    struct log l = {0};
    for (size_t i = 0; i < n; i++) {
        struct scan s = {0};
        snprintf(s.device_id, sizeof s.device_id, "k%u", rnd(3));
        s.db_epoch = 1;
        s.seq = (int64_t)i + 1;
        s.wall_ms = midnight + (int64_t)rnd(6000) - 3000;
        snprintf(s.room, sizeof s.room, "%s", room_names[rnd(ARRAY_LEN(room_names))]);
        s.kind = SCAN_BADGE;
        s.result = rnd(3) == 0 ? RESULT_EXITED : RESULT_ADMITTED;
        snprintf(s.attendee, sizeof s.attendee, "%s", attendee_ids[rnd(N_ATTENDEES)]);
        log_add(&l, &s);
    }
    qsort(l.scans, l.n, sizeof *l.scans, by_time);
    size_t *order = xmalloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = rnd((uint32_t)i), x = order[i - 1];
        order[i - 1] = order[j];
        order[j] = x;
    }
    struct occupancy *a = occupancy_create(&event), *b = occupancy_create(&event);
    occupancy_use_local_day(a, time_utc_day);
    occupancy_use_local_day(b, time_utc_day);
    static const int64_t probes[] = {-2000, -1, 0, 999, 2500, 3 * 3600000};
    struct log held = {0};
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(occupancy_apply(a, &l.scans[i]));
        CHECK(occupancy_apply(b, &l.scans[order[i]]));
        log_add(&held, &l.scans[i]);
        for (size_t k = 0; k < ARRAY_LEN(probes); k++)
            bad += !matches_reference(a, &held, midnight + probes[k]);
    }
    for (size_t k = 0; k < ARRAY_LEN(probes); k++)
        CHECK(agree(a, b, midnight + probes[k]) && agree_places(a, b, midnight + probes[k]));
    free(order);
    end_log(seed, bad, DAY_MS, a, b, &l, &held);
    return n;
}

int main(void)
{
    setup();
    size_t total = 0;
    total += single_kiosk(1, MODE_ENTRY);
    total += single_kiosk(2, MODE_TOGGLE);
    total += single_kiosk(3, MODE_ENTRY);
    total += many_kiosks(11);
    total += many_kiosks(12);
    total += raw_log(21, 1500, 1);
    total += raw_log(22, 1500, 2);
    total += midnight_log(31, 1500);
    printf("%zu scans\n", total);
    CHECK(total >= 10000);
    event_index_finish(&event);
    return check_done();
}
