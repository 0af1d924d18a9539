/* SPDX-License-Identifier: Apache-2.0 */
#include "store.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device_id.h"
#include "log.h"
#include "sqlutil.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"
#include "sysclock.h"

#define SCHEMA_VERSION store_schema_steps

#define SCAN_COLUMNS                                                                               \
    "device_id, db_epoch, seq, wall_ms, mono_ns, boot_id, clock_synced, room, session, "           \
    "attendee, mode, kind, result, reason, override, received_ms, clock_given, staff"
#define READ_BATCH 256

static const char sqlite_magic[16] = "SQLite format 3";

struct store {
    sqlite3 *db;
    char *path;
    char device_id[SCAN_ID_MAX];
    int64_t db_epoch;
    sqlite3_stmt *begin, *commit, *rollback;
    sqlite3_stmt *max_seq, *insert, *read, *count;
    bool opened;  /* store_open accepted the file: store_close may mark it closed cleanly */
    bool checked; /* store_open ran PRAGMA quick_check */
    dev_t dev;    /* the file store_open accepted: the marker is never written for another */
    ino_t ino;
};

/* What an existing file looks like before we touch it. */
struct shape {
    int64_t application_id;
    int64_t user_version;
    int64_t objects; /* rows of sqlite_master */
};

/* Logs the connection's last error about what. */
static void log_db(const struct store *st, const char *what)
{
    log_warnx("%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

/* Runs SQL without results; logs and returns false on error. */
static bool exec(struct store *st, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        log_warnx("%s: %s", st->path, err != NULL ? err : sqlite3_errmsg(st->db));
        sqlite3_free(err);
        return false;
    }
    return true;
}

/* Runs a query whose first column of the first row is an integer; returns the SQLite code. */
static int query_int(struct store *st, const char *sql, int64_t *out)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(stmt, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        *out = 0;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* Steps a statement that returns no rows and resets it; logs and returns false on error. */
static bool step_done(struct store *st, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        log_db(st, what);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rc == SQLITE_DONE;
}

/* Rolls back the open transaction, if any. */
static void rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db)) {
        sqlite3_step(st->rollback);
        sqlite3_reset(st->rollback);
    }
}

/* Returns true when the file at path is missing or empty, false when it has content. Refuses
 * (returns -1) a non-empty file that does not start with the SQLite header, before SQLite sees
 * it. */
static int check_file(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return 1;
        log_warn("%s", path);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        log_warnx("%s: not a regular file; pass the path of a database file with --db", path);
        return -1;
    }
    if (sb.st_size == 0)
        return 1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_warn("%s", path);
        return -1;
    }
    char head[sizeof sqlite_magic];
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    if (n != (ssize_t)sizeof head || memcmp(head, sqlite_magic, sizeof head) != 0) {
        log_warnx("%s: not an SQLite database; refusing to touch it: move it away or pass "
                  "another --db path",
                  path);
        return -1;
    }
    return 0;
}

/* Logs a refusal for a file SQLite could not read (rc from the failed read). */
static void log_unreadable(const struct store *st, int rc)
{
    int primary = rc & 0xff;
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
        log_warnx("%s: database is corrupt (%s); the file is left untouched: keep it for "
                  "recovery (sqlite3 .recover) and start with another --db path",
                  st->path, sqlite3_errstr(rc));
    else
        log_warnx("%s: cannot read the database: %s", st->path, sqlite3_errmsg(st->db));
}

/* Reads what the file holds; returns the SQLite code. */
static int read_shape(struct store *st, struct shape *sh)
{
    int rc = query_int(st, "PRAGMA application_id", &sh->application_id);
    if (rc == SQLITE_OK)
        rc = query_int(st, "PRAGMA user_version", &sh->user_version);
    if (rc == SQLITE_OK)
        rc = query_int(st, "SELECT count(*) FROM sqlite_master", &sh->objects);
    return rc;
}

/* True for a database with nothing in it yet: ours to create. */
static bool shape_is_empty(const struct shape *sh)
{
    return sh->application_id == 0 && sh->user_version == 0 && sh->objects == 0;
}

