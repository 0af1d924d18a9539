/* SPDX-License-Identifier: Apache-2.0 */
/* The vocabularies of vocab.def: every word's name is a distinct [a-z0-9_] name that parses
 * back to it, the names are the ones files and databases hold, and the generated SQL lists
 * (vocab_sql.h) are the names in order. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "event.h"
#include "scan.h"
#include "vocab_sql.h"

/* A vocabulary seen through its functions, the enum's type erased. */
struct vocab {
    const char *what;
    int count;
    const char *(*name)(int v);
    bool (*parse)(const char *s, int *v);
    const char *sql_list;
};

#define ADAPT(prefix, type)                                                                        \
    static const char *prefix##_name_int(int v)                                                    \
    {                                                                                              \
        return prefix##_name((enum type)v);                                                        \
    }                                                                                              \
    static bool prefix##_parse_int(const char *s, int *v)                                          \
    {                                                                                              \
        enum type t;                                                                               \
        if (!prefix##_parse(s, &t))                                                                \
            return false;                                                                          \
        *v = (int)t;                                                                               \
        return true;                                                                               \
    }
ADAPT(language, language)
ADAPT(category, category)
ADAPT(kiosk_mode, kiosk_mode)
ADAPT(scan_result, scan_result)
ADAPT(scan_reason, scan_reason)
ADAPT(scan_kind, scan_kind)

static const struct vocab vocabs[] = {
    {"language", LANG_COUNT, language_name_int, language_parse_int, LANGUAGE_SQL_LIST},
    {"category", CATEGORY_COUNT, category_name_int, category_parse_int, CATEGORY_SQL_LIST},
    {"mode", KIOSK_MODE_COUNT, kiosk_mode_name_int, kiosk_mode_parse_int, KIOSK_MODE_SQL_LIST},
    {"result", SCAN_RESULT_COUNT, scan_result_name_int, scan_result_parse_int,
     SCAN_RESULT_SQL_LIST},
    {"reason", SCAN_REASON_COUNT, scan_reason_name_int, scan_reason_parse_int,
     SCAN_REASON_SQL_LIST},
    {"kind", SCAN_KIND_COUNT, scan_kind_name_int, scan_kind_parse_int, SCAN_KIND_SQL_LIST},
};

/* True when the SQL list begins with the words of head, in order. */
static bool starts_list(const char *list, const char *head)
{
    size_t n = strlen(head);
    return strncmp(list, head, n) == 0 && (list[n] == '\0' || list[n] == ',');
}

/* One vocabulary: names, parsing back, out of range, and its SQL list. */
static void check_vocab(const struct vocab *v)
{
    CHECK_MSG(v->count > 0, "%s: empty", v->what);
    char sql[512] = "";
    for (int i = 0; i < v->count; i++) {
        const char *name = v->name(i);
        CHECK_MSG(name[0] >= 'a' && name[0] <= 'z' &&
                      strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(name),
                  "%s %d: name '%s'", v->what, i, name);
        int back = -1;
        CHECK_MSG(v->parse(name, &back) && back == i, "%s: '%s' parses to %d, not %d", v->what,
                  name, back, i);
        for (int k = 0; k < i; k++)
            CHECK_MSG(strcmp(v->name(k), name) != 0, "%s: '%s' twice", v->what, name);
        size_t len = strlen(sql);
        snprintf(sql + len, sizeof sql - len, "%s'%s'", i > 0 ? ", " : "", name);
    }
    CHECK_STR(sql, v->sql_list);
    CHECK_STR(v->name(v->count), "?");
    CHECK_STR(v->name(-1), "?");
    int out = 42;
    CHECK(!v->parse("", &out) && !v->parse("nope", &out) && !v->parse("?", &out) && out == 42);
}

int main(void)
{
    for (size_t i = 0; i < sizeof vocabs / sizeof vocabs[0]; i++)
        check_vocab(&vocabs[i]);

    /* The names are a contract (CSV files, JSON lines, both databases): a name never changes
     * and a new word goes at the end of its list. */
    CHECK(starts_list(LANGUAGE_SQL_LIST, "'nl', 'fr', 'en'"));
    CHECK(starts_list(CATEGORY_SQL_LIST, "'attendee', 'speaker', 'staff', 'press'"));
    CHECK(starts_list(KIOSK_MODE_SQL_LIST, "'entry', 'exit', 'toggle', 'overview'"));
    CHECK(starts_list(SCAN_RESULT_SQL_LIST, "'admitted', 'exited', 'denied'"));
    CHECK(starts_list(SCAN_REASON_SQL_LIST,
                      "'ok', 'reentry', 'invalid', 'revoked', 'wrong_event', 'unknown_attendee', "
                      "'room_full', 'not_registered', 'room_closed', 'duplicate'"));
    CHECK(starts_list(SCAN_KIND_SQL_LIST,
                      "'badge', 'session_end', 'manual', 'room_close', 'room_open'"));
    CHECK_STR(language_name(LANG_FR), "fr");
    CHECK_STR(category_name(CATEGORY_PRESS), "press");
    CHECK_STR(kiosk_mode_name(MODE_TOGGLE), "toggle");
    CHECK_STR(scan_result_name(RESULT_EXITED), "exited");
    CHECK_STR(scan_reason_name(REASON_UNKNOWN_ATTENDEE), "unknown_attendee");
    CHECK_STR(scan_kind_name(SCAN_ROOM_OPEN), "room_open");
    enum scan_reason r;
    CHECK(scan_reason_parse("not_registered", &r) && r == REASON_NOT_REGISTERED);
    CHECK(!scan_reason_parse("OK", &r));
    return check_done();
}
