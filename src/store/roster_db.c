/* SPDX-License-Identifier: Apache-2.0 */
/* Rosters into event.db: reading the CSV files, creating an event, importing attendees. The
 * parsing and validation are core/roster.c's. */
#include "roster_db.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "csv.h"
#include "dialect.h"
#include "event_db.h"
#include "file.h"
#include "import_map.h"
#include "sqlutil.h"
#include "sysclock.h"
#include "textconv.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"

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

/* Returns the line (1-based) of byte offset off. */
static size_t line_at(const char *data, size_t off)
{
    size_t line = 1;
    for (size_t i = 0; i < off; i++)
        line += data[i] == '\n';
    return line;
}

/* Reads a file in any dialect that spreadsheets write as UTF-8 text (NUL-terminated, owned by
 * the caller), sets r->sep to its separator and prints its dialect to say (when not NULL). */
static char *read_text(struct roster *r, const char *path, FILE *say, size_t *len,
                       struct roster_errors *errs)
{
    size_t raw_len, bad, line;
    char *raw = read_input(path, &raw_len, errs);
    if (raw == NULL)
        return NULL;
    enum dialect_encoding enc;
    const char *why;
    char *text = NULL;
    if (!dialect_detect_encoding(raw, raw_len, &enc, &bad, &why)) {
        roster_errors_add(errs, "%s:%zu: byte 0x%02X: %s", base_name(path), line_at(raw, bad),
                          (unsigned char)raw[bad], why);
    } else if ((text = textconv_to_utf8(raw, raw_len, enc, len, &line)) == NULL) {
        roster_errors_add(errs,
                          "%s:%zu: this line cannot be read as %s: save the file again as "
                          "\"CSV UTF-8\"",
                          base_name(path), line, dialect_encoding_name(enc));
    } else {
        r->sep = dialect_sniff_separator(text, *len);
        if (say != NULL) {
            fprintf(say, "  %s: %s, %s\n", base_name(path), dialect_encoding_name(enc),
                    dialect_separator_name(r->sep));
            fflush(say); /* before the file's errors, on stderr */
        }
    }
    free(raw);
    return text;
}

/* True when o asks for Portier's own columns. */
static bool native_columns(const struct roster_source_opts *o)
{
    return o == NULL ||
           (o->map_path == NULL && (o->from == NULL || strcmp(o->from, "portier") == 0));
}

/* The import map that o asks for: a preset, a map file, or a preset extended by a file. */
static struct import_map *load_map(const struct roster_source_opts *o, struct roster_errors *errs)
{
    struct import_map *m = NULL;
    if (o->from != NULL && strcmp(o->from, "portier") != 0 &&
        (m = import_map_preset(o->from)) == NULL) {
        roster_errors_add(errs, "--from: unknown source '%s' (use %s)", o->from, IMPORT_FROM_NAMES);
        return NULL;
    }
    if (o->map_path == NULL)
        return m;
    size_t len;
    char *text = read_input(o->map_path, &len, errs);
    if (text == NULL) {
        import_map_destroy(m);
        return NULL;
    }
    m = import_map_parse(m, base_name(o->map_path), text, len, errs);
    free(text);
    return m;
}

