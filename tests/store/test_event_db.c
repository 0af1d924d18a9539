/* SPDX-License-Identifier: Apache-2.0 */
/* Reading event.db while its writer dies: a writer killed mid-transaction (the sync daemon
 * applying pulled attendees, kill -9) leaves a hot journal, which a read-only connection
 * cannot roll back. event_load must still read the model as it was before that transaction,
 * and the journal must be gone afterwards. Also: event_db_open refuses a file that is not an
 * event database, saying why. And every change of the model (import, revoke, forget) bumps its
 * model_version, which a file made before versions lacks (counted as 0). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "event.h"
#include "util.h"
#include "event_db.h"
#include "timeutil.h"
#include "file.h"
#include "privacy.h"
#include "roster.h"
#include "roster_db.h"

/* event.db's meta model_version, -1 when absent. */
static long model_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'model_version'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Each change of the model bumps model_version by one, in its own transaction. */
static void test_model_version(const char *path)
{
    CHECK(model_version(path) == -1); /* made before versions: counts as 0 */
    uint32_t num = 0, serial = 0;
    CHECK(event_revoke(path, "A0001", &num, &serial));
    CHECK(model_version(path) == 1);
    CHECK(!event_revoke(path, "nobody", &num, &serial));
    CHECK(model_version(path) == 1); /* a refused change counts for nothing */
    size_t n = 0;
    CHECK(privacy_forget_event_db(path, "A0001", &n) && n == 1);
    CHECK(model_version(path) == 2);
    struct roster r = {0};
    struct roster_import_counts counts;
    CHECK(roster_import(&r, path, &counts));
    CHECK(model_version(path) == 3);
}

