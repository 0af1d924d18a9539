/* SPDX-License-Identifier: Apache-2.0 */
/* The demo event: a one-day symposium in a Brussels conference venue, generated from a seed.
 *
 * About 900 people (attendees, ~30 speakers, ~20 staff, ~10 press) with Flemish, Walloon and
 * international names, in Arabic, Vietnamese and Latin scripts; a plenary hall (`aula`) for the
 * opening and closing plenaries; 14 break-out rooms that each run one session in the morning
 * slot and one in the afternoon slot; coffee, lunch and networking in between (no sessions).
 * Popular break-out sessions get more registrations than their room has seats, so that full
 * rooms and reserved seats show up in a demo.
 *
 * demo_generate is pure (no I/O, no clock): the same options give the same bytes.
 * demo_write_csvs writes its result as rooms.csv, sessions.csv and attendees.csv (DESIGN.md §2).
 */
#ifndef PORTIER_DEMO_H
#define PORTIER_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEMO_EVENT_NAME        "Open Cities Symposium 2026"
#define DEMO_TIMEZONE          "Europe/Brussels"
#define DEMO_DEFAULT_DATE      "2026-04-23"
#define DEMO_DEFAULT_SEED      2026u
#define DEMO_DEFAULT_ATTENDEES 900
#define DEMO_MIN_ATTENDEES     10
#define DEMO_MAX_ATTENDEES     20000
#define DEMO_ROOMS_CSV         "rooms.csv"
#define DEMO_SESSIONS_CSV      "sessions.csv"
#define DEMO_ATTENDEES_CSV     "attendees.csv"
#define DEMO_DATE_LEN          11 /* "YYYY-MM-DD" and the NUL */
#define DEMO_PLENARY_ROOM      "aula"

struct demo_options {
    uint64_t seed;
    int attendees;            /* DEMO_MIN_ATTENDEES..DEMO_MAX_ATTENDEES */
    char date[DEMO_DATE_LEN]; /* the day of the event, "YYYY-MM-DD" */
};

/* Fills opts with the defaults (DEMO_DEFAULT_SEED, DEMO_DEFAULT_ATTENDEES, DEMO_DEFAULT_DATE). */
void demo_options_init(struct demo_options *opts);

/* True when date is a real calendar day written "YYYY-MM-DD" (years 2000..2099). */
bool demo_date_valid(const char *date);

/* Writes into out the date ("YYYY-MM-DD") in Brussels at the instant unix_ms. Pure: the
 * caller reads the clock. */
void demo_date_at(int64_t unix_ms, char out[DEMO_DATE_LEN]);

/* Returns the UTC offset of Brussels on date at noon, as "+01:00" or "+02:00" (EU summer time
 * rule). The string is static. date must be valid. */
const char *demo_utc_offset(const char *date);

/* The three CSV files' contents, NUL-terminated, owned by the struct. */
struct demo_csvs {
    char *rooms;
    char *sessions;
    char *attendees;
};

/* Generates the demo event's CSV files. Returns false (after logging why) when opts are out of
 * range. On success out holds new buffers; free them with demo_csvs_finish. */
bool demo_generate(const struct demo_options *opts, struct demo_csvs *out);
/* Frees the buffers of a demo_csvs; a zeroed struct is a no-op. */
void demo_csvs_finish(struct demo_csvs *csvs);

/* Generates the demo event and writes DIR/rooms.csv, DIR/sessions.csv and DIR/attendees.csv
 * (atomically, one by one; dir must exist). Returns false after logging why. */
bool demo_write_csvs(const char *dir, const struct demo_options *opts);

#endif
