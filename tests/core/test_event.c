/* SPDX-License-Identifier: Apache-2.0 */
/* The event model's index by id: lookups, the first of two equal ids, no index, rebuilding
 * after the tables change, and a congress-sized model; a multi-day event's days and those
 * expected on each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "event.h"
#include "timeutil.h"
#include "util.h"

#define CONGRESS 30000

static void test_lookups(void)
{
    struct room rooms[] = {{"aula", "Aula", 10}, {"lab", "Lab", 4}, {"aula", "Second aula", 1}};
    struct session sessions[] = {{"am", 0, "Morning", 0, 1, -1}, {"lab-1", 1, "Lab", 0, 1, -1}};
    struct attendee attendees[] = {
        {"A1", 1, "One", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
        {"A2", 2, "Two", "", NULL, LANG_FR, CATEGORY_STAFF, 0, NULL, 0, NULL, 0},
    };
    struct event ev = {.rooms = rooms,
                       .n_rooms = ARRAY_LEN(rooms),
                       .sessions = sessions,
                       .n_sessions = ARRAY_LEN(sessions),
                       .attendees = attendees,
                       .n_attendees = ARRAY_LEN(attendees)};
    /* Without its index an event finds no id. */
    CHECK(event_attendee_by_id(&ev, "A1") == NULL);
    CHECK(event_room_index(&ev, "aula") == SIZE_MAX);
    event_index_finish(&ev); /* no index: a no-op */

    event_index_build(&ev);
    CHECK(event_room_index(&ev, "aula") == 0); /* the first of two */
    CHECK(event_room_index(&ev, "lab") == 1);
    CHECK(event_room_index(&ev, "entrance") == SIZE_MAX);
    CHECK(event_session_index(&ev, "lab-1") == 1);
    CHECK(event_session_index(&ev, "pm") == SIZE_MAX);
    CHECK(event_attendee_by_id(&ev, "A2") == &attendees[1]);
    CHECK(event_attendee_by_id(&ev, "A3") == NULL);
    CHECK(event_attendee_by_num(&ev, 1) == &attendees[0]);

    /* Reordered tables: the index is built again. */
    struct session t = sessions[0];
    sessions[0] = sessions[1];
    sessions[1] = t;
    event_index_build(&ev);
    CHECK(event_session_index(&ev, "lab-1") == 0 && event_session_index(&ev, "am") == 1);
    event_index_finish(&ev);
    CHECK(ev.index == NULL && event_session_index(&ev, "am") == SIZE_MAX);
}

/* event_destroy frees what the model owns, its index included (checked under ASan/LSan). */
static void test_congress(void)
{
    struct event *ev = xcalloc(1, sizeof *ev);
    ev->name = xstrdup("Congress");
    ev->timezone = xstrdup("Europe/Brussels");
    ev->n_attendees = CONGRESS;
    ev->attendees = xcalloc(CONGRESS, sizeof *ev->attendees);
    for (size_t i = 0; i < CONGRESS; i++) {
        struct attendee *a = &ev->attendees[i];
        a->id = xasprintf("C%05zu", i + 1);
        a->num = (uint32_t)i + 1;
        a->name = xstrdup("Name");
        a->organisation = xstrdup("");
    }
    event_index_build(ev);
    size_t wrong = 0;
    char id[16];
    for (size_t i = 0; i < CONGRESS; i++) {
        snprintf(id, sizeof id, "C%05zu", i + 1);
        wrong += event_attendee_by_id(ev, id) != &ev->attendees[i];
    }
    CHECK(wrong == 0);
    CHECK(event_attendee_by_id(ev, "C00000") == NULL);
    event_destroy(ev);
    event_destroy(NULL);
}

/* The local date of t one hour east of UTC. */
static int64_t plus_one_hour(int64_t t)
{
    return time_utc_day(t + 3600 * 1000);
}

/* The days of the sessions (by the local date given), sorted, once each; the attendees
 * expected on a day: staff never, a badge without days every day. */
static void test_days(void)
{
    int64_t h = 3600 * 1000, d14 = time_days_from_civil(2025, 3, 14) * 24 * h;
    struct session sessions[] = {{"b", 0, "B", d14 + 24 * h + 9 * h, d14 + 24 * h + 10 * h, -1},
                                 {"a", 0, "A", d14 + 9 * h, d14 + 10 * h, -1},
                                 {"c", 0, "C", d14 + 9 * h + 1, d14 + 10 * h, -1},
                                 {"late", 0, "Late", d14 + 23 * h + h / 2, d14 + 24 * h, -1}};
    struct attendee attendees[4] = {
        {.id = "A1", .category = CATEGORY_ATTENDEE},
        {.id = "A2", .category = CATEGORY_SPEAKER},
        {.id = "A3", .category = CATEGORY_STAFF},
        {.id = "A4", .category = CATEGORY_ATTENDEE},
    };
    CHECK(event_attendee_set_days(&attendees[0], "2025-03-14"));
    CHECK(event_attendee_set_days(&attendees[1], "2025-03-15;2025-03-14"));
    struct event ev = {.sessions = sessions,
                       .n_sessions = ARRAY_LEN(sessions),
                       .attendees = attendees,
                       .n_attendees = ARRAY_LEN(attendees)};
    int64_t days[ARRAY_LEN(sessions)];
    int64_t day14 = time_days_from_civil(2025, 3, 14);
    /* UTC: 14 and 15 March; an hour east, the session at 23:30 UTC lies on the 15th too. */
    CHECK(event_session_days(&ev, NULL, days) == 2 && days[0] == day14 && days[1] == day14 + 1);
    CHECK(event_session_days(&ev, plus_one_hour, days) == 2 && days[1] == day14 + 1);
    CHECK(event_expected_on_day(&ev, day14) == 3);
    CHECK(event_expected_on_day(&ev, day14 + 1) == 2);
    CHECK(event_expected_on_day(&ev, day14 + 2) == 1);
    ev.n_sessions = 1;
    CHECK(event_session_days(&ev, NULL, days) == 1);
    for (size_t a = 0; a < ARRAY_LEN(attendees); a++)
        free(attendees[a].days);
}

int main(void)
{
    test_lookups();
    test_days();
    test_congress();
    return check_done();
}
