/* SPDX-License-Identifier: Apache-2.0 */
/* Encodings and separators of spreadsheet files (core/dialect.h), and CSV with ';' and tabs. */
#include <string.h>

#include "check.h"
#include "csv.h"
#include "dialect.h"

/* Detects lit's encoding; returns it, or -1 with *bad set. */
static int detect(const char *lit, size_t len, size_t *bad)
{
    enum dialect_encoding enc;
    const char *why = NULL;
    if (!dialect_detect_encoding(lit, len, &enc, bad, &why))
        return -1;
    return (int)enc;
}
#define DETECT(lit, bad) detect((lit), sizeof(lit) - 1, (bad))

int main(void)
{
    size_t bad = 0;
    CHECK(DETECT("id,name\nA1,Zo\xC3\xAB\n", &bad) == DIALECT_UTF8);
    CHECK(DETECT("\xEF\xBB\xBFid,name\n", &bad) == DIALECT_UTF8_BOM);
    CHECK(DETECT("\xFF\xFEi\0d\0", &bad) == DIALECT_UTF16LE);
    CHECK(DETECT("\xFE\xFF\0i\0d", &bad) == DIALECT_UTF16BE);
    /* Excel's Belgian CSV: é (E9), € (80), ë (EB) in Windows-1252. */
    CHECK(DETECT("id;name\nA1;Ren\xE9"
                 "e \x80\nA2;Zo\xEB\n",
                 &bad) == DIALECT_CP1252);
    /* UTF-8 with one broken byte is broken UTF-8, refused where it breaks. */
    CHECK(DETECT("id,name\nA1,Zo\xC3\xAB\nA2,Bj\xF6rn\n", &bad) == -1 && bad == 21);
    CHECK(DETECT("\xEF\xBB\xBFid\nBj\xF6rn\n", &bad) == -1 && bad == 8);
    /* Bytes Windows-1252 leaves undefined, and NUL without a byte order mark. */
    CHECK(DETECT("id\nA\x81\n", &bad) == -1 && bad == 4);
    CHECK(DETECT("i\0d\0", &bad) == -1 && bad == 1);

    CHECK(dialect_sniff_separator("id,name,organisation\n", 21) == ',');
    CHECK(dialect_sniff_separator("id;name;\"a,b,c,d\"\n", 18) == ';');
    CHECK(dialect_sniff_separator("id\tname\t\"x;y\"\nA;B;C;D;E\n", 24) == '\t');
    CHECK(dialect_sniff_separator("\xEF\xBB\xBFid;name\n", 11) == ';');
    CHECK(dialect_sniff_separator("id\n", 3) == ',');
    CHECK(strcmp(dialect_separator_name('\t'), "tab-separated") == 0);
    CHECK(strcmp(dialect_encoding_name(DIALECT_CP1252), "Windows-1252") == 0);

    struct csv_error err;
    const char semi[] = "id;name;sessions\r\nA1;\"Janssen; Partners\";\"s1;s2\"\r\n";
    struct csv *c = csv_parse_sep(semi, sizeof semi - 1, ';', &err);
    CHECK(c != NULL && c->n_records == 2 && c->records[1].n_fields == 3 &&
          strcmp(c->records[1].fields[1], "Janssen; Partners") == 0 &&
          strcmp(c->records[1].fields[2], "s1;s2") == 0);
    csv_destroy(c);
    const char tab[] = "id\tname\nA1\tA, B\n";
    c = csv_parse_sep(tab, sizeof tab - 1, '\t', &err);
    CHECK(c != NULL && c->records[1].n_fields == 2 && strcmp(c->records[1].fields[1], "A, B") == 0);
    csv_destroy(c);
    return check_done();
}
