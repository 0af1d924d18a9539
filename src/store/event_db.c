/* SPDX-License-Identifier: Apache-2.0 */
/* event.db: loading the model, key files, revocation and kiosk bundles. With event_db_pull.c
 * (the changes pulled from central), the only code that opens an EVENT_DIR's or a bundle's
 * event.db (roster_db.c writes the rosters into it). */
#include "event_db.h"

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

#include "devkey_db.h"
#include "file.h"
#include "log.h"
#include "sqlutil.h"
#include "timeutil.h"
#include "util.h"
#include "sysclock.h"
#include "store.h"

/* The schema, as the steps that made it: step N brings a database from user_version N - 1 to N.
 * A new Portier appends a step (and bumps EVENT_DB_VERSION); an older event.db is upgraded in
 * place, in one transaction, the first time this Portier opens it (upgrade_if_older). */
static const char *const schema_steps[] = {
    /* 1: the first release */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE rooms(id TEXT PRIMARY KEY, name TEXT NOT NULL,\n"
    "  capacity INTEGER NOT NULL CHECK(capacity > 0), pos INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE sessions(id TEXT PRIMARY KEY, room TEXT NOT NULL REFERENCES rooms(id),\n"
    "  title TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,\n"
    "  start_text TEXT NOT NULL, end_text TEXT NOT NULL);\n"
    "CREATE TABLE attendees(id TEXT PRIMARY KEY, num INTEGER NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL, organisation TEXT NOT NULL DEFAULT '', email TEXT,\n"
    "  language TEXT NOT NULL, category TEXT NOT NULL, serial INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE registrations(attendee TEXT NOT NULL REFERENCES attendees(id),\n"
    "  session TEXT NOT NULL REFERENCES sessions(id), PRIMARY KEY(attendee, session));\n"
    "CREATE TABLE revocations(num INTEGER NOT NULL, serial INTEGER NOT NULL,\n"
    "  revoked_at TEXT NOT NULL, PRIMARY KEY(num, serial));\n",
    EVENT_DB_STEP_ATTENDEE_SOURCES, /* 2: imports from other systems (event_db.h) */
    /* 3: sessions' credits (certificates; NULL: none), badges' days ('': every day) */
    "ALTER TABLE sessions ADD COLUMN credits_centi INTEGER CHECK(credits_centi >= 0);\n"
    "ALTER TABLE attendees ADD COLUMN days TEXT NOT NULL DEFAULT '';\n",
    EVENT_DB_STEP_DEVICE_KEYS, /* 4: device issuing keys (devkey_db.h) */
};

_Static_assert(sizeof schema_steps / sizeof schema_steps[0] == EVENT_DB_VERSION,
               "one schema step per event.db version");

const char *event_db_schema_sql(void)
{
    static char *sql;
    if (sql == NULL) {
        struct strbuf b = {0};
        for (size_t i = 0; i < EVENT_DB_VERSION; i++)
            strbuf_puts(&b, schema_steps[i]);
        strbuf_printf(&b, "PRAGMA user_version = %d;\n", EVENT_DB_VERSION);
        sql = b.data;
    }
    return sql;
}

const char *event_db_schema_step(int version)
{
    return version >= 1 && version <= EVENT_DB_VERSION ? schema_steps[version - 1] : NULL;
}

/* Brings an event.db made by an older Portier up to EVENT_DB_VERSION, in one transaction, when
 * this process may write it. A read-only file stays as it is (check_header then says so). */
static void upgrade_if_older(const char *db_path)
{
    sqlite3 *db = NULL;
    if (access(db_path, W_OK) != 0 ||
        sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = NULL;
    int version = -1;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    char *format = version >= 1 && version < EVENT_DB_VERSION ? event_db_meta(db, "format") : NULL;
    if (format != NULL && strcmp(format, "portier-event") == 0) {
        bool ok = true;
        for (int v = version; v < EVENT_DB_VERSION && ok; v++)
            ok = sqlite3_exec(db, schema_steps[v], NULL, NULL, NULL) == SQLITE_OK;
        char *set = xasprintf("PRAGMA user_version = %d", EVENT_DB_VERSION);
        if (ok && sqlite3_exec(db, set, NULL, NULL, NULL) == SQLITE_OK &&
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
            log_info("%s: event database upgraded from version %d to %d", db_path, version,
                     EVENT_DB_VERSION);
        else
            log_warnx("%s: cannot upgrade the event database from version %d: %s", db_path, version,
                      sqlite3_errmsg(db));
        free(set);
    }
    free(format);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
}

/* Returns a copy of a text column ("" for NULL). */
static char *column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return xstrdup(s ? (const char *)s : "");
}

/* A writer (the sync daemon applying pulled attendees) killed mid-transaction leaves a hot
 * journal that a read-only connection cannot roll back: every read would fail, on every
 * restart. Rolls it back through a read-write connection, when we may write. */
static void rollback_hot_journal(const char *db_path)
{
    char *journal = xasprintf("%s-journal", db_path);
    sqlite3 *db = NULL;
    if (path_exists(journal) && access(db_path, W_OK) == 0 &&
        sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    free(journal);
}

/* Opens an event.db read-only, inside one read transaction: every later read sees the same
 * snapshot, and the daemon cannot leave a hot journal between two of them. A journal left
 * between the check and the first read (the daemon killed just then) is rolled back and the
 * open tried again. Logs why on failure. */
static sqlite3 *open_readonly(const char *db_path)
{
    for (int attempt = 0;; attempt++) {
        rollback_hot_journal(db_path);
        if (attempt == 0)
            upgrade_if_older(db_path);
        sqlite3 *db = NULL;
        if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            log_warnx("%s: cannot open: %s", db_path, db ? sqlite3_errmsg(db) : "out of memory");
            sqlite3_close(db);
            return NULL;
        }
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, 5000);
        int rc = sqlite3_exec(db, "BEGIN; PRAGMA schema_version", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return db;
        if (rc == SQLITE_READONLY_ROLLBACK && attempt < 3) {
            sqlite3_close(db);
            continue;
        }
        log_warnx("%s: cannot read: %s", db_path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
}

char *event_db_meta(sqlite3 *db, const char *key)
{
    sqlite3_stmt *st = NULL;
    char *value = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        value = column_dup(st, 0);
    sqlite3_finalize(st);
    return value;
}

/* Parses a decimal unsigned number no larger than max. */
static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

/* Checks format and version, and reads event id and key id. */
static bool check_header(sqlite3 *db, const char *db_path, uint32_t *event_id, uint16_t *key_id)
{
    sqlite3_stmt *st = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version < 0) {
        /* Not a verdict on the file: locked, unreadable, or a journal we cannot roll back. */
        log_warnx("%s: cannot read: %s", db_path, sqlite3_errmsg(db));
        return false;
    }
    char *format = event_db_meta(db, "format");
    bool ok = false;
    if (format == NULL || strcmp(format, "portier-event") != 0) {
        log_warnx("%s: not a Portier event database", db_path);
        goto out;
    }
    if (version > EVENT_DB_VERSION) {
        log_warnx("%s: event database version %d was made by a newer Portier (this one reads up "
                  "to version %d): update Portier on this machine",
                  db_path, version, EVENT_DB_VERSION);
        goto out;
    }
    if (version < EVENT_DB_VERSION) {
        log_warnx("%s: event database version %d is older than this Portier's (%d) and could "
                  "not be upgraded here: open it once as a user who may write it (any portier "
                  "command on the event), or make the bundle again",
                  db_path, version, EVENT_DB_VERSION);
        goto out;
    }
    char *id_text = event_db_meta(db, "event_id");
    char *key_text = event_db_meta(db, "key_id");
    unsigned long id = 0, key = 0;
    ok = parse_uint(id_text, UINT32_MAX, &id) && parse_uint(key_text, UINT16_MAX, &key);
    free(id_text);
    free(key_text);
    if (!ok) {
        log_warnx("%s: corrupt meta: event_id or key_id", db_path);
        goto out;
    }
    *event_id = (uint32_t)id;
    if (key_id != NULL)
        *key_id = (uint16_t)key;
out:
    free(format);
    return ok;
}

bool event_read_id(const char *db_path, uint32_t *event_id)
{
    sqlite3 *db = open_readonly(db_path);
    if (db == NULL)
        return false;
    bool ok = check_header(db, db_path, event_id, NULL);
    sqlite3_close(db);
    return ok;
}

bool event_read_ids(const char *db_path, uint32_t *event_id, uint16_t *key_id)
{
    sqlite3 *db = open_readonly(db_path);
    if (db == NULL)
        return false;
    bool ok = check_header(db, db_path, event_id, key_id);
    sqlite3_close(db);
    return ok;
}

sqlite3 *event_db_open(const char *db_path)
{
    uint32_t event_id;
    sqlite3 *db = open_readonly(db_path);
    if (db != NULL && !check_header(db, db_path, &event_id, NULL)) {
        sqlite3_close(db);
        db = NULL;
    }
    return db;
}

/* Context for sorting sessions by (room index, start, id). */
static int session_cmp(const void *a, const void *b)
{
    const struct session *x = a, *y = b;
    if (x->room != y->room)
        return x->room < y->room ? -1 : 1;
    if (x->start_ms != y->start_ms)
        return x->start_ms < y->start_ms ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Runs a query and reports a failure. Statement owned by the caller. */
static sqlite3_stmt *query(sqlite3 *db, const char *db_path, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
        return NULL;
    }
    return st;
}

/* Finalizes a statement stepped until rc: true when it ran to its end, false after logging. */
static bool finish_query(sqlite3 *db, const char *db_path, sqlite3_stmt *st, int rc)
{
    if (rc != SQLITE_DONE)
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

/* Loads the rooms, in their order. */
static bool load_rooms(sqlite3 *db, const char *db_path, struct event *ev)
{
    sqlite3_stmt *st = query(db, db_path, "SELECT id, name, capacity FROM rooms ORDER BY pos, id");
    if (st == NULL)
        return false;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ev->n_rooms == cap) {
            cap = cap ? cap * 2 : 8;
            ev->rooms = xrealloc(ev->rooms, cap * sizeof *ev->rooms);
        }
        ev->rooms[ev->n_rooms++] =
            (struct room){column_dup(st, 0), column_dup(st, 1), sqlite3_column_int(st, 2)};
    }
    return finish_query(db, db_path, st, rc);
}

/* Loads the sessions (the rooms indexed), sorted by (room, start, id). */
static bool load_sessions(sqlite3 *db, const char *db_path, struct event *ev)
{
    const char *sql =
        "SELECT id, room, title, start_ms, end_ms, ifnull(credits_centi, -1) FROM sessions";
    sqlite3_stmt *st = query(db, db_path, sql);
    if (st == NULL)
        return false;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *room = sqlite3_column_text(st, 1);
        size_t ri = event_room_index(ev, room ? (const char *)room : "");
        if (ri == SIZE_MAX) {
            log_warnx("%s: session '%s' in an unknown room", db_path,
                      (const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
            return false;
        }
        if (ev->n_sessions == cap) {
            cap = cap ? cap * 2 : 8;
            ev->sessions = xrealloc(ev->sessions, cap * sizeof *ev->sessions);
        }
        ev->sessions[ev->n_sessions++] =
            (struct session){column_dup(st, 0),           ri,
                             column_dup(st, 2),           sqlite3_column_int64(st, 3),
                             sqlite3_column_int64(st, 4), sqlite3_column_int(st, 5)};
    }
    if (!finish_query(db, db_path, st, rc))
        return false;
    if (ev->n_sessions > 1)
        qsort(ev->sessions, ev->n_sessions, sizeof *ev->sessions, session_cmp);
    return true;
}

/* Loads the attendees, by num. */
static bool load_attendees(sqlite3 *db, const char *db_path, struct event *ev)
{
    sqlite3_stmt *st =
        query(db, db_path,
              "SELECT id, num, name, organisation, email, language, category, serial, days "
              "FROM attendees ORDER BY num");
    if (st == NULL)
        return false;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ev->n_attendees == cap) {
            cap = cap ? cap * 2 : 64;
            ev->attendees = xrealloc(ev->attendees, cap * sizeof *ev->attendees);
        }
        struct attendee *a = &ev->attendees[ev->n_attendees++];
        *a = (struct attendee){
            .id = column_dup(st, 0),
            .num = (uint32_t)sqlite3_column_int64(st, 1),
            .name = column_dup(st, 2),
            .organisation = column_dup(st, 3),
            .email = sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : column_dup(st, 4),
            .serial = (uint32_t)sqlite3_column_int64(st, 7),
        };
        const char *lang = (const char *)sqlite3_column_text(st, 5);
        const char *cat = (const char *)sqlite3_column_text(st, 6);
        if (!language_parse(lang ? lang : "", &a->language) ||
            !category_parse(cat ? cat : "", &a->category) ||
            !event_attendee_set_days(a, (const char *)sqlite3_column_text(st, 8))) {
            log_warnx("%s: attendee '%s': bad language, category or days", db_path, a->id);
            sqlite3_finalize(st);
            return false;
        }
    }
    return finish_query(db, db_path, st, rc);
}

/* Loads the registrations into the attendees (the model indexed), sorted. */
static bool load_registrations(sqlite3 *db, const char *db_path, struct event *ev)
{
    sqlite3_stmt *st = query(db, db_path, "SELECT attendee, session FROM registrations");
    if (st == NULL)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *aid = (const char *)sqlite3_column_text(st, 0);
        const char *sid = (const char *)sqlite3_column_text(st, 1);
        const struct attendee *known = event_attendee_by_id(ev, aid ? aid : "");
        size_t si = event_session_index(ev, sid ? sid : "");
        if (known == NULL || si == SIZE_MAX) {
            log_warnx("%s: registration of an unknown attendee or session", db_path);
            sqlite3_finalize(st);
            return false;
        }
        struct attendee *a = &ev->attendees[known - ev->attendees];
        a->sessions = xrealloc(a->sessions, (a->n_sessions + 1) * sizeof *a->sessions);
        a->sessions[a->n_sessions++] = si;
    }
    if (!finish_query(db, db_path, st, rc))
        return false;
    for (size_t i = 0; i < ev->n_attendees; i++)
        event_attendee_sort_sessions(&ev->attendees[i]);
    return true;
}

