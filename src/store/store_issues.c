/* SPDX-License-Identifier: Apache-2.0 */
/* What the scan log keeps for the sync daemon beside the scans: the badges this kiosk issued
 * (table issues, store.h) and the quarantine of scans the server refused. */
#include "store.h"
#include "store_internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sqlutil.h"
#include "sysclock.h"
#include "util.h"

static const char *const kind_names[] = {"register", "reprint"}; /* DESIGN.md §7 actions */
static const char *const state_names[] = {"pending", "pushed", "refused"};

/* Runs one write (sql, owned by SQLite's allocator) in its own transaction, durably. */
static bool write_sql(struct store *st, char *sql)
{
    sqlite3 *db = store_sqlite(st);
    bool ok = sql != NULL && sql_exec(db, store_path(st), sql);
    if (!ok && !sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_free(sql);
    return ok;
}

/* Records a refused scan in the quarantine table, durably. */
bool store_quarantine_scan(struct store *st, int64_t db_epoch, int64_t seq, const char *reason)
{
    return write_sql(st, sqlite3_mprintf("BEGIN IMMEDIATE; INSERT OR REPLACE INTO quarantine "
                                         "(db_epoch, seq, reason, at_ms) VALUES (%lld, %lld, %Q, "
                                         "%lld); COMMIT;",
                                         (long long)db_epoch, (long long)seq, reason,
                                         (long long)time_now_ms()));
}

/* Takes a scan out of the quarantine table, durably. */
bool store_unquarantine_scan(struct store *st, int64_t db_epoch, int64_t seq)
{
    return write_sql(st, sqlite3_mprintf("BEGIN IMMEDIATE; DELETE FROM quarantine WHERE db_epoch "
                                         "= %lld AND seq = %lld; COMMIT;",
                                         (long long)db_epoch, (long long)seq));
}

/* One integer of a query, or -1 after logging. */
static int64_t count_of(struct store *st, const char *sql)
{
    sqlite3_stmt *q = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    else
        log_warnx("%s: %s", store_path(st), sqlite3_errmsg(store_sqlite(st)));
    sqlite3_finalize(q);
    return n;
}

/* Counts the quarantined scans and refused issues. */
int64_t store_quarantine_count(struct store *st)
{
    return count_of(st, "SELECT (SELECT count(*) FROM quarantine) + (SELECT count(*) FROM "
                        "issues WHERE state = 'refused')");
}

bool store_append_issue(struct store *st, struct store_issue *is)
{
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *q = NULL;
    if (!sql_exec(db, store_path(st), "BEGIN IMMEDIATE"))
        return false;
    bool ok = sqlite3_prepare_v2(db,
                                 "INSERT INTO issues (seq, action, attendee, num, serial, "
                                 "public_key, staff, wall_ms, name, organisation, language, "
                                 "category, sessions) SELECT coalesce(max(seq), 0) + 1, ?1, ?2, "
                                 "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 FROM issues "
                                 "RETURNING seq",
                                 -1, &q, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(q, 1, kind_names[is->kind], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, is->attendee, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, is->num);
        sqlite3_bind_int64(q, 4, is->serial);
        sqlite3_bind_text(q, 5, is->public_key, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 6, is->staff, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 7, is->wall_ms);
        sqlite3_bind_text(q, 8, is->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 9, is->organisation, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 10, is->language, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 11, is->category, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 12, is->sessions, -1, SQLITE_STATIC);
        ok = sqlite3_step(q) == SQLITE_ROW;
        if (ok)
            is->seq = sqlite3_column_int64(q, 0);
        ok = ok && sqlite3_step(q) == SQLITE_DONE;
    }
    if (!ok)
        log_warnx("%s: recording an issued badge: %s", store_path(st), sqlite3_errmsg(db));
    sqlite3_finalize(q);
    ok = ok && sql_exec(db, store_path(st), "COMMIT");
    if (!ok) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        is->seq = 0;
    }
    is->state = STORE_ISSUE_PENDING;
    return ok;
}

