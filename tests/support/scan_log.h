/* SPDX-License-Identifier: Apache-2.0 */
/* Writing into a kiosk's scan log as the kiosk would, for tests and benchmarks whose real
 * sync daemons then push it, and counting what a daemon pulled into one (header only). */
#ifndef PORTIER_SCAN_LOG_H
#define PORTIER_SCAN_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "file.h"
#include "scan.h"
#include "shell.h"
#include "store.h"
#include "util.h"

/* Appends a badge admission of attendee into room at wall_ms (a synchronised clock, boot
 * "boot") to device's scan log db. False when the log could not be opened or written. */
static inline bool test_append_admission(const char *db, const char *device, const char *room,
                                         const char *attendee, int64_t wall_ms)
{
    struct store *st = store_open(db, device);
    if (st == NULL)
        return false;
    struct scan s;
    memset(&s, 0, sizeof s);
    s.wall_ms = wall_ms;
    s.clock_synced = true;
    snprintf(s.boot_id, sizeof s.boot_id, "boot");
    snprintf(s.room, sizeof s.room, "%s", room);
    snprintf(s.attendee, sizeof s.attendee, "%s", attendee);
    s.mode = MODE_ENTRY;
    s.result = RESULT_ADMITTED;
    bool ok = store_append_scan(st, &s);
    store_close(st);
    return ok;
}

/* The number of scans in the scan log db matching where (an SQL condition on table scans);
 * -1 when the log cannot be read (yet). */
static inline int test_log_count(const char *db, const char *where)
{
    sqlite3 *conn = NULL;
    sqlite3_stmt *st = NULL;
    int n = -1;
    char *sql = xasprintf("SELECT count(*) FROM scans WHERE %s", where);
    if (sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(conn, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(conn);
    free(sql);
    return n;
}

/* Waits up to 30 s until test_log_count(db, where) is n; returns what it saw last. */
static inline int test_log_wait(const char *db, const char *where, int n)
{
    int got = -1;
    for (int tries = 0; tries < 300 && got != n; tries++) {
        test_sleep_ms(100);
        got = test_log_count(db, where);
    }
    return got;
}

/* The first line of dir/NAME.txt (where a test saved `portier central add-device`'s login
 * conninfo), owned; NULL when there is no such file. */
static inline char *test_login(const char *dir, const char *name)
{
    char *file = xasprintf("%s/%s.txt", dir, name);
    char *text = file_read_all(file, NULL);
    free(file);
    if (text != NULL)
        text[strcspn(text, "\n")] = '\0';
    return text;
}

#endif
