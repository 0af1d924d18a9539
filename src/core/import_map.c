/* SPDX-License-Identifier: Apache-2.0 */
/* Other systems' attendee exports into Portier's columns (see import_map.h). */
#include "import_map.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* One header of a column spec; prefix: every header that starts with it. */
struct part {
    char *header;
    bool prefix;
};
/* Headers joined with '+'. */
struct alt {
    struct part *parts;
    size_t n;
};
/* Alternatives separated by '|': the first one that gives a non-empty value wins. */
struct spec {
    struct alt *alts;
    size_t n;
};
struct ticket {
    char *value;
    char *sessions;
};

struct import_map {
    char *source;
    struct spec cols[IMPORT_N_FIELDS];
    char *skip_header;
    char **skip_values;
    size_t n_skip;
    char *language_fallback;
    struct ticket *tickets;
    size_t n_tickets;
    bool has_sessions;
};

static const char *const field_names[IMPORT_N_FIELDS] = {
    "id",       "source_id", "name",     "organisation", "email",
    "language", "category",  "sessions", "ticket",
};

/* pretix: the "Order positions" sheet of the "Order data" export (one row per ticket). */
static const char pretix_map[] = "[import]\n"
                                 "source = pretix\n"
                                 "skip = Status: canceled | expired\n"
                                 "language_fallback = en\n"
                                 "[columns]\n"
                                 "id = Order code + Position ID\n"
                                 "name = Attendee name | Attendee name: *\n"
                                 "organisation = Company\n"
                                 "email = Attendee email | Email\n"
                                 "language = Order locale\n"
                                 "ticket = Product + Variation\n";
/* Eventbrite: the "Attendee Summary" report. */
static const char eventbrite_map[] =
    "[import]\n"
    "source = eventbrite\n"
    "skip = Attendee Status: Not Attending | Refunded | Cancelled | Deleted\n"
    "[columns]\n"
    "id = Attendee #\n"
    "name = First Name + Last Name\n"
    "organisation = Company\n"
    "email = Email\n"
    "ticket = Ticket Type\n";

/* Returns a copy of s[0..n) without surrounding blanks. */
static char *trimmed(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return xstrndup(s, n);
}

/* Frees a spec's contents. */
static void spec_finish(struct spec *s)
{
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; k < s->alts[i].n; k++)
            free(s->alts[i].parts[k].header);
        free(s->alts[i].parts);
    }
    free(s->alts);
    *s = (struct spec){0};
}

/* Parses "A + B | C" into a spec; false when a header is empty. */
static bool spec_parse(struct spec *s, const char *text)
{
    spec_finish(s);
    const char *p = text;
    bool ok = true;
    for (;;) {
        const char *bar = strchr(p, '|');
        const char *end = bar ? bar : p + strlen(p);
        struct alt a = {0};
        const char *q = p;
        for (;;) {
            const char *plus = memchr(q, '+', (size_t)(end - q));
            const char *pe = plus ? plus : end;
            char *h = trimmed(q, (size_t)(pe - q));
            size_t hl = strlen(h);
            bool prefix = hl > 0 && h[hl - 1] == '*';
            if (prefix)
                h[hl - 1] = '\0';
            if (*h == '\0')
                ok = false;
            a.parts = xrealloc(a.parts, (a.n + 1) * sizeof *a.parts);
            a.parts[a.n++] = (struct part){h, prefix};
            if (plus == NULL)
                break;
            q = plus + 1;
        }
        s->alts = xrealloc(s->alts, (s->n + 1) * sizeof *s->alts);
        s->alts[s->n++] = a;
        if (bar == NULL)
            break;
        p = bar + 1;
    }
    return ok;
}