bool store_withdraw_issue(struct store *st, int64_t seq)
{
    return write_sql(st, sqlite3_mprintf("BEGIN IMMEDIATE; DELETE FROM issues WHERE seq = %lld "
                                         "AND state = 'pending'; COMMIT;",
                                         (long long)seq));
}

bool store_mark_issue(struct store *st, int64_t seq, const char *refusal)
{
    return write_sql(st, sqlite3_mprintf("BEGIN IMMEDIATE; UPDATE issues SET state = %Q, "
                                         "refusal = %Q WHERE seq = %lld; COMMIT;",
                                         refusal != NULL ? "refused" : "pushed",
                                         refusal != NULL ? refusal : "", (long long)seq));
}

int64_t store_issue_count(struct store *st, enum store_issue_state state)
{
    char *sql = sqlite3_mprintf("SELECT count(*) FROM issues WHERE state = %Q", state_names[state]);
    int64_t n = count_of(st, sql);
    sqlite3_free(sql);
    return n;
}

/* The index of name in names[0..n), or -1. */
static int name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; name != NULL && i < n; i++) {
        if (strcmp(names[i], name) == 0)
            return i;
    }
    return -1;
}

/* Copies the current row into *is; false when a field does not fit. */
static bool row_to_issue(sqlite3_stmt *q, struct store_issue *is)
{
    memset(is, 0, sizeof *is);
    is->seq = sqlite3_column_int64(q, 0);
    int kind = name_index(kind_names, 2, (const char *)sqlite3_column_text(q, 1));
    int state = name_index(state_names, 3, (const char *)sqlite3_column_text(q, 2));
    is->num = (uint32_t)sqlite3_column_int64(q, 4);
    is->serial = (uint32_t)sqlite3_column_int64(q, 5);
    is->wall_ms = sqlite3_column_int64(q, 8);
    is->kind = (enum store_issue_kind)kind;
    is->state = (enum store_issue_state)state;
    return kind >= 0 && state >= 0 && sql_column_copy(q, 3, is->attendee, sizeof is->attendee) &&
           sql_column_copy(q, 6, is->public_key, sizeof is->public_key) &&
           sql_column_copy(q, 7, is->staff, sizeof is->staff) &&
           sql_column_copy(q, 9, is->name, sizeof is->name) &&
           sql_column_copy(q, 10, is->organisation, sizeof is->organisation) &&
           sql_column_copy(q, 11, is->language, sizeof is->language) &&
           sql_column_copy(q, 12, is->category, sizeof is->category) &&
           sql_column_copy(q, 13, is->sessions, sizeof is->sessions) &&
           sql_column_copy(q, 14, is->refusal, sizeof is->refusal);
}

bool store_read_issues(struct store *st, int state,
                       bool (*cb)(const struct store_issue *is, void *ctx), void *ctx)
{
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, action, state, attendee, num, serial, public_key, staff, "
                           "wall_ms, name, organisation, language, category, sessions, refusal "
                           "FROM issues WHERE ?1 IS NULL OR state = ?1 ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK) {
        log_warnx("%s: reading issued badges: %s", store_path(st), sqlite3_errmsg(db));
        return false;
    }
    if (state >= 0 && state < 3)
        sqlite3_bind_text(q, 1, state_names[state], -1, SQLITE_STATIC);
    /* Copied out before any callback runs, so no read transaction spans the caller's code
     * (issues are few: a kiosk issues badges by hand). */
    size_t n = 0, cap = 0;
    struct store_issue *all = NULL;
    int rc;
    bool ok = true;
    while (ok && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap)
            all = xrealloc(all, (cap = cap ? 2 * cap : 8) * sizeof *all);
        ok = row_to_issue(q, &all[n++]);
        if (!ok)
            log_warnx("%s: issued badge %lld has an invalid field", store_path(st),
                      (long long)sqlite3_column_int64(q, 0));
    }
    if (ok && rc != SQLITE_DONE) {
        log_warnx("%s: reading issued badges: %s", store_path(st), sqlite3_errmsg(db));
        ok = false;
    }
    sqlite3_finalize(q);
    for (size_t i = 0; ok && i < n; i++)
        ok = cb(&all[i], ctx);
    free(all);
    return ok;
}
