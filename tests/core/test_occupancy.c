/* SPDX-License-Identifier: Apache-2.0 */
/* Occupancy derived from the merged scan log: order independence, idempotence, expiry at
 * session ends, manual adjustments, closed rooms, lookups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "occupancy.h"
#include "scan_clock.h"
#include "timeutil.h"
#include "util.h"

static struct room rooms[] = {{"aula", "Aula", 10}, {"lab", "Lab", 4}};
static struct session sessions[] = {
    {"am", 0, "Morning", 0, 0, -1},
    {"pm", 0, "Afternoon", 0, 0, -1},
    {"lab-1", 1, "Lab", 0, 0, -1},
};
static size_t reg_am[] = {0};
static size_t reg_both[] = {0, 2};
static struct attendee attendees[] = {
    {"A1", 1, "One", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, reg_am, 1, NULL, 0},
    {"A2", 2, "Two", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, reg_both, 2, NULL, 0},
    {"ST", 3, "Staff", "", NULL, LANG_NL, CATEGORY_STAFF, 0, reg_am, 1, NULL, 0},
    {"SP", 4, "Speaker", "", NULL, LANG_NL, CATEGORY_SPEAKER, 0, NULL, 0, NULL, 0},
};
static struct event event = {
    .event_id = 1,
    .rooms = rooms,
    .n_rooms = 2,
    .sessions = sessions,
    .n_sessions = 3,
    .attendees = attendees,
    .n_attendees = 4,
};

/* Parses an ISO 8601 time or fails the test. */
static int64_t at(const char *iso)
{
    int64_t ms = 0;
    CHECK_MSG(time_parse_iso8601(iso, &ms), "%s", iso);
    return ms;
}

/* A scan with the given key, place and result. */
static struct scan mk(const char *device, int64_t seq, const char *time, const char *room,
                      const char *attendee, enum scan_kind kind, enum scan_result result)
{
    struct scan s = {0};
    snprintf(s.device_id, sizeof s.device_id, "%s", device);
    s.db_epoch = 7;
    s.seq = seq;
    s.wall_ms = at(time);
    snprintf(s.room, sizeof s.room, "%s", room);
    snprintf(s.attendee, sizeof s.attendee, "%s", attendee);
    s.kind = kind;
    s.result = result;
    return s;
}

#define T(hhmm) ("2024-04-22T" hhmm ":00+02:00")

/* Folds scans in the given order into a fresh occupancy and returns it. */
static struct occupancy *fold(const struct scan *scans, const size_t *order, size_t n)
{
    struct occupancy *occ = occupancy_create(&event);
    for (size_t i = 0; i < n; i++)
        CHECK(occupancy_apply(occ, &scans[order ? order[i] : i]));
    return occ;
}

/* Compares two occupancies on every count at t. */
static bool same(const struct occupancy *a, const struct occupancy *b, int64_t t)
{
    bool ok = occupancy_venue_inside(a, t) == occupancy_venue_inside(b, t) &&
              occupancy_checked_in(a) == occupancy_checked_in(b);
    for (size_t r = 0; r < event.n_rooms; r++) {
        ok = ok && occupancy_room_count(a, r, t) == occupancy_room_count(b, r, t);
        ok = ok && occupancy_room_closed(a, r) == occupancy_room_closed(b, r);
    }
    for (size_t s = 0; s < event.n_sessions; s++)
        ok = ok &&
             occupancy_registered_not_arrived(a, s, t) == occupancy_registered_not_arrived(b, s, t);
    return ok;
}

