/* SPDX-License-Identifier: Apache-2.0 */
/* Applying the changes a sync daemon pulled from central (attendees and revocations) to a
 * kiosk's bundle, event.db: one transaction, the model version bumped (event_db.h). */
#include "event_db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "util.h"

/* Applies pulled attendees to an open bundle inside the caller's transaction. */
static bool apply_attendees(sqlite3 *db, const char *db_path,
                            const struct event_db_pulled_attendee *att, size_t n)
{
    static const char upsert[] =
        "INSERT INTO attendees (id, num, name, organisation, email, language, category, serial,"
        " days) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO UPDATE SET"
        " num = excluded.num, name = excluded.name, organisation = excluded.organisation,"
        " language = excluded.language, category = excluded.category, serial = excluded.serial,"
        /* A bundle made after a newer import than the server's keeps its newer badge serial. */
        " days = excluded.days WHERE excluded.serial >= attendees.serial";
    sqlite3_stmt *up = NULL, *del = NULL, *reg = NULL;
    bool ok = sqlite3_prepare_v2(db, upsert, -1, &up, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "DELETE FROM registrations WHERE attendee = ?1", -1, &del,
                                 NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db,
                                 "INSERT OR IGNORE INTO registrations (attendee, session) "
                                 "SELECT ?1, id FROM sessions WHERE id = ?2",
                                 -1, &reg, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < n; i++) {
        const struct event_db_pulled_attendee *a = &att[i];
        sqlite3_reset(up);
        sqlite3_bind_text(up, 1, a->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 2, a->num);
        sqlite3_bind_text(up, 3, a->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 4, a->organisation, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 5, a->language, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 6, a->category, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 7, a->serial);
        sqlite3_bind_text(up, 8, a->days ? a->days : "", -1, SQLITE_STATIC);
        if (sqlite3_step(up) != SQLITE_DONE) {
            /* One bad row must not stall the rest. */
            log_warnx("sync: attendee %s not applied to %s: %s", a->id, db_path,
                      sqlite3_errmsg(db));
            continue;
        }
        sqlite3_reset(del);
        sqlite3_bind_text(del, 1, a->id, -1, SQLITE_STATIC);
        ok = sqlite3_step(del) == SQLITE_DONE;
        char *sessions = xstrdup(a->sessions);
        for (char *save = NULL, *s = strtok_r(sessions, "\n", &save); s && ok;
             s = strtok_r(NULL, "\n", &save)) {
            sqlite3_reset(reg);
            sqlite3_bind_text(reg, 1, a->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(reg, 2, s, -1, SQLITE_TRANSIENT);
            ok = sqlite3_step(reg) == SQLITE_DONE;
        }
        free(sessions);
    }
    sqlite3_finalize(up);
    sqlite3_finalize(del);
    sqlite3_finalize(reg);
    return ok;
}

/* Applies pulled revocations to an open bundle inside the caller's transaction. */
static bool apply_revocations(sqlite3 *db, const struct event_db_pulled_revocation *rev, size_t n)
{
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO revocations (num, serial, revoked_at) "
                           "VALUES (?1, ?2, ?3)",
                           -1, &ins, NULL) != SQLITE_OK)
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, rev[i].num);
        sqlite3_bind_int64(ins, 2, rev[i].serial);
        sqlite3_bind_text(ins, 3, rev[i].revoked_at, -1, SQLITE_STATIC);
        ok = sqlite3_step(ins) == SQLITE_DONE;
    }
    sqlite3_finalize(ins);
    return ok;
}

bool event_db_apply_pulled(const char *db_path, const struct event_db_pulled_attendee *att,
                           size_t n_att, const struct event_db_pulled_revocation *rev, size_t n_rev,
                           char *why, size_t why_size)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(why, why_size, "%s", db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return false;
    }
    sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
    /* A pulled change may be a 'portier forget': overwrite what it replaces, so the old name
     * does not linger in free pages of the bundle. */
    sqlite3_exec(db, "PRAGMA secure_delete=ON", NULL, NULL, NULL);
    bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
              apply_attendees(db, db_path, att, n_att) && apply_revocations(db, rev, n_rev) &&
              sqlite3_exec(db, EVENT_DB_BUMP_MODEL_VERSION_SQL, NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) {
        snprintf(why, why_size, "%s", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return ok;
}