/* Loads the revocations, sorted. */
static bool load_revocations(sqlite3 *db, const char *db_path, struct event *ev)
{
    sqlite3_stmt *st =
        query(db, db_path, "SELECT num, serial FROM revocations ORDER BY num, serial");
    if (st == NULL)
        return false;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ev->n_revocations == cap) {
            cap = cap ? cap * 2 : 16;
            ev->revocations = xrealloc(ev->revocations, cap * sizeof *ev->revocations);
        }
        ev->revocations[ev->n_revocations++] = (struct revocation){
            (uint32_t)sqlite3_column_int64(st, 0), (uint32_t)sqlite3_column_int64(st, 1)};
    }
    return finish_query(db, db_path, st, rc);
}

/* Loads the tables of an opened event.db into ev, and builds its index: first over the rooms,
 * which the sessions name, then over the whole model once the sessions are in their order. */
static bool load_tables(sqlite3 *db, const char *db_path, struct event *ev)
{
    if (!load_rooms(db, db_path, ev))
        return false;
    event_index_build(ev);
    if (!load_sessions(db, db_path, ev) || !load_attendees(db, db_path, ev))
        return false;
    event_index_build(ev);
    return load_registrations(db, db_path, ev) && load_revocations(db, db_path, ev) &&
           devkey_db_load(db, db_path, ev);
}

