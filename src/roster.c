/* rooms.csv, sessions.csv and attendees.csv: validation and writing into event.db (see roster.h).
 */
#include "roster.h"
#include "sqlutil.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "csv.h"
#include "timeutil.h"
#include "token.h"
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
        for (size_t k = 0; k < a->n_sessions; k++)
            free(a->sessions[k]);
        free(a->sessions);
    }
    free(r->rooms);
    free(r->sessions);
    free(r->attendees);
    *r = (struct roster){0};
}

/* Copies s into buf (SHOW_MAX + 8 bytes) for quoting in a message: control characters become
 * '?', and a long value is cut on a UTF-8 boundary and ends in "...". */
static const char *show(const char *s, char *buf)
{
    size_t n = 0;
    for (; *s != '\0' && n < SHOW_MAX; s++)
        buf[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
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

/* A parsed CSV with its header checked: col[i] is the header index of the i-th wanted column. */
struct table {
    struct csv *csv;
    const char *file;
    int col[8];
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

/* Parses data as a CSV whose header must name every column in names. Returns false after adding
 * errors when the file cannot be used at all. */
static bool table_open(struct table *t, const char *file, const char *data, size_t len,
                       const char *const *names, size_t n_names, struct roster_errors *errs)
{
    struct csv_error cerr;
    t->file = file;
    t->csv = csv_parse(data, len, &cerr);
    if (t->csv == NULL) {
        roster_errors_add(errs, "%s:%zu: %s", file, cerr.line, cerr.message);
        return false;
    }
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
            roster_errors_add(errs,
                              "%s:%zu: missing required column '%s' (the header row must name "
                              "the columns %s)",
                              file, h->line, names[i], want.data);
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
    roster_errors_add(errs, "%s:%zu: %zu field%s where the header has %zu (a comma too %s?)",
                      t->file, rec->line, rec->n_fields, rec->n_fields == 1 ? "" : "s", want,
                      rec->n_fields > want ? "many, or a field with a comma that needs quotes"
                                           : "few");
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
    if (!table_open(&t, file, data, len, names, ARRAY_LEN(names), errs))
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
        check_nonempty(&t, rec, "name", name, errs);
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
    if (!table_open(&t, file, data, len, names, ARRAY_LEN(names), errs))
        return false;
    size_t rows = t.csv->n_records - 1;
    struct id_line *ids = xcalloc(rows + 1, sizeof *ids);
    size_t n_ids = 0;
    size_t first = r->n_sessions;
    bool *timed = xcalloc(rows + 1, sizeof *timed);
    r->sessions = xrealloc(r->sessions, (r->n_sessions + rows + 1) * sizeof *r->sessions);
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
        check_nonempty(&t, rec, "title", title, errs);
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
    static const char *const names[] = {"id",       "name",     "organisation", "email",
                                        "language", "category", "sessions"};
    struct table t;
    size_t before = errs->n;
    if (!table_open(&t, file, data, len, names, ARRAY_LEN(names), errs))
        return false;
    size_t rows = t.csv->n_records - 1;
    struct id_line *ids = xcalloc(rows + 1, sizeof *ids);
    size_t n_ids = 0;
    r->attendees = xrealloc(r->attendees, (r->n_attendees + rows + 1) * sizeof *r->attendees);
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
        if (check_id(&t, rec, "id", id, errs))
            ids[n_ids++] = (struct id_line){id, rec->line};
        check_nonempty(&t, rec, "name", name, errs);
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
        r->attendees[r->n_attendees++] = a;
    }
    check_duplicates(file, "id", ids, n_ids, errs);
    sort_by_line(errs, before);
    free(ids);
    csv_destroy(t.csv);
    return errs->n == before;
}

/* Returns the last path component of path (borrowed). */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Reads a whole file, adding an error that names it when it cannot. */
static char *read_input(const char *path, size_t *len, struct roster_errors *errs)
{
    char *data = file_read_all(path, len);
    if (data == NULL)
        roster_errors_add(errs, "%s: cannot read '%s': %s", base_name(path), path, strerror(errno));
    return data;
}

bool roster_load(struct roster *r, const char *rooms_path, const char *sessions_path,
                 const char *attendees_path, struct roster_errors *errs)
{
    size_t before = errs->n;
    size_t len;
    char *data;
    bool rooms_ok = false, sessions_ok = false;

    if ((data = read_input(rooms_path, &len, errs)) != NULL) {
        rooms_ok = roster_parse_rooms(r, base_name(rooms_path), data, len, errs);
        free(data);
    }
    /* Check references only against files that parsed cleanly: an unknown-room error for
     * every session of a room whose row was broken would bury the real fault. */
    const char **ids = xcalloc(r->n_rooms + 1, sizeof *ids);
    for (size_t i = 0; i < r->n_rooms; i++)
        ids[i] = r->rooms[i].id;
    if ((data = read_input(sessions_path, &len, errs)) != NULL) {
        sessions_ok = roster_parse_sessions(r, base_name(sessions_path), data, len,
                                            rooms_ok ? ids : NULL, r->n_rooms, errs);
        free(data);
    }
    free(ids);
    ids = xcalloc(r->n_sessions + 1, sizeof *ids);
    for (size_t i = 0; i < r->n_sessions; i++)
        ids[i] = r->sessions[i].id;
    if ((data = read_input(attendees_path, &len, errs)) != NULL) {
        roster_parse_attendees(r, base_name(attendees_path), data, len, sessions_ok ? ids : NULL,
                               r->n_sessions, errs);
        free(data);
    }
    free(ids);
    return errs->n == before;
}

bool roster_load_attendees(struct roster *r, const char *path, const struct event *ev,
                           struct roster_errors *errs)
{
    size_t len;
    char *data = read_input(path, &len, errs);
    if (data == NULL)
        return false;
    const char **ids = xcalloc(ev->n_sessions + 1, sizeof *ids);
    for (size_t i = 0; i < ev->n_sessions; i++)
        ids[i] = ev->sessions[i].id;
    bool ok = roster_parse_attendees(r, base_name(path), data, len, ids, ev->n_sessions, errs);
    free(ids);
    free(data);
    return ok;
}

/* Prepares a statement; logs and returns NULL on error. */
static sqlite3_stmt *prepare(sqlite3 *db, const char *what, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_warnx("%s: %s", what, sqlite3_errmsg(db));
        return NULL;
    }
    return st;
}

/* Steps a statement that returns no row, then resets it; logs on error. */
static bool step_done(sqlite3 *db, const char *what, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_DONE)
        return true;
    log_warnx("%s: %s", what, sqlite3_errmsg(db));
    return false;
}

