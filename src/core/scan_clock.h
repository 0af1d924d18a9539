/* SPDX-License-Identifier: Apache-2.0 */
/* The time a scan counts at (issue 14: a kiosk with a wrong clock). Pure: no I/O, no clock.
 *
 * A scan records its wall time, its monotonic time (mono_ns, CLOCK_MONOTONIC of boot boot_id)
 * and the source of its wall time (scan.h). The best time of a scan:
 *  1. clock_given: its wall time stands (a replay's timestamp, a kiosk started with --clock);
 *  2. clock_synced: its wall time stands;
 *  3. unsynchronised, and a synchronised scan of the same device and boot is known: wall =
 *     mono + offset, offset being that scan's wall_ms - mono_ms; of several, the one with the
 *     smallest mono_ns (a Pi without a real-time clock boots unsynchronised and gets NTP
 *     later: the first synchronised scan follows, and dates, the unsynchronised ones);
 *  4. else an anchor of the boot is known (scan_clock_set_anchor: the sync daemon copies the
 *     offsets central measured, server time - monotonic time, sync.boot_offsets): wall = mono
 *     + that offset;
 *  5. else its raw wall time.
 * Central dates scans the same way (portier.scans_timed), except that of several synchronised
 * scans of a boot it takes the nearest one in monotonic time.
 *
 * What is known grows as scans and anchors arrive, so the time of a scan folded earlier can
 * change: scan_clock_learn and scan_clock_set_anchor say when it did (a boot with unsynchronised
 * scans got a new offset), and the caller folds its log again.
 */
#ifndef PORTIER_SCAN_CLOCK_H
#define PORTIER_SCAN_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "scan.h"

/* The meta key of the scan log where the sync daemon writes the boot offsets it knows, one line
 * per boot: "DEVICE_ID BOOT_ID OFFSET_MS\n" (offset = wall ms - monotonic ms). */
#define SCAN_CLOCK_META_KEY "sync.boot_offsets"

struct scan_clock;

/* An empty clock (knows nothing: every scan counts at its wall time). Owned by the caller. */
struct scan_clock *scan_clock_create(void);
/* Frees it; NULL is a no-op. */
void scan_clock_destroy(struct scan_clock *c);

/* Learns from one scan (call it before the scan is dated): a synchronised scan gives its
 * boot's offset, an unsynchronised one marks its boot as having scans to date. Returns true
 * when this changes the time of unsynchronised scans learnt before. */
bool scan_clock_learn(struct scan_clock *c, const struct scan *s);
/* Sets the anchored offset (wall ms - monotonic ms) of a device's boot. Returns true when this
 * changes the time of unsynchronised scans learnt before. */
bool scan_clock_set_anchor(struct scan_clock *c, const char *device_id, const char *boot_id,
                           int64_t offset_ms);
/* Calls f for each line of text (SCAN_CLOCK_META_KEY's format). Returns false, at the first
 * bad line (its number in *bad_line), for a line that is not "DEVICE_ID BOOT_ID OFFSET_MS"; f
 * saw the lines before it. */
bool scan_clock_parse_offsets(const char *text,
                              void (*f)(void *ctx, const char *device_id, const char *boot_id,
                                        int64_t offset_ms),
                              void *ctx, int *bad_line);
/* Sets the anchors listed in text (SCAN_CLOCK_META_KEY's format). *changed is set when the time
 * of a scan learnt before changed. Returns false, at the first bad line (its number in
 * *bad_line), for a line that is not "DEVICE_ID BOOT_ID OFFSET_MS"; the lines before it are
 * set. */
bool scan_clock_set_anchors_text(struct scan_clock *c, const char *text, bool *changed,
                                 int *bad_line);
/* The offset (wall ms - monotonic ms) that dates the unsynchronised scans of a device's boot:
 * rule 3, else rule 4 above. False when none is known. */
bool scan_clock_offset(const struct scan_clock *c, const char *device_id, const char *boot_id,
                       int64_t *offset_ms);
/* The best time of s (rules 1 to 5 above), Unix ms. c may be NULL: then the wall time. */
int64_t scan_clock_time(const struct scan_clock *c, const struct scan *s);

#endif
