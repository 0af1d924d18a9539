/* SPDX-License-Identifier: Apache-2.0 */
/* Roster validation on in-memory CSV: what is accepted, defaults, and exact error messages. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "roster.h"
#include "timeutil.h"
#include "util.h"

static const char rooms[] = "id,name,capacity\n"
                            "aula,Aula Magna,120\n"
                            "room-2.14,\"Room 2.14, floor 2\",30\n";
static const char *const room_ids[] = {"aula", "room-2.14"};
static const char *const session_ids[] = {"s1", "s2", "s3"};

/* True when errs holds exactly the lines of want (separated by '\n'), in order. */
static bool errors_are(const struct roster_errors *errs, const char *want)
{
    struct strbuf sb = {0};
    for (size_t i = 0; i < errs->n; i++)
        strbuf_printf(&sb, "%s\n", errs->items[i]);
    bool same = strcmp(sb.data ? sb.data : "", want) == 0;
    if (!same)
        fprintf(stderr, "errors were:\n%s--- expected:\n%s---\n", sb.data ? sb.data : "", want);
    strbuf_finish(&sb);
    return same;
}

static void test_ids(void)
{
    const char *why;
    CHECK(roster_id_valid("aula", NULL));
    CHECK(roster_id_valid("room-2.14", NULL));
    CHECK(roster_id_valid("A_0001", NULL));
    CHECK(!roster_id_valid("", &why) && strcmp(why, "empty") == 0);
    CHECK(!roster_id_valid(".hidden", &why));
    CHECK(!roster_id_valid("a/b", &why));
    CHECK(!roster_id_valid("zaal 3", &why));
    CHECK(!roster_id_valid("caf\xC3\xA9", &why));
    char long_id[65];
    memset(long_id, 'x', 64);
    long_id[64] = '\0';
    CHECK(!roster_id_valid(long_id, &why));
    long_id[63] = '\0';
    CHECK(roster_id_valid(long_id, NULL));
}

static void test_valid(void)
{
    struct roster r = {0};
    struct roster_errors errs = {0};
    CHECK(roster_parse_rooms(&r, "rooms.csv", rooms, sizeof rooms - 1, &errs));
    CHECK(r.n_rooms == 2);
    CHECK_STR(r.rooms[1].name, "Room 2.14, floor 2");
    CHECK(r.rooms[1].capacity == 30 && r.rooms[1].line == 3);

    /* Column order is free, unknown columns are ignored, header case is forgiven. */
    static const char bad_sessions[] =
        "Title,notes,end,start,ROOM,id\n"
        "Opening,x,2024-04-22T10:30:00+02:00,2024-04-22T09:00:00+02:00,aula,s1\n"
        "Next,y,2024-04-22T09:30:00Z,2024-04-22T08:30:00Z,aula,s2\n"; /* back to back */
    CHECK(roster_parse_sessions(&r, "sessions.csv", bad_sessions, sizeof bad_sessions - 1, room_ids,
                                2, &errs));
    CHECK(r.n_sessions == 2);
    CHECK_STR(r.sessions[0].room, "aula");
    CHECK_STR(r.sessions[0].start_text, "2024-04-22T09:00:00+02:00");
    CHECK(r.sessions[0].end_ms - r.sessions[0].start_ms == 90 * 60 * 1000);

    static const char attendees[] =
        "id,name,organisation,email,language,category,sessions\n"
        "A1,Fran\xC3\xA7oise Dieudonn\xC3\xA9,\"ULB, Brussels\",f@example.org,fr,speaker,s1;s2\n"
        "A2,\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF,,,,,\n"
        "A3,Ngo\xCC\xA3\x63 Anh,,,EN,Press, s2 ; ;s1 \n";
    CHECK(roster_parse_attendees(&r, "attendees.csv", attendees, sizeof attendees - 1, session_ids,
                                 3, &errs));
    CHECK(errs.n == 0);
    CHECK(r.n_attendees == 3);
    CHECK_STR(r.attendees[0].name, "Fran\xC3\xA7oise Dieudonn\xC3\xA9");
    CHECK_STR(r.attendees[0].organisation, "ULB, Brussels");
    CHECK(r.attendees[0].language == LANG_FR && r.attendees[0].category == CATEGORY_SPEAKER);
    CHECK(r.attendees[0].n_sessions == 2);
    CHECK(r.attendees[1].email == NULL);
    CHECK(r.attendees[1].language == LANG_NL && r.attendees[1].category == CATEGORY_ATTENDEE);
    CHECK(r.attendees[1].n_sessions == 0);
    CHECK(r.attendees[2].language == LANG_EN && r.attendees[2].category == CATEGORY_PRESS);
    CHECK(r.attendees[2].n_sessions == 2);
    CHECK_STR(r.attendees[2].sessions[0], "s2");
    CHECK_STR(r.attendees[2].sessions[1], "s1");
    roster_finish(&r);
    roster_errors_finish(&errs);
}

