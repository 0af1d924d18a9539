/* SPDX-License-Identifier: Apache-2.0 */
/* A walk-in registered at another desk and not pulled yet (a badge of a certified device key,
 * in its walk-in range) at a room door: admitted as a new registration under the rules of an
 * attendee registered for no session (capacity, reserved seats until the reservation ends,
 * closed room), counted under its id W<number> until an exit, an implicit exit or the session
 * end; once the model holds the walk-in, the same person's state carries on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "devkey.h"
#include "occupancy.h"
#include "rules.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"

#define EVENT_ID 78
#define WALKIN   10000007u

static struct room rooms[] = {{"aula", "Aula", 3}, {"lab", "Lab", 5}};
static struct session sessions[] = {{"am", 0, "Morning", 0, 0, -1}};
static size_t reg_am[] = {0};
static struct attendee attendees[] = {
    {"REG1", 1, "One", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, reg_am, 1, NULL, 0},
    {"REG2", 2, "Two", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, reg_am, 1, NULL, 0},
    {"A3", 3, "Three", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"ST", 4, "Staff", "", NULL, LANG_NL, CATEGORY_STAFF, 0, NULL, 0, NULL, 0},
    /* Only in the model after the pull (pulled.n_attendees). */
    {"W10000007", WALKIN, "Walk In", "", NULL, LANG_EN, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
};
static struct device_key keys[1];
static struct event event = {.event_id = EVENT_ID,
                             .rooms = rooms,
                             .n_rooms = ARRAY_LEN(rooms),
                             .sessions = sessions,
                             .n_sessions = ARRAY_LEN(sessions),
                             .attendees = attendees,
                             .n_attendees = ARRAY_LEN(attendees) - 1,
                             .device_keys = keys,
                             .n_device_keys = 1};
static struct event pulled; /* event with the walk-in */
static uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
static char walkin_badge[TOKEN_TEXT_LEN + 1];
static char badges[4][TOKEN_TEXT_LEN + 1]; /* of attendees[0..3], event key */
static int64_t seq;

static int64_t at(const char *iso)
{
    int64_t ms = 0;
    CHECK_MSG(time_parse_iso8601(iso, &ms), "%s", iso);
    return ms;
}

/* Decides a badge at r at t and folds the scan into occ; checks the verdict's count. */
static struct scan scan(struct rules *r, struct occupancy *occ, const char *badge, int64_t t,
                        struct rules_verdict *v)
{
    struct scan s;
    CHECK(rules_decide(r, occ, (const uint8_t *)badge, strlen(badge), t, &s, v) == RULES_DECIDED);
    s.db_epoch = 1;
    s.seq = ++seq;
    CHECK(occupancy_apply(occ, &s));
    CHECK(v->occupancy == occupancy_room_count(occ, occupancy_room_index(occ, s.room), t));
    return s;
}

/* True when s admitted the walk-in as a new registration with reason. */
static bool walkin_admitted(const struct scan *s, const struct rules_verdict *v,
                            enum scan_reason reason)
{
    return s->result == RESULT_ADMITTED && s->reason == reason && v->new_registration &&
           v->attendee == NULL && strcmp(s->attendee, "W10000007") == 0;
}

