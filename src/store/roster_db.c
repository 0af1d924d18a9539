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

#include "event_db.h"
#include "file.h"
#include "sqlutil.h"
#include "sysclock.h"
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
    bool ok = st != NULL && reg != NULL;
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
        ok = step_done(db, what, st) && insert_registrations(db, what, reg, a);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(reg);
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
    sqlite3_stmt *find, *regs, *ins, *upd, *del, *reg, *meta;
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
    return q->find && q->regs && q->ins && q->upd && q->del && q->reg && q->meta;
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

/* Imports one attendee: unchanged, updated or added, and counted as such. */
static bool import_attendee(sqlite3 *db, const char *what, const struct import_stmts *q,
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
        if (!import_attendee(db, what, &q, &r->attendees[i], &next_num, counts))
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
