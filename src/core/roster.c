/* SPDX-License-Identifier: Apache-2.0 */
/* rooms.csv, sessions.csv and attendees.csv: parsing and validation (see roster.h). */
#include "roster.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "timeutil.h"
#include "util.h"

#define SHOW_MAX 64 /* bytes of a value quoted in an error message */

void roster_errors_add(struct roster_errors *errs, const char *fmt, ...)
{
    if (errs->n == errs->cap) {
        errs->cap = errs->cap ? errs->cap * 2 : 16;
        errs->items = xrealloc(errs->items, errs->cap * sizeof *errs->items);
    }
    struct strbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof tmp) {
        strbuf_puts(&sb, tmp);
    } else {
        char *big = xmalloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        strbuf_puts(&sb, big);
        free(big);
    }
    errs->items[errs->n++] = strbuf_take(&sb);
}

void roster_errors_print(const struct roster_errors *errs)
{
    for (size_t i = 0; i < errs->n; i++)
        log_warnx("%s", errs->items[i]);
}

void roster_errors_finish(struct roster_errors *errs)
{
    for (size_t i = 0; i < errs->n; i++)
        free(errs->items[i]);
    free(errs->items);
    *errs = (struct roster_errors){0};
}

void roster_finish(struct roster *r)
{
    for (size_t i = 0; i < r->n_rooms; i++) {
        free(r->rooms[i].id);
        free(r->rooms[i].name);
    }
    for (size_t i = 0; i < r->n_sessions; i++) {
        struct roster_session *s = &r->sessions[i];
        free(s->id);
        free(s->room);
        free(s->title);
        free(s->start_text);
        free(s->end_text);
    }
    for (size_t i = 0; i < r->n_attendees; i++) {
        struct roster_attendee *a = &r->attendees[i];
        free(a->id);
        free(a->name);
        free(a->organisation);
        free(a->email);
        free(a->source_id);
        for (size_t k = 0; k < a->n_sessions; k++)
            free(a->sessions[k]);
        free(a->sessions);
        free(a->days);
    }
    free(r->rooms);
    free(r->sessions);
    free(r->attendees);
    free(r->source);
    *r = (struct roster){0};
}

/* Copies s into buf (SHOW_MAX + 8 bytes) for quoting in a message: control characters become
 * '?', and a long value is cut on a UTF-8 boundary and ends in "...". */
static const char *show(const char *s, char *buf)
{
    size_t n = 0;
    uint32_t cp;
    for (; *s != '\0' && n < SHOW_MAX; s++) {
        if (roster_text_forbidden(s, &cp) == 0) {
            /* C1 and bidirectional controls are shown as '?' too: skip their other bytes. */
            buf[n++] = '?';
            s += cp < 0x80 ? 0 : cp < 0x800 ? 1 : 2;
            continue;
        }
        buf[n++] = *s;
    }
    if (*s != '\0') {
        while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0 && (unsigned char)buf[n - 1] >= 0xC0)
            n--;
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

bool roster_id_valid(const char *id, const char **why)
{
    const char *w = NULL;
    size_t len = strlen(id);
    if (len == 0)
        w = "empty";
    else if (len > ROSTER_ID_MAX)
        w = "too long (at most 63 bytes)";
    else if (id[0] == '.')
        w = "must not start with '.'";
    for (size_t i = 0; w == NULL && i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        if (!(isascii(c) && (isalnum(c) || c == '.' || c == '_' || c == '-')))
            w = "only letters A-Z a-z, digits and . _ - are allowed";
    }
    if (why != NULL)
        *why = w;
    return w == NULL;
}

long roster_text_forbidden(const char *s, uint32_t *cp)
{
    /* s is valid UTF-8 (csv_parse checks it), so a lead byte says how many follow. */
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i] != '\0'; i++) {
        uint32_t c = p[i];
        if (c < 0x20 || c == 0x7f) {
            *cp = c;
            return (long)i;
        }
        if (c == 0xC2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
            *cp = p[i + 1];
            return (long)i;
        }
        if (c == 0xE2 && p[i + 1] != '\0' && p[i + 2] != '\0') {
            c = 0x2000 | (uint32_t)(p[i + 1] & 0x3F) << 6 | (p[i + 2] & 0x3F);
            if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
                *cp = c;
                return (long)i;
            }
        }
    }
    return -1;
}