void import_map_destroy(struct import_map *m)
{
    if (m == NULL)
        return;
    free(m->source);
    for (size_t i = 0; i < IMPORT_N_FIELDS; i++)
        spec_finish(&m->cols[i]);
    free(m->skip_header);
    for (size_t i = 0; i < m->n_skip; i++)
        free(m->skip_values[i]);
    free(m->skip_values);
    free(m->language_fallback);
    for (size_t i = 0; i < m->n_tickets; i++) {
        free(m->tickets[i].value);
        free(m->tickets[i].sessions);
    }
    free(m->tickets);
    free(m);
}

const char *import_map_source(const struct import_map *m)
{
    return m->source ? m->source : "map";
}

/* Sets "skip = Header: v1 | v2". */
static bool set_skip(struct import_map *m, const char *value)
{
    const char *colon = strchr(value, ':');
    if (colon == NULL)
        return false;
    free(m->skip_header);
    for (size_t i = 0; i < m->n_skip; i++)
        free(m->skip_values[i]);
    m->n_skip = 0;
    m->skip_header = trimmed(value, (size_t)(colon - value));
    for (const char *p = colon + 1;;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        m->skip_values = xrealloc(m->skip_values, (m->n_skip + 1) * sizeof *m->skip_values);
        m->skip_values[m->n_skip++] = trimmed(p, n);
        if (bar == NULL)
            break;
        p = bar + 1;
    }
    return *m->skip_header != '\0';
}

/* Applies one "key = value" line of a section; false after adding an error. */
static bool apply_key(struct import_map *m, const char *section, const char *key, const char *value,
                      const char *file, size_t line, struct roster_errors *errs)
{
    if (strcmp(section, "sessions") == 0) {
        for (size_t i = 0; i < m->n_tickets; i++) {
            if (strcmp(m->tickets[i].value, key) == 0) {
                roster_errors_add(errs, "%s:%zu: [sessions]: '%s' is given twice", file, line, key);
                return false;
            }
        }
        m->tickets = xrealloc(m->tickets, (m->n_tickets + 1) * sizeof *m->tickets);
        m->tickets[m->n_tickets++] = (struct ticket){xstrdup(key), xstrdup(value)};
        return true;
    }
    if (strcmp(section, "columns") == 0) {
        for (size_t f = 0; f < IMPORT_N_FIELDS; f++) {
            if (strcmp(key, field_names[f]) != 0)
                continue;
            if (spec_parse(&m->cols[f], value))
                return true;
            roster_errors_add(errs, "%s:%zu: [columns] %s: an empty header in '%s'", file, line,
                              key, value);
            return false;
        }
        roster_errors_add(errs,
                          "%s:%zu: [columns]: unknown column '%s' (use id, source_id, name, "
                          "organisation, email, language, category, sessions, ticket)",
                          file, line, key);
        return false;
    }
    if (strcmp(section, "import") == 0) {
        if (strcmp(key, "source") == 0 && roster_id_valid(value, NULL)) {
            free(m->source);
            m->source = xstrdup(value);
            return true;
        }
        if (strcmp(key, "skip") == 0 && set_skip(m, value))
            return true;
        if (strcmp(key, "language_fallback") == 0 &&
            (strcmp(value, "nl") == 0 || strcmp(value, "fr") == 0 || strcmp(value, "en") == 0)) {
            free(m->language_fallback);
            m->language_fallback = xstrdup(value);
            return true;
        }
        roster_errors_add(errs,
                          "%s:%zu: [import]: '%s = %s' is not understood (source = a short id, "
                          "skip = Header: value | value, language_fallback = nl|fr|en)",
                          file, line, key, value);
        return false;
    }
    roster_errors_add(errs, "%s:%zu: key outside [import], [columns] or [sessions]", file, line);
    return false;
}

