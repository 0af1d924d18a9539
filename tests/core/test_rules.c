/* SPDX-License-Identifier: Apache-2.0 */
/* The decision rules, as a table of scenarios: each a sequence of scans at given times (ISO 8601
 * with offsets) at given kiosks, with the expected decision and the occupancy after it. Every
 * scenario starts from an empty log; all kiosks of a scenario share one merged log. */
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "occupancy.h"
#include "occupancy_reference.h"
#include "rules.h"
#include "scan_clock.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"

#define EVENT_ID 4242

/* ---- The event: built in memory. ---- */

static struct room rooms[] = {
    {"aula", "Aula", 3},
    {"room-2", "Room 2.14", 2},
    {"dst", "Clock room", 5},
};

enum { S_AULA_AM, S_AULA_PM, S_R2_AM, S_SPRING, S_AUTUMN, S_MIDNIGHT, N_SESSIONS };
static const char *const session_times[N_SESSIONS][2] = {
    {"2024-04-22T10:00:00+02:00", "2024-04-22T11:00:00+02:00"},
    {"2024-04-22T11:30:00+02:00", "2024-04-22T12:30:00+02:00"},
    {"2024-04-22T10:00:00+02:00", "2024-04-22T11:00:00+02:00"},
    /* Spring forward: 02:00 CET becomes 03:00 CEST; one hour of absolute time. */
    {"2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00"},
    /* Fall back: the end reads earlier on the wall than the start; 45 minutes. */
    {"2024-10-27T02:30:00+02:00", "2024-10-27T02:15:00+01:00"},
    /* Across midnight. */
    {"2024-04-22T23:30:00+02:00", "2024-04-23T00:30:00+02:00"},
};
static struct session sessions[N_SESSIONS] = {
    {"aula-am", 0, "Morning", 0, 0, -1},   {"aula-pm", 0, "Afternoon", 0, 0, -1},
    {"r2-am", 1, "Workshop", 0, 0, -1},    {"dst-spring", 2, "Spring", 0, 0, -1},
    {"dst-autumn", 2, "Autumn", 0, 0, -1}, {"midnight", 2, "Late", 0, 0, -1},
};

static size_t reg_aula_am[] = {S_AULA_AM};
static size_t reg_r2[] = {S_R2_AM};

static struct attendee attendees[] = {
    {"A1", 1, "Françoise Dieudonné", "", NULL, LANG_FR, CATEGORY_ATTENDEE, 0, reg_aula_am, 1, NULL,
     0},
    {"A2", 2, "Jürgen Çelik", "", NULL, LANG_EN, CATEGORY_ATTENDEE, 0, reg_aula_am, 1, NULL, 0},
    {"A3", 3, "Ngọc Anh", "", NULL, LANG_EN, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"A4", 4, "محمد", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"A5", 5, "Eva", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"SP", 6, "Speaker", "", NULL, LANG_NL, CATEGORY_SPEAKER, 0, NULL, 0, NULL, 0},
    {"ST", 7, "Staff", "", NULL, LANG_NL, CATEGORY_STAFF, 0, reg_aula_am, 1, NULL, 0},
    {"PR", 8, "Press", "", NULL, LANG_NL, CATEGORY_PRESS, 0, NULL, 0, NULL, 0},
    {"R9", 9, "Reissued", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 1, NULL, 0, NULL, 0},
    {"A10", 10, "Registered r2", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, reg_r2, 1, NULL, 0},
};
#define N_ATTENDEES ARRAY_LEN(attendees)

static struct revocation revocations[] = {{9, 0}};

static struct event event = {
    .event_id = EVENT_ID,
    .name = "Test event",
    .timezone = "Europe/Brussels",
    .rooms = rooms,
    .n_rooms = ARRAY_LEN(rooms),
    .sessions = sessions,
    .n_sessions = N_SESSIONS,
    .attendees = attendees,
    .n_attendees = N_ATTENDEES,
    .revocations = revocations,
    .n_revocations = ARRAY_LEN(revocations),
};

static uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
static char tokens[N_ATTENDEES][TOKEN_TEXT_LEN + 1];

/* Parses an ISO 8601 time or fails the test. */
static int64_t at(const char *iso)
{
    int64_t ms = 0;
    bool ok = time_parse_iso8601(iso, &ms);
    CHECK_MSG(ok, "bad time in test: %s", iso);
    return ms;
}

/* Makes a token or fails the test. */
static void make_token(uint32_t event_id, uint32_t num, uint32_t serial, char *out)
{
    struct token t = {.event_id = event_id, .attendee_num = num, .serial = serial};
    bool ok = token_encode(&t, sk, out);
    CHECK(ok);
}

/* Fills in session times and every attendee's token. */
static void setup(void)
{
    CHECK(token_init());
    token_keypair(pk, sk);
    event.key_id = token_key_id(pk);
    event_index_build(&event);
    for (size_t s = 0; s < N_SESSIONS; s++) {
        sessions[s].start_ms = at(session_times[s][0]);
        sessions[s].end_ms = at(session_times[s][1]);
    }
    CHECK(sessions[S_SPRING].end_ms - sessions[S_SPRING].start_ms == 3600 * 1000);
    CHECK(sessions[S_AUTUMN].end_ms - sessions[S_AUTUMN].start_ms == 45 * 60 * 1000);
    for (size_t a = 0; a < N_ATTENDEES; a++)
        make_token(EVENT_ID, attendees[a].num, attendees[a].serial, tokens[a]);
}

/* ---- Scenarios. ---- */

/* One step. kiosk is "room/mode" or "room/mode@device" (device "d1" by default). badge is an
 * attendee id or a special payload or action:
 *   !old (revoked badge of R9), !unknown (number 999), !wrong (another event), !garbage,
 *   !tampered (A3's token, one character changed), !empty, !short (A3's token cut);
 *   !close, !open, !+1, !-1 (staff actions at the kiosk's room); !count (only checks the
 *   occupancy); !end (records the session-end exits due; expect "exits:N").
 * expect is "result/reason[/override]" or "ignored". occupancy is the count of the kiosk's room
 * (venue total at the entrance) after the step, or -1. session, when not NULL, is the session
 * the decision must name ("" for none). */
struct step {
    const char *kiosk;
    const char *time;
    const char *badge;
    const char *expect;
    int occupancy;
    const char *session;
};

struct scenario {
    const char *name;
    struct step steps[12];
};

#define DAY "2024-04-22T"
#define TZ  "+02:00"

