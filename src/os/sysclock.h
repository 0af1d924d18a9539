/* SPDX-License-Identifier: Apache-2.0 */
/* The system clock: the wall and monotonic clocks, the process's time zone, and the facts about
 * the clock that go into every scan record (DESIGN.md §5): which boot the monotonic clock belongs
 * to, and whether the wall clock was synchronised. Thin I/O shell: reads /proc and asks the
 * kernel; keeps no state. The pure core takes time as a parameter and never calls these. */
#ifndef PORTIER_SYSCLOCK_H
#define PORTIER_SYSCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "scan.h"

/* Writes the kernel's boot id (a UUID, 36 characters, from /proc/sys/kernel/random/boot_id)
 * into out. Monotonic times are only comparable between scans of the same boot id. Returns
 * false (and out = "") when it cannot be read; logs the failure. */
bool sysclock_boot_id(char out[SCAN_BOOT_ID_MAX]);

/* Returns true when the kernel considers the wall clock synchronised (by NTP, chrony or
 * systemd-timesyncd): ntp_adjtime() does not report STA_UNSYNC or TIME_ERROR. False also when
 * the kernel cannot be asked. */
bool sysclock_is_synchronised(void);

/* Makes tz (an IANA name such as "Europe/Brussels") the process's local time zone. Returns
 * false when the zone is unknown to the system's tz database. */
bool time_set_zone(const char *tz);
/* The local date of a time in the process's time zone (time_set_zone), as a day number
 * (time_days_from_civil): the rules' local_day for badges valid on some days only. */
int64_t time_local_day(int64_t unix_ms);
/* Returns true when tz names a zone in the system's tz database. */
bool time_zone_valid(const char *tz);

/* Wall clock, Unix milliseconds.
 *
 * The test double of the wall clock, chosen by name as a backend: with the environment variable
 * PORTIER_CLOCK=skewed:MS (a signed decimal), time_now_ms is the system's wall clock plus MS and
 * sysclock_is_synchronised is false: a kiosk whose clock is wrong and unsynchronised (a Pi
 * without a real-time clock, fake-hwclock's yesterday), for tests of what the rest of the
 * system makes of it. The monotonic clock and the boot id stay the system's. Unset (the
 * normal case) or any other value: the system clock as it is. */
int64_t time_now_ms(void);
/* Monotonic clock, nanoseconds since an arbitrary point in this boot. */
int64_t time_mono_ns(void);

#endif
