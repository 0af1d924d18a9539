/* Time: ISO 8601 parsing and formatting, and the clocks a kiosk reads. */
#ifndef PORTIER_TIMEUTIL_H
#define PORTIER_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIME_ISO_LEN 32

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" into Unix milliseconds. An offset is
 * required: a time without one is ambiguous across time zones. Returns false on any error. */
bool time_parse_iso8601(const char *s, int64_t *unix_ms);
/* Formats Unix milliseconds as "YYYY-MM-DDTHH:MM:SS+HH:MM" in the process's local time zone
 * (set with time_set_zone). buf must hold TIME_ISO_LEN bytes. */
void time_format_iso8601(int64_t unix_ms, char *buf);
/* Formats "HH:MM" in local time. buf must hold 6 bytes. */
void time_format_hhmm(int64_t unix_ms, char *buf);
/* Makes tz (an IANA name such as "Europe/Brussels") the process's local time zone. Returns
 * false when the zone is unknown to the system's tz database. */
bool time_set_zone(const char *tz);
/* Returns true when tz names a zone in the system's tz database. */
bool time_zone_valid(const char *tz);

/* Wall clock, Unix milliseconds. */
int64_t time_now_ms(void);
/* Monotonic clock, nanoseconds since an arbitrary point in this boot. */
int64_t time_mono_ns(void);

#endif
