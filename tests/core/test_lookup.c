/* SPDX-License-Identifier: Apache-2.0 */
/* The staff's search: folding (case, accents, letters spelled out), word prefixes of name and
 * organisation, the minimum query, the result limit and order, and each result's state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lookup.h"
#include "timeutil.h"
#include "util.h"

static struct room rooms[] = {{"aula", "Aula", 10}, {"lab", "Lab", 4}};
static struct session sessions[] = {{"am", 0, "Morning", 0, 0, -1}};
static size_t reg_am[] = {0};
static struct attendee people[] = {
    {"A1", 1, "Françoise Dieudonné", "Université de Liège", "f@x.invalid", LANG_FR,
     CATEGORY_SPEAKER, 0, reg_am, 1, NULL, 0},
    {"A2", 2, "Nguyễn Thị Minh Khai", "Bệnh viện Chợ Rẫy", NULL, LANG_EN, CATEGORY_ATTENDEE, 0,
     NULL, 0, NULL, 0},
    {"A3", 3, "Pieter Van den Bossche", "Zorgraad Limburg", NULL, LANG_NL, CATEGORY_ATTENDEE, 0,
     reg_am, 1, NULL, 0},
    {"A4", 4, "Jürgen Straße", "Ørsted A/S", NULL, LANG_EN, CATEGORY_PRESS, 0, NULL, 0, NULL, 0},
    {"A5", 5, "Łukasz Ærøe-Nowak", "Zorgraad Limburg", NULL, LANG_EN, CATEGORY_STAFF, 0, NULL, 0,
     NULL, 0},
    {"A6", 6, "محمد العلي", "", NULL, LANG_EN, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"A7", 7, "Anna Annaert", "", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0, NULL, 0},
    {"A8", 8, "Dirk Vanden Berghe", "Vandenberghe NV", NULL, LANG_NL, CATEGORY_ATTENDEE, 0, NULL, 0,
     NULL, 0},
};
static struct event ev = {.event_id = 1,
                          .rooms = rooms,
                          .n_rooms = ARRAY_LEN(rooms),
                          .sessions = sessions,
                          .n_sessions = ARRAY_LEN(sessions),
                          .attendees = people,
                          .n_attendees = ARRAY_LEN(people)};

/* The ids found for query, space-separated in result order ("" for none, "short" when the
 * query is too short). */
static char found[512];
static const char *find(const struct lookup *lk, const char *query)
{
    struct lookup_result r;
    enum lookup_status st = lookup_find(lk, query, NULL, 0, OCCUPANCY_NONE, &r);
    found[0] = '\0';
    if (st != LOOKUP_OK)
        return st == LOOKUP_TOO_SHORT ? "short" : "long";
    size_t w = 0;
    for (size_t i = 0; i < r.n; i++)
        w += (size_t)snprintf(found + w, sizeof found - w, "%s%s", i ? " " : "",
                              ev.attendees[r.hits[i].attendee].id);
    CHECK(r.total == r.n);
    return found;
}

static void test_fold(void)
{
    char out[128];
    static const char *const cases[][2] = {
        {"Françoise Dieudonné", "francoise dieudonne"},
        {"Nguyễn Thị", "nguyen thi"},
        {"Straße", "strasse"},
        {"Ærøe-Nowak", "aeroe nowak"},
        {"Łukasz Ðorđević", "lukasz dordevic"},
        {"  O'Brien,  Jr. ", "o brien jr"},
        {"Çelik ŞAHİN", "celik sahin"},
        {"Ngọc Anh", "ngoc anh"},
        {"Ελένη", "ελενη"},
        {"محمد", "محمد"},
        {"Jean–Pierre", "jean pierre"}, /* an en dash separates */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        lookup_fold(cases[i][0], strlen(cases[i][0]), out, sizeof out);
        CHECK_STR(out, cases[i][1]);
    }
    /* Truncation keeps whole characters and a NUL. */
    size_t n = lookup_fold("ŞAHİN", strlen("ŞAHİN"), out, 4);
    CHECK(n == 3);
    CHECK_STR(out, "sah");
    /* Truncated after a word: no trailing space. */
    n = lookup_fold("ab cd", 5, out, 4);
    CHECK(n == 2);
    CHECK_STR(out, "ab");
    /* An overlong form is invalid: its bytes stand for themselves (not an 'A'). */
    lookup_fold("x\xc1\x81y", 4, out, sizeof out);
    CHECK_STR(out, "x\xc1\x81y");
    /* An invalid byte stands for itself. */
    lookup_fold("a\xff"
                "b",
                3, out, sizeof out);
    CHECK_STR(out, "a\xff"
                   "b");
}

