/* SPDX-License-Identifier: Apache-2.0 */
/* Where a report's scans come from: kiosk databases collected after the event. */
#include "report_source.h"

#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sqlutil.h"
#include "report.h"
#include "scan_clock.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"
#include "file.h"

/* Decodes a row of the scans query below; false when a field is invalid. */
static bool sqlite_row(sqlite3_stmt *q, struct scan *s)
{
    memset(s, 0, sizeof *s);
    s->db_epoch = sqlite3_column_int64(q, 1);
    s->seq = sqlite3_column_int64(q, 2);
    s->wall_ms = sqlite3_column_int64(q, 3);
    s->override = sqlite3_column_int(q, 11) != 0;
    s->clock_synced = sqlite3_column_int(q, 12) != 0;
    s->mono_ns = sqlite3_column_int64(q, 14);
    s->clock_given = sqlite3_column_int(q, 16) != 0 && !s->clock_synced;
    const char *mode = (const char *)sqlite3_column_text(q, 7);
    const char *kind = (const char *)sqlite3_column_text(q, 8);
    const char *result = (const char *)sqlite3_column_text(q, 9);
    const char *reason = (const char *)sqlite3_column_text(q, 10);
    return sql_column_copy(q, 0, s->device_id, sizeof s->device_id) &&
           sql_column_copy(q, 4, s->room, sizeof s->room) &&
           sql_column_copy(q, 5, s->session, sizeof s->session) &&
           sql_column_copy(q, 6, s->attendee, sizeof s->attendee) && mode != NULL &&
           kiosk_mode_parse(mode, &s->mode) && kind != NULL && scan_kind_parse(kind, &s->kind) &&
           result != NULL && scan_result_parse(result, &s->result) && reason != NULL &&
           scan_reason_parse(reason, &s->reason) &&
           sql_column_copy(q, 13, s->staff, sizeof s->staff) &&
           sql_column_copy(q, 15, s->boot_id, sizeof s->boot_id);
}

/* Reads one integer PRAGMA; -1 on error. */
static int64_t pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* Checks that a collected log belongs to the report's event; a log made before logs named
 * their event is taken as it is. */
static bool check_event(sqlite3 *db, const char *path, uint32_t event_id, uint16_t key_id)
{
    bool bound;
    uint32_t log_event;
    uint16_t log_key;
    if (!store_read_event_binding(db, path, &bound, &log_event, &log_key))
        return false;
    if (bound && (log_event != event_id || log_key != key_id)) {
        log_warnx("report: %s belongs to event %" PRIu32 " (key %u), this report is for event "
                  "%" PRIu32 " (key %u) from --event: leave this --db out, or pass the --event "
                  "folder of its event",
                  path, log_event, (unsigned)log_key, event_id, (unsigned)key_id);
        return false;
    }
    return true;
}

/* scan_clock_parse_offsets callback: one boot's offset into the report's log. */
static void add_offset(void *ctx, const char *device_id, const char *boot_id, int64_t offset_ms)
{
    report_log_set_boot_offset(ctx, device_id, boot_id, offset_ms);
}

/* Adds the boot offsets the log's sync daemon copied from central (SCAN_CLOCK_META_KEY): they
 * date the unsynchronised scans as central does. A log that never synced has none. */
static bool add_boot_offsets(struct report_log *log, sqlite3 *db, const char *path)
{
    sqlite3_stmt *q = NULL;
    bool ok =
        sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &q, NULL) == SQLITE_OK;
    int rc = SQLITE_DONE;
    if (ok) {
        sqlite3_bind_text(q, 1, SCAN_CLOCK_META_KEY, -1, SQLITE_STATIC);
        rc = sqlite3_step(q);
        ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    }
    if (!ok)
        log_warnx("report: %s: reading its boot offsets: %s", path, sqlite3_errmsg(db));
    const char *text = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
    int bad_line;
    if (ok && text != NULL && !scan_clock_parse_offsets(text, add_offset, log, &bad_line)) {
        log_warnx("report: %s: line %d of its boot offsets (meta %s) is not 'DEVICE_ID BOOT_ID "
                  "OFFSET_MS': the file is damaged; run 'portier sync' once on it to rewrite them",
                  path, bad_line, SCAN_CLOCK_META_KEY);
        ok = false;
    }
    sqlite3_finalize(q);
    return ok;
}

