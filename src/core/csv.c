/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 4180 CSV parser (see csv.h). */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Returns the length of the line break at data[pos] (CRLF, LF or a lone CR), or 0. */
static size_t line_break_len(const char *data, size_t len, size_t pos)
{
    if (pos >= len)
        return 0;
    if (data[pos] == '\n')
        return 1;
    if (data[pos] == '\r')
        return pos + 1 < len && data[pos + 1] == '\n' ? 2 : 1;
    return 0;
}

/* Returns the physical line of byte offset off, counting breaks the way the parser does. */
static size_t line_of(const char *data, size_t len, size_t start, size_t off)
{
    size_t line = 1;
    size_t pos = start;
    while (pos < off && pos < len) {
        size_t br = line_break_len(data, len, pos);
        if (br > 0) {
            line++;
            pos += br;
        } else {
            pos++;
        }
    }
    return line;
}

/* Fills err and returns NULL, for one-line error returns. */
static struct csv *fail(struct csv_error *err, size_t line, const char *msg, unsigned byte)
{
    if (err != NULL) {
        err->line = line;
        snprintf(err->message, sizeof err->message, msg, byte);
    }
    return NULL;
}

/* Appends a finished field to a record. */
static void push_field(struct csv_record *rec, size_t *cap, struct strbuf *sb)
{
    if (rec->n_fields == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        rec->fields = xrealloc(rec->fields, *cap * sizeof *rec->fields);
    }
    rec->fields[rec->n_fields++] = strbuf_take(sb);
}

/* Frees the fields of one record. */
static void record_finish(struct csv_record *rec)
{
    for (size_t i = 0; i < rec->n_fields; i++)
        free(rec->fields[i]);
    free(rec->fields);
}

struct csv *csv_parse(const char *data, size_t len, struct csv_error *err)
{
    return csv_parse_sep(data, len, ',', err);
}

struct csv *csv_parse_sep(const char *data, size_t len, char sep, struct csv_error *err)
{
    size_t pos = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    const size_t start = pos;

    /* Check the encoding up front: the parser below can then treat every byte as text, and a
     * bad byte is reported on its own physical line even when it sits inside quotes. */
    const char *nul = memchr(data + start, '\0', len - start);
    if (nul != NULL)
        return fail(err, line_of(data, len, start, (size_t)(nul - data)),
                    "NUL byte in the file (is it UTF-16? save it as UTF-8)", 0);
    size_t bad;
    if (!utf8_valid(data + start, len - start, &bad))
        return fail(err, line_of(data, len, start, start + bad),
                    "invalid UTF-8 (byte 0x%02X); save the file as UTF-8",
                    (unsigned char)data[start + bad]);

    struct csv *csv = xcalloc(1, sizeof *csv);
    size_t rec_cap = 0;
    size_t line = 1;
    struct strbuf sb = {0};
    while (pos < len) {
        struct csv_record rec = {.line = line};
        size_t field_cap = 0;
        bool only_empty_unquoted = true;
        for (;;) {
            strbuf_reset(&sb);
            strbuf_append(&sb, "", 0);
            if (pos < len && data[pos] == '"') {
                size_t quote_line = line;
                only_empty_unquoted = false;
                pos++;
                for (;;) {
                    if (pos >= len) {
                        fail(err, quote_line,
                             "unterminated quoted field (the '\"' that opens it is never closed)",
                             0);
                        goto error;
                    }
                    if (data[pos] == '"') {
                        if (pos + 1 < len && data[pos + 1] == '"') {
                            strbuf_putc(&sb, '"');
                            pos += 2;
                            continue;
                        }
                        pos++;
                        break;
                    }
                    size_t br = line_break_len(data, len, pos);
                    if (br > 0) {
                        strbuf_append(&sb, data + pos, br);
                        pos += br;
                        line++;
                        continue;
                    }
                    strbuf_putc(&sb, data[pos++]);
                }
                if (pos < len && data[pos] != sep && line_break_len(data, len, pos) == 0) {
                    fail(err, line,
                         "unexpected text after a closing quote (double a quote inside a "
                         "quoted field: \"\")",
                         0);
                    goto error;
                }
            } else {
                size_t from = pos;
                while (pos < len && data[pos] != sep && data[pos] != '"' &&
                       line_break_len(data, len, pos) == 0)
                    pos++;
                if (pos < len && data[pos] == '"') {
                    fail(err, line,
                         "quote inside an unquoted field (quote the whole field and double the "
                         "quote: \"\")",
                         0);
                    goto error;
                }
                strbuf_append(&sb, data + from, pos - from);
                if (pos > from)
                    only_empty_unquoted = false;
            }
            push_field(&rec, &field_cap, &sb);
            if (pos < len && data[pos] == sep) {
                pos++;
                only_empty_unquoted = false;
                continue;
            }
            size_t br = line_break_len(data, len, pos);
            pos += br;
            if (br > 0)
                line++;
            break;
        }
        if (only_empty_unquoted && rec.n_fields == 1) {
            record_finish(&rec); /* a blank line */
            continue;
        }
        if (csv->n_records == rec_cap) {
            rec_cap = rec_cap ? rec_cap * 2 : 16;
            csv->records = xrealloc(csv->records, rec_cap * sizeof *csv->records);
        }
        csv->records[csv->n_records++] = rec;
        continue;
    error:
        record_finish(&rec);
        strbuf_finish(&sb);
        csv_destroy(csv);
        return NULL;
    }
    strbuf_finish(&sb);
    return csv;
}

void csv_destroy(struct csv *csv)
{
    if (csv == NULL)
        return;
    for (size_t i = 0; i < csv->n_records; i++)
        record_finish(&csv->records[i]);
    free(csv->records);
    free(csv);
}

int csv_header_index(const struct csv_record *header, const char *name)
{
    for (size_t i = 0; i < header->n_fields; i++) {
        if (strcmp(header->fields[i], name) == 0)
            return (int)i;
    }
    return -1;
}

/* True when a spreadsheet would read text as a formula. */
bool csv_is_formula(const char *text)
{
    return text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL;
}