/* Reads and validates an attendees file in Portier's columns or through an import map. */
static bool parse_attendees_file(struct roster *r, const char *path,
                                 const struct roster_source_opts *o, const char *const *ids,
                                 size_t n_ids, struct roster_errors *errs)
{
    size_t before = errs->n, len;
    char *data = read_text(r, path, o ? o->say : NULL, &len, errs);
    if (data == NULL)
        return false;
    if (native_columns(o)) {
        roster_parse_attendees(r, base_name(path), data, len, ids, n_ids, errs);
        free(data);
        return errs->n == before;
    }
    struct import_map *m = load_map(o, errs);
    struct csv_error cerr;
    struct csv *in = m ? csv_parse_sep(data, len, r->sep, &cerr) : NULL;
    free(data);
    if (m != NULL && in == NULL)
        roster_errors_add(errs, "%s:%zu: %s", base_name(path), cerr.line, cerr.message);
    struct csv *out = in ? import_map_apply(m, base_name(path), in, errs, &r->n_skipped) : NULL;
    csv_destroy(in); /* an export's many columns: freed before the roster is built */
    in = NULL;
    if (out != NULL && n_ids > 0 && !import_map_sessions_known(m)) {
        /* Without it, an import would drop every registration. */
        roster_errors_add(errs,
                          "%s: which sessions does each ticket register for? Give --map FILE "
                          "with a [sessions] section ('TICKET = SESSION_ID; ...', an empty "
                          "section for none; see docs/imports.md)",
                          base_name(path));
        csv_destroy(out);
        out = NULL;
    }
    if (out != NULL) {
        free(r->source);
        r->source = xstrdup(import_map_source(m));
        if (r->n_skipped > 0 && o->say != NULL)
            fprintf(o->say, "  %s: %zu row%s skipped (cancelled in %s)\n", base_name(path),
                    r->n_skipped, r->n_skipped == 1 ? "" : "s", r->source);
        size_t from = errs->n;
        roster_parse_attendees_csv(r, base_name(path), out, ids, n_ids, errs);
        import_map_name_columns(m, errs, from);
    }
    csv_destroy(in);
    import_map_destroy(m);
    return errs->n == before;
}

bool roster_load_from(struct roster *r, const char *rooms_path, const char *sessions_path,
                      const char *attendees_path, const struct roster_source_opts *o,
                      struct roster_errors *errs)
{
    size_t before = errs->n;
    size_t len;
    char *data;
    bool rooms_ok = false, sessions_ok = false;
    FILE *say = o ? o->say : NULL;

    if ((data = read_text(r, rooms_path, say, &len, errs)) != NULL) {
        rooms_ok = roster_parse_rooms(r, base_name(rooms_path), data, len, errs);
        free(data);
    }
    /* Check references only against files that parsed cleanly: an unknown-room error for
     * every session of a room whose row was broken would bury the real fault. */
    const char **ids = xcalloc(r->n_rooms + 1, sizeof *ids);
    for (size_t i = 0; i < r->n_rooms; i++)
        ids[i] = r->rooms[i].id;
    if ((data = read_text(r, sessions_path, say, &len, errs)) != NULL) {
        sessions_ok = roster_parse_sessions(r, base_name(sessions_path), data, len,
                                            rooms_ok ? ids : NULL, r->n_rooms, errs);
        free(data);
    }
    free(ids);
    ids = xcalloc(r->n_sessions + 1, sizeof *ids);
    for (size_t i = 0; i < r->n_sessions; i++)
        ids[i] = r->sessions[i].id;
    parse_attendees_file(r, attendees_path, o, sessions_ok ? ids : NULL, r->n_sessions, errs);
    free(ids);
    return errs->n == before;
}

bool roster_load(struct roster *r, const char *rooms_path, const char *sessions_path,
                 const char *attendees_path, struct roster_errors *errs)
{
    return roster_load_from(r, rooms_path, sessions_path, attendees_path, NULL, errs);
}

bool roster_load_attendees_from(struct roster *r, const char *path, const struct event *ev,
                                const struct roster_source_opts *o, struct roster_errors *errs)
{
    const char **ids = xcalloc(ev->n_sessions + 1, sizeof *ids);
    for (size_t i = 0; i < ev->n_sessions; i++)
        ids[i] = ev->sessions[i].id;
    bool ok = parse_attendees_file(r, path, o, ids, ev->n_sessions, errs);
    free(ids);
    return ok;
}