struct import_map *import_map_parse(struct import_map *base, const char *file, const char *text,
                                    size_t len, struct roster_errors *errs)
{
    struct import_map *m = base ? base : xcalloc(1, sizeof *m);
    size_t before = errs->n;
    char section[16] = "";
    size_t line = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        char *l = trimmed(text + pos, end - pos);
        pos = end + 1;
        line++;
        size_t n = strlen(l);
        if (line == 1 && n >= 3 && memcmp(l, "\xEF\xBB\xBF", 3) == 0)
            memmove(l, l + 3, (n -= 3) + 1);
        if (n == 0 || l[0] == '#' || l[0] == ';') {
            free(l);
            continue;
        }
        if (l[0] == '[' && l[n - 1] == ']') {
            l[n - 1] = '\0';
            if (strcmp(l + 1, "import") && strcmp(l + 1, "columns") && strcmp(l + 1, "sessions"))
                roster_errors_add(errs,
                                  "%s:%zu: unknown section [%s] (use [import], [columns], "
                                  "[sessions])",
                                  file, line, l + 1);
            else
                snprintf(section, sizeof section, "%s", l + 1);
            if (strcmp(section, "sessions") == 0)
                m->has_sessions = true;
            free(l);
            continue;
        }
        char *eq = strchr(l, '=');
        if (eq == NULL) {
            roster_errors_add(errs, "%s:%zu: expected 'key = value' or '[section]'", file, line);
        } else {
            char *key = trimmed(l, (size_t)(eq - l)), *value = trimmed(eq + 1, strlen(eq + 1));
            if (*key == '\0')
                roster_errors_add(errs, "%s:%zu: empty key before '='", file, line);
            else
                apply_key(m, section, key, value, file, line, errs);
            free(key);
            free(value);
        }
        free(l);
    }
    if (errs->n == before && (m->cols[IMPORT_ID].n == 0 || m->cols[IMPORT_NAME].n == 0))
        roster_errors_add(errs, "%s: [columns] must say at least which columns give id and name",
                          file);
    if (errs->n != before) {
        import_map_destroy(m);
        return NULL;
    }
    return m;
}

bool import_map_sessions_known(const struct import_map *m)
{
    return m->has_sessions || m->cols[IMPORT_TICKET].n == 0;
}

struct import_map *import_map_preset(const char *from)
{
    const char *text = strcmp(from, "pretix") == 0       ? pretix_map
                       : strcmp(from, "eventbrite") == 0 ? eventbrite_map
                                                         : NULL;
    if (text == NULL)
        return NULL;
    struct roster_errors errs = {0};
    struct import_map *m = import_map_parse(NULL, from, text, strlen(text), &errs);
    roster_errors_finish(&errs);
    return m;
}

#define ALT_COLS_MAX 16

/* The columns of one alternative in one file. */
struct resolved_alt {
    int cols[ALT_COLS_MAX];
    size_t n;
    bool ok; /* every header found */
};
struct resolved {
    struct resolved_alt *alts;
    size_t n;
};

/* True when a header field equals h (ASCII case and surrounding blanks ignored), or starts with
 * it when prefix. */
static bool header_is(const char *field, const char *h, bool prefix)
{
    while (*field == ' ' || *field == '\t')
        field++;
    size_t n = strlen(h);
    if (strncasecmp(field, h, n) != 0)
        return false;
    if (prefix)
        return field[n] != '\0';
    for (field += n; *field == ' ' || *field == '\t' || *field == '\r'; field++)
        ;
    return *field == '\0';
}

/* Finds the columns of a spec in a header row. */
static void resolve(const struct spec *s, const struct csv_record *h, struct resolved *r)
{
    r->n = s->n;
    r->alts = xcalloc(s->n + 1, sizeof *r->alts);
    for (size_t a = 0; a < s->n; a++) {
        struct resolved_alt *ra = &r->alts[a];
        ra->ok = true;
        for (size_t p = 0; p < s->alts[a].n; p++) {
            const struct part *pt = &s->alts[a].parts[p];
            bool found = false;
            for (size_t k = 0; k < h->n_fields && ra->n < ALT_COLS_MAX; k++) {
                if (!header_is(h->fields[k], pt->header, pt->prefix))
                    continue;
                ra->cols[ra->n++] = (int)k;
                found = true;
                if (!pt->prefix)
                    break;
            }
            ra->ok = ra->ok && found;
        }
    }
}

