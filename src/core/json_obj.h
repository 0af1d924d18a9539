/* SPDX-License-Identifier: Apache-2.0 */
/* One flat JSON object, as a headless kiosk reads a staff action on stdin (DESIGN.md §7):
 * {"action":"find","staff":"...","query":"van den"}. Pure.
 *
 * Values are strings, numbers, true, false or null; a nested object or array is refused (no
 * action needs one). Strings are UTF-8 with the JSON escapes (\uXXXX with surrogate pairs);
 * raw control characters, invalid UTF-8, \u0000 and duplicate keys are refused. Whitespace
 * around tokens is allowed; anything after the closing brace but whitespace is refused. */
#ifndef PORTIER_JSON_OBJ_H
#define PORTIER_JSON_OBJ_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_OBJ_WHY_MAX 96

enum json_type { JSON_STRING, JSON_NUMBER, JSON_TRUE, JSON_FALSE, JSON_NULL };

struct json_field {
    char *key;
    enum json_type type;
    char *text;    /* JSON_STRING: the decoded string; JSON_NUMBER: the number as written */
    double number; /* JSON_NUMBER */
};

struct json_obj {
    struct json_field *fields;
    size_t n;
};

/* Parses len bytes of text into *out (owned by the caller: json_obj_finish). On error returns
 * false, leaves *out empty and writes into why (JSON_OBJ_WHY_MAX bytes) what is wrong and at
 * which byte, e.g. "byte 12: expected ':' after a key". */
bool json_obj_parse(const char *text, size_t len, struct json_obj *out, char *why);
/* Frees what json_obj_parse allocated; an empty object is a no-op. */
void json_obj_finish(struct json_obj *obj);

/* The field named key, or NULL. Borrowed from obj. */
const struct json_field *json_obj_get(const struct json_obj *obj, const char *key);
/* The string value of key; NULL when key is absent or not a string. Borrowed from obj. */
const char *json_obj_string(const struct json_obj *obj, const char *key);

#endif
