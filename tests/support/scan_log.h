/* SPDX-License-Identifier: Apache-2.0 */
/* Writing into a kiosk's scan log as the kiosk would, for tests and benchmarks whose real
 * sync daemons then push it (header only). */
#ifndef PORTIER_SCAN_LOG_H
#define PORTIER_SCAN_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scan.h"
#include "store.h"

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

#endif