bool roster_load_attendees(struct roster *r, const char *path, const struct event *ev,
                           struct roster_errors *errs)
{
    return roster_load_attendees_from(r, path, ev, NULL, errs);
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

#define SOURCE_INSERT_SQL                                                                          \
    "INSERT OR REPLACE INTO attendee_sources(source, source_id, attendee) VALUES(?,?,?)"

/* Records an imported attendee's id in the system it came from (nothing for a native row). */
static bool remember_source(sqlite3 *db, const char *what, sqlite3_stmt *src, const char *source,
                            const struct roster_attendee *a)
{
    if (source == NULL || a->source_id == NULL)
        return true;
    bind_text(src, 1, source);
    bind_text(src, 2, a->source_id);
    bind_text(src, 3, a->id);
    return step_done(db, what, src);
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

/* Writes the meta rows of a new event: format, ids, name, zone, creation time, next number. */
static bool write_meta(sqlite3 *db, const char *what, const struct roster *r, uint32_t event_id,
                       uint16_t key_id, const char *name, const char *timezone)
{
    char num[32];
    char created[TIME_ISO_LEN];
    time_format_iso8601(time_now_ms(), created);
    snprintf(num, sizeof num, "%u", (unsigned)event_id);
    if (!set_meta(db, what, "format", "portier-event") || !set_meta(db, what, "event_id", num))
        return false;
    snprintf(num, sizeof num, "%u", (unsigned)key_id);
    if (!set_meta(db, what, "key_id", num) || !set_meta(db, what, "name", name) ||
        !set_meta(db, what, "timezone", timezone) || !set_meta(db, what, "created", created))
        return false;
    snprintf(num, sizeof num, "%zu", r->n_attendees + 1);
    return set_meta(db, what, "next_num", num);
}

/* Writes the rooms, in roster order. */
static bool write_rooms(sqlite3 *db, const char *what, const struct roster *r)
{
    sqlite3_stmt *st =
        prepare(db, what, "INSERT INTO rooms(id, name, capacity, pos) VALUES(?,?,?,?)");
    bool ok = st != NULL;
    for (size_t i = 0; ok && i < r->n_rooms; i++) {
        bind_text(st, 1, r->rooms[i].id);
        bind_text(st, 2, r->rooms[i].name);
        sqlite3_bind_int(st, 3, r->rooms[i].capacity);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)i);
        ok = step_done(db, what, st);
    }
    sqlite3_finalize(st);
    return ok;
}

/* Writes the sessions. */
static bool write_sessions(sqlite3 *db, const char *what, const struct roster *r)
{
    sqlite3_stmt *st =
        prepare(db, what,
                "INSERT INTO sessions(id, room, title, start_ms, end_ms, start_text, end_text, "
                "credits_centi) VALUES(?,?,?,?,?,?,?,?)");
    bool ok = st != NULL;
    for (size_t i = 0; ok && i < r->n_sessions; i++) {
        const struct roster_session *s = &r->sessions[i];
        bind_text(st, 1, s->id);
        bind_text(st, 2, s->room);
        bind_text(st, 3, s->title);
        sqlite3_bind_int64(st, 4, s->start_ms);
        sqlite3_bind_int64(st, 5, s->end_ms);
        bind_text(st, 6, s->start_text);
        bind_text(st, 7, s->end_text);
        if (s->credits_centi >= 0)
            sqlite3_bind_int(st, 8, s->credits_centi);
        else
            sqlite3_bind_null(st, 8);
        ok = step_done(db, what, st);
    }
    sqlite3_finalize(st);
    return ok;
}

/* Writes the attendees, numbered from 1 in roster order, and their registrations. */
static bool write_attendees(sqlite3 *db, const char *what, const struct roster *r)
{
    sqlite3_stmt *st =
        prepare(db, what,
                "INSERT INTO attendees(id, num, name, organisation, email, language, category, "
                "serial, days) VALUES(?,?,?,?,?,?,?,0,?)");
    sqlite3_stmt *reg =
        prepare(db, what, "INSERT INTO registrations(attendee, session) VALUES(?,?)");
    sqlite3_stmt *src = prepare(db, what, SOURCE_INSERT_SQL);
    bool ok = st != NULL && reg != NULL && src != NULL;
    for (size_t i = 0; ok && i < r->n_attendees; i++) {
        const struct roster_attendee *a = &r->attendees[i];
        bind_text(st, 1, a->id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)(i + 1));
        bind_text(st, 3, a->name);
        bind_text(st, 4, a->organisation);
        bind_text(st, 5, a->email);
        bind_text(st, 6, language_name(a->language));
        bind_text(st, 7, category_name(a->category));
        bind_text(st, 8, a->days ? a->days : "");
        ok = step_done(db, what, st) && insert_registrations(db, what, reg, a) &&
             remember_source(db, what, src, r->source, a);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(reg);
    sqlite3_finalize(src);
    return ok;
}

