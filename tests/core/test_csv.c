/* SPDX-License-Identifier: Apache-2.0 */
/* CSV parser: quoting, BOM, line ends, physical lines, errors, and arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csv.h"

/* Parses a string literal (length from sizeof, so embedded NULs count). */
#define PARSE(lit, err) csv_parse((lit), sizeof(lit) - 1, (err))

/* Returns field f of record r, or NULL when out of range. */
static const char *fld(const struct csv *c, size_t r, size_t f)
{
    if (c == NULL || r >= c->n_records || f >= c->records[r].n_fields)
        return NULL;
    return c->records[r].fields[f];
}

static void test_simple(void)
{
    struct csv_error err;
    struct csv *c = PARSE("id,name,capacity\naula,Aula,120\n", &err);
    CHECK(c != NULL);
    CHECK(c && c->n_records == 2);
    CHECK(c && c->records[0].n_fields == 3);
    CHECK_STR(fld(c, 0, 2), "capacity");
    CHECK_STR(fld(c, 1, 0), "aula");
    CHECK_STR(fld(c, 1, 2), "120");
    CHECK(c && c->records[1].line == 2);
    CHECK(csv_header_index(&c->records[0], "name") == 1);
    CHECK(csv_header_index(&c->records[0], "nope") == -1);
    csv_destroy(c);

    /* No final line break; empty fields; trailing comma gives an empty last field. */
    c = PARSE("a,b,c\n,,\nx,y,", &err);
    CHECK(c && c->n_records == 3);
    CHECK(c && c->records[1].n_fields == 3);
    CHECK_STR(fld(c, 1, 1), "");
    CHECK(c && c->records[2].n_fields == 3);
    CHECK_STR(fld(c, 2, 2), "");
    csv_destroy(c);

    c = PARSE("", &err);
    CHECK(c && c->n_records == 0);
    csv_destroy(c);
    csv_destroy(NULL);
}

static void test_quoting(void)
{
    struct csv_error err;
    struct csv *c = PARSE("id,name\nA1,\"Dubois, Fils & Cie\"\nA2,\"Olivia \"\"Liv\"\" Maes\"\n"
                          "A3,\"\"\nA4,\"two\nlines\"\nA5,after\n",
                          &err);
    CHECK(c && c->n_records == 6);
    CHECK_STR(fld(c, 1, 1), "Dubois, Fils & Cie");
    CHECK_STR(fld(c, 2, 1), "Olivia \"Liv\" Maes");
    CHECK_STR(fld(c, 3, 1), "");
    CHECK_STR(fld(c, 4, 1), "two\nlines");
    CHECK(c && c->records[4].line == 5);
    CHECK_STR(fld(c, 5, 0), "A5");
    CHECK(c && c->records[5].line == 7); /* physical line, after the two-line record */
    csv_destroy(c);
}

static void test_bom_crlf_utf8(void)
{
    struct csv_error err;
    struct csv *c = PARSE("\xEF\xBB\xBFid,name\r\nA1,Fran\xC3\xA7oise Dieudonn\xC3\xA9\r\n"
                          "A2,\"J\xC3\xBCrgen\r\n\xC3\x87"
                          "elik\"\r\n\r\nA3,\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF\r\n",
                          &err);
    CHECK(c && c->n_records == 4);
    CHECK_STR(fld(c, 0, 0), "id"); /* BOM stripped */
    CHECK_STR(fld(c, 1, 1), "Fran\xC3\xA7oise Dieudonn\xC3\xA9");
    CHECK_STR(fld(c, 2, 1), "J\xC3\xBCrgen\r\n\xC3\x87"
                            "elik");
    CHECK(c && c->records[3].line == 6); /* blank line 5 skipped */
    CHECK_STR(fld(c, 3, 1), "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF");
    csv_destroy(c);

    /* Lone CR counts as a line end too. */
    c = PARSE("a,b\r1,2\r", &err);
    CHECK(c && c->n_records == 2 && c->records[1].line == 2);
    CHECK_STR(fld(c, 1, 1), "2");
    csv_destroy(c);
}

static void test_errors(void)
{
    struct csv_error err = {0};
    CHECK(PARSE("id,name\nA1,\"open\nA2,x\n", &err) == NULL);
    CHECK(err.line == 2);
    CHECK(strstr(err.message, "unterminated") != NULL);

    CHECK(PARSE("id,name\nA1,ok\nA2,Fran\xE7oise\n", &err) == NULL);
    CHECK(err.line == 3);
    CHECK_STR(err.message, "invalid UTF-8 (byte 0xE7); save the file as UTF-8");

    /* Invalid UTF-8 inside a quoted multi-line field: the line of the byte itself. */
    CHECK(PARSE("id,name\nA1,\"a\nb\xC0\xAF\"\n", &err) == NULL);
    CHECK(err.line == 3);

    CHECK(PARSE("id,name\nA1,\"x\"y\n", &err) == NULL);
    CHECK(err.line == 2 && strstr(err.message, "after a closing quote") != NULL);

    CHECK(PARSE("id,name\r\n\r\nA1,x\"y\r\n", &err) == NULL);
    CHECK(err.line == 3 && strstr(err.message, "quote inside an unquoted") != NULL);

    CHECK(PARSE("i\0d,name\n", &err) == NULL);
    CHECK(err.line == 1 && strstr(err.message, "NUL") != NULL);

    /* Surrogates and overlongs are invalid UTF-8. */
    CHECK(PARSE("a\n\xED\xA0\x80\n", &err) == NULL);
    CHECK(err.line == 2);
    CHECK(PARSE("a\n\n\n\xC1\x81\n", &err) == NULL);
    CHECK(err.line == 4);
    /* A truncated sequence at the very end. */
    CHECK(PARSE("a,\xE2\x82", &err) == NULL);
    CHECK(err.line == 1);
    /* A BOM alone is an empty file. */
    struct csv *c = PARSE("\xEF\xBB\xBF", &err);
    CHECK(c && c->n_records == 0);
    csv_destroy(c);
}

/* xorshift, so that the random bytes are the same on every run. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static void test_arbitrary_bytes(void)
{
    /* Buffers are exact-size heap copies so that ASan catches any read past the end. */
    static const char alphabet[] = "ab,\"\r\n\xC3\xA9\xFF\x00";
    uint32_t state = 12345;
    size_t parsed = 0, refused = 0;
    for (int round = 0; round < 20000; round++) {
        size_t len = next_random(&state) % 40;
        char *buf = malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            buf[i] = round % 2 ? (char)next_random(&state)
                               : alphabet[next_random(&state) % (sizeof alphabet - 1)];
        struct csv_error err;
        struct csv *c = csv_parse(buf, len, &err);
        if (c != NULL) {
            parsed++;
            for (size_t r = 0; r < c->n_records; r++) {
                if (c->records[r].line < 1 || c->records[r].line > len + 1)
                    refused += 1000000; /* impossible line: makes the check below fail */
            }
        } else {
            refused++;
            if (err.line < 1 || err.line > len + 1)
                refused += 1000000;
        }
        csv_destroy(c);
        free(buf);
    }
    CHECK(parsed > 100);
    CHECK(refused > 100 && refused < 1000000);
}

int main(void)
{
    test_simple();
    test_quoting();
    test_bom_crlf_utf8();
    test_errors();
    test_arbitrary_bytes();
    return check_done();
}