/* A parsed CSV with its header checked: col[i] is the header index of the i-th wanted column. */
struct table {
    struct csv *csv;
    const char *file;
    int col[8];
    const char *sep_name; /* "comma", "semicolon" or "tab": the file's separator, for messages */
};

/* True when a header field names column (ASCII case and surrounding blanks ignored). */
static bool header_matches(const char *field, const char *column)
{
    while (*field == ' ' || *field == '\t')
        field++;
    size_t n = strlen(column);
    if (strncasecmp(field, column, n) != 0)
        return false;
    for (field += n; *field == ' ' || *field == '\t'; field++)
        ;
    return *field == '\0';
}

/* Returns the line number at the start of a message "file:LINE: ...", or 0. */
static size_t message_line(const char *msg)
{
    const char *colon = strchr(msg, ':');
    return colon ? (size_t)strtoul(colon + 1, NULL, 10) : 0;
}

/* Puts the messages errs->items[from..] in line order (stable), for an organiser reading them
 * against the spreadsheet. */
static void sort_by_line(struct roster_errors *errs, size_t from)
{
    for (size_t i = from + 1; i < errs->n; i++) {
        char *m = errs->items[i];
        size_t line = message_line(m), k = i;
        while (k > from && message_line(errs->items[k - 1]) > line) {
            errs->items[k] = errs->items[k - 1];
            k--;
        }
        errs->items[k] = m;
    }
}

/* Checks that a parsed CSV's header names every column in names (the CSV is owned by t from
 * here; freed on failure). Returns false after adding errors when the file cannot be used. */
static bool table_check(struct table *t, const char *file, struct csv *csv,
                        const char *const *names, size_t n_names, struct roster_errors *errs)
{
    t->file = file;
    t->csv = csv;
    t->sep_name = NULL;
    struct strbuf want = {0};
    for (size_t i = 0; i < n_names; i++)
        strbuf_printf(&want, "%s%s", i ? "," : "", names[i]);
    bool ok = true;
    if (t->csv->n_records == 0) {
        roster_errors_add(errs, "%s:1: empty file: the first row must be the header '%s'", file,
                          want.data);
        ok = false;
        goto done;
    }
    const struct csv_record *h = &t->csv->records[0];
    for (size_t i = 0; i < n_names; i++) {
        t->col[i] = -1;
        for (size_t k = 0; k < h->n_fields; k++) {
            if (!header_matches(h->fields[k], names[i]))
                continue;
            if (t->col[i] >= 0) {
                roster_errors_add(errs, "%s:%zu: column '%s' appears twice in the header", file,
                                  h->line, names[i]);
                ok = false;
            }
            t->col[i] = (int)k;
        }
        if (t->col[i] < 0) {
            struct strbuf found = {0};
            for (size_t k = 0; k < h->n_fields; k++)
                strbuf_printf(&found, "%s%s", k ? "," : "", h->fields[k]);
            roster_errors_add(errs,
                              "%s:%zu: missing required column '%s' (the header row must name "
                              "the columns %s; it has %s)",
                              file, h->line, names[i], want.data, found.len ? found.data : "none");
            strbuf_finish(&found);
            ok = false;
        }
    }
done:
    strbuf_finish(&want);
    if (!ok) {
        csv_destroy(t->csv);
        t->csv = NULL;
    }
    return ok;
}

/* The name of a separator in messages. */
static const char *separator_name(char sep)
{
    return sep == ';' ? "semicolon" : sep == '\t' ? "tab" : "comma";
}