static void test_faults(void)
{
    struct roster r = {0};
    struct roster_errors errs = {0};

    static const char bad_rooms[] = "name,id,capacity\n"
                                    "Aula,aula,120\n"
                                    ",entrance,10\n"
                                    "X,aula,0\n"
                                    "Y,,abc\n";
    CHECK(!roster_parse_rooms(&r, "rooms.csv", bad_rooms, sizeof bad_rooms - 1, &errs));
    CHECK(errors_are(&errs,
                     "rooms.csv:3: column 'id': 'entrance' is reserved for the venue entrance; "
                     "give this room another id\n"
                     "rooms.csv:3: column 'name': empty\n"
                     "rooms.csv:4: column 'capacity': 0: must be greater than 0\n"
                     "rooms.csv:4: column 'id': duplicate id 'aula' (first on line 2)\n"
                     "rooms.csv:5: column 'id': empty (every row needs an id)\n"
                     "rooms.csv:5: column 'capacity': 'abc' is not a whole number\n"));
    roster_errors_finish(&errs);

    static const char bad_sessions[] =
        "id,room,title,start,end\n"
        "s1,aula,One,2024-04-22T09:00:00+02:00,2024-04-22T10:00:00+02:00\n"
        "s2,aula,Two,2024-04-22T09:59:00+02:00,2024-04-22T11:00:00+02:00\n"
        "s3,hall,Three,2024-04-22T09:00:00,2024-04-22T08:00:00+02:00\n"
        "s4,aula,,2024-04-22T12:00:00+02:00,2024-04-22T12:00:00+02:00\n";
    CHECK(!roster_parse_sessions(&r, "sessions.csv", bad_sessions, sizeof bad_sessions - 1,
                                 room_ids, 2, &errs));
    CHECK(errors_are(
        &errs, "sessions.csv:3: session 's2' (2024-04-22T09:59:00+02:00 to "
               "2024-04-22T11:00:00+02:00) overlaps session 's1' (line 2, "
               "2024-04-22T09:00:00+02:00 to 2024-04-22T10:00:00+02:00) in room 'aula'\n"
               "sessions.csv:4: column 'room': unknown room 'hall' (not in rooms.csv)\n"
               "sessions.csv:4: column 'start': '2024-04-22T09:00:00' has no UTC offset; add "
               "one, e.g. '2024-04-22T09:00:00+02:00'\n"
               "sessions.csv:5: column 'title': empty\n"
               "sessions.csv:5: column 'end': 2024-04-22T12:00:00+02:00 is not after the start "
               "2024-04-22T12:00:00+02:00\n"));
    roster_errors_finish(&errs);

    static const char bad_attendees[] = "id,name,organisation,email,language,category,sessions\n"
                                        "A1,Ann,,ann.example.org,de,vip,s1;s9;s1\n"
                                        "A2,,,,,,\n"
                                        "A1,Again,,,,,\n"
                                        "A3,Short,\n";
    CHECK(!roster_parse_attendees(&r, "attendees.csv", bad_attendees, sizeof bad_attendees - 1,
                                  session_ids, 3, &errs));
    CHECK(errors_are(&errs,
                     "attendees.csv:2: column 'email': 'ann.example.org' is not an e-mail "
                     "address (no '@')\n"
                     "attendees.csv:2: column 'language': unknown language 'de' (use nl, fr or "
                     "en; empty means nl)\n"
                     "attendees.csv:2: column 'category': unknown category 'vip' (use attendee, "
                     "speaker, staff or press; empty means attendee)\n"
                     "attendees.csv:2: column 'sessions': unknown session 's9'\n"
                     "attendees.csv:2: column 'sessions': session 's1' is listed twice\n"
                     "attendees.csv:3: column 'name': empty\n"
                     "attendees.csv:4: column 'id': duplicate id 'A1' (first on line 2)\n"
                     "attendees.csv:5: 3 fields where the header has 7 (a comma too few?)\n"));
    roster_errors_finish(&errs);

    static const char no_header[] = "\r\n";
    CHECK(!roster_parse_rooms(&r, "rooms.csv", no_header, sizeof no_header - 1, &errs));
    CHECK(errors_are(&errs, "rooms.csv:1: empty file: the first row must be the header "
                            "'id,name,capacity'\n"));
    roster_errors_finish(&errs);

    static const char broken[] = "id,name,capacity\naula,\"Aula,120\n";
    CHECK(!roster_parse_rooms(&r, "rooms.csv", broken, sizeof broken - 1, &errs));
    CHECK(errors_are(&errs, "rooms.csv:2: unterminated quoted field (the '\"' that opens it is "
                            "never closed)\n"));
    roster_errors_finish(&errs);

    /* Long and control-character values are shown shortened and cleaned. */
    static const char ugly[] = "id,name,capacity\n"
                               "aula,A,\"12\n3\"\n";
    CHECK(!roster_parse_rooms(&r, "rooms.csv", ugly, sizeof ugly - 1, &errs));
    CHECK(errors_are(&errs, "rooms.csv:2: column 'capacity': '12?3' is not a whole number\n"));
    roster_errors_finish(&errs);
    roster_finish(&r);
}