/* Capacity, reserved seats, closed room, exit; a scan that names no walk-in is not folded. */
static void test_rules(void)
{
    struct occupancy *occ = occupancy_create(&event);
    struct rules *door = rules_create(&event, pk, NULL, "aula", MODE_TOGGLE, "door-aula");
    struct rules_verdict v;
    /* Before the session: no seats reserved yet. */
    int64_t t = at("2024-04-22T08:00:00+02:00");
    struct scan s = scan(door, occ, walkin_badge, t, &v);
    CHECK(walkin_admitted(&s, &v, REASON_OK) && v.occupancy == 1);
    CHECK(occupancy_room_count(occ, 0, t) == 1 && occupancy_venue_inside(occ, t) == 1);
    /* Toggle: out again, and the count with it. */
    s = scan(door, occ, walkin_badge, t += 10000, &v);
    CHECK(s.result == RESULT_EXITED && s.reason == REASON_OK && v.new_registration);
    CHECK(occupancy_room_count(occ, 0, t) == 0 && occupancy_venue_inside(occ, t) == 1);

    /* During the session: one seat free, both others reserved (REG1, REG2). */
    t = at("2024-04-22T09:01:00+02:00");
    s = scan(door, occ, badges[2], t, &v);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_OK);
    s = scan(door, occ, walkin_badge, t += 10000, &v);
    CHECK(s.result == RESULT_DENIED && s.reason == REASON_NOT_REGISTERED && v.new_registration);
    CHECK(occupancy_room_count(occ, 0, t) == 1);
    /* The reservation ended: admitted; then the room is full. */
    t = at("2024-04-22T09:20:00+02:00");
    s = scan(door, occ, walkin_badge, t, &v);
    CHECK(walkin_admitted(&s, &v, REASON_OK) && v.occupancy == 2);
    CHECK(strcmp(s.session, "am") == 0);
    s = scan(door, occ, badges[0], t += 10000, &v);
    CHECK(s.result == RESULT_ADMITTED && occupancy_room_count(occ, 0, t) == 3);
    s = scan(door, occ, walkin_badge, t += 10000, &v); /* toggle: out */
    CHECK(s.result == RESULT_EXITED && s.reason == REASON_OK);
    s = scan(door, occ, badges[1], t += 10000, &v);
    s = scan(door, occ, walkin_badge, t += 10000, &v);
    CHECK(s.result == RESULT_DENIED && s.reason == REASON_ROOM_FULL && v.new_registration);
    /* A closed room. */
    struct scan close = {.kind = SCAN_ROOM_CLOSE, .result = RESULT_ADMITTED, .wall_ms = t};
    snprintf(close.room, sizeof close.room, "lab");
    snprintf(close.device_id, sizeof close.device_id, "door-lab");
    close.seq = ++seq;
    CHECK(occupancy_apply(occ, &close));
    struct rules *lab = rules_create(&event, pk, NULL, "lab", MODE_ENTRY, "door-lab");
    s = scan(lab, occ, walkin_badge, t += 10000, &v);
    CHECK(s.result == RESULT_DENIED && s.reason == REASON_ROOM_CLOSED && v.new_registration);

    /* Not a walk-in of a device key: not folded. */
    struct scan other = s;
    other.result = RESULT_ADMITTED;
    snprintf(other.attendee, sizeof other.attendee, "W42");
    CHECK(!occupancy_apply(occ, &other));
    snprintf(other.attendee, sizeof other.attendee, "W10000007x");
    CHECK(!occupancy_apply(occ, &other));
    snprintf(other.attendee, sizeof other.attendee, "X10000007");
    CHECK(!occupancy_apply(occ, &other));
    rules_destroy(lab);
    rules_destroy(door);
    occupancy_destroy(occ);
}

/* Folds every scan of log into a new occupancy of ev. */
static struct occupancy *refold(const struct event *ev, const struct scan *log, size_t n)
{
    struct occupancy *occ = occupancy_create(ev);
    for (size_t i = 0; i < n; i++)
        CHECK(occupancy_apply(occ, &log[i]));
    return occ;
}

/* The implicit exit, the session end, and the pull: the same log folded with the walk-in in
 * the model gives the same counts, and the walk-in's next scan carries on their state. */