/* Makes the closed temporary database durable and links it in as db_path. */
static bool link_into_place(const char *tmp, const char *db_path)
{
    if (!fsync_path(tmp)) {
        log_warn("%s: fsync", tmp);
        return false;
    }
    /* link() rather than rename(): it fails when event.db appeared meanwhile, so that an
     * existing event is never overwritten. */
    if (link(tmp, db_path) != 0) {
        log_warn("%s", db_path);
        return false;
    }
    if (!fsync_dir_of(db_path)) {
        log_warn("%s: fsync of the directory", db_path);
        return false;
    }
    return true;
}

bool roster_create_db(const struct roster *r, const char *db_path, uint32_t event_id,
                      uint16_t key_id, const char *name, const char *timezone)
{
    const char *what = db_path;
    bool ok = false;
    sqlite3 *db = NULL;
    char *tmp = xasprintf("%s.tmp.%ld", db_path, (long)getpid());

    if (r->n_attendees > TOKEN_MAX_ATTENDEE_NUM) {
        log_warnx("%s: too many attendees (at most %u)", what, TOKEN_MAX_ATTENDEE_NUM);
        goto out;
    }
    unlink(tmp);
    /* Every name and e-mail address is in it: the owner's alone from the first byte. */
    if (!file_create_private(tmp)) {
        log_warn("%s: cannot create", tmp);
        goto out;
    }
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        log_warnx("%s: cannot create: %s", tmp, db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    /* All in one transaction, written to a temporary file: an event.db is whole or absent. */
    if (!sql_exec(db, what, event_db_schema_sql()) || !sql_exec(db, what, "BEGIN") ||
        !write_meta(db, what, r, event_id, key_id, name, timezone) || !write_rooms(db, what, r) ||
        !write_sessions(db, what, r) || !write_attendees(db, what, r) ||
        !sql_exec(db, what, "COMMIT"))
        goto out;
    if (sqlite3_close(db) != SQLITE_OK) {
        log_warnx("%s: cannot close: %s", tmp, sqlite3_errmsg(db));
        goto out;
    }
    db = NULL;
    ok = link_into_place(tmp, db_path);
out:
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
            same_text(sqlite3_column_text(row, 5), category_name(a->category)) &&
            same_text(sqlite3_column_text(row, 6), a->days);
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

/* The statements roster_import runs, prepared once. */
struct import_stmts {
    sqlite3_stmt *find, *regs, *ins, *upd, *del, *reg, *meta, *src_find, *src_ins;
};

/* Prepares every statement of an import; false when any fails (each failure logged). */
static bool prepare_import(sqlite3 *db, const char *what, struct import_stmts *q)
{
    q->find = prepare(db, what,
                      "SELECT num, name, organisation, email, language, category, days FROM "
                      "attendees WHERE id = ?");
    q->regs =
        prepare(db, what, "SELECT session FROM registrations WHERE attendee = ? ORDER BY session");
    q->ins = prepare(db, what,
                     "INSERT INTO attendees(id, num, name, organisation, email, language, "
                     "category, serial, days) VALUES(?,?,?,?,?,?,?,0,?)");
    q->upd = prepare(db, what,
                     "UPDATE attendees SET name=?2, organisation=?3, email=?4, language=?5, "
                     "category=?6, days=?7 WHERE id=?1");
    q->del = prepare(db, what, "DELETE FROM registrations WHERE attendee = ?");
    q->reg = prepare(db, what, "INSERT INTO registrations(attendee, session) VALUES(?,?)");
    q->meta = prepare(db, what, "SELECT value FROM meta WHERE key = 'next_num'");
    q->src_find = prepare(
        db, what, "SELECT attendee FROM attendee_sources WHERE source = ? AND source_id = ?");
    q->src_ins = prepare(db, what, SOURCE_INSERT_SQL);
    return q->find && q->regs && q->ins && q->upd && q->del && q->reg && q->meta && q->src_find &&
           q->src_ins;
}

/* Finalizes the statements of an import (NULL ones included). */
static void finalize_import(struct import_stmts *q)
{
    sqlite3_finalize(q->find);
    sqlite3_finalize(q->regs);
    sqlite3_finalize(q->ins);
    sqlite3_finalize(q->upd);
    sqlite3_finalize(q->del);
    sqlite3_finalize(q->reg);
    sqlite3_finalize(q->meta);
    sqlite3_finalize(q->src_find);
    sqlite3_finalize(q->src_ins);
}

/* Reads the number the next new attendee gets from meta. */
static bool read_next_num(const char *what, sqlite3_stmt *meta, long long *next_num)
{
    if (sqlite3_step(meta) != SQLITE_ROW) {
        log_warnx("%s: no next_num in meta: not a Portier event database?", what);
        return false;
    }
    *next_num = sqlite3_column_int64(meta, 0);
    if (*next_num < 1) {
        log_warnx("%s: corrupt next_num in meta", what);
        return false;
    }
    return true;
}

/* Rewrites a known attendee's row and drops their registrations, unless nothing changed.
 * `find` has been stepped to the attendee's row; it is reset here. */
static bool update_attendee(sqlite3 *db, const char *what, const struct import_stmts *q,
                            const struct roster_attendee *a, bool *same)
{
    bool fine = attendee_unchanged(db, what, q->find, q->regs, a, same);
    sqlite3_reset(q->find);
    if (!fine || *same)
        return fine;
    bind_text(q->upd, 1, a->id);
    bind_text(q->upd, 2, a->name);
    bind_text(q->upd, 3, a->organisation);
    bind_text(q->upd, 4, a->email);
    bind_text(q->upd, 5, language_name(a->language));
    bind_text(q->upd, 6, category_name(a->category));
    bind_text(q->upd, 7, a->days ? a->days : "");
    bind_text(q->del, 1, a->id);
    return step_done(db, what, q->upd) && step_done(db, what, q->del);
}

/* Inserts a new attendee with the next free number. */
static bool insert_attendee(sqlite3 *db, const char *what, const struct import_stmts *q,
                            const struct roster_attendee *a, long long *next_num)
{
    if (*next_num > (long long)TOKEN_MAX_ATTENDEE_NUM) {
        log_warnx("%s: too many attendees (at most %u)", what, TOKEN_MAX_ATTENDEE_NUM);
        return false;
    }
    bind_text(q->ins, 1, a->id);
    sqlite3_bind_int64(q->ins, 2, (*next_num)++);
    bind_text(q->ins, 3, a->name);
    bind_text(q->ins, 4, a->organisation);
    bind_text(q->ins, 5, a->email);
    bind_text(q->ins, 6, language_name(a->language));
    bind_text(q->ins, 7, category_name(a->category));
    bind_text(q->ins, 8, a->days ? a->days : "");
    return step_done(db, what, q->ins);
}

/* Finds the attendee that a source's row was imported as before; *id is NULL when none
 * (owned by the caller). */
static bool known_source(sqlite3 *db, const char *what, const struct import_stmts *q,
                         const char *source, const struct roster_attendee *a, char **id)
{
    *id = NULL;
    if (source == NULL || a->source_id == NULL)
        return true;
    bind_text(q->src_find, 1, source);
    bind_text(q->src_find, 2, a->source_id);
    int rc = sqlite3_step(q->src_find);
    if (rc == SQLITE_ROW)
        *id = xstrdup((const char *)sqlite3_column_text(q->src_find, 0));
    sqlite3_reset(q->src_find);
    sqlite3_clear_bindings(q->src_find);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return true;
    log_warnx("%s: %s", what, sqlite3_errmsg(db));
    return false;
}

/* Imports one row under its id. */
static bool import_row(sqlite3 *db, const char *what, const struct import_stmts *q,
                       const struct roster_attendee *a, long long *next_num,
                       struct roster_import_counts *counts)
{
    bind_text(q->find, 1, a->id);
    int rc = sqlite3_step(q->find);
    if (rc == SQLITE_ROW) {
        bool same;
        if (!update_attendee(db, what, q, a, &same))
            return false;
        if (same) {
            counts->unchanged++;
            return true;
        }
        counts->updated++;
    } else if (rc == SQLITE_DONE) {
        sqlite3_reset(q->find);
        if (!insert_attendee(db, what, q, a, next_num))
            return false;
        counts->added++;
    } else {
        log_warnx("%s: %s", what, sqlite3_errmsg(db));
        return false;
    }
    return insert_registrations(db, what, q->reg, a);
}

/* Imports one attendee: unchanged, updated or added, and counted as such. A row from another
 * system updates the attendee its source id was imported as, whatever id the row now gives. */
static bool import_attendee(sqlite3 *db, const char *what, const struct import_stmts *q,
                            const char *source, const struct roster_attendee *row,
                            long long *next_num, struct roster_import_counts *counts)
{
    char *known;
    if (!known_source(db, what, q, source, row, &known))
        return false;
    struct roster_attendee copy = *row;
    if (known != NULL)
        copy.id = known;
    const struct roster_attendee *a = &copy;
    bool ok = import_row(db, what, q, a, next_num, counts) &&
              remember_source(db, what, q->src_ins, source, a);
    free(known);
    return ok;
}

bool roster_import(const struct roster *r, const char *db_path, struct roster_import_counts *counts)
{
    const char *what = db_path;
    bool ok = false, in_tx = false;
    sqlite3 *db = NULL;
    struct import_stmts q = {0};
    long long next_num;
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
    if (!prepare_import(db, what, &q) || !read_next_num(what, q.meta, &next_num))
        goto out;
    for (size_t i = 0; i < r->n_attendees; i++) {
        if (!import_attendee(db, what, &q, r->source, &r->attendees[i], &next_num, counts))
            goto out;
    }
    char num[32];
    snprintf(num, sizeof num, "%lld", next_num);
    if (!set_meta(db, what, "next_num", num) ||
        !sql_exec(db, what, EVENT_DB_BUMP_MODEL_VERSION_SQL) || !sql_exec(db, what, "COMMIT"))
        goto out;
    in_tx = false;
    ok = true;
out:
    finalize_import(&q);
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return ok;
}

bool roster_init_event(const char *event_dir, const char *name, const char *timezone,
                       const char *rooms_path, const char *sessions_path,
                       const char *attendees_path, uint32_t *event_id_out)
{
    return roster_init_event_from(event_dir, name, timezone, rooms_path, sessions_path,
                                  attendees_path, NULL, event_id_out);
}

bool roster_init_event_from(const char *event_dir, const char *name, const char *timezone,
                            const char *rooms_path, const char *sessions_path,
                            const char *attendees_path, const struct roster_source_opts *o,
                            uint32_t *event_id_out)
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
    if (!roster_load_from(&r, rooms_path, sessions_path, attendees_path, o, &errs)) {
        roster_errors_print(&errs);
        log_warnx("init: %zu problem%s found; nothing was written", errs.n, errs.n == 1 ? "" : "s");
        goto out;
    }
    if (r.n_attendees > TOKEN_MAX_ATTENDEE_NUM) {
        log_warnx("init: too many attendees (at most %u)", TOKEN_MAX_ATTENDEE_NUM);
        goto out;
    }
    if (!mkdir_private(event_dir)) {
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