/* Reads a meta value into a caller-owned string; *value is NULL when absent. */
static bool meta_get(struct store *st, const char *key, char **value)
{
    sqlite3_stmt *stmt;
    *value = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?1", -1, &stmt, NULL) !=
        SQLITE_OK) {
        log_db(st, "reading metadata");
        return false;
    }
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *value = xstrdup((const char *)sqlite3_column_text(stmt, 0));
    else if (rc != SQLITE_DONE)
        log_db(st, "reading metadata");
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Checks, reading only, that an existing file is a healthy Portier database of this device
 * that this build can use. Logs the refusal and returns false otherwise. */
static bool check_existing(struct store *st, const struct shape *sh)
{
    if (sh->application_id != STORE_APPLICATION_ID) {
        log_warnx("%s: an SQLite database of another application (application_id 0x%08" PRIx64
                  "), not a Portier kiosk database; refusing to touch it: pass another --db path",
                  st->path, (uint64_t)sh->application_id & 0xffffffffu);
        return false;
    }
    if (sh->user_version > SCHEMA_VERSION) {
        log_warnx("%s: schema version %" PRId64 " is newer than this build of portier knows (%d); "
                  "the file is left as it is: upgrade portier on this kiosk",
                  st->path, sh->user_version, SCHEMA_VERSION);
        return false;
    }
    int64_t tables = 0;
    int rc = query_int(st,
                       "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                       " AND name IN ('meta', 'scans')",
                       &tables);
    if (rc != SQLITE_OK) {
        log_unreadable(st, rc);
        return false;
    }
    if (sh->user_version < 1 || tables != 2) {
        log_warnx("%s: marked as a Portier database but its tables are missing; the file is left "
                  "untouched: keep it for inspection and pass another --db path",
                  st->path);
        return false;
    }

    sqlite3_stmt *stmt;
    st->checked = !store_closed_cleanly(st->path);
    rc =
        st->checked ? sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &stmt, NULL) : SQLITE_OK;
    if (rc == SQLITE_OK && st->checked) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            const char *verdict = (const char *)sqlite3_column_text(stmt, 0);
            bool ok = verdict != NULL && strcmp(verdict, "ok") == 0;
            if (!ok) {
                char *why = xstrdup(verdict != NULL ? verdict : "?");
                for (char *p = why; *p != '\0'; p++)
                    if (*p == '\n')
                        *p = ' ';
                log_warnx("%s: database is corrupt (quick_check: %s); the file is left "
                          "untouched: keep it for recovery (sqlite3 .recover) and start with "
                          "another --db path",
                          st->path, why);
                free(why);
            }
            sqlite3_finalize(stmt);
            if (!ok)
                return false;
            rc = SQLITE_OK;
        } else {
            sqlite3_finalize(stmt);
        }
    }
    if (rc != SQLITE_OK) {
        log_unreadable(st, rc);
        return false;
    }

    char *owner = NULL;
    if (!meta_get(st, "device_id", &owner))
        return false;
    bool mine = owner != NULL && strcmp(owner, st->device_id) == 0;
    if (!mine)
        log_warnx("%s: database belongs to device '%s', not '%s'; the file is left untouched: "
                  "pass --device %s, or another --db path for this device",
                  st->path, owner != NULL ? owner : "(none)", st->device_id,
                  owner != NULL ? owner : "ID");
    free(owner);
    return mine;
}

/* Makes a random positive 63-bit epoch. */
static int64_t random_epoch(void)
{
    uint64_t x = 0;
    while ((int64_t)(x & INT64_MAX) == 0)
        randombytes_buf(&x, sizeof x);
    return (int64_t)(x & INT64_MAX);
}

/* Creates the schema and the metadata in one transaction, unless another process got there
 * first (then *raced is set and nothing is written). */