static void test_exits_and_pull(void)
{
    struct scan log[8];
    size_t n = 0;
    struct occupancy *occ = occupancy_create(&event);
    struct rules *aula = rules_create(&event, pk, NULL, "aula", MODE_ENTRY, "door-aula");
    struct rules *lab = rules_create(&event, pk, NULL, "lab", MODE_ENTRY, "door-lab");
    struct rules_verdict v;
    int64_t t = at("2024-04-22T09:30:00+02:00");
    log[n++] = scan(aula, occ, walkin_badge, t, &v);
    CHECK(walkin_admitted(&log[n - 1], &v, REASON_OK));
    /* Into the lab: the implicit exit from the aula. */
    log[n++] = scan(lab, occ, walkin_badge, t += 60000, &v);
    CHECK(walkin_admitted(&log[n - 1], &v, REASON_OK) && v.occupancy == 1);
    CHECK(occupancy_room_count(occ, 0, t) == 0 && occupancy_venue_inside(occ, t) == 1);
    /* Back into the aula, let out by the session end (10:00). */
    log[n++] = scan(aula, occ, walkin_badge, t += 60000, &v);
    CHECK(occupancy_room_count(occ, 0, t) == 1 && occupancy_room_count(occ, 1, t) == 0);
    size_t n_ends = 0;
    int64_t after = at("2024-04-22T10:00:01+02:00");
    struct scan *ends = rules_session_end_exits(aula, occ, after, &n_ends);
    CHECK(n_ends == 1 && ends != NULL && strcmp(ends[0].attendee, "W10000007") == 0);
    CHECK(occupancy_room_count(occ, 0, after) == 0);
    free(ends);
    /* In again after the session. */
    log[n++] = scan(aula, occ, walkin_badge, after + 60000, &v);
    CHECK(walkin_admitted(&log[n - 1], &v, REASON_OK) && v.occupancy == 1);

    /* Pulled: the kiosk folds its log again with the walk-in in the model. */
    struct occupancy *again = refold(&pulled, log, n);
    t = after + 120000;
    CHECK(occupancy_room_count(again, 0, t) == 1 && occupancy_venue_inside(again, t) == 1);
    struct rules *aula2 = rules_create(&pulled, pk, NULL, "aula", MODE_ENTRY, "door-aula");
    struct scan s = scan(aula2, again, walkin_badge, t, &v);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_DUPLICATE && !v.new_registration);
    CHECK(v.attendee == &attendees[4] && v.occupancy == 1);
    CHECK(occupancy_room_count(again, 0, t) == 1);
    rules_destroy(aula2);
    occupancy_destroy(again);
    rules_destroy(lab);
    rules_destroy(aula);
    occupancy_destroy(occ);
}

/* At the entrance the walk-in counts in the venue, and an exit kiosk lets them out. */
static void test_entrance(void)
{
    struct occupancy *occ = occupancy_create(&event);
    struct rules *in = rules_create(&event, pk, NULL, "entrance", MODE_ENTRY, "gate-in");
    struct rules *out = rules_create(&event, pk, NULL, "entrance", MODE_EXIT, "gate-out");
    struct rules_verdict v;
    int64_t t = at("2024-04-22T08:00:00+02:00");
    struct scan s = scan(in, occ, walkin_badge, t, &v);
    CHECK(walkin_admitted(&s, &v, REASON_OK) && v.occupancy == 1);
    CHECK(occupancy_checked_in_on(occ, t) == 1);
    s = scan(out, occ, walkin_badge, t + 10000, &v);
    CHECK(s.result == RESULT_EXITED && s.reason == REASON_OK && v.occupancy == 0);
    rules_destroy(out);
    rules_destroy(in);
    occupancy_destroy(occ);
}

int main(void)
{
    CHECK(token_init());
    token_keypair(pk, sk);
    event.key_id = token_key_id(pk);
    sessions[0].start_ms = at("2024-04-22T09:00:00+02:00");
    sessions[0].end_ms = at("2024-04-22T10:00:00+02:00");
    uint8_t desk_sk[TOKEN_SECRET_KEY_LEN];
    snprintf(keys[0].device, sizeof keys[0].device, "desk-1");
    token_keypair(keys[0].pk, desk_sk);
    keys[0].first_num = 10000001;
    keys[0].last_num = 10001000;
    CHECK(devkey_certify(sk, EVENT_ID, &keys[0]));
    struct token tok = {.event_id = EVENT_ID, .attendee_num = WALKIN, .serial = 0};
    CHECK(token_encode(&tok, desk_sk, walkin_badge));
    for (size_t i = 0; i < ARRAY_LEN(badges); i++) {
        tok.attendee_num = attendees[i].num;
        CHECK(token_encode(&tok, sk, badges[i]));
    }
    pulled = event;
    pulled.n_attendees = ARRAY_LEN(attendees);
    event_index_build(&event);
    event_index_build(&pulled);
    test_rules();
    test_exits_and_pull();
    test_entrance();
    event_index_finish(&pulled);
    event_index_finish(&event);
    return check_done();
}