/* Binds text, or NULL when s is NULL. */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Sets one meta key. */
static bool set_meta(sqlite3 *db, const char *what, const char *key, const char *value)
{
    sqlite3_stmt *st = prepare(db, what, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
    if (st == NULL)
        return false;
    bind_text(st, 1, key);
    bind_text(st, 2, value);
    bool ok = step_done(db, what, st);
    sqlite3_finalize(st);
    return ok;
}

/* Inserts one attendee's registrations. */
static bool insert_registrations(sqlite3 *db, const char *what, sqlite3_stmt *reg,
                                 const struct roster_attendee *a)
{
    for (size_t k = 0; k < a->n_sessions; k++) {
        bind_text(reg, 1, a->id);
        bind_text(reg, 2, a->sessions[k]);
        if (!step_done(db, what, reg))
            return false;
    }
    return true;
}

/* fsyncs a file by path. */
static bool fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    int saved = errno;
    close(fd);
    errno = saved;
    return ok;
}

bool roster_create_db(const struct roster *r, const char *db_path, uint32_t event_id,
                      uint16_t key_id, const char *name, const char *timezone)
{
    const char *what = db_path;
    bool ok = false;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL, *reg = NULL;
    char *tmp = xasprintf("%s.tmp.%ld", db_path, (long)getpid());
    char num[32];

    if (r->n_attendees > TOKEN_MAX_ATTENDEE_NUM) {
        log_warnx("%s: too many attendees (at most %u)", what, TOKEN_MAX_ATTENDEE_NUM);
        goto out;
    }
    unlink(tmp);
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        log_warnx("%s: cannot create: %s", tmp, db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    if (!sql_exec(db, what, event_db_schema_sql()) || !sql_exec(db, what, "BEGIN"))
        goto out;
    char created[TIME_ISO_LEN];
    time_format_iso8601(time_now_ms(), created);
    snprintf(num, sizeof num, "%u", (unsigned)event_id);
    if (!set_meta(db, what, "format", "portier-event") || !set_meta(db, what, "event_id", num))
        goto out;
    snprintf(num, sizeof num, "%u", (unsigned)key_id);
    if (!set_meta(db, what, "key_id", num) || !set_meta(db, what, "name", name) ||
        !set_meta(db, what, "timezone", timezone) || !set_meta(db, what, "created", created))
        goto out;
    snprintf(num, sizeof num, "%zu", r->n_attendees + 1);
    if (!set_meta(db, what, "next_num", num))
        goto out;

    if ((st = prepare(db, what, "INSERT INTO rooms(id, name, capacity, pos) VALUES(?,?,?,?)")) ==
        NULL)
        goto out;
    for (size_t i = 0; i < r->n_rooms; i++) {
        bind_text(st, 1, r->rooms[i].id);
        bind_text(st, 2, r->rooms[i].name);
        sqlite3_bind_int(st, 3, r->rooms[i].capacity);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)i);
        if (!step_done(db, what, st))
            goto out;
    }
    sqlite3_finalize(st);
    st = prepare(db, what,
                 "INSERT INTO sessions(id, room, title, start_ms, end_ms, start_text, end_text) "
                 "VALUES(?,?,?,?,?,?,?)");
    if (st == NULL)
        goto out;
    for (size_t i = 0; i < r->n_sessions; i++) {
        const struct roster_session *s = &r->sessions[i];
        bind_text(st, 1, s->id);
        bind_text(st, 2, s->room);
        bind_text(st, 3, s->title);
        sqlite3_bind_int64(st, 4, s->start_ms);
        sqlite3_bind_int64(st, 5, s->end_ms);
        bind_text(st, 6, s->start_text);
        bind_text(st, 7, s->end_text);
        if (!step_done(db, what, st))
            goto out;
    }
    sqlite3_finalize(st);
    st = prepare(db, what,
                 "INSERT INTO attendees(id, num, name, organisation, email, language, category, "
                 "serial) VALUES(?,?,?,?,?,?,?,0)");
    reg = prepare(db, what, "INSERT INTO registrations(attendee, session) VALUES(?,?)");
    if (st == NULL || reg == NULL)
        goto out;
    for (size_t i = 0; i < r->n_attendees; i++) {
        const struct roster_attendee *a = &r->attendees[i];
        bind_text(st, 1, a->id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)(i + 1));
        bind_text(st, 3, a->name);
        bind_text(st, 4, a->organisation);
        bind_text(st, 5, a->email);
        bind_text(st, 6, language_name(a->language));
        bind_text(st, 7, category_name(a->category));
        if (!step_done(db, what, st) || !insert_registrations(db, what, reg, a))
            goto out;
    }
    if (!sql_exec(db, what, "COMMIT"))
        goto out;
    sqlite3_finalize(st);
    sqlite3_finalize(reg);
    st = reg = NULL;
    if (sqlite3_close(db) != SQLITE_OK) {
        log_warnx("%s: cannot close: %s", tmp, sqlite3_errmsg(db));
        goto out;
    }
    db = NULL;
    if (!fsync_path(tmp)) {
        log_warn("%s: fsync", tmp);
        goto out;
    }
    /* link() rather than rename(): it fails when event.db appeared meanwhile, so that an
     * existing event is never overwritten. */
    if (link(tmp, db_path) != 0) {
        log_warn("%s", db_path);
        goto out;
    }
    if (!fsync_dir_of(db_path)) {
        log_warn("%s: fsync of the directory", db_path);
        goto out;
    }
    ok = true;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(reg);
    sqlite3_close(db);
    unlink(tmp);
    free(tmp);
    return ok;
}