/* Appends the value of a resolved spec in a row: the first usable alternative whose joined
 * non-empty fields are not empty. */
static void value_of(const struct resolved *r, const struct csv_record *rec, const char *sep,
                     struct strbuf *out)
{
    strbuf_reset(out);
    strbuf_append(out, "", 0);
    for (size_t a = 0; a < r->n && out->len == 0; a++) {
        if (!r->alts[a].ok)
            continue;
        for (size_t i = 0; i < r->alts[a].n; i++) {
            char *v =
                trimmed(rec->fields[r->alts[a].cols[i]], strlen(rec->fields[r->alts[a].cols[i]]));
            if (*v != '\0') {
                if (out->len > 0)
                    strbuf_puts(out, sep);
                strbuf_puts(out, v);
            }
            free(v);
        }
    }
}

/* Appends a spec as "'A' + 'B' or 'C'". */
static void spec_describe(const struct spec *s, struct strbuf *sb)
{
    for (size_t a = 0; a < s->n; a++) {
        for (size_t p = 0; p < s->alts[a].n; p++)
            strbuf_printf(sb, "%s'%s%s'", a || p ? (p ? " + " : " or ") : "",
                          s->alts[a].parts[p].header, s->alts[a].parts[p].prefix ? "*" : "");
    }
}

void import_map_name_columns(const struct import_map *m, struct roster_errors *errs, size_t from)
{
    static const enum import_field shown[] = {IMPORT_ID,      IMPORT_NAME,     IMPORT_ORGANISATION,
                                              IMPORT_EMAIL,   IMPORT_LANGUAGE, IMPORT_CATEGORY,
                                              IMPORT_SESSIONS};
    for (size_t i = from; i < errs->n; i++) {
        for (size_t k = 0; k < ARRAY_LEN(shown); k++) {
            enum import_field f = shown[k];
            const struct spec *s =
                &m->cols[f == IMPORT_SESSIONS && m->cols[f].n == 0 ? IMPORT_TICKET : f];
            char *pat = xasprintf("column '%s':", field_names[f]);
            char *at = strstr(errs->items[i], pat);
            if (at != NULL && s->n > 0) {
                struct strbuf sb = {0};
                strbuf_append(&sb, errs->items[i], (size_t)(at - errs->items[i]) + strlen(pat) - 1);
                strbuf_puts(&sb, " (from ");
                spec_describe(s, &sb);
                strbuf_putc(&sb, ')');
                strbuf_puts(&sb, at + strlen(pat) - 1);
                free(errs->items[i]);
                errs->items[i] = strbuf_take(&sb);
            }
            free(pat);
            if (at != NULL)
                break;
        }
    }
}

/* Adds an error for a spec none of whose alternatives the header has; false then. */
static bool check_resolved(const struct spec *s, const struct resolved *r, const char *field,
                           const char *file, const struct csv_record *h, struct roster_errors *errs)
{
    for (size_t a = 0; a < r->n; a++) {
        if (r->alts[a].ok)
            return true;
    }
    struct strbuf want = {0}, found = {0};
    spec_describe(s, &want);
    for (size_t k = 0; k < h->n_fields; k++)
        strbuf_printf(&found, "%s'%s'", k ? ", " : "", h->fields[k]);
    roster_errors_add(errs,
                      "%s:%zu: missing column %s (for Portier's '%s'); the columns found are %s",
                      file, h->line, want.data, field, found.len ? found.data : "none");
    strbuf_finish(&want);
    strbuf_finish(&found);
    return false;
}

/* Looks a ticket up in [sessions]: the whole value, then without its last parts (pretix's
 * "Product – Variation", then "Product"). Returns the sessions or NULL. */