static bool create(struct store *st, bool *raced)
{
    *raced = false;
    if (!exec(st, "BEGIN IMMEDIATE"))
        return false;
    struct shape sh;
    int rc = read_shape(st, &sh);
    if (rc != SQLITE_OK) {
        log_unreadable(st, rc);
        goto fail;
    }
    if (!shape_is_empty(&sh)) {
        *raced = true;
        exec(st, "ROLLBACK");
        return true;
    }
    /* A new file gets every step in this one transaction: it exists whole or not at all. */
    char *sql = xasprintf("PRAGMA application_id = %d;", STORE_APPLICATION_ID);
    bool ok = exec(st, sql);
    free(sql);
    for (int i = 0; ok && i < SCHEMA_VERSION; i++)
        ok = exec(st, store_migrations[i]);
    if (!ok)
        goto fail;

    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO meta (key, value) VALUES ('db_epoch', ?1), "
                           "('device_id', ?2), "
                           "('created', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                           -1, &stmt, NULL) != SQLITE_OK) {
        log_db(st, "creating metadata");
        goto fail;
    }
    char epoch[24];
    snprintf(epoch, sizeof epoch, "%" PRId64, random_epoch());
    sqlite3_bind_text(stmt, 1, epoch, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, st->device_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        log_db(st, "creating metadata");
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        goto fail;
    sql = xasprintf("PRAGMA user_version = %d", SCHEMA_VERSION);
    ok = exec(st, sql);
    free(sql);
    if (!ok || !exec(st, "COMMIT"))
        goto fail;
    /* The file is new: make its directory entry durable too. */
    fsync_dir_of(st->path);
    return true;
fail:
    exec(st, "ROLLBACK");
    return false;
}

/* Applies the migration steps the file lacks, each in its own transaction. Another process
 * may migrate at the same time: each step re-reads the version under the write lock. */
static bool migrate(struct store *st)
{
    for (;;) {
        if (!exec(st, "BEGIN IMMEDIATE"))
            return false;
        int64_t version;
        int rc = query_int(st, "PRAGMA user_version", &version);
        if (rc != SQLITE_OK) {
            log_db(st, "reading the schema version");
            goto fail;
        }
        if (version >= SCHEMA_VERSION)
            return exec(st, "COMMIT");
        if (version < 1) {
            log_warnx("%s: schema version %" PRId64 " cannot be migrated", st->path, version);
            goto fail;
        }
        char *bump = xasprintf("PRAGMA user_version = %" PRId64, version + 1);
        bool ok = exec(st, store_migrations[version]) && exec(st, bump);
        free(bump);
        if (!ok || !exec(st, "COMMIT")) {
            log_warnx("%s: migrating the schema from version %" PRId64 " failed; the file is "
                      "unchanged",
                      st->path, version);
            goto fail;
        }
        log_info("%s: schema migrated to version %" PRId64, st->path, version + 1);
    }
fail:
    exec(st, "ROLLBACK");
    return false;
}

/* Loads the epoch and checks the device id (again: the file may be another process's new one). */
static bool load_meta(struct store *st)
{
    char *owner = NULL, *epoch = NULL;
    bool ok = false;
    if (!meta_get(st, "device_id", &owner) || !meta_get(st, "db_epoch", &epoch))
        goto out;
    if (owner == NULL || strcmp(owner, st->device_id) != 0) {
        log_warnx("%s: database belongs to device '%s', not '%s'; pass --device %s, or another "
                  "--db path for this device",
                  st->path, owner != NULL ? owner : "(none)", st->device_id,
                  owner != NULL ? owner : "ID");
        goto out;
    }
    char *end = NULL;
    errno = 0;
    long long v = epoch != NULL ? strtoll(epoch, &end, 10) : 0;
    if (epoch == NULL || errno != 0 || *end != '\0' || v <= 0) {
        log_warnx("%s: metadata db_epoch is missing or invalid; keep the file for inspection and "
                  "pass another --db path",
                  st->path);
        goto out;
    }
    st->db_epoch = v;
    ok = true;
out:
    free(owner);
    free(epoch);
    return ok;
}

/* Switches the file to WAL (a no-op when it is already). The switch needs an exclusive lock,
 * and SQLite answers SQLITE_BUSY at once rather than wait when waiting could deadlock (another
 * process creating the file), so retry for as long as the busy timeout. */
