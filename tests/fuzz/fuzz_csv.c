/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the RFC 4180 parser (csv_parse) on arbitrary bytes. Properties: a parse either
 * succeeds with records whose fields are NUL-terminated and whose lines never go backwards,
 * or fails naming a line within the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs one input; a property violation aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += copy[i] == '\n' || (copy[i] == '\r' && (i + 1 == size || copy[i + 1] != '\n'));
    struct csv_error err;
    memset(&err, 0, sizeof err);
    struct csv *csv = csv_parse(copy, size, &err);
    if (csv == NULL) {
        FUZZ_ASSERT(err.line >= 1 && err.line <= lines + 1);
        FUZZ_ASSERT(memchr(err.message, '\0', sizeof err.message) != NULL);
    } else {
        size_t prev = 0;
        for (size_t r = 0; r < csv->n_records; r++) {
            const struct csv_record *rec = &csv->records[r];
            FUZZ_ASSERT(rec->line >= 1 && rec->line >= prev && rec->line <= lines);
            prev = rec->line;
            for (size_t f = 0; f < rec->n_fields; f++)
                FUZZ_ASSERT(strlen(rec->fields[f]) <= size);
        }
        if (csv->n_records > 0) {
            int i = csv_header_index(&csv->records[0], "id");
            FUZZ_ASSERT(i < (int)csv->records[0].n_fields);
        }
        csv_destroy(csv);
    }
    free(copy);
    return 0;
}