/* Control characters and bidirectional overrides in names, organisations and titles are
 * refused with file:line and what to do; ordinary scripts, Arabic included, are not. */
static void test_control_characters(void)
{
    struct roster r = {0};
    struct roster_errors errs = {0};
    static const char people[] =
        "id,name,organisation,email,language,category,sessions\n"
        "A1,Ann\x1b[2J,,,,,\n"            /* ESC: a terminal escape */
        "A2,Bob\x07,,,,,\n"               /* BEL */
        "A3,\"Carl\rOverwritten\",,,,,\n" /* CR inside a quoted field (the parser counts a line) */
        "A4,Dora,Acme\x7f,,,,\n"          /* DEL in the organisation */
        "A5,Eve\xC2\x9B,,,,,\n"           /* C1: CSI */
        "A6,\xE2\x80\xAEnimda,,,,,\n"     /* U+202E right-to-left override */
        "A7,x\xE2\x81\xA6y,,,,,\n"        /* U+2066 left-to-right isolate */
        "A8,\"Tab\tName\",,,,,\n"
        "A9,\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF,Ng\xE1\xBB\x8D\x63 Anh,,,,\n"; /* fine */
    CHECK(!roster_parse_attendees(&r, "attendees.csv", people, sizeof people - 1, session_ids, 3,
                                  &errs));
    CHECK(errors_are(
        &errs,
        "attendees.csv:2: column 'name': 'Ann?[2J' holds the control character U+001B at byte "
        "4: remove it (names, organisations and titles are one line of plain text)\n"
        "attendees.csv:3: column 'name': 'Bob?' holds the control character U+0007 at byte 4: "
        "remove it (names, organisations and titles are one line of plain text)\n"
        "attendees.csv:4: column 'name': 'Carl?Overwritten' holds the control character U+000D "
        "at byte 5: remove it (names, organisations and titles are one line of plain text)\n"
        "attendees.csv:6: column 'organisation': 'Acme?' holds the control character U+007F at "
        "byte 5: remove it (names, organisations and titles are one line of plain text)\n"
        "attendees.csv:7: column 'name': 'Eve?' holds the control character U+009B at byte 4: "
        "remove it (names, organisations and titles are one line of plain text)\n"
        "attendees.csv:8: column 'name': '?nimda' holds the bidirectional control U+202E at "
        "byte 1: remove it (it can make a name display as another one)\n"
        "attendees.csv:9: column 'name': 'x?y' holds the bidirectional control U+2066 at byte "
        "2: remove it (it can make a name display as another one)\n"
        "attendees.csv:10: column 'name': 'Tab?Name' holds the control character U+0009 at byte "
        "4: remove it (names, organisations and titles are one line of plain text)\n"));
    roster_errors_finish(&errs);

    static const char bad_rooms[] = "id,name,capacity\naula,Aula\x1b,10\n";
    CHECK(!roster_parse_rooms(&r, "rooms.csv", bad_rooms, sizeof bad_rooms - 1, &errs));
    CHECK(errs.n == 1);
    roster_errors_finish(&errs);
    static const char bad_sessions[] =
        "id,room,title,start,end\n"
        "s1,aula,\"Keynote\x07\",2024-04-22T09:00:00+02:00,2024-04-22T10:00:00+02:00\n";
    CHECK(!roster_parse_sessions(&r, "sessions.csv", bad_sessions, sizeof bad_sessions - 1,
                                 room_ids, 2, &errs));
    CHECK(errs.n == 1);
    roster_errors_finish(&errs);
    roster_finish(&r);

    uint32_t cp = 0;
    CHECK(roster_text_forbidden("Fran\xC3\xA7oise \xE2\x80\x8F", &cp) == -1); /* RLM is fine */
    CHECK(roster_text_forbidden("a\xE2\x80\xAB", &cp) == 1 && cp == 0x202B);
}