static bool set_wal(struct store *st)
{
    int64_t deadline = time_mono_ns() + (int64_t)STORE_BUSY_TIMEOUT_MS * 1000000;
    for (;;) {
        sqlite3_stmt *stmt;
        int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
        bool wal = false;
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(stmt);
            if (rc == SQLITE_ROW) {
                const char *mode = (const char *)sqlite3_column_text(stmt, 0);
                wal = mode != NULL && strcmp(mode, "wal") == 0;
                rc = SQLITE_OK;
            }
            sqlite3_finalize(stmt);
        }
        if (wal)
            return true;
        int primary = rc & 0xff;
        bool busy = rc == SQLITE_OK || primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
        if (!busy || time_mono_ns() > deadline) {
            log_warnx("%s: cannot switch the database to WAL mode (%s); is another program "
                      "holding it, or is the file system not local?",
                      st->path, sqlite3_errstr(rc));
            return false;
        }
        usleep(2000 + randombytes_uniform(8000));
    }
}

/* Prepares one long-lived statement. */
static bool prepare(struct store *st, const char *sql, sqlite3_stmt **stmt)
{
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK) {
        log_db(st, "preparing a statement");
        return false;
    }
    return true;
}

/* Prepares every statement the store reuses. */
static bool prepare_all(struct store *st)
{
    return prepare(st, "BEGIN IMMEDIATE", &st->begin) && prepare(st, "COMMIT", &st->commit) &&
           prepare(st, "ROLLBACK", &st->rollback) &&
           prepare(st,
                   "SELECT coalesce(max(seq), 0) FROM scans WHERE device_id = ?1 AND "
                   "db_epoch = ?2",
                   &st->max_seq) &&
           prepare(st,
                   "INSERT OR IGNORE INTO scans (origin, " SCAN_COLUMNS ") VALUES "
                   "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
                   "?18, ?19)",
                   &st->insert) &&
           prepare(st, "SELECT id, " SCAN_COLUMNS " FROM scans WHERE id > ?1 ORDER BY id LIMIT ?2",
                   &st->read) &&
           prepare(st, "SELECT count(*) FROM scans", &st->count);
}

/* Opens (creating or migrating) the store at path for device_id. */
struct store *store_open(const char *path, const char *device_id)
{
    const char *bad_id = device_id != NULL ? device_id_check(device_id) : "is missing";
    if (bad_id != NULL) {
        log_warnx("%s: '%s' cannot be a device id: it %s", path, device_id != NULL ? device_id : "",
                  bad_id);
        return NULL;
    }
    if (sodium_init() < 0) {
        log_warnx("%s: cannot initialise libsodium", path);
        return NULL;
    }
    int fresh = check_file(path);
    if (fresh < 0)
        return NULL;

    struct store *st = xcalloc(1, sizeof *st);
    st->path = xstrdup(path);
    snprintf(st->device_id, sizeof st->device_id, "%s", device_id);
    /* NOMUTEX: a struct store is used by one thread at a time (store.h), so SQLite's
     * connection mutex only costs: reading a scan takes some 27 column calls, each of which
     * locked and unlocked it (about 0.2 s of a kiosk's start at 830,000 scans). */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (fresh ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        if (st->db != NULL)
            log_db(st, "cannot open");
        else
            log_warnx("%s: cannot open: out of memory", path);
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);

    /* Until check_existing accepts the file, only reads, in one read transaction (one
     * consistent snapshot even while another process creates the file): a file we refuse
     * keeps every byte. */
    bool accepted = false;
    for (int attempt = 0; !accepted; attempt++) {
        if (attempt > 2) {
            log_warnx("%s: the database keeps changing while it is created; try again", path);
            goto fail;
        }
        struct shape sh;
        if (!exec(st, "BEGIN"))
            goto fail;
        int rc = read_shape(st, &sh);
        if (rc != SQLITE_OK) {
            log_unreadable(st, rc);
            goto fail;
        }
        if (!shape_is_empty(&sh)) {
            if (!check_existing(st, &sh))
                goto fail;
            accepted = true;
        }
        if (!exec(st, "COMMIT"))
            goto fail;
        if (!accepted) {
            bool raced;
            if (!create(st, &raced))
                goto fail;
            accepted = !raced;
        }
    }
    /* WAL lets the kiosk append while the sync daemon reads; FULL syncs the WAL at every
     * commit, so a scan acknowledged on screen survives a power cut. */
    if (!set_wal(st) || !exec(st, "PRAGMA synchronous = FULL") ||
        !exec(st, "PRAGMA foreign_keys = ON"))
        goto fail;
    if (!migrate(st) || !load_meta(st) || !prepare_all(st))
        goto fail;
    struct stat sb;
    if (stat(path, &sb) == 0) {
        st->dev = sb.st_dev;
        st->ino = sb.st_ino;
        st->opened = true;
    }
    return st;
fail:
    store_close(st);
    return NULL;
}

