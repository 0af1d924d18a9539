/* SPDX-License-Identifier: Apache-2.0 */
/* Reads and parses a whole CSV file (tokens.csv, a report's files) for the integration tests.
 * Header-only: it needs src/os's file_read_all, and the test support library is core-only. */
#ifndef PORTIER_TEST_CSV_FILE_H
#define PORTIER_TEST_CSV_FILE_H

#include <stdio.h>
#include <stdlib.h>

#include "csv.h"
#include "file.h"

/* The parsed file (csv_destroy it), or NULL after saying why on stderr. */
static inline struct csv *csv_read_file(const char *path)
{
    size_t len;
    char *text = file_read_all(path, &len);
    if (text == NULL) {
        fprintf(stderr, "%s: cannot read\n", path);
        return NULL;
    }
    struct csv_error err;
    struct csv *csv = csv_parse(text, len, &err);
    free(text);
    if (csv == NULL)
        fprintf(stderr, "%s:%zu: %s\n", path, err.line, err.message);
    return csv;
}

#endif
