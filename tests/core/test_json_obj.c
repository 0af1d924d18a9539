/* SPDX-License-Identifier: Apache-2.0 */
/* The flat JSON object parser of the staff actions: values, escapes, and every refusal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json_obj.h"

static bool parse(const char *text, struct json_obj *o, char *why)
{
    return json_obj_parse(text, strlen(text), o, why);
}

static void test_values(void)
{
    struct json_obj o;
    char why[JSON_OBJ_WHY_MAX];
    CHECK(parse(" {\"action\" : \"find\",\t\"query\":\"van den\", \"n\": -12.5e1, \"ok\":true,"
                "\"no\":false, \"z\":null, \"zero\":0}\r\n",
                &o, why));
    CHECK(o.n == 7);
    CHECK_STR(json_obj_string(&o, "action"), "find");
    CHECK_STR(json_obj_string(&o, "query"), "van den");
    CHECK(json_obj_get(&o, "n")->type == JSON_NUMBER && json_obj_get(&o, "n")->number == -125.0);
    CHECK_STR(json_obj_get(&o, "n")->text, "-12.5e1");
    CHECK(json_obj_get(&o, "ok")->type == JSON_TRUE);
    CHECK(json_obj_get(&o, "no")->type == JSON_FALSE);
    CHECK(json_obj_get(&o, "z")->type == JSON_NULL);
    CHECK(json_obj_string(&o, "n") == NULL); /* not a string */
    CHECK(json_obj_string(&o, "missing") == NULL);
    json_obj_finish(&o);
    json_obj_finish(&o); /* twice: a no-op */

    CHECK(parse("{}", &o, why) && o.n == 0);
    json_obj_finish(&o);

    /* Escapes: the simple ones, \u in the BMP, a surrogate pair, and raw UTF-8. */
    CHECK(parse("{\"s\":\"a\\\"b\\\\c\\/d\\n\\t\\u00e7\\u1EC5\\ud83d\\ude00 Fran\xc3\xa7oise\"}",
                &o, why));
    CHECK_STR(json_obj_string(&o, "s"),
              "a\"b\\c/d\n\t\xc3\xa7\xe1\xbb\x85\xf0\x9f\x98\x80 Fran\xc3\xa7oise");
    json_obj_finish(&o);
    CHECK(parse("{\"\":\"\"}", &o, why));
    CHECK_STR(json_obj_string(&o, ""), "");
    json_obj_finish(&o);
}

/* Each bad line is refused with a reason naming its byte, and leaves the object empty. */
static void test_refusals(void)
{
    static const char *const bad[][2] = {
        {"", "byte 1: expected '{'"},
        {"[1]", "byte 1: expected '{'"},
        {"{", "expected a key"},
        {"{\"a\"}", "expected ':'"},
        {"{\"a\":}", "expected a value"},
        {"{\"a\":1,}", "expected a key"},
        {"{\"a\":1 \"b\":2}", "expected ',' or '}'"},
        {"{\"a\":{\"b\":1}}", "nested"},
        {"{\"a\":[1]}", "nested"},
        {"{\"a\":1}x", "text after"},
        {"{\"a\":1,\"a\":2}", "byte 8: a key given twice"},
        {"{\"a\":\"x}", "closing quote"},
        {"{\"a\":\"\\q\"}", "unknown escape"},
        {"{\"a\":\"\\u12\"}", "4 hex digits"},
        {"{\"a\":\"\\u0000\"}", "\\u0000"},
        {"{\"a\":\"\\ud83d\"}", "low surrogate"},
        {"{\"a\":\"\\ude00\"}", "lone low surrogate"},
        {"{\"a\":\"\x01\"}", "control character"},
        {"{\"a\":\"\xff\"}", "not valid UTF-8"},
        {"{\"a\":01}", "expected ',' or '}'"},
        {"{\"a\":1.}", "digit after the decimal point"},
        {"{\"a\":1e}", "digit in the exponent"},
        {"{\"a\":tru}", "expected a value"},
        {"{\"a\":-}", "expected a value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct json_obj o;
        char why[JSON_OBJ_WHY_MAX];
        CHECK_MSG(!parse(bad[i][0], &o, why), "%s", bad[i][0]);
        CHECK(o.n == 0 && o.fields == NULL);
        CHECK_MSG(strstr(why, bad[i][1]) != NULL, "%s: got '%s', want '%s'", bad[i][0], why,
                  bad[i][1]);
        CHECK_MSG(strncmp(why, "byte ", 5) == 0, "%s", why);
    }
    /* Only len bytes are read: a NUL inside them is refused, text after them ignored. */
    struct json_obj o;
    char why[JSON_OBJ_WHY_MAX];
    CHECK(!json_obj_parse("{\"a\":\"\0\"}", 9, &o, why));
    CHECK(json_obj_parse("{\"a\":1}garbage", 7, &o, why) && o.n == 1);
    json_obj_finish(&o);
}

int main(void)
{
    test_values();
    test_refusals();
    return check_done();
}
