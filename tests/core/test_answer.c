/* SPDX-License-Identifier: Apache-2.0 */
/* answer.h: what the answer screen is told about a decision (name, language, room, a room with
 * free seats when this one is full or closed, when reserved seats free up), and what it says:
 * the class and headline of each result and reason, the detail line, the language. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "check.h"
#include "i18n.h"
#include "occupancy.h"
#include "rules.h"
#include "timeutil.h"
#include "util.h"

static int64_t seq;

/* Folds a staff +1 (or a close) into occ. */
static void fold(struct occupancy *occ, const char *room, enum scan_kind kind, int64_t wall)
{
    struct scan s;
    memset(&s, 0, sizeof s);
    snprintf(s.device_id, sizeof s.device_id, "door-test");
    s.db_epoch = 1;
    s.seq = ++seq;
    s.wall_ms = wall;
    snprintf(s.room, sizeof s.room, "%s", room);
    s.kind = kind;
    s.result = RESULT_ADMITTED;
    s.reason = REASON_OK;
    CHECK(occupancy_apply(occ, &s));
}

/* answer_for_decision on a small event: three rooms, one full, one closed. */
static void for_decision(void)
{
    struct room rooms[] = {{"aula", "Aula Magna", 2}, {"r214", "2.14", 10}, {"r3", "Zaal 3", 50}};
    struct session sessions[] = {{"s1", 0, "Keynote", 1000000, 5000000, -1}};
    struct attendee att = {
        "A1", 1, "Françoise Dieudonné", "", NULL, LANG_FR, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0};
    struct event ev = {0};
    ev.name = "Test";
    ev.timezone = "Europe/Brussels";
    ev.rooms = rooms;
    ev.n_rooms = ARRAY_LEN(rooms);
    ev.sessions = sessions;
    ev.n_sessions = ARRAY_LEN(sessions);
    ev.attendees = &att;
    ev.n_attendees = 1;
    event_index_build(&ev);
    struct occupancy *occ = occupancy_create(&ev);
    CHECK(occ != NULL);
    int64_t t = 2000000;
    fold(occ, "aula", SCAN_MANUAL, t - 10);
    fold(occ, "aula", SCAN_MANUAL, t - 9);
    for (int i = 0; i < 3; i++)
        fold(occ, "r214", SCAN_MANUAL, t - 8 + i);
    fold(occ, "r3", SCAN_ROOM_CLOSE, t - 1);
    CHECK(occupancy_room_count(occ, 0, t) == 2);

    struct scan s;
    memset(&s, 0, sizeof s);
    snprintf(s.room, sizeof s.room, "aula");
    s.result = RESULT_DENIED;
    s.reason = REASON_ROOM_FULL;
    struct rules_verdict verdict = {.attendee = &att, .session = 0, .occupancy = 2, .capacity = 2};
    struct answer a;
    answer_for_decision(&a, &ev, occ, &s, &verdict, t, 600000);
    CHECK(a.result == RESULT_DENIED && a.reason == REASON_ROOM_FULL);
    CHECK_STR(a.name, "Françoise Dieudonné");
    CHECK(a.lang_known && a.lang == LANG_FR);
    CHECK_STR(a.room_name, "Aula Magna");
    /* The closed room with 50 seats is not suggested; 2.14 with 7 free is. */
    CHECK_STR(a.alt_room, "2.14");
    CHECK(a.alt_free == 7);

    s.reason = REASON_NOT_REGISTERED;
    answer_for_decision(&a, &ev, occ, &s, &verdict, t, 600000);
    CHECK(a.alt_room == NULL);
    CHECK(a.release_ms == 1000000 + 600000);

    s.result = RESULT_ADMITTED;
    s.reason = REASON_OK;
    s.override = true;
    answer_for_decision(&a, &ev, occ, &s, &verdict, t, 600000);
    CHECK(a.override && a.release_ms == 0 && a.alt_room == NULL);

    /* An invalid badge: nobody known, the screen's language is used. */
    s.result = RESULT_DENIED;
    s.reason = REASON_INVALID;
    s.override = false;
    struct rules_verdict none = {.attendee = NULL, .session = OCCUPANCY_NONE};
    answer_for_decision(&a, &ev, occ, &s, &none, t, 600000);
    CHECK(a.name == NULL && !a.lang_known);
    CHECK(answer_language(&a, LANG_EN) == LANG_EN);
    /* At the entrance there is no room name. */
    snprintf(s.room, sizeof s.room, "entrance");
    answer_for_decision(&a, &ev, occ, &s, &none, t, 600000);
    CHECK(a.room_name == NULL);
    occupancy_destroy(occ);
    event_index_finish(&ev);
}