/* Finalises the statements and closes the connection. */
void store_close(struct store *st)
{
    if (st == NULL)
        return;
    sqlite3_stmt *stmts[] = {st->begin,  st->commit, st->rollback, st->max_seq,
                             st->insert, st->read,   st->count};
    for (size_t i = 0; i < ARRAY_LEN(stmts); i++)
        sqlite3_finalize(stmts[i]);
    if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
        log_db(st, "closing");
    else if (st->opened)
        store_mark_closed(st->path, st->dev, st->ino);
    free(st->path);
    free(st);
}

/* Whether store_open ran the full integrity check (false after a clean close). */
bool store_was_checked(const struct store *st)
{
    return st->checked;
}

/* Returns the file's epoch. */
int64_t store_db_epoch(const struct store *st)
{
    return st->db_epoch;
}

/* Returns the file's device id. */
const char *store_device_id(const struct store *st)
{
    return st->device_id;
}

/* Returns the open connection, for the store's other files. */
struct sqlite3 *store_sqlite(struct store *st)
{
    return st->db;
}

/* Returns the path the store was opened at. */
const char *store_path(const struct store *st)
{
    return st->path;
}

/* Returns the schema version of this build. */
int store_schema_version(void)
{
    return SCHEMA_VERSION;
}

/* True when a fixed-size string field is NUL-terminated within its array. */
static bool field_ok(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* Checks the fields of a scan that the caller provides. */
static bool scan_fields_ok(const struct scan *s)
{
    return field_ok(s->boot_id, sizeof s->boot_id) && field_ok(s->room, sizeof s->room) &&
           field_ok(s->session, sizeof s->session) && field_ok(s->attendee, sizeof s->attendee) &&
           field_ok(s->staff, sizeof s->staff) && (unsigned)s->mode < KIOSK_MODE_COUNT &&
           (unsigned)s->kind < SCAN_KIND_COUNT && (unsigned)s->result < SCAN_RESULT_COUNT &&
           (unsigned)s->reason < SCAN_REASON_COUNT;
}

/* Binds a scan to the insert statement and runs it. */
static bool insert_scan(struct store *st, const struct scan *s, const char *origin)
{
    sqlite3_stmt *q = st->insert;
    sqlite3_bind_text(q, 1, origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, s->device_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, s->db_epoch);
    sqlite3_bind_int64(q, 4, s->seq);
    sqlite3_bind_int64(q, 5, s->wall_ms);
    sqlite3_bind_int64(q, 6, s->mono_ns);
    sqlite3_bind_text(q, 7, s->boot_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 8, s->clock_synced ? 1 : 0);
    sqlite3_bind_text(q, 9, s->room, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 10, s->session, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 11, s->attendee, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 12, kiosk_mode_name(s->mode), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 13, scan_kind_name(s->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 14, scan_result_name(s->result), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 15, scan_reason_name(s->reason), -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 16, s->override ? 1 : 0);
    sqlite3_bind_int64(q, 17, strcmp(origin, "remote") == 0 ? time_now_ms() : 0);
    sqlite3_bind_int(q, 18, s->clock_given && !s->clock_synced ? 1 : 0);
    sqlite3_bind_text(q, 19, s->staff, -1, SQLITE_STATIC);
    return step_done(st, q, "inserting a scan");
}

/* Appends one of this device's scans with the next seq, durably. */
bool store_append_scan(struct store *st, struct scan *s)
{
    s->seq = 0;
    if (!scan_fields_ok(s)) {
        log_warnx("%s: refusing to store a scan with invalid fields", st->path);
        return false;
    }
    snprintf(s->device_id, sizeof s->device_id, "%s", st->device_id);
    s->db_epoch = st->db_epoch;
    /* IMMEDIATE takes the write lock before reading max(seq), so no other writer can take the
     * same seq between the read and the insert. */
    if (!step_done(st, st->begin, "beginning a transaction"))
        return false;
    int64_t last = store_last_seq(st);
    if (last < 0)
        goto fail;
    s->seq = last + 1;
    if (!insert_scan(st, s, "local"))
        goto fail;
    if (sqlite3_changes(st->db) != 1) {
        log_warnx("%s: seq %" PRId64 " of this epoch is already taken", st->path, s->seq);
        goto fail;
    }
    if (!step_done(st, st->commit, "committing a scan"))
        goto fail;
    return true;
fail:
    rollback(st);
    s->seq = 0;
    return false;
}

/* Inserts other devices' scans in one transaction, ignoring those already present. */
bool store_insert_remote_scans(struct store *st, const struct scan *scans, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct scan *s = &scans[i];
        if (!field_ok(s->device_id, sizeof s->device_id) || s->device_id[0] == '\0' ||
            s->db_epoch <= 0 || s->seq <= 0 || !scan_fields_ok(s)) {
            log_warnx("%s: refusing a batch of %zu remote scans: scan %zu is invalid", st->path, n,
                      i);
            return false;
        }
    }
    if (n == 0)
        return true;
    if (!step_done(st, st->begin, "beginning a transaction"))
        return false;
    for (size_t i = 0; i < n; i++) {
        const struct scan *s = &scans[i];
        if (s->db_epoch == st->db_epoch && strcmp(s->device_id, st->device_id) == 0)
            continue;
        if (!insert_scan(st, s, "remote"))
            goto fail;
    }
    if (!step_done(st, st->commit, "committing remote scans"))
        goto fail;
    return true;
fail:
    rollback(st);
    return false;
}

/* Decodes the current row of the read statement; false when a field is invalid. */
static bool row_to_scan(sqlite3_stmt *q, struct scan *s)
{
    memset(s, 0, sizeof *s);
    s->db_epoch = sqlite3_column_int64(q, 2);
    s->seq = sqlite3_column_int64(q, 3);
    s->wall_ms = sqlite3_column_int64(q, 4);
    s->mono_ns = sqlite3_column_int64(q, 5);
    s->clock_synced = sqlite3_column_int(q, 7) != 0;
    s->override = sqlite3_column_int(q, 15) != 0;
    s->received_ms = sqlite3_column_int64(q, 16);
    s->clock_given = sqlite3_column_int(q, 17) != 0;
    const char *mode = (const char *)sqlite3_column_text(q, 11);
    const char *kind = (const char *)sqlite3_column_text(q, 12);
    const char *result = (const char *)sqlite3_column_text(q, 13);
    const char *reason = (const char *)sqlite3_column_text(q, 14);
    return sql_column_copy(q, 1, s->device_id, sizeof s->device_id) &&
           sql_column_copy(q, 6, s->boot_id, sizeof s->boot_id) &&
           sql_column_copy(q, 8, s->room, sizeof s->room) &&
           sql_column_copy(q, 9, s->session, sizeof s->session) &&
           sql_column_copy(q, 10, s->attendee, sizeof s->attendee) &&
           sql_column_copy(q, 18, s->staff, sizeof s->staff) && mode != NULL &&
           kiosk_mode_parse(mode, &s->mode) && kind != NULL && scan_kind_parse(kind, &s->kind) &&
           result != NULL && scan_result_parse(result, &s->result) && reason != NULL &&
           scan_reason_parse(reason, &s->reason);
}

/* Reads up to READ_BATCH scans after *cursor into batch; returns their count, or -1. */
static int read_batch(struct store *st, int64_t cursor, struct scan *batch, int64_t *ids)
{
    sqlite3_stmt *q = st->read;
    sqlite3_bind_int64(q, 1, cursor);
    sqlite3_bind_int(q, 2, READ_BATCH);
    int n = 0, rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        ids[n] = sqlite3_column_int64(q, 0);
        if (!row_to_scan(q, &batch[n])) {
            log_warnx("%s: scan row %" PRId64 " has an invalid field", st->path, ids[n]);
            n = -1;
            break;
        }
        n++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        log_db(st, "reading scans");
        n = -1;
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return n;
}

/* Calls cb for every scan inserted after after_rowid, in insertion order. */
bool store_read_scans(struct store *st, int64_t after_rowid,
                      bool (*cb)(const struct scan *s, void *ctx), void *ctx, int64_t *last_rowid)
{
    /* Each batch is copied out and the statement reset before any callback runs, so the read
     * transaction is never held across the caller's code. Row ids only grow (the table is
     * append-only and writers are serialised), so a cursor never skips a row. */
    struct scan *batch = xmalloc(READ_BATCH * sizeof *batch);
    int64_t *ids = xmalloc(READ_BATCH * sizeof *ids);
    int64_t cursor = after_rowid;
    bool ok = true;
    for (;;) {
        int n = read_batch(st, cursor, batch, ids);
        if (n < 0) {
            ok = false;
            break;
        }
        for (int i = 0; i < n && ok; i++) {
            if (cb(&batch[i], ctx))
                cursor = ids[i];
            else
                ok = false;
        }
        if (!ok || n < READ_BATCH)
            break;
    }
    free(batch);
    free(ids);
    if (last_rowid != NULL)
        *last_rowid = cursor;
    return ok;
}

/* Returns this device's last seq in this epoch. */
int64_t store_last_seq(struct store *st)
{
    sqlite3_bind_text(st->max_seq, 1, st->device_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st->max_seq, 2, st->db_epoch);
    int rc = sqlite3_step(st->max_seq);
    int64_t last = rc == SQLITE_ROW ? sqlite3_column_int64(st->max_seq, 0) : -1;
    if (rc != SQLITE_ROW)
        log_db(st, "reading the last seq");
    sqlite3_reset(st->max_seq);
    sqlite3_clear_bindings(st->max_seq);
    return last;
}

/* Returns the number of scans. */
int64_t store_scan_count(struct store *st)
{
    int rc = sqlite3_step(st->count);
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st->count, 0) : -1;
    if (rc != SQLITE_ROW)
        log_db(st, "counting scans");
    sqlite3_reset(st->count);
    return n;
}

