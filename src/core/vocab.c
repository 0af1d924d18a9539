/* SPDX-License-Identifier: Apache-2.0 */
/* The names of the vocabularies of vocab.def, as written in CSV files, JSON lines and databases,
 * and the functions that give and parse them (declared in event.h and scan.h). */
#include <string.h>

#include "event.h"
#include "scan.h"

/* Finds s among the n names: its index, or -1. */
static int find_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], s) == 0)
            return i;
    }
    return -1;
}

/* Defines prefix_name(), which gives the name of a value of enum type ("?" when out of range),
 * and prefix_parse(), which reads one (false for an unknown name). */
#define NAME_FUNCTIONS(prefix, type, names, count)                                                 \
    const char *prefix##_name(enum type v)                                                         \
    {                                                                                              \
        return (unsigned)v < (unsigned)(count) ? names[v] : "?";                                   \
    }                                                                                              \
    bool prefix##_parse(const char *s, enum type *out)                                             \
    {                                                                                              \
        int i = find_name(names, count, s);                                                        \
        if (i < 0)                                                                                 \
            return false;                                                                          \
        *out = (enum type)i;                                                                       \
        return true;                                                                               \
    }

static const char *const language_names[LANG_COUNT] = {
#define VOCAB_LANGUAGE(id, name, endonym) [id] = name,
#include "vocab.def"
};
NAME_FUNCTIONS(language, language, language_names, LANG_COUNT)

static const char *const category_names[CATEGORY_COUNT] = {
#define VOCAB_CATEGORY(id, name) [id] = name,
#include "vocab.def"
};
NAME_FUNCTIONS(category, category, category_names, CATEGORY_COUNT)

static const char *const mode_names[KIOSK_MODE_COUNT] = {
#define VOCAB_MODE(id, name, msg) [id] = name,
#include "vocab.def"
};
NAME_FUNCTIONS(kiosk_mode, kiosk_mode, mode_names, KIOSK_MODE_COUNT)

static const char *const result_names[SCAN_RESULT_COUNT] = {
#define VOCAB_RESULT(id, name) [id] = name,
#include "vocab.def"
};
NAME_FUNCTIONS(scan_result, scan_result, result_names, SCAN_RESULT_COUNT)

static const char *const reason_names[SCAN_REASON_COUNT] = {
#define VOCAB_REASON(id, name, denied_msg) [id] = name,
#include "vocab.def"
};
NAME_FUNCTIONS(scan_reason, scan_reason, reason_names, SCAN_REASON_COUNT)

static const char *const kind_names[SCAN_KIND_COUNT] = {
#define VOCAB_KIND(id, name) [id] = name,
#include "vocab.def"
};
NAME_FUNCTIONS(scan_kind, scan_kind, kind_names, SCAN_KIND_COUNT)
