/* SPDX-License-Identifier: Apache-2.0 */
/* The scan log's identity beyond its device: the event it belongs to, and whether the file the
 * store opened is still the one at its path. */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "log.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* Parses a decimal meta value no larger than max; false when absent or not a number. */
static bool parse_id(const char *text, unsigned long max, unsigned long *out)
{
    if (text == NULL || text[0] < '0' || text[0] > '9')
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

/* Reads the binding's two meta values from db. */
bool store_read_event_binding(sqlite3 *db, const char *path, bool *bound, uint32_t *event_id,
                              uint16_t *key_id)
{
    sqlite3_stmt *q = NULL;
    char *values[2] = {NULL, NULL};
    static const char *const keys[2] = {STORE_META_EVENT_ID, STORE_META_KEY_ID};
    bool ok =
        sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &q, NULL) == SQLITE_OK;
    for (int i = 0; ok && i < 2; i++) {
        sqlite3_bind_text(q, 1, keys[i], -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL)
            values[i] = xstrdup((const char *)sqlite3_column_text(q, 0));
        ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
        sqlite3_reset(q);
    }
    if (!ok)
        log_warnx("%s: reading the scan log's event: %s", path, sqlite3_errmsg(db));
    sqlite3_finalize(q);
    unsigned long ev = 0, key = 0;
    *bound = values[0] != NULL || values[1] != NULL;
    if (ok && *bound &&
        !(parse_id(values[0], UINT32_MAX, &ev) && parse_id(values[1], UINT16_MAX, &key))) {
        log_warnx("%s: the scan log's event binding (meta event_id, key_id) is damaged; keep the "
                  "file for inspection and pass another --db path",
                  path);
        ok = false;
    }
    *event_id = (uint32_t)ev;
    *key_id = (uint16_t)key;
    free(values[0]);
    free(values[1]);
    return ok;
}

/* Binds the log to the event, or checks that it is bound to it. */
bool store_bind_event(struct store *st, uint32_t event_id, uint16_t key_id)
{
    sqlite3 *db = store_sqlite(st);
    const char *path = store_path(st);
    /* One statement, so one transaction: a log gets both values or neither. OR IGNORE keeps
     * a binding made before (by this process, the kiosk or the sync daemon). */
    sqlite3_stmt *q = NULL;
    char ev_text[16], key_text[8];
    snprintf(ev_text, sizeof ev_text, "%" PRIu32, event_id);
    snprintf(key_text, sizeof key_text, "%u", (unsigned)key_id);
    int rc =
        sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO meta (key, value) VALUES ('" STORE_META_EVENT_ID
                           "', ?1), ('" STORE_META_KEY_ID "', ?2)",
                           -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(q, 1, ev_text, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, key_text, -1, SQLITE_STATIC);
        rc = sqlite3_step(q);
    }
    bool adopted = rc == SQLITE_DONE && sqlite3_changes(db) == 2;
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        log_warnx("%s: binding the scan log to its event: %s", path, sqlite3_errmsg(db));
        return false;
    }
    bool bound;
    uint32_t log_event;
    uint16_t log_key;
    if (!store_read_event_binding(db, path, &bound, &log_event, &log_key))
        return false;
    if (!bound || log_event != event_id || log_key != key_id) {
        log_warnx("%s belongs to event %" PRIu32 " (key %u), this kiosk is configured for event "
                  "%" PRIu32 " (key %u): move it away (keep it for that event's report) or pass "
                  "another --db path; a new scan log is created there",
                  path, log_event, (unsigned)log_key, event_id, (unsigned)key_id);
        return false;
    }
    if (adopted && store_scan_count(st) > 0)
        log_info("%s: a scan log made before logs named their event; it is now bound to event "
                 "%" PRIu32 " (key %u)",
                 path, event_id, (unsigned)key_id);
    return true;
}

/* True when the path no longer names the open file. */
bool store_file_moved(struct store *st)
{
    /* SQLite's unix VFS answers from fstat (no links left) and stat of the path (another
     * inode): the two ways a log goes away under a running kiosk (rm, or a copy moved over). */
    int moved = 0;
    if (sqlite3_file_control(store_sqlite(st), "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK)
        return false;
    return moved != 0;
}

/* Takes the scan log's lock file. */
int store_lock(const char *path)
{
    char *lock = xasprintf("%s.lock", path);
    long holder;
    int fd = file_lock_pid(lock, &holder);
    if (fd < 0 && errno == EWOULDBLOCK) {
        if (holder > 0)
            log_warnx("%s is already in use by pid %ld (another kiosk on this scan log): stop "
                      "that kiosk, or give this one its own --db",
                      path, holder);
        else
            log_warnx("%s is already in use by another kiosk (lock %s): stop that kiosk, or "
                      "give this one its own --db",
                      path, lock);
    } else if (fd < 0) {
        log_warn("%s: cannot take the scan log's lock", lock);
    }
    free(lock);
    return fd;
}