/* Reads a metadata value. */
bool store_get_meta(struct store *st, const char *key, char **value)
{
    return meta_get(st, key, value);
}

/* Sets a metadata value durably, except the store's own keys. */
bool store_set_meta(struct store *st, const char *key, const char *value)
{
    static const char *const reserved[] = {"db_epoch", "device_id", "created", STORE_META_EVENT_ID,
                                           STORE_META_KEY_ID};
    for (size_t i = 0; i < ARRAY_LEN(reserved); i++) {
        if (strcmp(key, reserved[i]) == 0) {
            log_warnx("%s: metadata key '%s' is the store's own", st->path, key);
            return false;
        }
    }
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", -1,
                           &stmt, NULL) != SQLITE_OK) {
        log_db(st, "writing metadata");
        return false;
    }
    bool ok = false;
    if (!step_done(st, st->begin, "beginning a transaction"))
        goto out;
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
    ok =
        step_done(st, stmt, "writing metadata") && step_done(st, st->commit, "committing metadata");
    if (!ok)
        rollback(st);
out:
    sqlite3_finalize(stmt);
    return ok;
}

/* Reads this device's quarantined scans (few: each one is a scan the server refused). */
bool store_read_quarantined(struct store *st, bool (*cb)(const struct scan *s, void *ctx),
                            void *ctx)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT id, " SCAN_COLUMNS " FROM scans WHERE device_id = ?1 AND "
                           "(db_epoch, seq) IN (SELECT db_epoch, seq FROM quarantine) ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK) {
        log_db(st, "reading the quarantine");
        return false;
    }
    sqlite3_bind_text(q, 1, st->device_id, -1, SQLITE_STATIC);
    /* Copied out before any callback runs, so no read transaction spans the caller's code. */
    size_t n = 0, cap = 0;
    struct scan *scans = NULL;
    int rc;
    bool ok = true;
    while (ok && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap)
            scans = xrealloc(scans, (cap = cap ? 2 * cap : 16) * sizeof *scans);
        ok = row_to_scan(q, &scans[n++]);
    }
    if (ok && rc != SQLITE_DONE) {
        log_db(st, "reading the quarantine");
        ok = false;
    }
    sqlite3_finalize(q);
    for (size_t i = 0; ok && i < n; i++)
        ok = cb(&scans[i], ctx);
    free(scans);
    return ok;
}
