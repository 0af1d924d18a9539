/* SPDX-License-Identifier: Apache-2.0 */
/* Time: the calendar, ISO 8601 parsing and formatting. Pure: the clocks are read in
 * os/sysclock.h. */
#ifndef PORTIER_TIMEUTIL_H
#define PORTIER_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIME_ISO_LEN 32

/* The times Portier accepts for a scan: from 2020-01-01T00:00:00Z (a wall clock before it was
 * never set: a Pi without a real-time clock) to 2100-01-01T00:00:00Z, excluded. Replay lines,
 * --clock and staff actions outside it are refused; a system clock outside it counts as not
 * synchronised. */
#define TIME_SANE_MIN_MS 1577836800000LL
#define TIME_SANE_MAX_MS 4102444800000LL
#define TIME_SANE_RANGE  "from 2020-01-01 to 2099-12-31"

/* A wall clock further than this from the central server's (as the sync daemon measures it)
 * disagrees: the staff screen, the trouble screen and portier doctor say so. */
#define TIME_CLOCK_DISAGREE_MS 5000

/* True when unix_ms lies in [TIME_SANE_MIN_MS, TIME_SANE_MAX_MS). */
bool time_is_sane(int64_t unix_ms);

/* The proleptic Gregorian calendar, time zones aside: the number of days since 1970-01-01 of
 * the date y-m-d (m 1..12, d 1..31), and the date of such a day number (its inverse). */
int64_t time_days_from_civil(int64_t y, int m, int d);
void time_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* The day number of the UTC date of unix_ms: the local date where no time zone is given. */
int64_t time_utc_day(int64_t unix_ms);

/* Parses a calendar date "YYYY-MM-DD" (a real date: no 2025-02-30) into its day number. */
bool time_parse_date(const char *s, int64_t *day);
/* Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" into Unix milliseconds. An offset is
 * required: a time without one is ambiguous across time zones. Returns false on any error. */
bool time_parse_iso8601(const char *s, int64_t *unix_ms);
/* Formats Unix milliseconds as "YYYY-MM-DDTHH:MM:SS+HH:MM" in the process's local time zone
 * (set with time_set_zone). buf must hold TIME_ISO_LEN bytes. */
void time_format_iso8601(int64_t unix_ms, char *buf);
/* Formats "HH:MM" in local time. buf must hold 6 bytes. */
void time_format_hhmm(int64_t unix_ms, char *buf);
#endif