/* The class and headline of every result and reason. */
static void looks(void)
{
    static const struct {
        enum scan_result result;
        enum scan_reason reason;
        bool override;
        enum answer_class cls;
        enum i18n_msg headline;
    } cases[] = {
        {RESULT_ADMITTED, REASON_OK, false, ANSWER_OK, MSG_WELCOME},
        {RESULT_ADMITTED, REASON_OK, true, ANSWER_WARN, MSG_WELCOME},
        {RESULT_ADMITTED, REASON_REENTRY, false, ANSWER_WARN, MSG_WELCOME_BACK},
        {RESULT_ADMITTED, REASON_DUPLICATE, false, ANSWER_WARN, MSG_WELCOME},
        {RESULT_EXITED, REASON_OK, false, ANSWER_EXIT, MSG_GOODBYE},
        {RESULT_EXITED, REASON_DUPLICATE, false, ANSWER_WARN, MSG_GOODBYE},
        {RESULT_DENIED, REASON_INVALID, false, ANSWER_DENY, MSG_BADGE_INVALID},
        {RESULT_DENIED, REASON_REVOKED, false, ANSWER_DENY, MSG_BADGE_REVOKED},
        {RESULT_DENIED, REASON_WRONG_EVENT, false, ANSWER_DENY, MSG_BADGE_WRONG_EVENT},
        {RESULT_DENIED, REASON_UNKNOWN_ATTENDEE, false, ANSWER_DENY, MSG_BADGE_UNKNOWN},
        {RESULT_DENIED, REASON_ROOM_FULL, false, ANSWER_DENY, MSG_ROOM_FULL},
        {RESULT_DENIED, REASON_NOT_REGISTERED, false, ANSWER_DENY, MSG_SEATS_RESERVED},
        {RESULT_DENIED, REASON_ROOM_CLOSED, false, ANSWER_DENY, MSG_ROOM_CLOSED},
        {RESULT_DENIED, REASON_DUPLICATE, false, ANSWER_DENY, MSG_NOT_ADMITTED},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct answer a = {0};
        a.result = cases[i].result;
        a.reason = cases[i].reason;
        a.override = cases[i].override;
        struct answer_look look = answer_look(&a);
        CHECK_MSG(look.cls == cases[i].cls && look.headline == cases[i].headline,
                  "case %zu: class %d headline %s", i, (int)look.cls, i18n_name(look.headline));
    }
}

/* Checks that the detail line of a in lang is msg formatted with the arguments given. */
#define CHECK_DETAIL(a, lang, ...)                                                                 \
    do {                                                                                           \
        char got_[400], want_[400];                                                                \
        answer_detail(a, lang, got_, sizeof got_);                                                 \
        snprintf(want_, sizeof want_, __VA_ARGS__);                                                \
        CHECK_MSG(strcmp(got_, want_) == 0, "detail '%s', want '%s'", got_, want_);                \
    } while (0)