/* Every permutation of a small log gives the same counts. */
static void test_order_independence(void)
{
    struct scan scans[] = {
        mk("d1", 1, T("09:00"), "entrance", "A1", SCAN_BADGE, RESULT_ADMITTED),
        mk("d2", 1, T("10:05"), "aula", "A1", SCAN_BADGE, RESULT_ADMITTED),
        mk("d3", 1, T("10:06"), "lab", "A1", SCAN_BADGE, RESULT_ADMITTED),
        mk("d2", 2, T("10:07"), "aula", "A2", SCAN_BADGE, RESULT_ADMITTED),
        mk("d4", 1, T("10:07"), "aula", "A2", SCAN_BADGE, RESULT_EXITED), /* same ms: d4 wins */
        mk("d2", 3, T("10:08"), "aula", "", SCAN_MANUAL, RESULT_ADMITTED),
        mk("d2", 4, T("10:09"), "aula", "", SCAN_ROOM_CLOSE, RESULT_ADMITTED),
        mk("d4", 2, T("10:10"), "aula", "", SCAN_ROOM_OPEN, RESULT_ADMITTED),
    };
    size_t n = ARRAY_LEN(scans);
    struct occupancy *ref = fold(scans, NULL, n);
    int64_t t = at(T("10:30"));
    CHECK(occupancy_room_count(ref, 0, t) == 1); /* the manual +1 */
    CHECK(occupancy_room_count(ref, 1, t) == 1); /* A1 moved on to the lab */
    CHECK(!occupancy_room_closed(ref, 0));
    CHECK(occupancy_venue_inside(ref, t) == 2);
    CHECK(occupancy_checked_in(ref) == 1);

    /* All 8! = 40320 orders would be slow-ish; every rotation and reversal of each, plus a
     * fixed-seed shuffle, cover the interesting inversions. */
    size_t order[ARRAY_LEN(scans)];
    unsigned seed = 12345;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < n; i++)
            order[i] = round < (int)n ? (i + (size_t)round) % n : i;
        if (round >= (int)n) {
            for (size_t i = n - 1; i > 0; i--) {
                seed = seed * 1103515245u + 12345u;
                size_t j = (seed >> 8) % (i + 1), x = order[i];
                order[i] = order[j];
                order[j] = x;
            }
        }
        struct occupancy *occ = fold(scans, order, n);
        CHECK_MSG(same(occ, ref, t), "order round %d", round);
        CHECK_MSG(same(occ, ref, at(T("11:30"))), "order round %d", round);
        occupancy_destroy(occ);
    }
    occupancy_destroy(ref);
}

/* Folding a scan twice changes nothing, manual ones included. */
static void test_idempotence(void)
{
    struct scan scans[] = {
        mk("d1", 1, T("10:05"), "aula", "A1", SCAN_BADGE, RESULT_ADMITTED),
        mk("d1", 2, T("10:06"), "aula", "", SCAN_MANUAL, RESULT_ADMITTED),
        mk("d1", 3, T("10:07"), "entrance", "", SCAN_MANUAL, RESULT_EXITED),
    };
    struct occupancy *occ = fold(scans, NULL, 3);
    int64_t t = at(T("10:30"));
    CHECK(occupancy_room_count(occ, 0, t) == 2);
    for (size_t i = 0; i < 3; i++)
        CHECK(occupancy_apply(occ, &scans[i]));
    CHECK(occupancy_room_count(occ, 0, t) == 2);
    CHECK(occupancy_venue_inside(occ, t) == 0); /* 1 person - 1 manual */
    /* Another kiosk's manual scan with the same seq is another scan. */
    struct scan other = mk("d2", 2, T("10:06"), "aula", "", SCAN_MANUAL, RESULT_ADMITTED);
    CHECK(occupancy_apply(occ, &other));
    CHECK(occupancy_room_count(occ, 0, t) == 3);
    occupancy_destroy(occ);
}