/* Sorts C strings. */
static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* True when a nullable column equals s (NULL and "" count as equal for e-mail). */
static bool same_text(const unsigned char *col, const char *s)
{
    const char *c = col ? (const char *)col : "";
    return strcmp(c, s ? s : "") == 0;
}

/* Compares an attendee row (id bound to `row`, already stepped) and its registrations. */
static bool attendee_unchanged(sqlite3 *db, const char *what, sqlite3_stmt *row, sqlite3_stmt *regs,
                               const struct roster_attendee *a, bool *same)
{
    *same = same_text(sqlite3_column_text(row, 1), a->name) &&
            same_text(sqlite3_column_text(row, 2), a->organisation) &&
            same_text(sqlite3_column_text(row, 3), a->email) &&
            same_text(sqlite3_column_text(row, 4), language_name(a->language)) &&
            same_text(sqlite3_column_text(row, 5), category_name(a->category));
    if (!*same)
        return true;
    char **sorted = xcalloc(a->n_sessions + 1, sizeof *sorted);
    for (size_t k = 0; k < a->n_sessions; k++)
        sorted[k] = a->sessions[k];
    qsort(sorted, a->n_sessions, sizeof *sorted, str_cmp);
    bind_text(regs, 1, a->id);
    size_t k = 0;
    int rc;
    while ((rc = sqlite3_step(regs)) == SQLITE_ROW) {
        if (k >= a->n_sessions || !same_text(sqlite3_column_text(regs, 0), sorted[k]))
            *same = false;
        k++;
    }
    if (k != a->n_sessions)
        *same = false;
    sqlite3_reset(regs);
    sqlite3_clear_bindings(regs);
    free(sorted);
    if (rc != SQLITE_DONE) {
        log_warnx("%s: %s", what, sqlite3_errmsg(db));
        return false;
    }
    return true;
}

