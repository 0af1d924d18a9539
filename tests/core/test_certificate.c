/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates from a report: minutes for an entry/exit pair, an implicit exit (the next
 * room), a session's end, a late arrival; the presence threshold; staff never certified;
 * credits summed and written with either decimal mark. */
#include <stdio.h>
#include <string.h>

#include "certificate.h"
#include "check.h"
#include "timeutil.h"
#include "util.h"

#define DAY "2025-03-14T"

static struct room rooms[] = {{"aula", "Aula", 100}, {"lab", "Lab", 100}};
/* sorted by (room, start), as event_load leaves them */
static struct session sessions[] = {
    {"am", 0, "Morning", 0, 0, 150},  /* 09:00-10:00, 1.5 credits */
    {"pm", 0, "Afternoon", 0, 0, -1}, /* 13:00-14:00, no credits */
    {"lab", 1, "Lab", 0, 0, 25},      /* 10:00-11:00, 0.25 credits */
};
static const char *const times[][2] = {{DAY "09:00:00Z", DAY "10:00:00Z"},
                                       {DAY "13:00:00Z", DAY "14:00:00Z"},
                                       {DAY "10:00:00Z", DAY "11:00:00Z"}};
static struct attendee attendees[] = {
    {"A1", 1, "One", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"A2", 2, "Two", "", NULL, LANG_FR, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"A3", 3, "Three", "", NULL, LANG_EN, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"ST", 4, "Staff", "", NULL, LANG_EN, CATEGORY_STAFF, 0, NULL, 0, NULL, 0},
};
static struct event event = {
    .event_id = 1,
    .name = "Test",
    .timezone = "UTC",
    .rooms = rooms,
    .n_rooms = ARRAY_LEN(rooms),
    .sessions = sessions,
    .n_sessions = ARRAY_LEN(sessions),
    .attendees = attendees,
    .n_attendees = ARRAY_LEN(attendees),
};

static int64_t at(const char *iso)
{
    int64_t ms = 0;
    CHECK_MSG(time_parse_iso8601(iso, &ms), "%s", iso);
    return ms;
}

/* Adds a badge scan: admitted into room, or exited from it. */
static void add(struct report_log *log, int64_t seq, const char *hhmm, const char *room,
                const char *attendee, enum scan_result result)
{
    struct scan s = {0};
    snprintf(s.device_id, sizeof s.device_id, "door");
    s.db_epoch = 1;
    s.seq = seq;
    char iso[32];
    snprintf(iso, sizeof iso, DAY "%s:00Z", hhmm);
    s.wall_ms = at(iso);
    snprintf(s.room, sizeof s.room, "%s", room);
    snprintf(s.attendee, sizeof s.attendee, "%s", attendee);
    s.kind = SCAN_BADGE;
    s.mode = MODE_TOGGLE;
    s.result = result;
    report_log_add(log, &s, s.wall_ms);
}

int main(void)
{
    for (size_t i = 0; i < ARRAY_LEN(sessions); i++) {
        sessions[i].start_ms = at(times[i][0]);
        sessions[i].end_ms = at(times[i][1]);
    }
    event_index_build(&event);
    struct report_log *log = report_log_create();
    /* A1: the morning from 08:50 until its end (60), into the lab at 10:05, out at 10:50 (45 of
     * 60: 75%), the afternoon from 13:10 (50 of 60: 83%). */
    add(log, 1, "08:50", "aula", "A1", RESULT_ADMITTED);
    add(log, 2, "10:05", "lab", "A1", RESULT_ADMITTED);
    add(log, 3, "10:50", "lab", "A1", RESULT_EXITED);
    add(log, 4, "13:10", "aula", "A1", RESULT_ADMITTED);
    /* A2: the morning from 09:00, leaves for the lab at 09:40 (implicit exit: 40 of 60), the
     * lab until its end (from 10:00: 60). */
    add(log, 5, "09:00", "aula", "A2", RESULT_ADMITTED);
    add(log, 6, "09:40", "lab", "A2", RESULT_ADMITTED);
    /* A3: refused, never admitted; staff: in the morning all along. */
    add(log, 7, "09:00", "aula", "A3", RESULT_DENIED);
    add(log, 8, "08:55", "aula", "ST", RESULT_ADMITTED);
    struct report *r = report_compute(&event, log);

    struct certificate_set set;
    certificate_set_compute(&set, r, 80);
    CHECK(set.any_credits && set.n == 2);
    if (set.n == 2) {
        const struct certificate *c1 = &set.items[0], *c2 = &set.items[1];
        CHECK(c1->attendee == 0 && c1->n_sessions == 2 && c1->minutes == 110);
        CHECK(c1->sessions[0].session == 0 && c1->sessions[0].minutes == 60 &&
              c1->sessions[0].credits_centi == 150);
        CHECK(c1->sessions[1].session == 1 && c1->sessions[1].minutes == 50 &&
              c1->sessions[1].credits_centi == 0);
        CHECK(c1->credits_centi == 150);
        CHECK(c2->attendee == 1 && c2->n_sessions == 1 && c2->sessions[0].session == 2);
        CHECK(c2->minutes == 60 && c2->credits_centi == 25);
    }
    certificate_set_finish(&set);
    /* At 40%: A1's lab (75%) and A2's morning (40 of 60) count too, in time order. */
    certificate_set_compute(&set, r, 40);
    CHECK(set.n == 2 && set.items[0].n_sessions == 3 && set.items[0].minutes == 155);
    CHECK(set.n == 2 && set.items[0].sessions[1].session == 2);
    CHECK(set.n == 2 && set.items[1].n_sessions == 2 && set.items[1].minutes == 100 &&
          set.items[1].credits_centi == 175);
    certificate_set_finish(&set);
    /* 100%: only whole sessions. */
    certificate_set_compute(&set, r, 100);
    CHECK(set.n == 2 && set.items[0].n_sessions == 1 && set.items[1].n_sessions == 1);
    certificate_set_finish(&set);

    char buf[16];
    certificate_format_credits(150, ',', buf);
    CHECK_STR(buf, "1,5");
    certificate_format_credits(25, '.', buf);
    CHECK_STR(buf, "0.25");
    certificate_format_credits(400, '.', buf);
    CHECK_STR(buf, "4");
    certificate_format_credits(0, '.', buf);
    CHECK_STR(buf, "0");
    report_destroy(r);
    report_log_destroy(log);
    event_index_finish(&event);
    return check_done();
}