/* Admissions expire at the end of the session they fall in; manual adjustments too. */
static void test_expiry(void)
{
    struct scan scans[] = {
        mk("d1", 1, T("08:00"), "aula", "A1", SCAN_BADGE, RESULT_ADMITTED),
        mk("d1", 2, T("10:30"), "aula", "A2", SCAN_BADGE, RESULT_ADMITTED),
        mk("d1", 3, T("11:30"), "aula", "SP", SCAN_BADGE, RESULT_ADMITTED),
        mk("d1", 4, T("13:00"), "aula", "", SCAN_MANUAL, RESULT_ADMITTED),
        mk("d1", 5, T("10:40"), "aula", "", SCAN_MANUAL, RESULT_ADMITTED),
    };
    struct occupancy *occ = fold(scans, NULL, ARRAY_LEN(scans));
    /* am is 10:00-11:00, pm 12:00-12:30 (set in main). */
    CHECK(occupancy_room_count(occ, 0, at(T("10:59"))) == 5);
    CHECK(occupancy_room_count(occ, 0, at(T("11:00"))) == 2); /* SP (pm) and the 13:00 +1 */
    CHECK(occupancy_room_count(occ, 0, at(T("12:30"))) == 1); /* only the 13:00 +1 */
    struct occupancy_place p;
    occupancy_attendee_place(occ, 0, at(T("10:59")), &p);
    CHECK(p.where == OCCUPANCY_ROOM && p.room == 0 && p.until_ms == sessions[0].end_ms);
    CHECK(!p.checked_in && p.has_last && p.last_room == 0 && p.last_result == RESULT_ADMITTED);
    occupancy_attendee_place(occ, 0, at(T("11:00")), &p);
    CHECK(p.where == OCCUPANCY_VENUE && p.room == OCCUPANCY_NONE);
    occupancy_attendee_place(occ, 2, at(T("11:00")), &p);
    CHECK(p.where == OCCUPANCY_NEVER_SEEN && !p.has_last);

    size_t leavers[4];
    CHECK(occupancy_session_leavers(occ, 0, leavers) == 2);
    CHECK(leavers[0] == 0 && leavers[1] == 1);
    CHECK(occupancy_session_leavers(occ, 1, leavers) == 1 && leavers[0] == 3);
    CHECK(!occupancy_session_end_recorded(occ, 0));
    struct scan end = mk("d9", 1, T("11:00"), "aula", "A1", SCAN_SESSION_END, RESULT_EXITED);
    snprintf(end.session, sizeof end.session, "am");
    CHECK(occupancy_apply(occ, &end));
    CHECK(occupancy_session_end_recorded(occ, 0));
    CHECK(occupancy_room_count(occ, 0, at(T("10:59"))) == 5); /* implied, not counted twice */
    snprintf(end.session, sizeof end.session, "nope");
    CHECK(!occupancy_apply(occ, &end));
    occupancy_destroy(occ);
}

/* The end instant belongs to the session (issue 14): an admission at exactly a session's end
 * is let out by that end, not counted until the next session's end; a scan then names it. */
static void test_end_instant(void)
{
    struct scan scans[] = {
        mk("d1", 1, T("11:00"), "aula", "A1", SCAN_BADGE, RESULT_ADMITTED),
        mk("d1", 2, T("11:00"), "aula", "", SCAN_MANUAL, RESULT_ADMITTED),
    };
    struct occupancy *occ = fold(scans, NULL, ARRAY_LEN(scans));
    int64_t lead = 15 * 60000;
    CHECK(occupancy_session_at(occ, 0, at(T("11:00")), lead) == 0);
    CHECK(occupancy_session_at(occ, 0, at(T("11:00")) + 1, lead) == OCCUPANCY_NONE);
    struct occupancy_place p;
    occupancy_attendee_place(occ, 0, at(T("11:00")), &p);
    CHECK(p.where == OCCUPANCY_VENUE && p.room == OCCUPANCY_NONE);
    occupancy_attendee_place(occ, 0, at(T("10:59")), &p);
    CHECK(p.where == OCCUPANCY_ROOM && p.until_ms == sessions[0].end_ms);
    CHECK(occupancy_room_count(occ, 0, at(T("11:00"))) == 0);
    CHECK(occupancy_room_count(occ, 0, at(T("11:30"))) == 0);
    CHECK(occupancy_room_count(occ, 0, at(T("12:15"))) == 0);
    size_t leavers[4];
    CHECK(occupancy_session_leavers(occ, 0, leavers) == 1 && leavers[0] == 0);
    CHECK(occupancy_session_leavers(occ, 1, leavers) == 0);
    occupancy_destroy(occ);
}

