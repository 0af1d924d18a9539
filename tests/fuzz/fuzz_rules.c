/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the zbar result -> decision path (rules_decide) with arbitrary bytes as the
 * decoded QR payload, on a small in-memory event signed with the fuzz key. Input: byte 0 picks
 * the room and mode, byte 1 the time of day, the rest is the payload. Properties: every payload
 * gets a decision (never an ignore on first sight) with valid enums; a payload that is not a
 * valid badge of this event is denied (invalid or wrong_event); the same payload again within
 * the repeat window is ignored; folding the decision into the occupancy never fails and
 * counts stay within [0, capacity] for attendees. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "occupancy.h"
#include "rules.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0   1713765600000LL /* 2024-04-22 06:00 UTC */
#define HOUR (3600 * 1000LL)

static uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
static struct event ev;
static struct room rooms[2];
static struct session sessions[2];
static struct attendee attendees[5];
static size_t regs_aula[] = {0}, regs_both[] = {0, 1};
static struct revocation revocations[] = {{5, 0}};
static int ready;

/* The event: an aula (capacity 2) and a lab (capacity 1) with a session each; five attendees
 * of every category; attendee 5's first badge revoked. */
static void setup(void)
{
    fuzz_keypair(pk, sk);
    rooms[0] = (struct room){"aula", "Aula", 2};
    rooms[1] = (struct room){"lab", "Lab", 1};
    sessions[0] = (struct session){"s-aula", 0, "Keynote", T0 + 3 * HOUR, T0 + 4 * HOUR, -1};
    sessions[1] = (struct session){"s-lab", 1, "Lab", T0 + 3 * HOUR, T0 + 5 * HOUR, -1};
    static const char *const ids[] = {"A0001", "A0002", "A0003", "A0004", "A0005"};
    static const enum category cats[] = {CATEGORY_ATTENDEE, CATEGORY_SPEAKER, CATEGORY_STAFF,
                                         CATEGORY_PRESS, CATEGORY_ATTENDEE};
    for (size_t i = 0; i < 5; i++) {
        attendees[i] = (struct attendee){
            .id = (char *)ids[i],
            .num = (uint32_t)i + 1,
            .name = (char *)ids[i],
            .organisation = (char *)"",
            .language = LANG_EN,
            .category = cats[i],
            .serial = i == 4 ? 1 : 0,
            .sessions = i == 0 ? regs_aula : regs_both,
            .n_sessions = i == 0 ? 1 : 2,
        };
    }
    ev = (struct event){
        .event_id = FUZZ_EVENT_ID,
        .key_id = token_key_id(pk),
        .name = (char *)"Fuzz",
        .timezone = (char *)"UTC",
        .rooms = rooms,
        .n_rooms = 2,
        .sessions = sessions,
        .n_sessions = 2,
        .attendees = attendees,
        .n_attendees = 5,
        .revocations = revocations,
        .n_revocations = 1,
    };
    event_index_build(&ev);
}

/* Runs one input; a property violation aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        setup();
        ready = 1;
    }
    if (size < 2)
        return 0;
    static const char *const room_ids[] = {"entrance", "aula", "lab"};
    static const enum kiosk_mode modes[] = {MODE_ENTRY, MODE_EXIT, MODE_TOGGLE};
    const char *room = room_ids[data[0] % 3];
    enum kiosk_mode mode = modes[(data[0] / 3) % 3];
    int64_t now = T0 + (int64_t)data[1] * 60 * 1000; /* 06:00 .. 10:15 */
    const uint8_t *payload = data + 2;
    size_t len = size - 2;
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, payload, len);

    struct occupancy *occ = occupancy_create(&ev);
    struct rules *r = rules_create(&ev, pk, NULL, room, mode, "fuzz-door");
    FUZZ_ASSERT(occ != NULL && r != NULL);
    struct scan s;
    struct rules_verdict v;
    memset(&s, 0, sizeof s);
    enum rules_outcome o = rules_decide(r, occ, copy, len, now, &s, &v);
    FUZZ_ASSERT(o == RULES_DECIDED);
    FUZZ_ASSERT((unsigned)s.result < SCAN_RESULT_COUNT && (unsigned)s.reason < SCAN_REASON_COUNT);
    FUZZ_ASSERT(memchr(s.attendee, '\0', sizeof s.attendee) != NULL);
    struct token t;
    enum token_status ts = token_verify((const char *)copy, len, ev.event_id, pk, &t);
    if (ts != TOKEN_OK) {
        FUZZ_ASSERT(s.result == RESULT_DENIED);
        FUZZ_ASSERT(s.reason == (ts == TOKEN_WRONG_EVENT ? REASON_WRONG_EVENT : REASON_INVALID));
        FUZZ_ASSERT(v.attendee == NULL);
    }
    s.db_epoch = 1;
    s.seq = 1;
    FUZZ_ASSERT(occupancy_apply(occ, &s));
    for (size_t i = 0; i < ev.n_rooms; i++) {
        int n = occupancy_room_count(occ, i, now);
        FUZZ_ASSERT(n >= 0 && n <= ev.rooms[i].capacity + 1);
    }
    /* The same payload a second later: a repeat, ignored. */
    struct scan again;
    FUZZ_ASSERT(rules_decide(r, occ, copy, len, now + 1000, &again, NULL) == RULES_IGNORED);
    size_t n_exits = 0;
    free(rules_session_end_exits(r, occ, now + 6 * HOUR, &n_exits));
    rules_destroy(r);
    occupancy_destroy(occ);
    free(copy);
    return 0;
}