struct event *event_load(const char *db_path)
{
    sqlite3 *db = open_readonly(db_path);
    if (db == NULL)
        return NULL;
    struct event *ev = xcalloc(1, sizeof *ev);
    bool ok = false;
    if (!check_header(db, db_path, &ev->event_id, &ev->key_id))
        goto out;
    ev->name = event_db_meta(db, "name");
    ev->timezone = event_db_meta(db, "timezone");
    if (ev->name == NULL || ev->timezone == NULL) {
        log_warnx("%s: corrupt meta: no name or timezone", db_path);
        goto out;
    }
    ok = load_tables(db, db_path, ev); /* in open_readonly's read transaction */
out:
    sqlite3_close(db);
    if (!ok) {
        event_destroy(ev);
        return NULL;
    }
    return ev;
}

/* Reads a key file of hex text into out[n]; fd is an open descriptor of path. */
static bool read_hex_key(int fd, const char *path, uint8_t *out, size_t n)
{
    char buf[300];
    size_t len = 0;
    for (;;) {
        ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            log_warn("%s: cannot read", path);
            return false;
        }
        if (r == 0 || len + (size_t)r >= sizeof buf - 1) {
            len += (size_t)r;
            break;
        }
        len += (size_t)r;
    }
    buf[len] = '\0';
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    size_t bin_len = 0;
    if (len != 2 * n || sodium_hex2bin(out, n, buf, len, NULL, &bin_len, NULL) != 0 ||
        bin_len != n) {
        log_warnx("%s: not a key file (expected %zu hexadecimal digits)", path, 2 * n);
        sodium_memzero(buf, sizeof buf);
        return false;
    }
    sodium_memzero(buf, sizeof buf);
    return true;
}