/* Staff have a place but no count; registrations and reservations. */
static void test_staff_and_reservations(void)
{
    struct occupancy *occ = occupancy_create(&event);
    CHECK(occupancy_registered(occ, 0) == 2); /* A1, A2; not staff */
    CHECK(occupancy_registered(occ, 2) == 1);
    int64_t t = at(T("10:05"));
    CHECK(occupancy_registered_not_arrived(occ, 0, t) == 2);
    struct scan s = mk("d1", 1, T("10:01"), "aula", "ST", SCAN_BADGE, RESULT_ADMITTED);
    CHECK(occupancy_apply(occ, &s));
    CHECK(occupancy_room_count(occ, 0, t) == 0);
    struct occupancy_place p;
    occupancy_attendee_place(occ, 2, t, &p);
    CHECK(p.where == OCCUPANCY_ROOM && p.room == 0);
    s = mk("d1", 2, T("10:02"), "aula", "A2", SCAN_BADGE, RESULT_ADMITTED);
    CHECK(occupancy_apply(occ, &s));
    CHECK(occupancy_registered_not_arrived(occ, 0, t) == 1);
    CHECK(occupancy_registered_not_arrived(occ, 2, t) == 1);
    s = mk("d1", 3, T("10:03"), "lab", "A2", SCAN_BADGE, RESULT_ADMITTED);
    CHECK(occupancy_apply(occ, &s));
    CHECK(occupancy_registered_not_arrived(occ, 0, t) == 2);
    CHECK(occupancy_registered_not_arrived(occ, 2, t) == 0);
    /* Denied scans change nothing. */
    s = mk("d1", 4, T("10:04"), "aula", "A2", SCAN_BADGE, RESULT_DENIED);
    CHECK(occupancy_apply(occ, &s));
    CHECK(occupancy_room_count(occ, 1, t) == 1);
    /* A scan from the future (another kiosk's clock ahead) wins once it is the latest. */
    s = mk("d2", 1, T("10:40"), "entrance", "A2", SCAN_BADGE, RESULT_EXITED);
    CHECK(occupancy_apply(occ, &s));
    CHECK(occupancy_room_count(occ, 1, t) == 0);
    occupancy_attendee_place(occ, 1, t, &p);
    CHECK(p.where == OCCUPANCY_OUTSIDE && p.last_room == OCCUPANCY_ENTRANCE);
    occupancy_destroy(occ);
}

/* Unknown names are refused; lookups; session windows. */
static void test_lookups(void)
{
    struct occupancy *occ = occupancy_create(&event);
    struct scan s = mk("d1", 1, T("10:01"), "nowhere", "A1", SCAN_BADGE, RESULT_ADMITTED);
    CHECK(!occupancy_apply(occ, &s));
    s = mk("d1", 1, T("10:01"), "aula", "nobody", SCAN_BADGE, RESULT_ADMITTED);
    CHECK(!occupancy_apply(occ, &s));
    s = mk("d1", 1, T("10:01"), "entrance", "", SCAN_ROOM_CLOSE, RESULT_ADMITTED);
    CHECK(!occupancy_apply(occ, &s));
    /* An id that fills its field without a NUL is cut, not overrun. */
    memset(s.room, 'x', sizeof s.room);
    CHECK(!occupancy_apply(occ, &s));
    CHECK(occupancy_room_index(occ, "lab") == 1);
    CHECK(occupancy_room_index(occ, "entrance") == OCCUPANCY_ENTRANCE);
    CHECK(occupancy_room_index(occ, "x") == OCCUPANCY_NONE);
    CHECK(occupancy_attendee_index(occ, "SP") == 3);
    CHECK(occupancy_session_index(occ, "pm") == 1);
    CHECK(occupancy_session_index(occ, "") == OCCUPANCY_NONE);
    int64_t lead = 15 * 60000;
    CHECK(occupancy_session_at(occ, 0, at(T("09:44")), lead) == OCCUPANCY_NONE);
    CHECK(occupancy_session_at(occ, 0, at(T("09:45")), lead) == 0);
    CHECK(occupancy_session_at(occ, 0, at(T("10:59")), lead) == 0);
    CHECK(occupancy_session_at(occ, 0, at(T("11:00")), lead) == 0); /* the end belongs to it */
    CHECK(occupancy_session_at(occ, 0, at(T("11:01")), lead) == OCCUPANCY_NONE);
    CHECK(occupancy_session_at(occ, 0, at(T("11:45")), lead) == 1);
    CHECK(occupancy_session_at(occ, 0, at(T("12:30")), lead) == 1);
    CHECK(occupancy_session_at(occ, 0, at(T("12:31")), lead) == OCCUPANCY_NONE);
    CHECK(occupancy_session_at(occ, 0, at(T("11:01")), 3600000) == 1);
    CHECK(occupancy_session_at(occ, OCCUPANCY_ENTRANCE, at(T("10:00")), lead) == OCCUPANCY_NONE);
    CHECK(occupancy_room_count(occ, 99, 0) == 0);
    CHECK(!occupancy_room_closed(occ, OCCUPANCY_ENTRANCE));

    /* Close and open: the latest by key wins whatever the order. */
    struct scan open = mk("d1", 2, T("10:10"), "lab", "", SCAN_ROOM_OPEN, RESULT_ADMITTED);
    struct scan close = mk("d1", 1, T("10:05"), "lab", "", SCAN_ROOM_CLOSE, RESULT_ADMITTED);
    CHECK(occupancy_apply(occ, &open));
    CHECK(occupancy_apply(occ, &close));
    CHECK(!occupancy_room_closed(occ, 1));
    close.wall_ms = at(T("10:11"));
    CHECK(occupancy_apply(occ, &close));
    CHECK(occupancy_room_closed(occ, 1));
    occupancy_destroy(occ);
    occupancy_destroy(NULL);
}