/* Parses data as a CSV (fields separated by sep) whose header must name every column in names.
 * Returns false after adding errors when the file cannot be used at all. */
static bool table_open(struct table *t, const char *file, const char *data, size_t len, char sep,
                       const char *const *names, size_t n_names, struct roster_errors *errs)
{
    struct csv_error cerr;
    struct csv *csv = csv_parse_sep(data, len, sep, &cerr);
    if (csv == NULL) {
        roster_errors_add(errs, "%s:%zu: %s", file, cerr.line, cerr.message);
        return false;
    }
    if (!table_check(t, file, csv, names, n_names, errs))
        return false;
    t->sep_name = separator_name(sep);
    return true;
}

/* The header index of an optional column, or -1 when the header does not name it. */
static int optional_column(const struct table *t, const char *name)
{
    const struct csv_record *h = &t->csv->records[0];
    for (size_t k = 0; k < h->n_fields; k++) {
        if (header_matches(h->fields[k], name))
            return (int)k;
    }
    return -1;
}

/* Returns the i-th wanted field of a data row. */
static const char *field(const struct table *t, const struct csv_record *rec, size_t i)
{
    return rec->fields[t->col[i]];
}

/* Checks that a data row has as many fields as the header. */
static bool row_shape_ok(const struct table *t, const struct csv_record *rec,
                         struct roster_errors *errs)
{
    size_t want = t->csv->records[0].n_fields;
    if (rec->n_fields == want)
        return true;
    const char *sep = t->sep_name ? t->sep_name : "comma";
    roster_errors_add(errs, "%s:%zu: %zu field%s where the header has %zu (a %s too %s%s%s?)",
                      t->file, rec->line, rec->n_fields, rec->n_fields == 1 ? "" : "s", want, sep,
                      rec->n_fields > want ? "many, or a field with a " : "few",
                      rec->n_fields > want ? sep : "",
                      rec->n_fields > want ? " that needs quotes" : "");
    return false;
}

/* Checks an id field; adds an error and returns false when it is not a valid id. */
static bool check_id(const struct table *t, const struct csv_record *rec, const char *col,
                     const char *id, struct roster_errors *errs)
{
    const char *why;
    if (roster_id_valid(id, &why))
        return true;
    char buf[SHOW_MAX + 8];
    if (*id == '\0')
        roster_errors_add(errs, "%s:%zu: column '%s': empty (every row needs an id)", t->file,
                          rec->line, col);
    else
        roster_errors_add(errs, "%s:%zu: column '%s': '%s': %s", t->file, rec->line, col,
                          show(id, buf), why);
    return false;
}

/* Checks that a text field is not empty. */
static bool check_nonempty(const struct table *t, const struct csv_record *rec, const char *col,
                           const char *value, struct roster_errors *errs)
{
    if (*value != '\0')
        return true;
    roster_errors_add(errs, "%s:%zu: column '%s': empty", t->file, rec->line, col);
    return false;
}

/* Checks that a text shown to people (a name, an organisation, a title) holds no control
 * character and no bidirectional override; adds an error saying which and where. */
static bool check_plain_text(const struct table *t, const struct csv_record *rec, const char *col,
                             const char *value, struct roster_errors *errs)
{
    uint32_t cp;
    long at = roster_text_forbidden(value, &cp);
    if (at < 0)
        return true;
    char buf[SHOW_MAX + 8];
    bool bidi = cp >= 0x2000;
    roster_errors_add(errs, "%s:%zu: column '%s': '%s' holds %s U+%04X at byte %ld: remove it (%s)",
                      t->file, rec->line, col, show(value, buf),
                      bidi ? "the bidirectional control" : "the control character", (unsigned)cp,
                      at + 1,
                      bidi ? "it can make a name display as another one"
                           : "names, organisations and titles are one line of plain text");
    return false;
}

struct id_line {
    const char *id;
    size_t line;
};

