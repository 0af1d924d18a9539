/* SPDX-License-Identifier: Apache-2.0 */
/* Personal data: erasing names, organisations and e-mail addresses, keeping the counts. */
#include "privacy.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "event_db.h"
#include "log.h"
#include "sqlutil.h"
#include "util.h"
#include "file.h"

/* Deletes the attendee's rows of attendee_sources (every row when attendee_id is NULL): the
 * source's own id (a pretix order position, an Eventbrite attendee #) points at the person in
 * the other system. event.db step 2's table; a file from before it has none to delete. */
static bool forget_sources(sqlite3 *db, const char *db_path, const char *attendee_id)
{
    const char *sql = attendee_id != NULL ? "DELETE FROM attendee_sources WHERE attendee = ?1"
                                          : "DELETE FROM attendee_sources";
    sqlite3_stmt *exists = NULL;
    bool has = sqlite3_prepare_v2(db,
                                  "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                                  "'attendee_sources'",
                                  -1, &exists, NULL) == SQLITE_OK &&
               sqlite3_step(exists) == SQLITE_ROW;
    sqlite3_finalize(exists);
    if (!has)
        return true;
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
    if (ok && attendee_id != NULL)
        sqlite3_bind_text(st, 1, attendee_id, -1, SQLITE_STATIC);
    ok = ok && sqlite3_step(st) == SQLITE_DONE;
    if (!ok)
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return ok;
}

/* Erases in an event.db. */
bool privacy_forget_event_db(const char *db_path, const char *attendee_id, size_t *n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    bool ok = false, in_tx = false;
    if (!path_exists(db_path)) {
        log_warnx("%s: %s", db_path, strerror(ENOENT));
        return false;
    }
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        log_warnx("%s: cannot open: %s", db_path, db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(db, 5000);
    /* secure_delete zeroes freed space; VACUUM then rewrites the file, so that no page (free
     * or in the journal) still holds the old text. */
    if (!sql_exec(db, db_path, "PRAGMA secure_delete = ON; PRAGMA synchronous = FULL") ||
        !sql_exec(db, db_path, "BEGIN IMMEDIATE"))
        goto out;
    in_tx = true;
    const char *sql =
        attendee_id != NULL
            ? "UPDATE attendees SET name = ?1, organisation = '', email = NULL WHERE id = ?2"
            : "UPDATE attendees SET name = ?1, organisation = '', email = NULL";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_text(st, 1, PRIVACY_FORGOTTEN_NAME, -1, SQLITE_STATIC);
    if (attendee_id != NULL)
        sqlite3_bind_text(st, 2, attendee_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    int changed = sqlite3_changes(db);
    if (attendee_id != NULL && changed == 0) {
        log_warnx("forget: no attendee with id '%s' in %s", attendee_id, db_path);
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!forget_sources(db, db_path, attendee_id))
        goto out;
    if (!sql_exec(db, db_path, EVENT_DB_BUMP_MODEL_VERSION_SQL) || !sql_exec(db, db_path, "COMMIT"))
        goto out;
    in_tx = false;
    if (!sql_exec(db, db_path, "VACUUM; PRAGMA wal_checkpoint(TRUNCATE)"))
        goto out;
    if (n != NULL)
        *n = (size_t)changed;
    ok = true;
out:
    sqlite3_finalize(st);
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return ok;
}

/* Removes dir/name when it exists; counts it. */
static bool remove_file(const char *dir, const char *name, size_t *n)
{
    char *path = path_join(dir, name);
    bool ok = true;
    if (unlink(path) == 0)
        (*n)++;
    else if (errno != ENOENT) {
        log_warn("%s: cannot delete", path);
        ok = false;
    }
    free(path);
    return ok;
}

/* Rewrites dir/tokens.csv with the attendee's name replaced. */
static bool rewrite_tokens(const char *dir, const char *attendee_id, size_t *n)
{
    char *path = path_join(dir, "tokens.csv");
    size_t len;
    char *text = file_read_all(path, &len);
    bool ok = true;
    if (text == NULL) {
        free(path);
        return errno == ENOENT;
    }
    struct csv_error err;
    struct csv *c = csv_parse(text, len, &err);
    if (c == NULL) {
        log_warnx("%s:%zu: %s", path, err.line, err.message);
        ok = false;
        goto out;
    }
    struct strbuf sb = {0};
    bool found = false;
    for (size_t i = 0; i < c->n_records; i++) {
        const struct csv_record *rec = &c->records[i];
        bool hit = i > 0 && rec->n_fields > 1 && strcmp(rec->fields[0], attendee_id) == 0;
        found |= hit;
        for (size_t f = 0; f < rec->n_fields; f++) {
            const char *v = hit && f == 1 ? PRIVACY_FORGOTTEN_NAME : rec->fields[f];
            bool quote = strpbrk(v, ",\"\r\n") != NULL;
            if (f > 0)
                strbuf_putc(&sb, ',');
            if (quote) {
                strbuf_putc(&sb, '"');
                for (const char *p = v; *p; p++) {
                    if (*p == '"')
                        strbuf_putc(&sb, '"');
                    strbuf_putc(&sb, *p);
                }
                strbuf_putc(&sb, '"');
            } else {
                strbuf_puts(&sb, v);
            }
        }
        strbuf_puts(&sb, "\r\n");
    }
    if (found) {
        ok = file_write_atomic(path, sb.data, sb.len, 0600);
        if (!ok)
            log_warn("%s: cannot write", path);
        else
            (*n)++;
    }
    strbuf_finish(&sb);
    csv_destroy(c);
out:
    free(text);
    free(path);
    return ok;
}

/* Deletes or rewrites the badge files. */
bool privacy_forget_badges(const char *dir, const char *attendee_id, const char *const *ids,
                           size_t n_ids, size_t *n)
{
    size_t count = 0;
    bool ok = remove_file(dir, "badges.pdf", &count) && remove_file(dir, "reprint.pdf", &count);
    if (attendee_id != NULL) {
        char *png = xasprintf("%s.png", attendee_id);
        ok = ok && remove_file(dir, png, &count) && rewrite_tokens(dir, attendee_id, &count);
        free(png);
    } else {
        ok = ok && remove_file(dir, "tokens.csv", &count);
        for (size_t i = 0; ok && i < n_ids; i++) {
            char *png = xasprintf("%s.png", ids[i]);
            ok = remove_file(dir, png, &count);
            free(png);
        }
    }
    if (n != NULL)
        *n = count;
    return ok;
}