/* The fill levels the kiosk's overview and the web dashboard share. */
static void test_levels(void)
{
    CHECK(occupancy_level(0, 100, false) == OCCUPANCY_LEVEL_OK);
    CHECK(occupancy_level(79, 100, false) == OCCUPANCY_LEVEL_OK);
    CHECK(occupancy_level(80, 100, false) == OCCUPANCY_LEVEL_NEAR);
    CHECK(occupancy_level(99, 100, false) == OCCUPANCY_LEVEL_NEAR);
    CHECK(occupancy_level(100, 100, false) == OCCUPANCY_LEVEL_FULL);
    CHECK(occupancy_level(130, 100, false) == OCCUPANCY_LEVEL_FULL);
    CHECK(occupancy_level(4, 5, false) == OCCUPANCY_LEVEL_NEAR);
    CHECK(occupancy_level(3, 5, false) == OCCUPANCY_LEVEL_OK);
    CHECK(occupancy_level(10, 0, false) == OCCUPANCY_LEVEL_OK);
    CHECK(occupancy_level(0, 100, true) == OCCUPANCY_LEVEL_CLOSED);
    CHECK(occupancy_level_rgb(OCCUPANCY_LEVEL_OK) == 0x16a34au);
    CHECK(occupancy_level_rgb(OCCUPANCY_LEVEL_NEAR) == 0xf59e0bu);
    CHECK(occupancy_level_rgb(OCCUPANCY_LEVEL_FULL) == 0xdc2626u);
    CHECK(occupancy_level_rgb(OCCUPANCY_LEVEL_CLOSED) == 0x64748bu);
    CHECK_STR(occupancy_level_name(OCCUPANCY_LEVEL_NEAR), "near");
}

/* A scan taken by a clock: mono_ns (s), boot and whether it was synchronised. */
static struct scan mk_clocked(const char *device, int64_t seq, const char *time, int64_t mono_s,
                              bool synced, const char *attendee, enum scan_result result)
{
    struct scan s = mk(device, seq, time, "aula", attendee, SCAN_BADGE, result);
    s.mono_ns = mono_s * 1000000000;
    snprintf(s.boot_id, sizeof s.boot_id, "boot-%s", device);
    s.clock_synced = synced;
    return s;
}

/* Folds scans (learnt by clock first) into an occupancy dated by clock. */
static struct occupancy *fold_clocked(struct scan_clock *clock, const struct scan *scans,
                                      const size_t *order, size_t n)
{
    struct occupancy *occ = occupancy_create(&event);
    occupancy_use_clock(occ, clock);
    for (size_t i = 0; i < n; i++) {
        scan_clock_learn(clock, &scans[order ? order[i] : i]);
        CHECK(occupancy_apply(occ, &scans[order ? order[i] : i]));
    }
    return occ;
}

/* Issue 14: a wrong clock cannot dominate. d1 was an hour fast and unsynchronised when it
 * admitted A1 (11:20 on its clock, 10:20 in truth), then NTP set it and it let A1 out at
 * 10:25: its first synchronised scan dates its unsynchronised ones (wall = mono + offset). d2's
 * clock was put back by hand, unsynchronised both times: its scans keep their own order (A2's
 * exit, seq 2, follows the admission). Door d3, an hour fast with no synchronised scan,
 * admitted SP at 11:20 on its clock; once central's anchor of its boot is known, SP's exit at
 * d4 (10:30, synchronised) counts. Without the clock all three stay counted. */