static const char *ticket_sessions(const struct import_map *m, const char *value)
{
    char *v = xstrdup(value);
    const char *found = NULL;
    for (;;) {
        for (size_t i = 0; i < m->n_tickets && found == NULL; i++) {
            if (strcmp(m->tickets[i].value, v) == 0)
                found = m->tickets[i].sessions;
        }
        char *cut = strstr(v, " \xE2\x80\x93 ");
        char *last = NULL;
        while (cut != NULL) {
            last = cut;
            cut = strstr(cut + 1, " \xE2\x80\x93 ");
        }
        if (found != NULL || last == NULL)
            break;
        *last = '\0';
    }
    free(v);
    return found;
}

/* A locale such as "fr-be" or "nl_informal" as Portier's language, with the fallback. */
static void normalise_language(const struct import_map *m, struct strbuf *v)
{
    for (size_t i = 0; i < v->len; i++) {
        v->data[i] = (char)tolower((unsigned char)v->data[i]);
        if (v->data[i] == '-' || v->data[i] == '_') {
            v->data[i] = '\0';
            v->len = i;
        }
    }
    if (v->len > 0 && m->language_fallback != NULL && strcmp(v->data, "nl") != 0 &&
        strcmp(v->data, "fr") != 0 && strcmp(v->data, "en") != 0) {
        strbuf_reset(v);
        strbuf_puts(v, m->language_fallback);
    }
}

/* Appends a record to a CSV. */
static void push_record(struct csv *out, size_t line, char **fields, size_t n)
{
    out->records = xrealloc(out->records, (out->n_records + 1) * sizeof *out->records);
    struct csv_record *rec = &out->records[out->n_records++];
    rec->line = line;
    rec->n_fields = n;
    rec->fields = xcalloc(n, sizeof *rec->fields);
    for (size_t i = 0; i < n; i++)
        rec->fields[i] = fields[i];
}

/* True when the row is one the map skips (a cancelled order). */
static bool skipped_row(const struct import_map *m, int skip_col, const struct csv_record *rec)
{
    if (skip_col < 0)
        return false;
    char *v = trimmed(rec->fields[skip_col], strlen(rec->fields[skip_col]));
    bool skip = false;
    for (size_t i = 0; i < m->n_skip && !skip; i++)
        skip = strcasecmp(v, m->skip_values[i]) == 0;
    free(v);
    return skip;
}

enum { OUT_ID, OUT_NAME, OUT_ORG, OUT_EMAIL, OUT_LANG, OUT_CAT, OUT_SESSIONS, OUT_SOURCE, OUT_N };

/* Converts one data row; false after adding an error. */
static bool convert_row(const struct import_map *m, const struct resolved *res, const char *file,
                        const struct csv_record *rec, struct csv *out, struct roster_errors *errs)
{
    static const enum import_field from[OUT_N] = {
        IMPORT_ID,       IMPORT_NAME,     IMPORT_ORGANISATION, IMPORT_EMAIL,
        IMPORT_LANGUAGE, IMPORT_CATEGORY, IMPORT_SESSIONS,     IMPORT_SOURCE_ID};
    char *fields[OUT_N];
    struct strbuf v = {0};
    for (size_t i = 0; i < OUT_N; i++) {
        enum import_field f = from[i];
        if (f == IMPORT_SOURCE_ID && m->cols[f].n == 0)
            f = IMPORT_ID;
        value_of(&res[f], rec, f == IMPORT_ID || f == IMPORT_SOURCE_ID ? "-" : " ", &v);
        if (f == IMPORT_LANGUAGE)
            normalise_language(m, &v);
        if (i == OUT_SESSIONS && m->has_sessions && m->cols[IMPORT_TICKET].n > 0) {
            struct strbuf t = {0};
            value_of(&res[IMPORT_TICKET], rec, " \xE2\x80\x93 ", &t);
            const char *s = *t.data ? ticket_sessions(m, t.data) : "";
            if (s == NULL) {
                roster_errors_add(errs,
                                  "%s:%zu: ticket '%s' has no line in the map's [sessions]: add "
                                  "'%s = SESSION_ID; ...' (nothing after '=' for no session)",
                                  file, rec->line, t.data, t.data);
            } else if (*s != '\0') {
                if (v.len > 0)
                    strbuf_putc(&v, ';');
                strbuf_puts(&v, s);
            }
            strbuf_finish(&t);
        }
        fields[i] = strbuf_take(&v);
    }
    push_record(out, rec->line, fields, OUT_N);
    strbuf_finish(&v);
    return true;
}