/* The optional column 'credits': decimals with '.' or ',', empty for none, faults named. */
static void test_credits(void)
{
    struct roster r = {0};
    struct roster_errors errs = {0};
    static const char sessions[] = "id,room,title,start,end,credits\n"
                                   "s1,aula,A,2024-04-22T09:00:00Z,2024-04-22T10:00:00Z,1.5\n"
                                   "s2,aula,B,2024-04-22T10:00:00Z,2024-04-22T11:00:00Z,\"0,25\"\n"
                                   "s3,aula,C,2024-04-22T11:00:00Z,2024-04-22T12:00:00Z,\n"
                                   "s4,aula,D,2024-04-22T12:00:00Z,2024-04-22T13:00:00Z,2\n";
    CHECK(roster_parse_sessions(&r, "sessions.csv", sessions, sizeof sessions - 1, room_ids, 2,
                                &errs));
    CHECK(r.n_sessions == 4 && errs.n == 0);
    CHECK(r.sessions[0].credits_centi == 150 && r.sessions[1].credits_centi == 25);
    CHECK(r.sessions[2].credits_centi == -1 && r.sessions[3].credits_centi == 200);
    roster_finish(&r);
    static const char bad[] = "id,room,title,start,end,credits\n"
                              "s1,aula,A,2024-04-22T09:00:00Z,2024-04-22T10:00:00Z,-1\n"
                              "s2,aula,B,2024-04-22T10:00:00Z,2024-04-22T11:00:00Z,1.255\n"
                              "s3,aula,C,2024-04-22T11:00:00Z,2024-04-22T12:00:00Z,two\n";
    CHECK(!roster_parse_sessions(&r, "sessions.csv", bad, sizeof bad - 1, room_ids, 2, &errs));
    const char *what = ": is not a number of credits (write e.g. 1.5 or 1,5: at most two "
                       "decimals, 0 to 9999.99; empty means none)\n";
    char *want = xasprintf("sessions.csv:2: column 'credits': '-1'%s"
                           "sessions.csv:3: column 'credits': '1.255'%s"
                           "sessions.csv:4: column 'credits': 'two'%s",
                           what + 1, what + 1, what + 1);
    CHECK(errors_are(&errs, want));
    free(want);
    roster_finish(&r);
    roster_errors_finish(&errs);
}

/* The optional column 'days': dates sorted, repeats dropped, bad dates named. */
static void test_days(void)
{
    struct roster r = {0};
    struct roster_errors errs = {0};
    static const char ok[] = "id,name,organisation,email,language,category,sessions,days\n"
                             "A1,One,,,,,, 2025-03-15 ;2025-03-14;2025-03-15\n"
                             "A2,Two,,,,,,\n";
    CHECK(roster_parse_attendees(&r, "attendees.csv", ok, sizeof ok - 1, session_ids, 3, &errs));
    CHECK(r.n_attendees == 2 && errs.n == 0);
    CHECK_STR(r.attendees[0].days, "2025-03-14;2025-03-15");
    CHECK_STR(r.attendees[1].days, "");
    roster_finish(&r);
    static const char bad[] = "id,name,organisation,email,language,category,sessions,days\n"
                              "A1,One,,,,,,2025-02-30\n"
                              "A2,Two,,,,,,14/03/2025\n";
    CHECK(!roster_parse_attendees(&r, "attendees.csv", bad, sizeof bad - 1, session_ids, 3, &errs));
    const char *what = " is not a date (write YYYY-MM-DD, days separated by ';', e.g. "
                       "2025-03-14;2025-03-15; empty means every day)\n";
    char *want = xasprintf("attendees.csv:2: column 'days': '2025-02-30'%s"
                           "attendees.csv:3: column 'days': '14/03/2025'%s",
                           what, what);
    CHECK(errors_are(&errs, want));
    free(want);
    roster_finish(&r);
    roster_errors_finish(&errs);
    /* The model's side: days as numbers, and the check of a day. */
    struct attendee a = {0};
    CHECK(event_attendee_set_days(&a, "2025-03-15;2025-03-14") && a.n_days == 2);
    int64_t d14 = time_days_from_civil(2025, 3, 14);
    CHECK(a.days[0] == d14 && event_valid_on_day(&a, d14) && event_valid_on_day(&a, d14 + 1));
    CHECK(!event_valid_on_day(&a, d14 + 2) && !event_valid_on_day(&a, d14 - 1));
    CHECK(!event_attendee_set_days(&a, "2025-03-14;x") && a.n_days == 0 && a.days == NULL);
    CHECK(event_attendee_set_days(&a, "") && event_valid_on_day(&a, d14 + 100));
}

int main(void)
{
    test_credits();
    test_days();
    test_ids();
    test_control_characters();
    test_valid();
    test_faults();
    return check_done();
}