/* Orders by id, then by line. */
static int id_line_cmp(const void *a, const void *b)
{
    const struct id_line *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c != 0)
        return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Reports every id that appears more than once; ids must already be valid. */
static bool check_duplicates(const char *file, const char *col, struct id_line *ids, size_t n,
                             struct roster_errors *errs)
{
    bool ok = true;
    qsort(ids, n, sizeof *ids, id_line_cmp);
    for (size_t i = 1; i < n; i++) {
        size_t first = i - 1;
        while (i < n && strcmp(ids[i].id, ids[first].id) == 0) {
            roster_errors_add(errs, "%s:%zu: column '%s': duplicate id '%s' (first on line %zu)",
                              file, ids[i].line, col, ids[i].id, ids[first].line);
            ok = false;
            i++;
        }
    }
    return ok;
}

/* True when s is one of ids[0..n). */
static bool in_list(const char *s, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, ids[i]) == 0)
            return true;
    }
    return false;
}

/* Parses a strictly decimal integer (optional '-'); false when not a whole number or too big. */
static bool parse_int(const char *s, long long *out)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '\0')
        return false;
    for (const char *q = p; *q != '\0'; q++) {
        if (!isdigit((unsigned char)*q))
            return false;
    }
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

bool roster_parse_rooms(struct roster *r, const char *file, const char *data, size_t len,
                        struct roster_errors *errs)
{
    static const char *const names[] = {"id", "name", "capacity"};
    struct table t;
    size_t before = errs->n;
    if (!table_open(&t, file, data, len, r->sep ? r->sep : ',', names, ARRAY_LEN(names), errs))
        return false;
    size_t rows = t.csv->n_records - 1;
    struct id_line *ids = xcalloc(rows + 1, sizeof *ids);
    size_t n_ids = 0;
    r->rooms = xrealloc(r->rooms, (r->n_rooms + rows + 1) * sizeof *r->rooms);
    char buf[SHOW_MAX + 8];
    for (size_t i = 1; i < t.csv->n_records; i++) {
        const struct csv_record *rec = &t.csv->records[i];
        if (!row_shape_ok(&t, rec, errs))
            continue;
        const char *id = field(&t, rec, 0), *name = field(&t, rec, 1), *cap = field(&t, rec, 2);
        if (check_id(&t, rec, "id", id, errs)) {
            if (strcmp(id, ROSTER_ENTRANCE) == 0)
                roster_errors_add(errs,
                                  "%s:%zu: column 'id': 'entrance' is reserved for the venue "
                                  "entrance; give this room another id",
                                  file, rec->line);
            else
                ids[n_ids++] = (struct id_line){id, rec->line};
        }
        if (check_nonempty(&t, rec, "name", name, errs))
            check_plain_text(&t, rec, "name", name, errs);
        long long capacity = 0;
        if (!parse_int(cap, &capacity))
            roster_errors_add(errs, "%s:%zu: column 'capacity': '%s' is not a whole number", file,
                              rec->line, show(cap, buf));
        else if (capacity <= 0)
            roster_errors_add(errs, "%s:%zu: column 'capacity': %lld: must be greater than 0", file,
                              rec->line, capacity);
        else if (capacity > 1000000)
            roster_errors_add(errs, "%s:%zu: column 'capacity': %lld: too large (at most 1000000)",
                              file, rec->line, capacity);
        r->rooms[r->n_rooms++] = (struct roster_room){
            .id = xstrdup(id), .name = xstrdup(name), .capacity = (int)capacity, .line = rec->line};
    }
    check_duplicates(file, "id", ids, n_ids, errs);
    sort_by_line(errs, before);
    free(ids);
    csv_destroy(t.csv);
    return errs->n == before;
}