/* Orders records (by pointer) by source id, then line. */
static int source_cmp(const void *a, const void *b)
{
    const struct csv_record *x = *(const struct csv_record *const *)a;
    const struct csv_record *y = *(const struct csv_record *const *)b;
    int c = strcmp(x->fields[OUT_SOURCE], y->fields[OUT_SOURCE]);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Reports rows that give the same source id: one person in the source, two in the file. (When
 * the source id is the id, the roster's duplicate-id check says it.) */
static void check_source_ids(const struct import_map *m, const char *file, const struct csv *out,
                             struct roster_errors *errs)
{
    if (m->cols[IMPORT_SOURCE_ID].n == 0 || out->n_records < 2)
        return;
    size_t n = out->n_records - 1;
    const struct csv_record **recs = xcalloc(n, sizeof *recs);
    for (size_t i = 0; i < n; i++)
        recs[i] = &out->records[i + 1];
    qsort(recs, n, sizeof *recs, source_cmp);
    for (size_t i = 1; i < n; i++) {
        size_t first = i - 1;
        while (i < n && *recs[i]->fields[OUT_SOURCE] != '\0' &&
               strcmp(recs[i]->fields[OUT_SOURCE], recs[first]->fields[OUT_SOURCE]) == 0) {
            roster_errors_add(errs, "%s:%zu: source id '%s' appears again (first on line %zu)",
                              file, recs[i]->line, recs[i]->fields[OUT_SOURCE], recs[first]->line);
            i++;
        }
    }
    free(recs);
}

struct csv *import_map_apply(const struct import_map *m, const char *file, const struct csv *in,
                             struct roster_errors *errs, size_t *skipped)
{
    *skipped = 0;
    if (in->n_records == 0) {
        roster_errors_add(errs, "%s:1: empty file: the first row must be the export's header",
                          file);
        return NULL;
    }
    size_t before = errs->n;
    const struct csv_record *h = &in->records[0];
    struct resolved res[IMPORT_N_FIELDS] = {0};
    for (size_t f = 0; f < IMPORT_N_FIELDS; f++) {
        resolve(&m->cols[f], h, &res[f]);
        if (m->cols[f].n > 0)
            check_resolved(&m->cols[f], &res[f], field_names[f], file, h, errs);
    }
    int skip_col = -1;
    for (size_t k = 0; m->skip_header != NULL && k < h->n_fields && skip_col < 0; k++) {
        if (header_is(h->fields[k], m->skip_header, false))
            skip_col = (int)k;
    }
    struct csv *out = xcalloc(1, sizeof *out);
    if (errs->n == before) {
        static const char *const names[OUT_N] = {
            "id", "name", "organisation", "email", "language", "category", "sessions", "source_id"};
        char *header[OUT_N];
        for (size_t i = 0; i < OUT_N; i++)
            header[i] = xstrdup(names[i]);
        push_record(out, h->line, header, OUT_N);
        for (size_t i = 1; i < in->n_records; i++) {
            const struct csv_record *rec = &in->records[i];
            if (rec->n_fields != h->n_fields) {
                roster_errors_add(errs, "%s:%zu: %zu fields where the header has %zu", file,
                                  rec->line, rec->n_fields, h->n_fields);
                continue;
            }
            if (skipped_row(m, skip_col, rec))
                (*skipped)++;
            else
                convert_row(m, res, file, rec, out, errs);
        }
        check_source_ids(m, file, out, errs);
    }
    for (size_t f = 0; f < IMPORT_N_FIELDS; f++)
        free(res[f].alts);
    if (errs->n != before) {
        csv_destroy(out);
        return NULL;
    }
    return out;
}