static void test_matching(const struct lookup *lk)
{
    CHECK_STR(find(lk, "francoise"), "A1");
    CHECK_STR(find(lk, "FRANÇ"), "A1");
    CHECK_STR(find(lk, "dieu fran"), "A1"); /* any order */
    CHECK_STR(find(lk, "nguyen"), "A2");
    CHECK_STR(find(lk, "Nguyễn"), "A2");
    CHECK_STR(find(lk, "van den"), "A3"); /* "Vanden Berghe" has no word starting with "den" */
    CHECK_STR(find(lk, "van"), "A8 A3");  /* "dirk ..." before "pieter ..." */
    CHECK_STR(find(lk, "van den bos"), "A3");
    CHECK_STR(find(lk, "zorgraad"), "A5 A3"); /* by organisation; in name order (lukasz first) */
    CHECK_STR(find(lk, "zorgraad piet"), "A3");
    CHECK_STR(find(lk, "strasse"), "A4");
    CHECK_STR(find(lk, "orsted"), "A4");
    CHECK_STR(find(lk, "lukasz"), "A5");
    CHECK_STR(find(lk, "aeroe"), "A5");
    CHECK_STR(find(lk, "nowak"), "A5");
    CHECK_STR(find(lk, "محمد"), "A6");
    CHECK_STR(find(lk, "liege"), "A1");
    CHECK_STR(find(lk, "anna"), "A7"); /* two words match: one result */
    CHECK_STR(find(lk, "vandenberghe"), "A8");
    /* Prefixes only, of words only: inside a word finds nothing. */
    CHECK_STR(find(lk, "ancoise"), "");
    CHECK_STR(find(lk, "francoisex"), "");
    CHECK_STR(find(lk, "zorgraad nobody"), "");
    /* Never by e-mail. */
    CHECK_STR(find(lk, "x.invalid"), "");
    CHECK_STR(find(lk, "f@x"), "");
    /* Two characters before anything. */
    CHECK_STR(find(lk, ""), "short");
    CHECK_STR(find(lk, "f"), "short");
    CHECK_STR(find(lk, " - ' "), "short");
    CHECK_STR(find(lk, "é"), "short");
    CHECK_STR(find(lk, "fr"), "A1");
    CHECK_STR(find(lk, "p v"), "A3"); /* two one-letter words are two characters */
    char longq[LOOKUP_QUERY_MAX + 1];
    memset(longq, 'a', LOOKUP_QUERY_MAX);
    longq[LOOKUP_QUERY_MAX] = '\0';
    CHECK_STR(find(lk, longq), "long");
}

/* Parses an ISO 8601 time or fails the test. */
static int64_t at(const char *iso)
{
    int64_t ms = 0;
    CHECK_MSG(time_parse_iso8601(iso, &ms), "%s", iso);
    return ms;
}

static void apply(struct occupancy *occ, int64_t seq, const char *room, const char *attendee,
                  enum scan_result result)
{
    struct scan s = {0};
    snprintf(s.device_id, sizeof s.device_id, "door");
    s.db_epoch = 1;
    s.seq = seq;
    s.wall_ms = at("2024-04-22T09:00:00+02:00") + seq * 1000;
    snprintf(s.room, sizeof s.room, "%s", room);
    snprintf(s.attendee, sizeof s.attendee, "%s", attendee);
    s.kind = SCAN_BADGE;
    s.result = result;
    s.reason = REASON_OK;
    CHECK(occupancy_apply(occ, &s));
}