bool event_read_public_key(const char *dir, uint8_t pk[32])
{
    char *path = path_join(dir, EVENT_VERIFY_KEY_NAME);
    bool ok = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_warn("%s: cannot open", path);
        goto out;
    }
    ok = read_hex_key(fd, path, pk, 32);
    close(fd);
out:
    free(path);
    return ok;
}

bool event_read_secret_key(const char *event_dir, uint8_t sk[64])
{
    char *path = path_join(event_dir, EVENT_SIGNING_KEY_NAME);
    bool ok = false;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_warn("%s: cannot open", path);
        goto out;
    }
    if (fstat(fd, &st) != 0) {
        log_warn("%s: cannot stat", path);
        goto out;
    }
    if ((st.st_mode & 077) != 0) {
        log_warnx("%s: the signing key is readable by group or others (mode %04o); refusing to "
                  "use it: run 'chmod 600 %s', and consider the key leaked if others had access",
                  path, (unsigned)(st.st_mode & 07777), path);
        goto out;
    }
    ok = read_hex_key(fd, path, sk, 64);
out:
    if (fd >= 0)
        close(fd);
    free(path);
    return ok;
}

bool event_write_keys(const char *event_dir, const uint8_t pk[32], const uint8_t sk[64])
{
    char *sk_path = path_join(event_dir, EVENT_SIGNING_KEY_NAME);
    char *pk_path = path_join(event_dir, EVENT_VERIFY_KEY_NAME);
    char hex[129 + 1];
    bool ok = false, created = false;

    /* O_EXCL with mode 0600: the secret is never, even briefly, in a file others can read,
     * and an existing key is never overwritten. */
    int fd = open(sk_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_warn("%s: cannot create", sk_path);
        goto out;
    }
    created = true;
    sodium_bin2hex(hex, sizeof hex, sk, 64);
    size_t len = strlen(hex);
    hex[len++] = '\n';
    if (write(fd, hex, len) != (ssize_t)len || fsync(fd) != 0) {
        log_warn("%s: cannot write", sk_path);
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        log_warn("%s: cannot write", sk_path);
        goto out;
    }
    fd = -1;
    sodium_bin2hex(hex, sizeof hex, pk, 32);
    len = strlen(hex);
    hex[len++] = '\n';
    if (!file_write_atomic(pk_path, hex, len, 0644)) {
        log_warn("%s: cannot write", pk_path);
        goto out;
    }
    ok = true;
out:
    if (fd >= 0)
        close(fd);
    if (!ok && created)
        unlink(sk_path);
    sodium_memzero(hex, sizeof hex);
    free(sk_path);
    free(pk_path);
    return ok;
}

