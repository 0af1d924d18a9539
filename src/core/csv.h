/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 4180 CSV parsing: quoted fields, doubled quotes, line breaks inside quotes, a UTF-8 byte
 * order mark, CRLF or LF line ends. Pure: parses a buffer, does no I/O.
 *
 * Every record remembers the physical line it starts on, so that a validator can point at
 * "attendees.csv:57". Blank lines are skipped. The input must be valid UTF-8 without NUL bytes;
 * anything else (and an unterminated quote) is an error that names its line. The parser is meant
 * to survive arbitrary bytes: it never reads past len and needs no terminating NUL.
 */
#ifndef PORTIER_CSV_H
#define PORTIER_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct csv_record {
    char **fields; /* NUL-terminated copies, quotes removed */
    size_t n_fields;
    size_t line; /* physical line (1-based) on which the record starts */
};

struct csv {
    struct csv_record *records; /* the header row, if any, is records[0] */
    size_t n_records;
};

struct csv_error {
    size_t line;       /* physical line of the fault (1-based) */
    char message[160]; /* what is wrong, e.g. "unterminated quoted field ..." */
};

/* Parses data[0..len). Returns the records (owned by the caller, free with csv_destroy), or NULL
 * with *err filled in. An empty input gives zero records, not an error. */
struct csv *csv_parse(const char *data, size_t len, struct csv_error *err);
/* The same with another field separator: ';' or a tab (as spreadsheets write them). */
struct csv *csv_parse_sep(const char *data, size_t len, char sep, struct csv_error *err);
/* Frees a parse result; NULL is a no-op. */
void csv_destroy(struct csv *csv);
/* True when a spreadsheet opening a CSV file would take a text cell for a formula: it starts
 * with '=', '+', '-', '@', a tab or a carriage return (OWASP's list). Writers of files meant
 * for spreadsheets prefix such a cell with a single quote (CSV_FORMULA_GUARD); files that the
 * program reads back keep their text as it is. */
#define CSV_FORMULA_GUARD "'"
bool csv_is_formula(const char *text);
/* Returns the index of the header field equal to name, or -1. */
int csv_header_index(const struct csv_record *header, const char *name);

#endif