/* Orders sessions (by pointer) by room, start, line. */
static int session_cmp(const void *a, const void *b)
{
    const struct roster_session *x = *(const struct roster_session *const *)a;
    const struct roster_session *y = *(const struct roster_session *const *)b;
    int c = strcmp(x->room, y->room);
    if (c != 0)
        return c;
    if (x->start_ms != y->start_ms)
        return x->start_ms < y->start_ms ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Reports every pair of overlapping sessions in one room; the sessions must have valid times. */
static void check_overlaps(const char *file, struct roster_session **s, size_t n,
                           struct roster_errors *errs)
{
    qsort(s, n, sizeof *s, session_cmp);
    /* Compare each session with the one that ends last among the earlier ones of its room:
     * that is the one it overlaps if it overlaps any. */
    const struct roster_session *latest = NULL;
    for (size_t i = 0; i < n; i++) {
        if (latest != NULL && strcmp(latest->room, s[i]->room) != 0)
            latest = NULL;
        if (latest != NULL && s[i]->start_ms < latest->end_ms)
            roster_errors_add(errs,
                              "%s:%zu: session '%s' (%s to %s) overlaps session '%s' (line %zu, "
                              "%s to %s) in room '%s'",
                              file, s[i]->line, s[i]->id, s[i]->start_text, s[i]->end_text,
                              latest->id, latest->line, latest->start_text, latest->end_text,
                              s[i]->room);
        if (latest == NULL || s[i]->end_ms > latest->end_ms)
            latest = s[i];
    }
}

/* Parses a session's credits: a decimal number >= 0 with at most two decimals after '.' or ','
 * (a spreadsheet set up for Belgium writes 1,5), into hundredths. */
static bool parse_credits(const char *s, int32_t *centi)
{
    long whole = 0, frac = 0;
    int digits = 0, decimals = 0;
    const char *p = s;
    for (; isdigit((unsigned char)*p) && digits < 5; p++, digits++)
        whole = whole * 10 + (*p - '0');
    if (*p == '.' || *p == ',') {
        for (p++; isdigit((unsigned char)*p) && decimals < 2; p++, decimals++)
            frac = frac * 10 + (*p - '0');
    }
    if (*p != '\0' || (digits == 0 && decimals == 0))
        return false;
    if (decimals == 1)
        frac *= 10;
    long v = whole * 100 + frac;
    if (v > ROSTER_CREDITS_MAX)
        return false;
    *centi = (int32_t)v;
    return true;
}

/* Reads the optional 'credits' field of a session row (column col, -1 when absent). */
static int32_t session_credits(const struct table *t, const struct csv_record *rec, int col,
                               struct roster_errors *errs)
{
    int32_t centi = -1;
    const char *v = col >= 0 ? rec->fields[col] : "";
    while (*v == ' ')
        v++;
    if (*v != '\0' && !parse_credits(v, &centi)) {
        char buf[SHOW_MAX + 8];
        roster_errors_add(errs,
                          "%s:%zu: column 'credits': '%s' is not a number of credits (write "
                          "e.g. 1.5 or 1,5: at most two decimals, 0 to 9999.99; empty means none)",
                          t->file, rec->line, show(v, buf));
        centi = -1;
    }
    return centi;
}

/* Reports a start or end time that time_parse_iso8601 refused, saying why when it can. */
static void report_bad_time(const struct table *t, const struct csv_record *rec, const char *col,
                            const char *value, struct roster_errors *errs)
{
    char buf[SHOW_MAX + 8];
    int64_t ms;
    char *with_offset = xasprintf("%s+00:00", value);
    bool no_offset = time_parse_iso8601(with_offset, &ms);
    free(with_offset);
    if (no_offset)
        roster_errors_add(errs,
                          "%s:%zu: column '%s': '%s' has no UTC offset; add one, e.g. "
                          "'%s+02:00'",
                          t->file, rec->line, col, show(value, buf), value);
    else
        roster_errors_add(errs,
                          "%s:%zu: column '%s': '%s' is not a valid ISO 8601 time with an "
                          "offset (like 2024-04-22T10:45:00+02:00)",
                          t->file, rec->line, col, show(value, buf));
}

bool roster_parse_sessions(struct roster *r, const char *file, const char *data, size_t len,
                           const char *const *room_ids, size_t n_room_ids,
                           struct roster_errors *errs)
{
    static const char *const names[] = {"id", "room", "title", "start", "end"};
    struct table t;
    size_t before = errs->n;
    if (!table_open(&t, file, data, len, r->sep ? r->sep : ',', names, ARRAY_LEN(names), errs))
        return false;
    size_t rows = t.csv->n_records - 1;
    struct id_line *ids = xcalloc(rows + 1, sizeof *ids);
    size_t n_ids = 0;
    size_t first = r->n_sessions;
    bool *timed = xcalloc(rows + 1, sizeof *timed);
    r->sessions = xrealloc(r->sessions, (r->n_sessions + rows + 1) * sizeof *r->sessions);
    int credits_col = optional_column(&t, "credits");
    char buf[SHOW_MAX + 8];
    for (size_t i = 1; i < t.csv->n_records; i++) {
        const struct csv_record *rec = &t.csv->records[i];
        if (!row_shape_ok(&t, rec, errs))
            continue;
        const char *id = field(&t, rec, 0), *room = field(&t, rec, 1), *title = field(&t, rec, 2),
                   *start = field(&t, rec, 3), *end = field(&t, rec, 4);
        if (check_id(&t, rec, "id", id, errs))
            ids[n_ids++] = (struct id_line){id, rec->line};
        bool room_ok = check_nonempty(&t, rec, "room", room, errs);
        if (room_ok && room_ids != NULL && !in_list(room, room_ids, n_room_ids)) {
            roster_errors_add(errs, "%s:%zu: column 'room': unknown room '%s' (%s)", file,
                              rec->line, show(room, buf),
                              strcmp(room, ROSTER_ENTRANCE) == 0
                                  ? "the venue entrance holds no sessions"
                                  : "not in rooms.csv");
            room_ok = false;
        }
        if (check_nonempty(&t, rec, "title", title, errs))
            check_plain_text(&t, rec, "title", title, errs);
        int64_t start_ms = 0, end_ms = 0;
        bool start_ok = time_parse_iso8601(start, &start_ms);
        bool end_ok = time_parse_iso8601(end, &end_ms);
        if (!start_ok)
            report_bad_time(&t, rec, "start", start, errs);
        if (!end_ok)
            report_bad_time(&t, rec, "end", end, errs);
        if (start_ok && end_ok && end_ms <= start_ms) {
            roster_errors_add(errs, "%s:%zu: column 'end': %s is not after the start %s", file,
                              rec->line, end, start);
            end_ok = false;
        }
        timed[r->n_sessions - first] = start_ok && end_ok && room_ok;
        r->sessions[r->n_sessions++] = (struct roster_session){
            .id = xstrdup(id),
            .room = xstrdup(room),
            .title = xstrdup(title),
            .start_text = xstrdup(start),
            .end_text = xstrdup(end),
            .start_ms = start_ms,
            .end_ms = end_ms,
            .credits_centi = session_credits(&t, rec, credits_col, errs),
            .line = rec->line,
        };
    }
    check_duplicates(file, "id", ids, n_ids, errs);
    struct roster_session **valid = xcalloc(rows + 1, sizeof *valid);
    size_t n_valid = 0;
    for (size_t i = first; i < r->n_sessions; i++) {
        if (timed[i - first])
            valid[n_valid++] = &r->sessions[i];
    }
    check_overlaps(file, valid, n_valid, errs);
    sort_by_line(errs, before);
    free(valid);
    free(timed);
    free(ids);
    csv_destroy(t.csv);
    return errs->n == before;
}

/* Lower-cases ASCII letters of s into buf (size n). */
static const char *ascii_lower(const char *s, char *buf, size_t n)
{
    size_t i = 0;
    for (; s[i] != '\0' && i + 1 < n; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[i] = '\0';
    return buf;
}

/* Splits an attendee's session list, checking every entry. */
static void parse_session_list(const struct table *t, const struct csv_record *rec,
                               const char *list, const char *const *session_ids,
                               size_t n_session_ids, struct roster_attendee *a,
                               struct roster_errors *errs)
{
    char buf[SHOW_MAX + 8];
    const char *p = list;
    while (*p != '\0') {
        const char *semi = strchr(p, ';');
        const char *end = semi ? semi : p + strlen(p);
        const char *b = p, *e = end;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        p = semi ? semi + 1 : end;
        if (b == e)
            continue;
        char *sid = xstrndup(b, (size_t)(e - b));
        bool dup = false;
        for (size_t k = 0; k < a->n_sessions && !dup; k++)
            dup = strcmp(a->sessions[k], sid) == 0;
        if (dup) {
            roster_errors_add(errs, "%s:%zu: column 'sessions': session '%s' is listed twice",
                              t->file, rec->line, show(sid, buf));
            free(sid);
            continue;
        }
        if (session_ids != NULL && !in_list(sid, session_ids, n_session_ids))
            roster_errors_add(errs, "%s:%zu: column 'sessions': unknown session '%s'%s", t->file,
                              rec->line, show(sid, buf),
                              strchr(sid, ',') ? " (separate sessions with ';', not ',')" : "");
        a->sessions = xrealloc(a->sessions, (a->n_sessions + 1) * sizeof *a->sessions);
        a->sessions[a->n_sessions++] = sid;
    }
}

/* Reads the optional 'days' field (column col, -1 when absent): ISO dates separated by ';',
 * checked one by one; returns them sorted, without repeats, ';'-joined (owned). */
static char *parse_days(const struct table *t, const struct csv_record *rec, int col,
                        struct roster_errors *errs)
{
    struct attendee one = {0};
    struct strbuf norm = {0};
    char buf[SHOW_MAX + 8];
    const char *p = col >= 0 ? rec->fields[col] : "";
    while (*p != '\0') {
        const char *semi = strchr(p, ';'), *end = semi ? semi : p + strlen(p);
        const char *b = p, *e = end;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        p = semi ? semi + 1 : end;
        if (b == e)
            continue;
        char *date = xstrndup(b, (size_t)(e - b));
        int64_t day;
        if (!time_parse_date(date, &day))
            roster_errors_add(errs,
                              "%s:%zu: column 'days': '%s' is not a date (write YYYY-MM-DD, days "
                              "separated by ';', e.g. 2025-03-14;2025-03-15; empty means every "
                              "day)",
                              t->file, rec->line, show(date, buf));
        else if (!strstr(norm.data ? norm.data : "", date))
            strbuf_printf(&norm, "%s%s", norm.len ? ";" : "", date);
        free(date);
    }
    /* Sorted: event_attendee_set_days sorts the numbers; written back in that order. */
    char *out = xstrdup("");
    if (norm.data != NULL && event_attendee_set_days(&one, norm.data)) {
        struct strbuf sorted = {0};
        for (size_t i = 0; i < one.n_days; i++) {
            int64_t y;
            int m, d;
            time_civil_from_days(one.days[i], &y, &m, &d);
            strbuf_printf(&sorted, "%s%04d-%02d-%02d", i ? ";" : "", (int)y, m, d);
        }
        free(out);
        out = sorted.data ? sorted.data : xstrdup("");
    }
    free(one.days);
    strbuf_finish(&norm);
    return out;
}

/* Checks an e-mail address loosely: something, '@', something, no spaces. */
static bool email_plausible(const char *s)
{
    const char *at = strchr(s, '@');
    return at != NULL && at != s && at[1] != '\0' && strpbrk(s, " \t\r\n") == NULL;
}

bool roster_parse_attendees(struct roster *r, const char *file, const char *data, size_t len,
                            const char *const *session_ids, size_t n_session_ids,
                            struct roster_errors *errs)
{
    struct csv_error cerr;
    struct csv *csv = csv_parse_sep(data, len, r->sep ? r->sep : ',', &cerr);
    if (csv == NULL) {
        roster_errors_add(errs, "%s:%zu: %s", file, cerr.line, cerr.message);
        return false;
    }
    return roster_parse_attendees_csv(r, file, csv, session_ids, n_session_ids, errs);
}

bool roster_parse_attendees_csv(struct roster *r, const char *file, struct csv *csv,
                                const char *const *session_ids, size_t n_session_ids,
                                struct roster_errors *errs)
{
    static const char *const names[] = {"id",       "name",     "organisation", "email",
                                        "language", "category", "sessions"};
    struct table t;
    size_t before = errs->n;
    if (!table_check(&t, file, csv, names, ARRAY_LEN(names), errs))
        return false;
    t.sep_name = separator_name(r->sep);
    /* The source's own id, when the rows came through an import map. */
    int source_col = r->source != NULL ? csv_header_index(&t.csv->records[0], "source_id") : -1;
    size_t rows = t.csv->n_records - 1;
    struct id_line *ids = xcalloc(rows + 1, sizeof *ids);
    size_t n_ids = 0;
    r->attendees = xrealloc(r->attendees, (r->n_attendees + rows + 1) * sizeof *r->attendees);
    int days_col = optional_column(&t, "days");
    char buf[SHOW_MAX + 8], low[32];
    for (size_t i = 1; i < t.csv->n_records; i++) {
        const struct csv_record *rec = &t.csv->records[i];
        if (!row_shape_ok(&t, rec, errs))
            continue;
        const char *id = field(&t, rec, 0), *name = field(&t, rec, 1), *org = field(&t, rec, 2),
                   *email = field(&t, rec, 3), *lang = field(&t, rec, 4), *cat = field(&t, rec, 5),
                   *list = field(&t, rec, 6);
        struct roster_attendee a = {
            .id = xstrdup(id),
            .name = xstrdup(name),
            .organisation = xstrdup(org),
            .email = *email ? xstrdup(email) : NULL,
            .language = LANG_NL,
            .category = CATEGORY_ATTENDEE,
            .line = rec->line,
        };
        if (source_col >= 0 && *rec->fields[source_col] != '\0')
            a.source_id = xstrdup(rec->fields[source_col]);
        if (check_id(&t, rec, "id", id, errs))
            ids[n_ids++] = (struct id_line){id, rec->line};
        if (check_nonempty(&t, rec, "name", name, errs))
            check_plain_text(&t, rec, "name", name, errs);
        check_plain_text(&t, rec, "organisation", org, errs);
        if (*email != '\0' && !email_plausible(email))
            roster_errors_add(errs, "%s:%zu: column 'email': '%s' is not an e-mail address%s", file,
                              rec->line, show(email, buf), strchr(email, '@') ? "" : " (no '@')");
        if (*lang != '\0' && !language_parse(ascii_lower(lang, low, sizeof low), &a.language))
            roster_errors_add(errs,
                              "%s:%zu: column 'language': unknown language '%s' (use nl, fr or "
                              "en; empty means nl)",
                              file, rec->line, show(lang, buf));
        if (*cat != '\0' && !category_parse(ascii_lower(cat, low, sizeof low), &a.category))
            roster_errors_add(errs,
                              "%s:%zu: column 'category': unknown category '%s' (use attendee, "
                              "speaker, staff or press; empty means attendee)",
                              file, rec->line, show(cat, buf));
        parse_session_list(&t, rec, list, session_ids, n_session_ids, &a, errs);
        a.days = parse_days(&t, rec, days_col, errs);
        r->attendees[r->n_attendees++] = a;
    }
    check_duplicates(file, "id", ids, n_ids, errs);
    sort_by_line(errs, before);
    free(ids);
    csv_destroy(t.csv);
    return errs->n == before;
}