static void test_states(const struct lookup *lk)
{
    sessions[0].start_ms = at("2024-04-22T09:30:00+02:00");
    sessions[0].end_ms = at("2024-04-22T12:00:00+02:00");
    struct occupancy *occ = occupancy_create(&ev);
    apply(occ, 1, "entrance", "A1", RESULT_ADMITTED);
    apply(occ, 2, "entrance", "A3", RESULT_ADMITTED);
    apply(occ, 3, "aula", "A3", RESULT_ADMITTED);
    apply(occ, 4, "entrance", "A4", RESULT_ADMITTED);
    apply(occ, 5, "entrance", "A4", RESULT_EXITED);
    int64_t t = at("2024-04-22T10:00:00+02:00");
    struct lookup_result r;
    CHECK(lookup_find(lk, "a", occ, t, 0, &r) == LOOKUP_TOO_SHORT && r.n == 0 && r.total == 0);
    /* Every attendee whose name or organisation has a word starting with "u" .. use ids. */
    const char *queries[] = {"francoise", "pieter", "jurgen", "nguyen"};
    enum lookup_state want[] = {LOOKUP_INSIDE, LOOKUP_IN_ROOM, LOOKUP_OUTSIDE,
                                LOOKUP_NOT_CHECKED_IN};
    bool registered[] = {true, true, false, false};
    for (size_t i = 0; i < ARRAY_LEN(queries); i++) {
        CHECK(lookup_find(lk, queries[i], occ, t, 0, &r) == LOOKUP_OK && r.n == 1);
        CHECK_MSG(r.hits[0].state == want[i], "%s: %s", queries[i],
                  lookup_state_name(r.hits[0].state));
        CHECK(r.hits[0].registered == registered[i]);
        CHECK(r.hits[0].room == (want[i] == LOOKUP_IN_ROOM ? 0 : OCCUPANCY_NONE));
    }
    /* Without a session nobody is "registered". */
    CHECK(lookup_find(lk, "pieter", occ, t, OCCUPANCY_NONE, &r) == LOOKUP_OK && r.n == 1 &&
          !r.hits[0].registered);
    /* After the session's end the room lets them out: inside the venue. */
    CHECK(lookup_find(lk, "pieter", occ, at("2024-04-22T12:00:01+02:00"), 0, &r) == LOOKUP_OK &&
          r.hits[0].state == LOOKUP_INSIDE);
    CHECK_STR(lookup_state_name(LOOKUP_IN_ROOM), "in_room");
    CHECK_STR(lookup_state_name(LOOKUP_NOT_CHECKED_IN), "not_checked_in");
    occupancy_destroy(occ);
}

/* More matches than LOOKUP_MAX_RESULTS: the first ones in name order, and the total. */
static void test_limit(void)
{
    enum { N = 45 };
    struct attendee many[N];
    char ids[N][8], names[N][32];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "M%02d", i);
        /* Names in reverse order of the ids, so that order by name is visible. */
        snprintf(names[i], sizeof names[i], "Émile Martin%02d", N - 1 - i);
        many[i] = (struct attendee){.id = ids[i],
                                    .num = (uint32_t)i + 1,
                                    .name = names[i],
                                    .organisation = "Acme",
                                    .language = LANG_NL,
                                    .category = CATEGORY_ATTENDEE};
    }
    struct event e = {.attendees = many, .n_attendees = N};
    event_index_build(&e);
    struct lookup *lk = lookup_create(&e);
    struct lookup_result r;
    CHECK(lookup_find(lk, "emile mar", NULL, 0, OCCUPANCY_NONE, &r) == LOOKUP_OK);
    CHECK(r.total == N);
    CHECK(r.n == LOOKUP_MAX_RESULTS);
    for (size_t i = 0; i < r.n; i++)
        CHECK_MSG(r.hits[i].attendee == N - 1 - i, "hit %zu is %zu", i, r.hits[i].attendee);
    CHECK(lookup_find(lk, "martin07", NULL, 0, OCCUPANCY_NONE, &r) == LOOKUP_OK && r.total == 1 &&
          r.hits[0].attendee == N - 1 - 7);
    lookup_destroy(lk);
    event_index_finish(&e);
    lookup_destroy(NULL);
}

int main(void)
{
    test_fold();
    event_index_build(&ev);
    struct lookup *lk = lookup_create(&ev);
    test_matching(lk);
    test_states(lk);
    lookup_destroy(lk);
    event_index_finish(&ev);
    test_limit();
    return check_done();
}