/* The detail line: what happened and what to do, in the language asked for. */
static void details(void)
{
    struct answer a = {0};
    a.name = "Jan";
    a.lang_known = true;
    a.room_name = "Aula Magna";
    CHECK_DETAIL(&a, LANG_NL, i18n(LANG_NL, MSG_ENJOY_SESSION), "Aula Magna");
    CHECK_DETAIL(&a, LANG_FR, i18n(LANG_FR, MSG_ENJOY_SESSION), "Aula Magna");
    a.room_name = NULL;
    CHECK_DETAIL(&a, LANG_NL, "%s", "");
    a.override = true;
    CHECK_DETAIL(&a, LANG_EN, "%s", i18n(LANG_EN, MSG_OVERRIDE_DETAIL));
    a.override = false;
    a.reason = REASON_REENTRY;
    CHECK_DETAIL(&a, LANG_EN, "%s", i18n(LANG_EN, MSG_REENTRY_DETAIL));
    a.reason = REASON_DUPLICATE;
    CHECK_DETAIL(&a, LANG_EN, "%s", i18n(LANG_EN, MSG_ALREADY_IN));
    a.result = RESULT_EXITED;
    CHECK_DETAIL(&a, LANG_EN, "%s", i18n(LANG_EN, MSG_ALREADY_OUT));
    a.reason = REASON_OK;
    CHECK_DETAIL(&a, LANG_EN, "%s", "");

    a.result = RESULT_DENIED;
    a.reason = REASON_ROOM_FULL;
    a.alt_room = "2.14";
    a.alt_free = 7;
    CHECK_DETAIL(&a, LANG_NL, i18n(LANG_NL, MSG_TRY_ROOM), "2.14", 7);
    a.reason = REASON_ROOM_CLOSED;
    CHECK_DETAIL(&a, LANG_NL, i18n(LANG_NL, MSG_TRY_ROOM), "2.14", 7);
    a.alt_room = NULL;
    CHECK_DETAIL(&a, LANG_NL, "%s", i18n(LANG_NL, MSG_ASK_STAFF));
    a.reason = REASON_ROOM_FULL;
    CHECK_DETAIL(&a, LANG_NL, "%s", i18n(LANG_NL, MSG_WAIT_OR_ASK));
    a.reason = REASON_REVOKED;
    CHECK_DETAIL(&a, LANG_FR, "%s", i18n(LANG_FR, MSG_SEE_DESK_NEW_BADGE));
    a.reason = REASON_WRONG_EVENT;
    CHECK_DETAIL(&a, LANG_FR, "%s", i18n(LANG_FR, MSG_SEE_DESK_EVENT));
    a.reason = REASON_INVALID;
    CHECK_DETAIL(&a, LANG_FR, "%s", i18n(LANG_FR, MSG_SEE_DESK));
    a.reason = REASON_UNKNOWN_ATTENDEE;
    CHECK_DETAIL(&a, LANG_FR, "%s", i18n(LANG_FR, MSG_SEE_DESK));
    a.reason = REASON_NOT_REGISTERED;
    CHECK_DETAIL(&a, LANG_EN, "%s", i18n(LANG_EN, MSG_RESERVED_DETAIL));
    /* The release time in the event's zone. */
    int64_t release;
    CHECK(time_parse_iso8601("2026-04-22T10:55:00+02:00", &release));
    a.release_ms = release;
    CHECK_DETAIL(&a, LANG_EN, i18n(LANG_EN, MSG_RESERVED_UNTIL), "10:55");
    a.reason = REASON_DUPLICATE;
    CHECK_DETAIL(&a, LANG_EN, "%s", i18n(LANG_EN, MSG_ASK_STAFF));
    /* A short buffer is cut, never overrun. */
    char small[8];
    a.reason = REASON_REVOKED;
    answer_detail(&a, LANG_EN, small, sizeof small);
    CHECK(strlen(small) < sizeof small);

    /* The attendee's language wins over the screen's. */
    a.lang_known = true;
    a.lang = LANG_FR;
    CHECK(answer_language(&a, LANG_NL) == LANG_FR);
    a.lang_known = false;
    CHECK(answer_language(&a, LANG_NL) == LANG_NL);
}

int main(void)
{
    /* The zone of the times shown (what time_set_zone does in the kiosk). */
    setenv("TZ", "Europe/Brussels", 1);
    tzset();
    for_decision();
    looks();
    details();
    return check_done();
}
