/* SPDX-License-Identifier: Apache-2.0 */
/* The time a report gives the scans of collected kiosk logs: central's (portier.scans_timed),
 * so that `portier report --db` and `portier report --central` agree (issue 14). Pure.
 *
 * A synchronised or given time stands (the caller takes wall_ms). An unsynchronised scan of
 * boot B of device D counts at:
 *  1. the wall time of D's synchronised scan of B nearest after it in monotonic time (the
 *     smallest mono_ns >= its own), moved back by the monotonic difference; else the nearest
 *     before it (the largest mono_ns below its own), moved forward;
 *  2. else B's offset (server ms - monotonic ms) plus its monotonic ms: the offset central
 *     measured (portier.boot_offsets) as the sync daemons copy it into the logs' meta
 *     sync.boot_offsets; of several logs' copies the smallest, as central keeps the smallest
 *     it observed;
 *  3. else nothing dates it (report_clock_time returns false): no log holds an offset of its
 *     boot, e.g. a kiosk that never synced.
 * Differences are whole milliseconds truncated as PostgreSQL's bigint division truncates them.
 * scan_clock.h is the kiosk's incremental cousin (it takes the first synchronised scan of a
 * boot, not the nearest). */
#ifndef PORTIER_REPORT_CLOCK_H
#define PORTIER_REPORT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "scan.h"

struct report_clock;

/* An empty clock, owned by the caller. */
struct report_clock *report_clock_create(void);
/* Frees it; NULL is a no-op. */
void report_clock_destroy(struct report_clock *c);
/* Learns a synchronised scan (others are ignored): it dates its boot's unsynchronised ones. */
void report_clock_learn(struct report_clock *c, const struct scan *s);
/* Sets a boot's offset (wall ms - monotonic ms), keeping the smallest of several. */
void report_clock_set_offset(struct report_clock *c, const char *device_id, const char *boot_id,
                             int64_t offset_ms);
/* The time (Unix ms) of an unsynchronised scan of a device's boot at mono_ns, learnt and set so
 * far (rules 1 and 2 above); false when nothing dates it (c may be NULL: nothing is known).
 * Sorts what it learnt on first use. */
bool report_clock_time(struct report_clock *c, const char *device_id, const char *boot_id,
                       int64_t mono_ns, int64_t *time_ms);

#endif
