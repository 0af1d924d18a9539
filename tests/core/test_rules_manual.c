/* SPDX-License-Identifier: Apache-2.0 */
/* Admission by hand (rules_decide_manual, DESIGN.md §7 "admit") and the badge check of the
 * staff member who asks for it (rules_badge_holder): the same rules as a badge (capacity,
 * reserved seats, closed room, implicit exit), reason manual, no repeat window, no override. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "occupancy.h"
#include "rules.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"

#define EVENT_ID 77

static struct room rooms[] = {{"aula", "Aula", 2}, {"lab", "Lab", 5}};
static struct session sessions[] = {{"am", 0, "Morning", 0, 0, -1}};
static size_t reg_am[] = {0};
static struct attendee attendees[] = {
    {"A1", 1, "One", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"A2", 2, "Two", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"A3", 3, "Three", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"REG", 4, "Registered", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, reg_am, 1, NULL, 0},
    {"ST", 5, "Staff", "", NULL, LANG_NL, CATEGORY_STAFF, 1, NULL, 0, NULL, 0},
};
static struct event event = {.event_id = EVENT_ID,
                             .rooms = rooms,
                             .n_rooms = ARRAY_LEN(rooms),
                             .sessions = sessions,
                             .n_sessions = ARRAY_LEN(sessions),
                             .attendees = attendees,
                             .n_attendees = ARRAY_LEN(attendees)};
static uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
static int64_t seq;

static int64_t at(const char *iso)
{
    int64_t ms = 0;
    CHECK_MSG(time_parse_iso8601(iso, &ms), "%s", iso);
    return ms;
}

/* Decides attendee a by hand at t and folds the scan into occ. */
static struct scan manual(struct rules *r, struct occupancy *occ, size_t a, int64_t t)
{
    struct scan s;
    struct rules_verdict v;
    rules_decide_manual(r, occ, a, t, &s, &v);
    CHECK(v.attendee == &attendees[a]);
    CHECK_STR(s.attendee, attendees[a].id);
    CHECK(s.kind == SCAN_BADGE && s.wall_ms == t && !s.override);
    s.db_epoch = 1;
    s.seq = ++seq;
    CHECK(occupancy_apply(occ, &s));
    CHECK(v.occupancy == occupancy_room_count(occ, occupancy_room_index(occ, s.room), t));
    return s;
}

static void test_room(void)
{
    struct occupancy *occ = occupancy_create(&event);
    /* An exit kiosk: admitting by hand is still an entry (the scan records the mode). */
    struct rules *r = rules_create(&event, pk, NULL, "aula", MODE_EXIT, "door");
    int64_t t = at("2024-04-22T09:00:00+02:00");
    struct scan s = manual(r, occ, 0, t);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_MANUAL && s.mode == MODE_EXIT);
    CHECK(occupancy_room_count(occ, 0, t) == 1);
    /* Again: already counted here, so nothing changes, and it says so. */
    s = manual(r, occ, 0, t + 1000);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_DUPLICATE);
    s = manual(r, occ, 1, t + 2000);
    CHECK(s.reason == REASON_MANUAL && occupancy_room_count(occ, 0, t + 2000) == 2);
    /* Full: refused as a badge would be, and a staff badge's override is not armed by it. */
    s = manual(r, occ, 4, t + 3000); /* staff: admitted, never counted */
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_MANUAL);
    s = manual(r, occ, 2, t + 4000);
    CHECK(s.result == RESULT_DENIED && s.reason == REASON_ROOM_FULL);
    CHECK(occupancy_room_count(occ, 0, t + 4000) == 2);
    /* Implicit exit: A1 admitted by hand into the lab leaves the aula. */
    struct rules *lab = rules_create(&event, pk, NULL, "lab", MODE_ENTRY, "lab-door");
    s = manual(lab, occ, 0, t + 5000);
    CHECK(s.reason == REASON_MANUAL && occupancy_room_count(occ, 0, t + 5000) == 1);
    CHECK(occupancy_room_count(occ, 1, t + 5000) == 1);
    /* Reserved seats during the session: 1 counted + 1 registered not arrived = capacity. */
    int64_t in_session = at("2024-04-22T10:01:00+02:00");
    s = manual(r, occ, 2, in_session);
    CHECK(s.result == RESULT_DENIED && s.reason == REASON_NOT_REGISTERED);
    CHECK_STR(s.session, "am");
    s = manual(r, occ, 3, in_session + 1000);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_MANUAL);
    rules_destroy(lab);
    rules_destroy(r);
    occupancy_destroy(occ);
}

static void test_entrance(void)
{
    struct occupancy *occ = occupancy_create(&event);
    struct rules *r = rules_create(&event, pk, NULL, "entrance", MODE_TOGGLE, "gate");
    int64_t t = at("2024-04-22T08:00:00+02:00");
    struct scan s = manual(r, occ, 0, t);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_MANUAL);
    CHECK(occupancy_checked_in(occ) == 1 && occupancy_venue_inside(occ, t) == 1);
    /* Inside already: a toggle kiosk would let a badge out; by hand it stays an admission. */
    s = manual(r, occ, 0, t + 1000);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_MANUAL);
    CHECK(occupancy_venue_inside(occ, t) == 1);
    rules_destroy(r);
    occupancy_destroy(occ);
}

static void test_badge_holder(void)
{
    struct rules *r = rules_create(&event, pk, NULL, "aula", MODE_ENTRY, "door");
    char buf[TOKEN_TEXT_LEN + 1];
    const struct attendee *who;
    enum scan_reason why;
    struct token t = {.event_id = EVENT_ID, .attendee_num = 5, .serial = 1};
    CHECK(token_encode(&t, sk, buf));
    /* Valid, and the same badge at once again: no repeat window here. */
    for (int i = 0; i < 2; i++)
        CHECK(rules_badge_holder(r, (const uint8_t *)buf, strlen(buf), &who, &why) &&
              who == &attendees[4]);
    t.serial = 0; /* older than the current serial: revoked, holder known */
    CHECK(token_encode(&t, sk, buf));
    CHECK(!rules_badge_holder(r, (const uint8_t *)buf, strlen(buf), &who, &why) &&
          why == REASON_REVOKED && who == &attendees[4]);
    t = (struct token){.event_id = EVENT_ID, .attendee_num = 99};
    CHECK(token_encode(&t, sk, buf));
    CHECK(!rules_badge_holder(r, (const uint8_t *)buf, strlen(buf), &who, &why) &&
          why == REASON_UNKNOWN_ATTENDEE && who == NULL);
    t = (struct token){.event_id = EVENT_ID + 1, .attendee_num = 1};
    CHECK(token_encode(&t, sk, buf));
    CHECK(!rules_badge_holder(r, (const uint8_t *)buf, strlen(buf), &who, &why) &&
          why == REASON_WRONG_EVENT);
    CHECK(!rules_badge_holder(r, (const uint8_t *)"ST", 2, &who, &why) && why == REASON_INVALID);
    rules_destroy(r);
}

int main(void)
{
    CHECK(token_init());
    token_keypair(pk, sk);
    event.key_id = token_key_id(pk);
    sessions[0].start_ms = at("2024-04-22T10:00:00+02:00");
    sessions[0].end_ms = at("2024-04-22T11:00:00+02:00");
    event_index_build(&event);
    test_room();
    test_entrance();
    test_badge_holder();
    event_index_finish(&event);
    return check_done();
}
