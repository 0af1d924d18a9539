/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: imports from other systems on arbitrary bytes. The input is a map file, a NUL
 * byte, then an export: the export's encoding is detected and its separator sniffed
 * (core/dialect), the map parsed (core/import_map) and applied, and the result validated as
 * attendees. Properties: a step fails exactly when it adds an error; a detected encoding's
 * byte order mark fits in the input; the applied table has Portier's 8 columns on the lines
 * of the export; everything accepted has valid ids and UTF-8 names. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "dialect.h"
#include "fuzz_common.h"
#include "import_map.h"
#include "roster.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Applies a parsed map to the export; checks the properties. */
static void apply(struct import_map *m, const char *text, size_t len)
{
    static const char *const sessions[] = {"s-am", "s-pm"};
    enum dialect_encoding enc;
    size_t bad;
    const char *why;
    if (!dialect_detect_encoding(text, len, &enc, &bad, &why)) {
        FUZZ_ASSERT(bad < len && why != NULL);
        return;
    }
    FUZZ_ASSERT(dialect_bom_len(enc) <= len);
    if (enc != DIALECT_UTF8 && enc != DIALECT_UTF8_BOM)
        return; /* converted by os/textconv (iconv), not part of the core */
    char sep = dialect_sniff_separator(text, len);
    FUZZ_ASSERT(sep == ',' || sep == ';' || sep == '\t');
    struct csv_error cerr;
    struct csv *in = csv_parse_sep(text, len, sep, &cerr);
    if (in == NULL)
        return;
    struct roster_errors errs;
    memset(&errs, 0, sizeof errs);
    size_t skipped = 0;
    struct csv *out = import_map_apply(m, "export.csv", in, &errs, &skipped);
    FUZZ_ASSERT((out == NULL) == (errs.n > 0));
    if (out != NULL) {
        FUZZ_ASSERT(out->n_records + skipped <= in->n_records);
        for (size_t i = 0; i < out->n_records; i++) {
            FUZZ_ASSERT(out->records[i].n_fields == 8);
            FUZZ_ASSERT(i == 0 || out->records[i].line > out->records[i - 1].line);
        }
        struct roster r;
        memset(&r, 0, sizeof r);
        r.source = xstrdup(import_map_source(m));
        bool ok = roster_parse_attendees_csv(&r, "export.csv", out, sessions, 2, &errs);
        FUZZ_ASSERT(ok == (errs.n == 0));
        import_map_name_columns(m, &errs, 0);
        for (size_t i = 0; ok && i < r.n_attendees; i++) {
            FUZZ_ASSERT(roster_id_valid(r.attendees[i].id, NULL));
            FUZZ_ASSERT(utf8_valid(r.attendees[i].name, strlen(r.attendees[i].name), NULL));
        }
        roster_finish(&r);
    }
    roster_errors_finish(&errs);
    csv_destroy(in);
}

/* Runs one input; a property violation aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    if (nul == NULL)
        return 0;
    size_t map_len = (size_t)(nul - data), len = size - map_len - 1;
    char *map_text = malloc(map_len + 1), *text = malloc(len + 1);
    memcpy(map_text, data, map_len);
    memcpy(text, nul + 1, len);
    struct roster_errors errs;
    memset(&errs, 0, sizeof errs);
    /* A map starting with "pretix" or "eventbrite" extends that preset. */
    struct import_map *base =
        map_len >= 6 && memcmp(map_text, "pretix", 6) == 0         ? import_map_preset("pretix")
        : map_len >= 10 && memcmp(map_text, "eventbrite", 10) == 0 ? import_map_preset("eventbrite")
                                                                   : NULL;
    struct import_map *m = import_map_parse(base, "fuzz.map", map_text, map_len, &errs);
    FUZZ_ASSERT((m == NULL) == (errs.n > 0));
    if (m != NULL)
        apply(m, text, len);
    import_map_destroy(m);
    roster_errors_finish(&errs);
    free(map_text);
    free(text);
    return 0;
}