static void test_device_order_fast_clock(void)
{
    struct scan scans[] = {
        mk_clocked("d1", 1, T("11:20"), 1000, false, "A1", RESULT_ADMITTED),
        mk_clocked("d1", 2, T("10:25"), 1300, true, "A1", RESULT_EXITED),
        mk_clocked("d2", 1, T("11:20"), 100, false, "A2", RESULT_ADMITTED),
        mk_clocked("d2", 2, T("10:30"), 700, false, "A2", RESULT_EXITED),
        mk_clocked("d3", 1, T("11:20"), 5000, false, "SP", RESULT_ADMITTED),
        mk_clocked("d4", 1, T("10:30"), 50, true, "SP", RESULT_EXITED),
    };
    int64_t t = at(T("10:45"));
    struct occupancy *plain = fold(scans, NULL, ARRAY_LEN(scans));
    CHECK(occupancy_room_count(plain, 0, t) == 3); /* the wrong clocks win: the bug */
    occupancy_destroy(plain);

    static const size_t orders[][6] = {
        {0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {1, 0, 3, 5, 2, 4}, {2, 0, 4, 3, 5, 1}};
    for (size_t o = 0; o < ARRAY_LEN(orders); o++) {
        /* Each device's scans reach a log in seq order: skip orders that break it. */
        size_t pos[6];
        for (size_t i = 0; i < 6; i++)
            pos[orders[o][i]] = i;
        if (pos[0] > pos[1] || pos[2] > pos[3])
            continue;
        struct scan_clock *clock = scan_clock_create();
        struct occupancy *occ = fold_clocked(clock, scans, orders[o], ARRAY_LEN(scans));
        /* d1 and d2 are right; d3 still counts SP (no anchor yet). */
        CHECK_MSG(occupancy_room_count(occ, 0, t) == 1, "order %zu: %d", o,
                  occupancy_room_count(occ, 0, t));
        struct occupancy_place p;
        occupancy_attendee_place(occ, 0, t, &p);
        CHECK(p.where == OCCUPANCY_VENUE && p.last_result == RESULT_EXITED);
        occupancy_destroy(occ);

        /* Central's anchor: d3's mono 5000 s was 10:20. It re-dates d3's folded scan. */
        bool changed;
        int bad;
        char *anchors =
            xasprintf("d3 boot-d3 %lld\nd9 boot-d9 0\n", (long long)(at(T("10:20")) - 5000 * 1000));
        CHECK(scan_clock_set_anchors_text(clock, anchors, &changed, &bad) && changed);
        CHECK(scan_clock_set_anchors_text(clock, anchors, &changed, &bad) && !changed);
        free(anchors);
        occ = fold_clocked(clock, scans, orders[o], ARRAY_LEN(scans));
        CHECK(occupancy_room_count(occ, 0, t) == 0);
        occupancy_destroy(occ);
        scan_clock_destroy(clock);
    }
    /* A bad line of anchors is refused with its number. */
    struct scan_clock *clock = scan_clock_create();
    bool changed;
    int bad;
    CHECK(!scan_clock_set_anchors_text(clock, "d1 b 5\nd2 b x\n", &changed, &bad) && bad == 2);
    int64_t off;
    CHECK(scan_clock_offset(clock, "d1", "b", &off) && off == 5);
    CHECK(!scan_clock_offset(clock, "d2", "b", &off));
    scan_clock_destroy(clock);
}

int main(void)
{
    sessions[0].start_ms = at(T("10:00"));
    sessions[0].end_ms = at(T("11:00"));
    sessions[1].start_ms = at(T("12:00"));
    sessions[1].end_ms = at(T("12:30"));
    sessions[2].start_ms = at(T("10:00"));
    sessions[2].end_ms = at(T("12:00"));
    event_index_build(&event);
    test_order_independence();
    test_idempotence();
    test_expiry();
    test_end_instant();
    test_staff_and_reservations();
    test_lookups();
    test_levels();
    test_device_order_fast_clock();
    event_index_finish(&event);
    return check_done();
}