bool event_revoke(const char *db_path, const char *attendee_id, uint32_t *num,
                  uint32_t *revoked_serial)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    bool ok = false, in_tx = false;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        log_warnx("%s: cannot open: %s", db_path, db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(db, 5000);
    uint32_t event_id;
    if (!check_header(db, db_path, &event_id, NULL))
        goto out;
    char *tz = event_db_meta(db, "timezone");
    if (tz != NULL)
        time_set_zone(tz);
    free(tz);
    if (!sql_exec(db, db_path, "PRAGMA synchronous=FULL") ||
        !sql_exec(db, db_path, "BEGIN IMMEDIATE"))
        goto out;
    in_tx = true;
    if ((st = query(db, db_path, "SELECT num, serial FROM attendees WHERE id = ?")) == NULL)
        goto out;
    sqlite3_bind_text(st, 1, attendee_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        log_warnx("revoke: no attendee with id '%s' in %s", attendee_id, db_path);
        goto out;
    } else if (rc != SQLITE_ROW) {
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_int64 n = sqlite3_column_int64(st, 0), serial = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    st = NULL;
    if (serial >= 255) {
        log_warnx("revoke: attendee '%s' has had 255 badges revoked already; the badge serial "
                  "cannot go higher: import them again under a new id",
                  attendee_id);
        goto out;
    }
    char now[TIME_ISO_LEN];
    time_format_iso8601(time_now_ms(), now);
    st = query(db, db_path, "INSERT INTO revocations(num, serial, revoked_at) VALUES(?,?,?)");
    if (st == NULL)
        goto out;
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_int64(st, 2, serial);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_finalize(st);
    st = query(db, db_path, "UPDATE attendees SET serial = serial + 1 WHERE id = ?");
    if (st == NULL)
        goto out;
    sqlite3_bind_text(st, 1, attendee_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        log_warnx("%s: %s", db_path, sqlite3_errmsg(db));
        goto out;
    }
    if (!sql_exec(db, db_path, EVENT_DB_BUMP_MODEL_VERSION_SQL) || !sql_exec(db, db_path, "COMMIT"))
        goto out;
    in_tx = false;
    *num = (uint32_t)n;
    *revoked_serial = (uint32_t)serial;
    ok = true;
out:
    sqlite3_finalize(st);
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return ok;
}

/* Makes tmp a copy of src_path without e-mail addresses, fsynced. */
static bool make_bundle_db(const char *src_path, const char *tmp)
{
    bool ok = false;
    sqlite3 *db = open_readonly(src_path);
    sqlite3_stmt *st = NULL;
    if (db == NULL)
        return false;
    /* VACUUM INTO writes a consistent, compact snapshot (it runs outside a transaction, so
     * open_readonly's ends first); the e-mail addresses are then removed and the copy
     * vacuumed again so that no old page still holds them. */
    if (!sql_exec(db, src_path, "COMMIT") || (st = query(db, src_path, "VACUUM INTO ?")) == NULL)
        goto out;
    sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        log_warnx("%s: copy to %s: %s", src_path, tmp, sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    sqlite3_close(db);
    db = NULL;
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        log_warnx("%s: cannot open: %s", tmp, db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    if (!sql_exec(db, tmp,
                  "PRAGMA secure_delete = ON;"
                  "BEGIN;"
                  "UPDATE attendees SET email = NULL; DELETE FROM attendee_sources;"
                  "INSERT OR REPLACE INTO meta(key, value) VALUES('bundle', '1');"
                  "COMMIT;"
                  "VACUUM;"))
        goto out;
    if (sqlite3_close(db) != SQLITE_OK) {
        log_warnx("%s: cannot close: %s", tmp, sqlite3_errmsg(db));
        goto out;
    }
    db = NULL;
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        log_warn("%s: fsync", tmp);
        if (fd >= 0)
            close(fd);
        goto out;
    }
    close(fd);
    ok = true;
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

bool event_bundle(const char *event_dir, const char *kiosk_dir)
{
    bool ok = false;
    char *src = path_join(event_dir, EVENT_DB_NAME);
    char *dst = path_join(kiosk_dir, EVENT_DB_NAME);
    char *kiosk_sk = path_join(kiosk_dir, EVENT_SIGNING_KEY_NAME);
    char *pk_path = path_join(kiosk_dir, EVENT_VERIFY_KEY_NAME);
    char *tmp = xasprintf("%s.tmp.%ld", dst, (long)getpid());
    uint8_t pk[32];
    char hex[65 + 1];
    uint32_t event_id, other_id;

    if (path_exists(kiosk_sk)) {
        log_warnx("bundle: %s holds a signing key: it is an event directory, not a kiosk "
                  "bundle; choose another --out directory",
                  kiosk_dir);
        goto out;
    }
    if (!event_read_id(src, &event_id) || !event_read_public_key(event_dir, pk))
        goto out;
    if (path_exists(dst)) {
        if (!event_read_id(dst, &other_id)) {
            log_warnx("bundle: %s exists and is not a Portier bundle; refusing to replace it", dst);
            goto out;
        }
        if (other_id != event_id) {
            log_warnx("bundle: %s holds a bundle of another event (id %u, this event is %u); "
                      "choose another --out directory",
                      kiosk_dir, (unsigned)other_id, (unsigned)event_id);
            goto out;
        }
    }
    if (!mkdir_private(kiosk_dir)) {
        log_warn("%s: cannot create the directory", kiosk_dir);
        goto out;
    }
    unlink(tmp);
    /* The bundle holds every name: the owner's alone (the kiosk runs as its owner, portier). */
    if (!file_create_private(tmp)) {
        log_warn("%s: cannot create", tmp);
        goto out;
    }
    if (!make_bundle_db(src, tmp))
        goto out;
    sodium_bin2hex(hex, sizeof hex, pk, 32);
    size_t len = strlen(hex);
    hex[len++] = '\n';
    if (!file_write_atomic(pk_path, hex, len, 0644)) {
        log_warn("%s: cannot write", pk_path);
        goto out;
    }
    if (rename(tmp, dst) != 0) {
        log_warn("%s: cannot rename to %s", tmp, dst);
        goto out;
    }
    if (!fsync_dir_of(dst)) {
        log_warn("%s: fsync of the directory", dst);
        goto out;
    }
    ok = true;
out:
    unlink(tmp);
    free(tmp);
    free(src);
    free(dst);
    free(kiosk_sk);
    free(pk_path);
    return ok;
}