static const struct scenario scenarios[] = {
    /* The entrance. */
    {"entrance entry: check-in then re-entry",
     {{"entrance/entry", DAY "09:00:00" TZ, "A3", "admitted/ok", 1, ""},
      {"entrance/entry", DAY "09:30:00" TZ, "A3", "admitted/reentry", 1, ""}}},
    {"entrance exit, and exit again",
     {{"entrance/entry", DAY "09:00:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"entrance/exit", DAY "12:00:00" TZ, "A3", "exited/ok", 0, NULL},
      {"entrance/exit", DAY "12:01:00" TZ, "A3", "exited/duplicate", 0, NULL},
      {"entrance/entry", DAY "13:00:00" TZ, "A3", "admitted/reentry", 1, NULL}}},
    {"entrance toggle alternates",
     {{"entrance/toggle", DAY "09:00:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"entrance/toggle", DAY "10:00:00" TZ, "A3", "exited/ok", 0, NULL},
      {"entrance/toggle", DAY "10:05:00" TZ, "A3", "admitted/reentry", 1, NULL},
      {"entrance/toggle", DAY "10:06:00" TZ, "A4", "admitted/ok", 2, NULL}}},
    {"entrance: staff checked in but not counted",
     {{"entrance/entry", DAY "08:00:00" TZ, "ST", "admitted/ok", 0, NULL},
      {"entrance/entry", DAY "08:01:00" TZ, "A3", "admitted/ok", 1, NULL}}},
    {"entrance exit of someone never seen changes nothing: not ok",
     {{"entrance/exit", DAY "09:00:00" TZ, "A4", "exited/duplicate", 0, NULL}}},
    {"entrance toggle: in a room but never checked in",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, "aula-am"},
      {"entrance/toggle", DAY "10:40:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:41:00" TZ, "!count", NULL, 0, NULL}}},
    {"entrance manual adjustments",
     {{"entrance/entry", DAY "09:00:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"entrance/entry", DAY "09:01:00" TZ, "!+1", NULL, 2, NULL},
      {"entrance/entry", DAY "09:02:00" TZ, "!-1", NULL, 1, NULL},
      {"entrance/entry", DAY "09:03:00" TZ, "!-1", NULL, 0, NULL},
      {"entrance/entry", DAY "09:04:00" TZ, "!-1", NULL, 0, NULL}}},

    /* Room doors. */
    {"room entry names the running session",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, "aula-am"}}},
    {"room full",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:23:00" TZ, "PR", "denied/room_full", 3, "aula-am"}}},
    {"an exit frees a seat (two doors)",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/exit@d2", DAY "10:30:00" TZ, "A5", "exited/ok", 2, NULL},
      {"aula/entry", DAY "10:31:00" TZ, "PR", "admitted/ok", 3, NULL}}},
    {"room toggle",
     {{"aula/toggle", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/toggle", DAY "10:30:00" TZ, "A3", "exited/ok", 0, NULL},
      {"aula/toggle", DAY "10:40:00" TZ, "A3", "admitted/ok", 1, NULL}}},
    {"room exit twice",
     {{"aula/entry", DAY "10:19:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/exit", DAY "10:20:00" TZ, "A3", "exited/ok", 0, NULL},
      {"aula/exit", DAY "10:25:00" TZ, "A3", "exited/duplicate", 0, NULL}}},
    {"room exit of someone not inside changes nothing: not ok",
     {{"aula/exit", DAY "10:20:00" TZ, "A3", "exited/duplicate", 0, NULL},
      {"room-2/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 1, NULL},
      {"aula/exit", DAY "10:22:00" TZ, "A4", "exited/duplicate", 0, NULL},
      {"aula/entry", DAY "10:23:00" TZ, "A5", "admitted/ok", 1, NULL},
      {"aula/exit", DAY "11:05:00" TZ, "A5", "exited/duplicate", 0, NULL}}},
    {"room entry while inside is a duplicate",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry@d2", DAY "10:25:00" TZ, "A3", "admitted/duplicate", 1, NULL}}},
    {"duplicate entry into a full room is not refused",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:00" TZ, "A3", "admitted/duplicate", 3, NULL}}},
    {"room re-entry after an exit",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/exit", DAY "10:25:00" TZ, "A3", "exited/ok", 0, NULL},
      {"aula/entry", DAY "10:30:00" TZ, "A3", "admitted/ok", 1, NULL}}},

    /* Staff override. */
    {"staff override within 10 s",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:00" TZ, "PR", "denied/room_full", 3, NULL},
      {"aula/entry", DAY "10:30:05" TZ, "ST", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:12" TZ, "PR", "admitted/ok/override", 4, NULL}}},
    {"staff override at exactly 10 s",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:00" TZ, "ST", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:10" TZ, "PR", "admitted/ok/override", 4, NULL}}},
    {"staff override expired after 10 s",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:00" TZ, "ST", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:10.001" TZ, "PR", "denied/room_full", 3, NULL}}},
    {"staff override is used once",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:00" TZ, "ST", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:02" TZ, "PR", "admitted/ok/override", 4, NULL},
      {"aula/entry", DAY "10:30:04" TZ, "A1", "denied/room_full", 4, NULL}}},
    {"staff override stays armed until needed",
     {{"aula/entry", DAY "10:20:00" TZ, "ST", "admitted/ok", 0, NULL},
      {"aula/entry", DAY "10:20:01" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:20:02" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:20:03" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:20:05" TZ, "PR", "admitted/ok/override", 4, NULL}}},
    {"staff override at another kiosk does not count",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry@d2", DAY "10:30:00" TZ, "ST", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:30:02" TZ, "PR", "denied/room_full", 3, NULL}}},
    {"staff override of a reserved seat",
     {{"aula/entry", DAY "10:00:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:01:00" TZ, "A4", "denied/not_registered", 1, NULL},
      {"aula/entry", DAY "10:01:10" TZ, "ST", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:01:15" TZ, "A4", "admitted/ok/override", 2, NULL}}},
    {"no override into a closed room",
     {{"aula/entry", DAY "10:20:00" TZ, "!close", NULL, 0, NULL},
      {"aula/entry", DAY "10:20:01" TZ, "ST", "admitted/ok", 0, NULL},
      {"aula/entry", DAY "10:20:02" TZ, "A3", "denied/room_closed", 0, NULL}}},
    {"staff never refused, never counted",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:23:00" TZ, "ST", "admitted/ok", 3, NULL},
      {"aula/exit", DAY "10:24:00" TZ, "ST", "exited/ok", 3, NULL}}},
    {"speakers count but are never refused",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:23:00" TZ, "SP", "admitted/ok", 4, NULL},
      {"aula/entry", DAY "10:24:00" TZ, "PR", "denied/room_full", 4, NULL}}},
    {"speakers enter a closed room",
     {{"aula/entry", DAY "10:20:00" TZ, "!close", NULL, 0, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "SP", "admitted/ok", 1, NULL}}},

    /* Reserved seats (aula-am: A1 and A2 registered, and staff who do not count; capacity 3). */
    {"reserved seats: a walk-in refused before the release",
     {{"aula/entry", DAY "10:00:00" TZ, "A3", "admitted/ok", 1, "aula-am"},
      {"aula/entry", DAY "10:01:00" TZ, "A4", "denied/not_registered", 1, "aula-am"},
      {"aula/entry", DAY "10:02:00" TZ, "A1", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:03:00" TZ, "A2", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:04:00" TZ, "A4", "denied/room_full", 3, NULL},
      {"aula/entry", DAY "10:05:00" TZ, "SP", "admitted/ok", 4, NULL}}},
    {"reserved seats: a walk-in fits beside the reservations",
     {{"aula/entry", DAY "10:00:00" TZ, "A1", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:01:00" TZ, "A3", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:02:00" TZ, "A4", "denied/not_registered", 2, NULL},
      {"aula/entry", DAY "10:03:00" TZ, "A2", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:04:00" TZ, "A5", "denied/room_full", 3, NULL}}},
    {"reserved seats released at start + 10 min",
     {{"aula/entry", DAY "10:05:00" TZ, "A5", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:09:59.999" TZ, "A3", "denied/not_registered", 1, NULL},
      {"aula/entry", DAY "10:10:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:11:00" TZ, "PR", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:12:00" TZ, "A1", "denied/room_full", 3, NULL}}},
    {"reserved seats in the lead window before the start",
     {{"aula/entry", DAY "09:44:59" TZ, "A3", "admitted/ok", 1, ""},
      {"aula/entry", DAY "09:45:00" TZ, "A4", "denied/not_registered", 1, "aula-am"},
      {"aula/entry", DAY "09:46:00" TZ, "A1", "admitted/ok", 2, "aula-am"}}},
    {"a registered attendee who stepped out keeps the seat",
     {{"aula/entry", DAY "10:00:00" TZ, "A5", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:01:00" TZ, "A1", "admitted/ok", 2, NULL},
      {"aula/exit", DAY "10:02:00" TZ, "A1", "exited/ok", 1, NULL},
      {"aula/entry", DAY "10:03:00" TZ, "A3", "denied/not_registered", 1, NULL}}},

    /* Implicit exit. */
    {"entering a room leaves the other one",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"room-2/entry", DAY "10:25:00" TZ, "A3", "admitted/ok", 1, "r2-am"},
      {"aula/entry", DAY "10:25:01" TZ, "!count", NULL, 0, NULL}}},
    {"an implicit exit frees a seat in a full room",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A5", "admitted/ok", 3, NULL},
      {"room-2/entry", DAY "10:30:00" TZ, "A5", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:31:00" TZ, "PR", "admitted/ok", 3, NULL}}},
    {"entrance exit leaves the room too",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"entrance/exit", DAY "10:30:00" TZ, "A3", "exited/ok", 0, NULL},
      {"aula/entry", DAY "10:30:01" TZ, "!count", NULL, 0, NULL}}},

    /* Session ends. */
    {"session end lets everyone out",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "ST", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:59:59.999" TZ, "!count", NULL, 2, NULL},
      {"aula/entry", DAY "10:59:59.999" TZ, "!end", "exits:0", 2, NULL},
      {"aula/entry", DAY "11:00:00" TZ, "!count", NULL, 0, NULL},
      {"aula/entry", DAY "11:00:00" TZ, "!end", "exits:0", 0, NULL},
      {"aula/entry", DAY "11:00:00.001" TZ, "!end", "exits:3", 0, NULL},
      {"aula/entry", DAY "11:05:00" TZ, "!end", "exits:0", 0, NULL}}},
    {"admitted at the exact end instant: the session's, let out by its end",
     {{"aula/entry", DAY "10:20:00" TZ, "A4", "admitted/ok", 1, "aula-am"},
      {"aula/entry", DAY "11:00:00" TZ, "A3", "admitted/ok", 0, "aula-am"},
      {"aula/entry", DAY "11:00:00" TZ, "!count", NULL, 0, NULL},
      {"aula/entry", DAY "11:00:00.001" TZ, "!end", "exits:2", 0, NULL},
      {"aula/entry", DAY "11:30:00" TZ, "!count", NULL, 0, NULL}}},
    {"session end recorded once across kiosks",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "11:01:00" TZ, "!end", "exits:1", 0, NULL},
      {"aula/exit@d2", DAY "11:02:00" TZ, "!end", "exits:0", 0, NULL}}},
    {"session end skips those who left",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A4", "admitted/ok", 2, NULL},
      {"room-2/entry", DAY "10:30:00" TZ, "A4", "admitted/ok", 1, NULL},
      {"aula/exit", DAY "10:31:00" TZ, "A3", "exited/ok", 0, NULL},
      {"aula/entry", DAY "11:00:01" TZ, "!end", "exits:0", 0, NULL},
      {"room-2/entry", DAY "11:00:01" TZ, "!end", "exits:1", 0, NULL}}},
    {"after a session end, the next session admits afresh",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, "aula-am"},
      {"aula/entry", DAY "11:20:00" TZ, "A3", "admitted/ok", 1, "aula-pm"}}},

    /* Between sessions. */
    {"between sessions: admitted without a session, counted into the next",
     {{"aula/entry", DAY "11:05:00" TZ, "A3", "admitted/ok", 1, ""},
      {"aula/entry", DAY "11:45:00" TZ, "!count", NULL, 1, NULL},
      {"aula/entry", DAY "12:30:00" TZ, "!count", NULL, 0, NULL}}},
    {"between sessions: capacity still holds",
     {{"aula/entry", DAY "11:05:00" TZ, "A3", "admitted/ok", 1, ""},
      {"aula/entry", DAY "11:06:00" TZ, "A4", "admitted/ok", 2, ""},
      {"aula/entry", DAY "11:07:00" TZ, "A5", "admitted/ok", 3, ""},
      {"aula/entry", DAY "11:08:00" TZ, "PR", "denied/room_full", 3, ""}}},
    {"after the last session: counted until they leave",
     {{"room-2/entry", DAY "11:00:01" TZ, "A3", "admitted/ok", 1, ""},
      {"room-2/entry", "2024-04-23T18:00:00+02:00", "!count", NULL, 1, NULL},
      {"room-2/exit", "2024-04-23T18:00:01+02:00", "A3", "exited/ok", 0, NULL}}},

    /* Bad badges. */
    {"revoked badge",
     {{"entrance/entry", DAY "09:00:00" TZ, "!old", "denied/revoked", 0, NULL},
      {"entrance/entry", DAY "09:00:05" TZ, "R9", "admitted/ok", 1, NULL}}},
    {"another event's badge",
     {{"aula/entry", DAY "10:20:00" TZ, "!wrong", "denied/wrong_event", 0, "aula-am"}}},
    {"garbage, tampered, empty and cut payloads",
     {{"aula/entry", DAY "10:20:00" TZ, "!garbage", "denied/invalid", 0, NULL},
      {"aula/entry", DAY "10:20:01" TZ, "!tampered", "denied/invalid", 0, NULL},
      {"aula/entry", DAY "10:20:02" TZ, "!empty", "denied/invalid", 0, NULL},
      {"aula/entry", DAY "10:20:03" TZ, "!short", "denied/invalid", 0, NULL}}},
    {"unknown attendee",
     {{"entrance/entry", DAY "09:00:00" TZ, "!unknown", "denied/unknown_attendee", 0, NULL}}},

    /* The duplicate window. */
    {"repeat within 3 s ignored, window slides",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:20:02.999" TZ, "A3", "ignored", 1, NULL},
      {"aula/entry", DAY "10:20:05.500" TZ, "A3", "ignored", 1, NULL},
      {"aula/entry", DAY "10:20:09" TZ, "A3", "admitted/duplicate", 1, NULL}}},
    {"repeat after exactly 3 s is a new decision",
     {{"entrance/toggle", DAY "09:00:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"entrance/toggle", DAY "09:00:03" TZ, "A3", "exited/ok", 0, NULL}}},
    {"the same badge in lower case is a repeat (a scanner with caps lock)",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:20:01" TZ, "!lower3", "ignored", 1, NULL}}},
    {"garbage repeats are ignored too",
     {{"aula/entry", DAY "10:20:00" TZ, "!garbage", "denied/invalid", 0, NULL},
      {"aula/entry", DAY "10:20:01" TZ, "!garbage", "ignored", 0, NULL}}},
    {"the window is per kiosk",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/exit@d2", DAY "10:20:01" TZ, "A3", "exited/ok", 0, NULL}}},
    {"alternating badges",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:20:01" TZ, "A4", "admitted/ok", 2, NULL},
      {"aula/entry", DAY "10:20:02" TZ, "A3", "ignored", 2, NULL}}},
    {"the same instant written with two offsets",
     {{"entrance/toggle", DAY "10:00:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"entrance/toggle", "2024-04-22T08:00:02Z", "A3", "ignored", 1, NULL},
      {"entrance/toggle", "2024-04-22T09:00:04+01:00", "A3", "ignored", 1, NULL},
      {"entrance/toggle", "2024-04-22T09:00:07.5+01:00", "A3", "exited/ok", 0, NULL}}},

    /* Closed rooms. */
    {"closed room refuses, reopened room admits",
     {{"aula/entry", DAY "10:20:00" TZ, "!close", NULL, 0, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "A3", "denied/room_closed", 0, NULL},
      {"aula/entry@d2", DAY "10:22:00" TZ, "!open", NULL, 0, NULL},
      {"aula/entry", DAY "10:23:00" TZ, "A3", "admitted/ok", 1, NULL}}},
    {"leaving a closed room",
     {{"aula/entry", DAY "10:20:00" TZ, "A3", "admitted/ok", 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "!close", NULL, 1, NULL},
      {"aula/exit", DAY "10:22:00" TZ, "A3", "exited/ok", 0, NULL},
      {"aula/toggle", DAY "10:23:00" TZ, "A3", "denied/room_closed", 0, NULL}}},
    {"manual adjustments in a room expire with the session",
     {{"aula/entry", DAY "10:20:00" TZ, "!+1", NULL, 1, NULL},
      {"aula/entry", DAY "10:21:00" TZ, "!+1", NULL, 2, NULL},
      {"aula/entry", DAY "10:22:00" TZ, "A3", "admitted/ok", 3, NULL},
      {"aula/entry", DAY "10:23:00" TZ, "A4", "denied/room_full", 3, NULL},
      {"aula/entry", DAY "10:24:00" TZ, "!-1", NULL, 2, NULL},
      {"aula/entry", DAY "11:00:00" TZ, "!count", NULL, 0, NULL}}},

    /* Midnight, time zones, daylight saving time. */
    {"spring forward: session matched across the change",
     {{"dst/entry", "2024-03-31T01:20:00+01:00", "A3", "admitted/ok", 1, "dst-spring"},
      {"dst/entry", "2024-03-31T03:10:00+02:00", "A4", "admitted/ok", 2, "dst-spring"},
      {"dst/entry", "2024-03-31T03:29:59+02:00", "!count", NULL, 2, NULL},
      {"dst/entry", "2024-03-31T01:30:00Z", "!count", NULL, 0, NULL},
      {"dst/entry", "2024-03-31T03:30:01+02:00", "A5", "admitted/ok", 1, ""},
      {"dst/entry", "2024-03-31T03:31:00+02:00", "!end", "exits:2", 1, NULL}}},
    {"fall back: the same wall time twice",
     {{"dst/entry", "2024-10-27T02:20:00+02:00", "A3", "admitted/ok", 1, "dst-autumn"},
      {"dst/entry", "2024-10-27T02:10:00+01:00", "A4", "admitted/ok", 2, "dst-autumn"},
      {"dst/entry", "2024-10-27T02:14:59+01:00", "!count", NULL, 2, NULL},
      {"dst/entry", "2024-10-27T02:20:00+01:00", "A5", "admitted/ok", 1, ""}}},
    {"across midnight",
     {{"dst/entry", "2024-04-22T21:50:00Z", "A3", "admitted/ok", 1, "midnight"},
      {"dst/entry", "2024-04-23T00:10:00+02:00", "A4", "admitted/ok", 2, "midnight"},
      {"dst/entry", "2024-04-23T00:29:59+02:00", "!count", NULL, 2, NULL},
      {"dst/entry", "2024-04-22T22:30:00Z", "!count", NULL, 0, NULL}}},
};

struct kiosk {
    const char *name;
    struct rules *rules;
    size_t room;
    char device[SCAN_ID_MAX];
};

struct run {
    struct occupancy *occ;
    struct kiosk kiosks[8];
    size_t n_kiosks;
    struct scan log[64];
    size_t n_log;
    int64_t seq;
};

/* Returns the kiosk named name ("room/mode[@device]"), creating it on first use. */
static struct kiosk *kiosk_get(struct run *run, const char *name)
{
    for (size_t i = 0; i < run->n_kiosks; i++) {
        if (strcmp(run->kiosks[i].name, name) == 0)
            return &run->kiosks[i];
    }
    char room[32], mode[32], device[32] = "d1";
    const char *slash = strchr(name, '/'), *at = strchr(name, '@');
    snprintf(room, sizeof room, "%.*s", (int)(slash - name), name);
    snprintf(mode, sizeof mode, "%.*s", (int)((at ? at : name + strlen(name)) - slash - 1),
             slash + 1);
    if (at != NULL)
        snprintf(device, sizeof device, "%s", at + 1);
    enum kiosk_mode m = MODE_ENTRY;
    CHECK(kiosk_mode_parse(mode, &m));
    struct kiosk *k = &run->kiosks[run->n_kiosks++];
    k->name = name;
    k->rules = rules_create(&event, pk, NULL, room, m, device);
    CHECK_MSG(k->rules != NULL, "rules_create %s", name);
    k->room = occupancy_room_index(run->occ, room);
    snprintf(k->device, sizeof k->device, "%s", device);
    return k;
}

/* Stores a scan in the log (with a key) and folds it. */
static void record(struct run *run, struct scan *s)
{
    s->db_epoch = 1;
    s->seq = ++run->seq;
    CHECK(occupancy_apply(run->occ, s));
    if (run->n_log < ARRAY_LEN(run->log))
        run->log[run->n_log++] = *s;
}

/* The payload a step's badge stands for. */
static size_t payload_of(const char *badge, char *buf)
{
    if (strcmp(badge, "!old") == 0) {
        make_token(EVENT_ID, 9, 0, buf);
    } else if (strcmp(badge, "!unknown") == 0) {
        make_token(EVENT_ID, 999, 0, buf);
    } else if (strcmp(badge, "!wrong") == 0) {
        make_token(777, 3, 0, buf);
    } else if (strcmp(badge, "!garbage") == 0) {
        memcpy(buf, "\0\xff GARBAGE\n\r", 12);
        return 12;
    } else if (strcmp(badge, "!tampered") == 0) {
        strcpy(buf, tokens[2]);
        buf[40] = buf[40] == 'A' ? 'B' : 'A';
    } else if (strcmp(badge, "!empty") == 0) {
        return 0;
    } else if (strcmp(badge, "!lower3") == 0) { /* A3's badge typed with caps lock on */
        strcpy(buf, tokens[2]);
        for (char *c = buf; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    } else if (strcmp(badge, "!short") == 0) {
        strcpy(buf, tokens[2]);
        return TOKEN_TEXT_LEN - 8;
    }
    return strlen(buf);
}

/* True for the staff actions !close, !open, !+1, !-1. */
static bool is_action(const char *badge)
{
    return strcmp(badge, "!close") == 0 || strcmp(badge, "!open") == 0 ||
           strcmp(badge, "!+1") == 0 || strcmp(badge, "!-1") == 0;
}

/* Runs one step of a scenario. */
static void run_step(struct run *run, const char *scenario, size_t i, const struct step *st)
{
    struct kiosk *k = kiosk_get(run, st->kiosk);
    if (k->rules == NULL)
        return;
    int64_t t = at(st->time);
    char what[128];
    snprintf(what, sizeof what, "%s, step %zu (%s %s)", scenario, i + 1, st->kiosk, st->badge);

    if (strcmp(st->badge, "!end") == 0) {
        size_t n = 0;
        struct scan *exits = rules_session_end_exits(k->rules, run->occ, t, &n);
        for (size_t j = 0; j < n; j++) {
            CHECK(exits[j].kind == SCAN_SESSION_END && exits[j].result == RESULT_EXITED);
            record(run, &exits[j]);
        }
        free(exits);
        char got[32];
        snprintf(got, sizeof got, "exits:%zu", n);
        CHECK_MSG(strcmp(got, st->expect) == 0, "%s: got %s", what, got);
    } else if (is_action(st->badge)) {
        struct scan s = {0};
        snprintf(s.device_id, sizeof s.device_id, "%s", k->device);
        snprintf(s.room, sizeof s.room, "%s",
                 k->room == OCCUPANCY_ENTRANCE ? "entrance" : rooms[k->room].id);
        s.wall_ms = t;
        s.kind = st->badge[1] == '+' || st->badge[1] == '-' ? SCAN_MANUAL
                 : strcmp(st->badge, "!close") == 0         ? SCAN_ROOM_CLOSE
                                                            : SCAN_ROOM_OPEN;
        s.result = st->badge[1] == '-' ? RESULT_EXITED : RESULT_ADMITTED;
        record(run, &s);
    } else if (strcmp(st->badge, "!count") != 0) {
        char buf[256] = "";
        size_t len;
        if (st->badge[0] == '!') {
            len = payload_of(st->badge, buf);
        } else {
            size_t a = occupancy_attendee_index(run->occ, st->badge);
            CHECK_MSG(a != OCCUPANCY_NONE, "%s: no attendee", what);
            if (a == OCCUPANCY_NONE)
                return;
            strcpy(buf, tokens[a]);
            len = strlen(buf);
        }
        struct scan s;
        memset(&s, 0x5a, sizeof s);
        struct rules_verdict v;
        enum rules_outcome o =
            rules_decide(k->rules, run->occ, (const uint8_t *)buf, len, t, &s, &v);
        if (o == RULES_IGNORED) {
            CHECK_MSG(strcmp(st->expect, "ignored") == 0, "%s: ignored, expected %s", what,
                      st->expect);
        } else {
            char got[96];
            snprintf(got, sizeof got, "%s/%s%s", scan_result_name(s.result),
                     scan_reason_name(s.reason), s.override ? "/override" : "");
            CHECK_MSG(strcmp(got, st->expect) == 0, "%s: got %s, expected %s", what, got,
                      st->expect);
            CHECK(s.kind == SCAN_BADGE && s.wall_ms == t);
            CHECK_STR(s.device_id, k->device);
            if (st->session != NULL)
                CHECK_MSG(strcmp(s.session, st->session) == 0,
                          "%s: session \"%s\", expected \"%s\"", what, s.session, st->session);
            if (st->badge[0] != '!')
                CHECK_MSG(strcmp(s.attendee, st->badge) == 0 && v.attendee != NULL &&
                              strcmp(v.attendee->id, st->badge) == 0,
                          "%s: attendee %s", what, s.attendee);
            record(run, &s);
            int after = occupancy_room_count(run->occ, k->room, t);
            CHECK_MSG(v.occupancy == after, "%s: verdict occupancy %d, counted %d", what,
                      v.occupancy, after);
            CHECK(v.capacity == (k->room == OCCUPANCY_ENTRANCE ? 0 : rooms[k->room].capacity));
        }
    }
    if (st->occupancy >= 0) {
        int n = occupancy_room_count(run->occ, k->room, t);
        CHECK_MSG(n == st->occupancy, "%s: occupancy %d, expected %d", what, n, st->occupancy);
    }
    /* The incremental counts agree with the from-scratch derivation at every step. */
    int ref[ARRAY_LEN(rooms)], na[N_SESSIONS], venue, checked;
    occupancy_reference(&event, run->log, run->n_log, t, ref, na, &venue, &checked);
    for (size_t r = 0; r < ARRAY_LEN(rooms); r++)
        CHECK_MSG(ref[r] == occupancy_room_count(run->occ, r, t), "%s: room %zu", what, r);
    for (size_t s = 0; s < N_SESSIONS; s++)
        CHECK_MSG(na[s] == occupancy_registered_not_arrived(run->occ, s, t), "%s: session %zu",
                  what, s);
    CHECK(venue == occupancy_venue_inside(run->occ, t));
    CHECK(checked == occupancy_checked_in(run->occ));
}

/* Runs every scenario of the table. */
static void test_scenarios(void)
{
    CHECK(ARRAY_LEN(scenarios) >= 40);
    for (size_t i = 0; i < ARRAY_LEN(scenarios); i++) {
        struct run run = {0};
        run.occ = occupancy_create(&event);
        for (size_t j = 0; j < ARRAY_LEN(scenarios[i].steps) && scenarios[i].steps[j].kiosk; j++)
            run_step(&run, scenarios[i].name, j, &scenarios[i].steps[j]);
        for (size_t k = 0; k < run.n_kiosks; k++)
            rules_destroy(run.kiosks[k].rules);
        occupancy_destroy(run.occ);
    }
}

/* Details the table does not show: ids filled or not, creation errors, NULL payloads. */
static void test_details(void)
{
    struct occupancy *occ = occupancy_create(&event);
    struct rules *r = rules_create(&event, pk, NULL, "entrance", MODE_ENTRY, "door-1");
    CHECK(r != NULL);
    struct scan s;
    struct rules_verdict v;
    char buf[TOKEN_TEXT_LEN + 1];
    int64_t t = at("2024-04-22T09:00:00+02:00");

    make_token(EVENT_ID, 9, 0, buf);
    CHECK(rules_decide(r, occ, (const uint8_t *)buf, strlen(buf), t, &s, &v) == RULES_DECIDED);
    CHECK(s.reason == REASON_REVOKED);
    CHECK_STR(s.attendee, "R9");
    CHECK(v.attendee == &attendees[8]);

    make_token(777, 3, 0, buf);
    CHECK(rules_decide(r, occ, (const uint8_t *)buf, strlen(buf), t, &s, &v) == RULES_DECIDED);
    CHECK(s.reason == REASON_WRONG_EVENT);
    CHECK_STR(s.attendee, "");
    CHECK(v.attendee == NULL);
    CHECK_STR(s.room, "entrance");
    CHECK_STR(s.session, "");

    CHECK(rules_decide(r, occ, NULL, 0, t, &s, &v) == RULES_DECIDED);
    CHECK(s.reason == REASON_INVALID);
    CHECK(rules_decide(r, occ, NULL, 0, t + 1, &s, NULL) == RULES_IGNORED);

    /* A huge payload is just invalid. */
    size_t big = 1 << 20;
    uint8_t *huge = xmalloc(big);
    memset(huge, 'A', big);
    CHECK(rules_decide(r, occ, huge, big, t, &s, &v) == RULES_DECIDED);
    CHECK(s.reason == REASON_INVALID);
    free(huge);

    /* The session-end exits are never due at the entrance. */
    size_t n = 99;
    CHECK(rules_session_end_exits(r, occ, INT64_MAX / 2, &n) == NULL && n == 0);
    rules_destroy(r);

    CHECK(rules_create(&event, pk, NULL, "nowhere", MODE_ENTRY, "d") == NULL);
    CHECK(rules_create(&event, pk, NULL, "aula", MODE_OVERVIEW, "d") == NULL);
    char longid[SCAN_ID_MAX + 1];
    memset(longid, 'x', SCAN_ID_MAX);
    longid[SCAN_ID_MAX] = '\0';
    CHECK(rules_create(&event, pk, NULL, "aula", MODE_ENTRY, longid) == NULL);
    rules_destroy(NULL);

    /* A configured release time: reservations released at the start. */
    struct rules_config cfg;
    rules_config_default(&cfg);
    CHECK(cfg.duplicate_ms == 3000 && cfg.override_ms == 10000);
    CHECK(cfg.session_lead_ms == 15 * 60000 && cfg.reserve_release_ms == 10 * 60000);
    cfg.reserve_release_ms = 0;
    r = rules_create(&event, pk, &cfg, "aula", MODE_ENTRY, "door-2");
    CHECK(r != NULL);
    CHECK(rules_decide(r, occ, (const uint8_t *)tokens[2], TOKEN_TEXT_LEN,
                       at("2024-04-22T09:59:00+02:00"), &s, &v) == RULES_DECIDED);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_OK);
    s.db_epoch = 1;
    s.seq = 1;
    CHECK(occupancy_apply(occ, &s));
    /* 1 inside + 2 reserved = capacity: refused under the default release, not at 0. */
    CHECK(rules_decide(r, occ, (const uint8_t *)tokens[3], TOKEN_TEXT_LEN,
                       at("2024-04-22T09:59:59.999+02:00"), &s, &v) == RULES_DECIDED);
    CHECK(s.reason == REASON_NOT_REGISTERED);
    CHECK(rules_decide(r, occ, (const uint8_t *)tokens[4], TOKEN_TEXT_LEN,
                       at("2024-04-22T10:00:00+02:00"), &s, &v) == RULES_DECIDED);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_OK);
    CHECK(v.session == S_AULA_AM && v.capacity == 3 && v.occupancy == 2);
    rules_destroy(r);
    occupancy_destroy(occ);
}

/* Door A decides attendee a (index into attendees) at now; the scan is stored with seq and
 * folded into A's own view (occ_a) and, as pulled at received (B's clock), into B's (occ_b). */
static struct scan door_decide(struct rules *r, struct occupancy *own, struct occupancy *other,
                               size_t a, int64_t now, int64_t received, int64_t seq)
{
    struct scan s;
    struct rules_verdict v;
    CHECK(rules_decide(r, own, (const uint8_t *)tokens[a], TOKEN_TEXT_LEN, now, &s, &v) ==
          RULES_DECIDED);
    s.db_epoch = 1;
    s.seq = seq;
    CHECK(occupancy_apply(own, &s));
    struct scan pulled = s;
    pulled.received_ms = received;
    if (other != NULL)
        CHECK(occupancy_apply(other, &pulled));
    return s;
}

/* Issue 14: door A of the 3-seat aula is an hour fast and unsynchronised. It admits three
 * people (dated 11:20 on its clock, 10:20 in truth), and door B sees them at 10:21. B lets two
 * of them out at 10:40 (exited/ok, the count drops), the session's end at 11:00 lets the third
 * out at B, and at 11:35 an attendee of the next session is admitted at B, not refused
 * room_full. Before the fix, A's clock dominated at B: the count stayed at 3 and the next
 * session refused everyone. */
static void test_fast_clock(void)
{
    const int64_t hour = 3600 * 1000;
    struct occupancy *occ_a = occupancy_create(&event), *occ_b = occupancy_create(&event);
    occupancy_bound_ahead(occ_a);
    occupancy_bound_ahead(occ_b);
    struct rules *ra = rules_create(&event, pk, NULL, "aula", MODE_ENTRY, "door-a");
    struct rules *rb = rules_create(&event, pk, NULL, "aula", MODE_TOGGLE, "door-b");
    int64_t t = at(DAY "10:20:00" TZ);
    for (size_t i = 0; i < 3; i++) {
        struct scan s = door_decide(ra, occ_a, occ_b, 2 + i, t + hour + (int64_t)i * 1000,
                                    t + 60000, (int64_t)i + 1);
        CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_OK);
    }
    CHECK(occupancy_room_count(occ_b, 0, at(DAY "10:30:00" TZ)) == 3);
    t = at(DAY "10:40:00" TZ);
    for (size_t i = 0; i < 2; i++) {
        struct scan s =
            door_decide(rb, occ_b, NULL, 2 + i, t + (int64_t)i * 1000, 0, (int64_t)i + 1);
        CHECK_MSG(s.result == RESULT_EXITED && s.reason == REASON_OK, "%s/%s",
                  scan_result_name(s.result), scan_reason_name(s.reason));
        CHECK_MSG(occupancy_room_count(occ_b, 0, t + (int64_t)i * 1000) == 1 - (int)i + 1,
                  "count %d after exit %zu", occupancy_room_count(occ_b, 0, t), i + 1);
    }
    size_t n = 0;
    struct scan *ends = rules_session_end_exits(rb, occ_b, at(DAY "11:00:01" TZ), &n);
    CHECK_MSG(n == 1 && ends != NULL && strcmp(ends[0].attendee, "A5") == 0, "%zu exits", n);
    free(ends);
    CHECK(occupancy_room_count(occ_b, 0, at(DAY "11:00:01" TZ)) == 0);
    struct scan s = door_decide(rb, occ_b, NULL, 9, at(DAY "11:35:00" TZ), 0, 3);
    CHECK_MSG(s.result == RESULT_ADMITTED && s.reason == REASON_OK, "A10: %s/%s",
              scan_result_name(s.result), scan_reason_name(s.reason));
    CHECK(occupancy_room_count(occ_b, 0, at(DAY "11:35:00" TZ)) == 1);
    rules_destroy(ra);
    rules_destroy(rb);
    occupancy_destroy(occ_a);
    occupancy_destroy(occ_b);
}

/* Folds A's log (its own scans, then B's pulled ones) into a new occupancy dated by clock. */
static struct occupancy *refold(struct scan_clock *clock, const struct scan *log, size_t n)
{
    struct occupancy *occ = occupancy_create(&event);
    occupancy_bound_ahead(occ);
    occupancy_use_clock(occ, clock);
    for (size_t i = 0; i < n; i++) {
        scan_clock_learn(clock, &log[i]);
        CHECK(occupancy_apply(occ, &log[i]));
    }
    return occ;
}

/* Issue 14, the fast door's own view: door A is an hour fast and unsynchronised. It admits
 * three people to the 3-seat aula at 11:20 by its clock (10:20 in truth, monotonic 1000 s into
 * its boot). Then its sync daemon copies central's anchor of A's boot: A dates its own scans
 * from it (wall = mono + offset) and decides at the anchored time. B's exits at 10:40 count at
 * A, the session end at 11:00 lets the third out at A (A records it), and at 11:35 an attendee
 * of the next session is admitted at A, not refused room_full. Before the fix A's own view kept
 * the three inside until 12:30 and refused everyone. */
static void test_fast_clock_own_view(void)
{
    const int64_t hour = 3600 * 1000, true_0 = at(DAY "10:20:00" TZ);
    const int64_t offset = true_0 - 1000 * 1000; /* wall - mono ms of A's boot */
    struct scan_clock *clock = scan_clock_create();
    struct occupancy *occ = refold(clock, NULL, 0);
    struct rules *ra = rules_create(&event, pk, NULL, "aula", MODE_ENTRY, "door-a");
    struct scan log[8];
    size_t n = 0;
    for (size_t i = 0; i < 3; i++) {
        int64_t mono_ms = 1000 * 1000 + (int64_t)i * 1000;
        struct scan *s = &log[n++];
        struct rules_verdict v;
        CHECK(rules_decide(ra, occ, (const uint8_t *)tokens[2 + i], TOKEN_TEXT_LEN,
                           mono_ms + offset + hour, s, &v) == RULES_DECIDED);
        CHECK(s->result == RESULT_ADMITTED && s->reason == REASON_OK);
        s->db_epoch = 1;
        s->seq = (int64_t)i + 1;
        s->mono_ns = mono_ms * 1000000;
        snprintf(s->boot_id, sizeof s->boot_id, "boot-a");
        CHECK(!scan_clock_learn(clock, s));
        CHECK(occupancy_apply(occ, s));
    }
    CHECK(occupancy_room_count(occ, 0, true_0 + hour) == 3);
    /* The anchor arrives: it re-dates A's folded scans, so A folds its log again. */
    CHECK(scan_clock_set_anchor(clock, "door-a", "boot-a", offset));
    int64_t now_offset;
    CHECK(scan_clock_offset(clock, "door-a", "boot-a", &now_offset) && now_offset == offset);
    /* B (synchronised) let A3 and A4 out at 10:40; A pulled them at 10:40:05. */
    for (size_t i = 0; i < 2; i++) {
        struct scan *s = &log[n++];
        memset(s, 0, sizeof *s);
        snprintf(s->device_id, sizeof s->device_id, "door-b");
        snprintf(s->room, sizeof s->room, "aula");
        snprintf(s->session, sizeof s->session, "aula-am");
        snprintf(s->attendee, sizeof s->attendee, "%s", attendees[2 + i].id);
        snprintf(s->boot_id, sizeof s->boot_id, "boot-b");
        s->db_epoch = 2;
        s->seq = (int64_t)i + 1;
        s->wall_ms = at(DAY "10:40:00" TZ) + (int64_t)i * 1000;
        s->received_ms = at(DAY "10:40:05" TZ);
        s->mono_ns = 77;
        s->clock_synced = true;
        s->mode = MODE_TOGGLE;
        s->kind = SCAN_BADGE;
        s->result = RESULT_EXITED;
    }
    occupancy_destroy(occ);
    occ = refold(clock, log, n);
    /* A's anchored clock: monotonic + offset. */
    CHECK(occupancy_room_count(occ, 0, at(DAY "10:41:00" TZ)) == 1);
    size_t k = 0;
    struct scan *ends = rules_session_end_exits(ra, occ, at(DAY "11:00:01" TZ), &k);
    CHECK_MSG(k == 1 && strcmp(ends[0].attendee, "A5") == 0, "%zu exits", k);
    free(ends);
    CHECK(occupancy_room_count(occ, 0, at(DAY "11:00:01" TZ)) == 0);
    struct scan s;
    struct rules_verdict v;
    CHECK(rules_decide(ra, occ, (const uint8_t *)tokens[9], TOKEN_TEXT_LEN, at(DAY "11:35:00" TZ),
                       &s, &v) == RULES_DECIDED);
    CHECK_MSG(s.result == RESULT_ADMITTED && s.reason == REASON_OK, "A10: %s/%s",
              scan_result_name(s.result), scan_reason_name(s.reason));
    CHECK(v.occupancy == 1);
    rules_destroy(ra);
    occupancy_destroy(occ);
    scan_clock_destroy(clock);
}

/* Brussels in winter, without a tz database: UTC+1. */
static int64_t plus_one_day(int64_t t)
{
    return (t + 3600 * 1000) / (24 * 3600 * 1000LL);
}

/* Multi-day events (issue 17): A5's badge is valid on 14 and 15 March 2025 only. The entrance
 * admits it those days (local dates: 23:30 UTC on the 15th is the 16th in Brussels), refuses
 * it another day with not_today (entry, and a toggle that would admit), still lets it out; a
 * badge without days is valid every day. */
static void test_days(void)
{
    struct attendee *a5 = &attendees[4];
    CHECK(event_attendee_set_days(a5, "2025-03-14;2025-03-15"));
    struct occupancy *occ = occupancy_create(&event);
    occupancy_use_local_day(occ, plus_one_day);
    struct rules_config cfg;
    rules_config_default(&cfg);
    cfg.local_day = plus_one_day;
    struct rules *in = rules_create(&event, pk, &cfg, "entrance", MODE_ENTRY, "door-in");
    struct rules *tg = rules_create(&event, pk, &cfg, "entrance", MODE_TOGGLE, "door-tg");
    struct rules *out = rules_create(&event, pk, &cfg, "entrance", MODE_EXIT, "door-out");
    struct rules *utc = rules_create(&event, pk, NULL, "entrance", MODE_ENTRY, "door-utc");
    CHECK(in != NULL && tg != NULL && out != NULL && utc != NULL);
    const struct {
        struct rules *r;
        size_t attendee;
        const char *time;
        enum scan_result result;
        enum scan_reason reason;
    } steps[] = {
        {in, 4, "2025-03-13T12:00:00+01:00", RESULT_DENIED, REASON_NOT_TODAY},
        {tg, 4, "2025-03-13T12:00:05+01:00", RESULT_DENIED, REASON_NOT_TODAY},
        {in, 3, "2025-03-13T12:00:10+01:00", RESULT_ADMITTED, REASON_OK}, /* A4: no days */
        {in, 4, "2025-03-14T00:10:00+01:00", RESULT_ADMITTED, REASON_OK}, /* 23:10 UTC the 13th */
        {out, 4, "2025-03-14T18:00:00+01:00", RESULT_EXITED, REASON_OK},
        /* A check-in per day: the first entry of a day is ok, not reentry, and at a toggle
         * entrance one still inside since the day before checks in rather than leaves. */
        {tg, 3, "2025-03-14T09:00:00+01:00", RESULT_ADMITTED, REASON_OK},
        {tg, 4, "2025-03-15T09:00:00+01:00", RESULT_ADMITTED, REASON_OK},
        {in, 4, "2025-03-15T11:00:00+01:00", RESULT_ADMITTED, REASON_REENTRY},
        {out, 4, "2025-03-15T18:00:00+01:00", RESULT_EXITED, REASON_OK},
        {utc, 4, "2025-03-16T00:30:00+01:00", RESULT_ADMITTED, REASON_REENTRY}, /* UTC: 15th */
        {out, 4, "2025-03-16T00:40:00+01:00", RESULT_EXITED, REASON_OK},
        {in, 4, "2025-03-16T00:50:00+01:00", RESULT_DENIED, REASON_NOT_TODAY},
    };
    for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
        struct scan s;
        int64_t t = at(steps[i].time);
        CHECK(rules_decide(steps[i].r, occ, (const uint8_t *)tokens[steps[i].attendee],
                           TOKEN_TEXT_LEN, t, &s, NULL) == RULES_DECIDED);
        CHECK_MSG(s.result == steps[i].result && s.reason == steps[i].reason,
                  "days step %zu: %s/%s", i, scan_result_name(s.result),
                  scan_reason_name(s.reason));
        s.db_epoch = 1;
        s.seq = (int64_t)i + 1;
        CHECK(occupancy_apply(occ, &s));
    }
    /* Check-ins by day: each attendee on the date of their latest admission (A4 the 14th, A5
     * the 16th at 00:30 local), the count a kiosk shows for today. */
    CHECK(occupancy_checked_in_on(occ, at("2025-03-14T20:00:00+01:00")) == 1);
    CHECK(occupancy_checked_in_on(occ, at("2025-03-15T20:00:00+01:00")) == 0);
    CHECK(occupancy_checked_in_on(occ, at("2025-03-16T20:00:00+01:00")) == 1);
    CHECK(occupancy_checked_in(occ) == 2);
    rules_destroy(in);
    rules_destroy(tg);
    rules_destroy(out);
    rules_destroy(utc);
    occupancy_destroy(occ);
    CHECK(event_attendee_set_days(a5, NULL) && a5->days == NULL);
}

/* Decides A3's badge at rules r at the time iso, folds it, and returns the scan. */
static struct scan decide_a3(struct rules *r, struct occupancy *occ, const char *iso, int64_t seq,
                             struct rules_verdict *v)
{
    struct scan s;
    CHECK(rules_decide(r, occ, (const uint8_t *)tokens[2], TOKEN_TEXT_LEN, at(iso), &s, v) ==
          RULES_DECIDED);
    s.db_epoch = 1;
    s.seq = seq;
    CHECK(occupancy_apply(occ, &s));
    return s;
}

/* The venue starts afresh each day of a multi-day event (this one has sessions on several
 * dates): A3, checked in on the 22nd and never scanned out, is not inside on the 23rd until
 * their scan that day, which is the 23rd's check-in; a manual +1 of the 22nd is gone too. */
static void test_venue_days(void)
{
    struct occupancy *occ = occupancy_create(&event);
    struct rules *in = rules_create(&event, pk, NULL, "entrance", MODE_ENTRY, "gate-in");
    struct rules *out = rules_create(&event, pk, NULL, "entrance", MODE_EXIT, "gate-out");
    struct rules *tg = rules_create(&event, pk, NULL, "entrance", MODE_TOGGLE, "gate-tg");
    struct rules_verdict v;
    struct scan s = decide_a3(in, occ, "2024-04-22T09:00:00+02:00", 1, &v);
    CHECK(s.result == RESULT_ADMITTED && s.reason == REASON_OK && v.occupancy == 1);
    struct scan plus = {.device_id = "gate-in", .room = "entrance", .db_epoch = 1, .seq = 2};
    plus.wall_ms = at("2024-04-22T09:05:00+02:00");
    plus.kind = SCAN_MANUAL;
    plus.result = RESULT_ADMITTED;
    CHECK(occupancy_apply(occ, &plus));
    int64_t eve = at("2024-04-22T20:00:00+02:00"), morning = at("2024-04-23T08:00:00+02:00");
    CHECK(occupancy_room_count(occ, OCCUPANCY_ENTRANCE, eve) == 2);
    /* The next morning: nobody inside yet, A3 outside. */
    CHECK_MSG(occupancy_room_count(occ, OCCUPANCY_ENTRANCE, morning) == 0, "day 2: %d inside",
              occupancy_room_count(occ, OCCUPANCY_ENTRANCE, morning));
    struct occupancy_place p;
    occupancy_attendee_place(occ, 2, morning, &p);
    CHECK(p.where == OCCUPANCY_OUTSIDE && p.checked_in);
    occupancy_attendee_place(occ, 2, eve, &p);
    CHECK(p.where == OCCUPANCY_VENUE);
    /* An exit scan changes nothing: A3 is not inside. */
    s = decide_a3(out, occ, "2024-04-23T08:00:00+02:00", 3, &v);
    CHECK(s.result == RESULT_EXITED && s.reason == REASON_DUPLICATE && v.occupancy == 0);
    /* The first entrance scan of the day is the day's check-in, at a toggle entrance too. */
    s = decide_a3(tg, occ, "2024-04-23T08:30:00+02:00", 4, &v);
    CHECK_MSG(s.result == RESULT_ADMITTED && s.reason == REASON_OK, "day 2: %s/%s",
              scan_result_name(s.result), scan_reason_name(s.reason));
    CHECK(v.occupancy == 1 && occupancy_room_count(occ, OCCUPANCY_ENTRANCE, morning) == 1);
    CHECK(occupancy_checked_in_on(occ, morning) == 1 && occupancy_checked_in(occ) == 1);
    occupancy_attendee_place(occ, 2, morning, &p);
    CHECK(p.where == OCCUPANCY_VENUE);
    /* Back inside today: the toggle lets A3 out now. */
    s = decide_a3(tg, occ, "2024-04-23T12:00:00+02:00", 5, &v);
    CHECK(s.result == RESULT_EXITED && s.reason == REASON_OK && v.occupancy == 0);
    rules_destroy(in);
    rules_destroy(out);
    rules_destroy(tg);
    occupancy_destroy(occ);
}

int main(void)
{
    setup();
    test_scenarios();
    test_details();
    test_fast_clock();
    test_fast_clock_own_view();
    test_days();
    test_venue_days();
    event_index_finish(&event);
    return check_done();
}