/* The number of rows sql counts in path. */
static long count(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Forgetting a person also deletes their ids in other systems (attendee_sources), and only
 * theirs. */
static void test_forget_sources(const char *path)
{
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
          sqlite3_exec(db,
                       "INSERT INTO attendees (id, num, name, language, category)"
                       " VALUES ('A0002', 2, 'Bert', 'nl', 'attendee');"
                       "INSERT INTO attendee_sources (source, source_id, attendee) VALUES"
                       " ('pretix', 'ABC12-1', 'A0001'), ('eventbrite', '991', 'A0001'),"
                       " ('pretix', 'XYZ34-1', 'A0002')",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    size_t n = 0;
    CHECK(privacy_forget_event_db(path, "A0001", &n) && n == 1);
    CHECK(count(path, "SELECT count(*) FROM attendee_sources WHERE attendee = 'A0001'") == 0);
    CHECK(count(path, "SELECT count(*) FROM attendee_sources WHERE attendee = 'A0002'") == 1);
    CHECK(privacy_forget_event_db(path, NULL, &n) && n == 2);
    CHECK(count(path, "SELECT count(*) FROM attendee_sources") == 0);
}

/* Makes an event.db at path with one room and attendee A0001 "Ann". */
static bool make_db(const char *path)
{
    sqlite3 *db = NULL;
    bool ok = sqlite3_open(path, &db) == SQLITE_OK &&
              sqlite3_exec(db, event_db_schema_sql(), NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(db,
                           "INSERT INTO meta (key, value) VALUES ('format', 'portier-event'),"
                           " ('event_id', '7'), ('key_id', '1'), ('name', 'Journal'),"
                           " ('timezone', 'UTC'), ('created', '2026-01-01T00:00:00Z');"
                           "INSERT INTO rooms (id, name, capacity) VALUES ('aula', 'Aula', 10);"
                           "INSERT INTO attendees (id, num, name, language, category)"
                           " VALUES ('A0001', 1, 'Ann', 'en', 'attendee')",
                           NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

static int user_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Sets path's user_version (a file "made by" another Portier). */
static bool set_user_version(const char *path, int v)
{
    sqlite3 *db = NULL;
    char *sql = xasprintf("PRAGMA user_version = %d", v);
    bool ok = sqlite3_open(path, &db) == SQLITE_OK &&
              sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    free(sql);
    return ok;
}

/* Versions: a file of a newer Portier is refused; one of the first release (only step 1) is
 * upgraded in place to EVENT_DB_VERSION when it may be written, and refused, unchanged, when
 * it may not. */
static void test_versions(const char *dir)
{
    char *path = path_join(dir, "versions.db");
    CHECK(make_db(path));
    CHECK(user_version(path) == EVENT_DB_VERSION);
    CHECK(set_user_version(path, EVENT_DB_VERSION + 1));
    CHECK(event_load(path) == NULL);
    uint32_t id = 0;
    CHECK(!event_read_id(path, &id));
    CHECK(user_version(path) == EVENT_DB_VERSION + 1);
    unlink(path);

    /* The first release's file: step 1 only. */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
          sqlite3_exec(db, event_db_schema_step(1), NULL, NULL, NULL) == SQLITE_OK &&
          sqlite3_exec(db,
                       "PRAGMA user_version = 1;"
                       "INSERT INTO meta (key, value) VALUES ('format', 'portier-event'),"
                       " ('event_id', '9'), ('key_id', '1'), ('name', 'Old'),"
                       " ('timezone', 'UTC'), ('created', '2026-01-01T00:00:00Z');"
                       "INSERT INTO rooms (id, name, capacity) VALUES ('aula', 'Aula', 10);"
                       "INSERT INTO sessions VALUES ('s1', 'aula', 'Talk', 0, 3600000,"
                       " '1970-01-01T00:00:00Z', '1970-01-01T01:00:00Z');"
                       "INSERT INTO attendees (id, num, name, language, category)"
                       " VALUES ('A0001', 1, 'Ann', 'en', 'attendee')",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(event_db_schema_step(EVENT_DB_VERSION) != NULL &&
          event_db_schema_step(EVENT_DB_VERSION + 1) == NULL);
    if (EVENT_DB_VERSION > 1 && getuid() != 0) {
        /* Read-only (root may write anyway): refused as it is. */
        CHECK(chmod(path, 0400) == 0);
        CHECK(event_load(path) == NULL);
        CHECK(user_version(path) == 1);
        CHECK(chmod(path, 0600) == 0);
    }
    struct event *ev = event_load(path);
    CHECK(ev != NULL && ev->n_attendees == 1 && ev->event_id == 9);
    /* Step 2: the session of the first release has no credits. */
    CHECK(ev != NULL && ev->n_sessions == 1 && ev->sessions[0].credits_centi == -1);
    CHECK(ev != NULL && ev->attendees[0].n_days == 0); /* and its badges are valid every day */
    event_destroy(ev);
    CHECK(user_version(path) == EVENT_DB_VERSION);
    /* Step 2 (imports from other systems): the old file gained attendee_sources, and an
     * import through it remembers the source's id. */
    CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
          sqlite3_exec(db,
                       "INSERT INTO attendee_sources (source, source_id, attendee)"
                       " VALUES ('pretix', 'X7K2P-1', 'A0001')",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
          sqlite3_exec(db,
                       "UPDATE sessions SET credits_centi = 150;"
                       "UPDATE attendees SET days = '2026-01-02;2026-01-01'",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    ev = event_load(path);
    CHECK(ev != NULL && ev->n_sessions == 1 && ev->sessions[0].credits_centi == 150);
    CHECK(ev != NULL && ev->attendees[0].n_days == 2 &&
          ev->attendees[0].days[0] == time_days_from_civil(2026, 1, 1));
    event_destroy(ev);
    free(path);
}

/* A child changes every attendee inside a transaction and dies before its commit. */
static void die_mid_transaction(const char *path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        sqlite3 *db = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            sqlite3_exec(db,
                         "PRAGMA cache_size = 1; BEGIN IMMEDIATE;"
                         "WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n"
                         " WHERE i < 3000) INSERT INTO attendees (id, num, name, language,"
                         " category) SELECT printf('B%05d', i), i, printf('Someone %d', i),"
                         " 'en', 'attendee' FROM n;"
                         "UPDATE attendees SET name = 'Changed'",
                         NULL, NULL, NULL) != SQLITE_OK)
            _exit(1);
        _exit(0); /* no COMMIT, no close: as kill -9 would leave it */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    char tmpl[] = "/tmp/portier-eventdb-XXXXXX";
    CHECK(mkdtemp(tmpl) != NULL);
    char *path = path_join(tmpl, "event.db");
    char *journal = xasprintf("%s-journal", path);
    CHECK(make_db(path));

    die_mid_transaction(path);
    CHECK_MSG(path_exists(journal), "the child left no journal: the test proves nothing");
    struct event *ev = event_load(path);
    CHECK(ev != NULL);
    if (ev != NULL) {
        const struct attendee *a = event_attendee_by_id(ev, "A0001");
        CHECK(a != NULL && strcmp(a->name, "Ann") == 0);
        CHECK(ev->n_attendees == 1);
        CHECK(event_attendee_by_id(ev, "B00002") == NULL);
    }
    event_destroy(ev);
    CHECK(!path_exists(journal));

    /* The same through event_read_id, with a journal left again. */
    die_mid_transaction(path);
    CHECK(path_exists(journal));
    uint32_t id = 0;
    CHECK(event_read_id(path, &id) && id == 7);

    /* Not an event database: refused. */
    char *other = path_join(tmpl, "other.db");
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(other, &db) == SQLITE_OK &&
          sqlite3_exec(db, "CREATE TABLE meta (key TEXT, value TEXT)", NULL, NULL, NULL) ==
              SQLITE_OK);
    sqlite3_close(db);
    CHECK(event_db_open(other) == NULL);
    CHECK(event_load(other) == NULL);

    char *fresh = path_join(tmpl, "fresh.db");
    CHECK(make_db(fresh));
    CHECK(sqlite3_open(fresh, &db) == SQLITE_OK &&
          sqlite3_exec(db, "INSERT INTO meta (key, value) VALUES ('next_num', '2')", NULL, NULL,
                       NULL) == SQLITE_OK);
    sqlite3_close(db);
    test_model_version(fresh);
    free(fresh);

    test_versions(tmpl);

    char *sources = path_join(tmpl, "sources.db");
    CHECK(make_db(sources));
    test_forget_sources(sources);
    free(sources);

    char *rm = xasprintf("rm -rf '%s'", tmpl);
    CHECK(system(rm) == 0);
    free(rm);
    free(other);
    free(journal);
    free(path);
    return check_done();
}