bool roster_import(const struct roster *r, const char *db_path, struct roster_import_counts *counts)
{
    const char *what = db_path;
    bool ok = false, in_tx = false;
    sqlite3 *db = NULL;
    sqlite3_stmt *find = NULL, *regs = NULL, *ins = NULL, *upd = NULL, *del = NULL, *reg = NULL,
                 *meta = NULL;
    *counts = (struct roster_import_counts){0};

    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        log_warnx("%s: cannot open: %s", db_path, db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(db, 5000);
    if (!sql_exec(db, what, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON") ||
        !sql_exec(db, what, "BEGIN IMMEDIATE"))
        goto out;
    in_tx = true;
    find = prepare(db, what,
                   "SELECT num, name, organisation, email, language, category FROM attendees "
                   "WHERE id = ?");
    regs =
        prepare(db, what, "SELECT session FROM registrations WHERE attendee = ? ORDER BY session");
    ins = prepare(db, what,
                  "INSERT INTO attendees(id, num, name, organisation, email, language, category, "
                  "serial) VALUES(?,?,?,?,?,?,?,0)");
    upd = prepare(db, what,
                  "UPDATE attendees SET name=?2, organisation=?3, email=?4, language=?5, "
                  "category=?6 WHERE id=?1");
    del = prepare(db, what, "DELETE FROM registrations WHERE attendee = ?");
    reg = prepare(db, what, "INSERT INTO registrations(attendee, session) VALUES(?,?)");
    meta = prepare(db, what, "SELECT value FROM meta WHERE key = 'next_num'");
    if (!find || !regs || !ins || !upd || !del || !reg || !meta)
        goto out;
    if (sqlite3_step(meta) != SQLITE_ROW) {
        log_warnx("%s: no next_num in meta: not a Portier event database?", what);
        goto out;
    }
    long long next_num = sqlite3_column_int64(meta, 0);
    if (next_num < 1) {
        log_warnx("%s: corrupt next_num in meta", what);
        goto out;
    }
    for (size_t i = 0; i < r->n_attendees; i++) {
        const struct roster_attendee *a = &r->attendees[i];
        bind_text(find, 1, a->id);
        int rc = sqlite3_step(find);
        if (rc == SQLITE_ROW) {
            bool same;
            bool fine = attendee_unchanged(db, what, find, regs, a, &same);
            sqlite3_reset(find);
            if (!fine)
                goto out;
            if (same) {
                counts->unchanged++;
                continue;
            }
            bind_text(upd, 1, a->id);
            bind_text(upd, 2, a->name);
            bind_text(upd, 3, a->organisation);
            bind_text(upd, 4, a->email);
            bind_text(upd, 5, language_name(a->language));
            bind_text(upd, 6, category_name(a->category));
            bind_text(del, 1, a->id);
            if (!step_done(db, what, upd) || !step_done(db, what, del))
                goto out;
            counts->updated++;
        } else if (rc == SQLITE_DONE) {
            sqlite3_reset(find);
            if (next_num > (long long)TOKEN_MAX_ATTENDEE_NUM) {
                log_warnx("%s: too many attendees (at most %u)", what, TOKEN_MAX_ATTENDEE_NUM);
                goto out;
            }
            bind_text(ins, 1, a->id);
            sqlite3_bind_int64(ins, 2, next_num++);
            bind_text(ins, 3, a->name);
            bind_text(ins, 4, a->organisation);
            bind_text(ins, 5, a->email);
            bind_text(ins, 6, language_name(a->language));
            bind_text(ins, 7, category_name(a->category));
            if (!step_done(db, what, ins))
                goto out;
            counts->added++;
        } else {
            log_warnx("%s: %s", what, sqlite3_errmsg(db));
            goto out;
        }
        if (!insert_registrations(db, what, reg, a))
            goto out;
    }
    char num[32];
    snprintf(num, sizeof num, "%lld", next_num);
    if (!set_meta(db, what, "next_num", num) || !sql_exec(db, what, "COMMIT"))
        goto out;
    in_tx = false;
    ok = true;
out:
    sqlite3_finalize(find);
    sqlite3_finalize(regs);
    sqlite3_finalize(ins);
    sqlite3_finalize(upd);
    sqlite3_finalize(del);
    sqlite3_finalize(reg);
    sqlite3_finalize(meta);
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return ok;
}

bool roster_init_event(const char *event_dir, const char *name, const char *timezone,
                       const char *rooms_path, const char *sessions_path,
                       const char *attendees_path, uint32_t *event_id_out)
{
    bool ok = false, keys_written = false;
    struct roster r = {0};
    struct roster_errors errs = {0};
    char *db_path = path_join(event_dir, EVENT_DB_NAME);
    char *sk_path = path_join(event_dir, EVENT_SIGNING_KEY_NAME);
    char *pk_path = path_join(event_dir, EVENT_VERIFY_KEY_NAME);
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];

    if (!time_set_zone(timezone)) {
        log_warnx("init: unknown time zone '%s' (use an IANA name such as Europe/Brussels)",
                  timezone);
        goto out;
    }
    if (path_exists(db_path) || path_exists(sk_path)) {
        log_warnx("%s: already holds an event (%s); init never overwrites an event: choose a "
                  "new directory",
                  event_dir, path_exists(db_path) ? EVENT_DB_NAME : EVENT_SIGNING_KEY_NAME);
        goto out;
    }
    if (!roster_load(&r, rooms_path, sessions_path, attendees_path, &errs)) {
        roster_errors_print(&errs);
        log_warnx("init: %zu problem%s found; nothing was written", errs.n, errs.n == 1 ? "" : "s");
        goto out;
    }
    if (r.n_attendees > TOKEN_MAX_ATTENDEE_NUM) {
        log_warnx("init: too many attendees (at most %u)", TOKEN_MAX_ATTENDEE_NUM);
        goto out;
    }
    if (!mkdir_p(event_dir)) {
        log_warn("%s: cannot create the directory", event_dir);
        goto out;
    }
    if (!token_init()) {
        log_warnx("init: cannot initialise libsodium");
        goto out;
    }
    uint32_t event_id = 0;
    while (event_id == 0)
        randombytes_buf(&event_id, sizeof event_id);
    token_keypair(pk, sk);
    if (!event_write_keys(event_dir, pk, sk))
        goto out;
    keys_written = true;
    if (!roster_create_db(&r, db_path, event_id, token_key_id(pk), name, timezone))
        goto out;
    if (event_id_out != NULL)
        *event_id_out = event_id;
    ok = true;
out:
    if (!ok && keys_written) {
        unlink(sk_path);
        unlink(pk_path);
    }
    sodium_memzero(sk, sizeof sk);
    roster_finish(&r);
    roster_errors_finish(&errs);
    free(db_path);
    free(sk_path);
    free(pk_path);
    return ok;
}