/* Adds a kiosk database's scans. */
/* Adds the walk-ins a kiosk database's device registered (its table issues). */
static bool add_walkins(struct report_log *log, sqlite3 *db, const char *path)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT attendee, name, organisation, category, wall_ms, (SELECT value"
                           " FROM meta WHERE key = 'device_id'), staff FROM issues"
                           " WHERE action = 'register' AND state <> 'refused' ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK) {
        log_warnx("report: %s: %s", path, sqlite3_errmsg(db));
        return false;
    }
    int rc;
    bool ok = true;
    while (ok && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct report_walkin w = {.registered_ms = sqlite3_column_int64(q, 4)};
        ok = sql_column_copy(q, 0, w.attendee, sizeof w.attendee) &&
             sql_column_copy(q, 1, w.name, sizeof w.name) &&
             sql_column_copy(q, 2, w.organisation, sizeof w.organisation) &&
             sql_column_copy(q, 3, w.category, sizeof w.category) &&
             sql_column_copy(q, 5, w.device, sizeof w.device) &&
             sql_column_copy(q, 6, w.staff, sizeof w.staff);
        if (ok)
            report_log_add_walkin(log, &w);
        else
            log_warnx("report: %s: a walk-in has an invalid field", path);
    }
    if (ok && rc != SQLITE_DONE) {
        log_warnx("report: %s: reading walk-ins: %s", path, sqlite3_errmsg(db));
        ok = false;
    }
    sqlite3_finalize(q);
    return ok;
}

bool report_log_add_kiosk_db(struct report_log *log, const char *path, uint32_t event_id,
                             uint16_t key_id)
{
    /* The collected file is evidence: it is read through a read-only connection (in one read
     * transaction, so one consistent snapshot, the WAL's content included) and never written.
     * Opening it through the store would migrate it and switch its journal, and copying it
     * first costs more than the whole report at a million scans. The table is the store's
     * scans log (store.h), whose columns only ever grow. */
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    bool ok = false;
    if (!path_exists(path)) {
        log_warnx("report: %s: %s", path, strerror(ENOENT));
        return false;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        log_warnx("report: %s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
    int64_t app = pragma_int(db, "PRAGMA application_id");
    int64_t version = pragma_int(db, "PRAGMA user_version");
    if (app != STORE_APPLICATION_ID || version < 1) {
        log_warnx("report: %s: not a Portier kiosk database", path);
        goto out;
    }
    if (version > store_schema_version()) {
        log_warnx("report: %s: made by a newer Portier (schema %" PRId64 ", this one reads up "
                  "to %d): use a newer portier",
                  path, version, store_schema_version());
        goto out;
    }
    /* One read transaction: the offsets and the scans of one moment. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        log_warnx("report: %s: %s", path, sqlite3_errmsg(db));
        goto out;
    }
    if (!check_event(db, path, event_id, key_id) || !add_boot_offsets(log, db, path))
        goto out;
    /* The staff column came with schema step 6 (admissions by hand), clock_given with 5. */
    const char *sql = version >= 6   ? "SELECT device_id, db_epoch, seq, wall_ms, room, session,"
                                       " attendee, mode, kind, result, reason, override,"
                                       " clock_synced, staff, mono_ns, boot_id, clock_given"
                                       " FROM scans"
                      : version >= 5 ? "SELECT device_id, db_epoch, seq, wall_ms, room, session,"
                                       " attendee, mode, kind, result, reason, override,"
                                       " clock_synced, '', mono_ns, boot_id, clock_given"
                                       " FROM scans"
                                     : "SELECT device_id, db_epoch, seq, wall_ms, room, session,"
                                       " attendee, mode, kind, result, reason, override,"
                                       " clock_synced, '', mono_ns, boot_id, 0 FROM scans";
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        log_warnx("report: %s: %s", path, sqlite3_errmsg(db));
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct scan s;
        if (!sqlite_row(q, &s)) {
            log_warnx("report: %s: a scan (%s) has an invalid field", path,
                      (const char *)sqlite3_column_text(q, 0));
            goto out;
        }
        report_log_add_kiosk_scan(log, &s);
    }
    if (rc != SQLITE_DONE) {
        log_warnx("report: %s: reading scans: %s", path, sqlite3_errmsg(db));
        goto out;
    }
    /* The walk-ins it registered came with step 7 (those central refused are none). */
    ok = version < 7 || add_walkins(log, db, path);
out:
    sqlite3_finalize(q);
    sqlite3_close(db);
    return ok;
}
