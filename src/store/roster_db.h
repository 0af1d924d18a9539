/* SPDX-License-Identifier: Apache-2.0 */
/* Rosters into event.db: reads rooms.csv, sessions.csv and attendees.csv (validated by
 * core/roster.h), creates an event and imports attendees, all or nothing. */
#ifndef PORTIER_ROSTER_DB_H
#define PORTIER_ROSTER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "roster.h"

/* How the files are read. Every file may be UTF-8 (with or without a byte order mark), UTF-16
 * with one, or Windows-1252, separated by ',', ';' or tabs (core/dialect.h). Zero-initialise:
 * attendees in Portier's own columns. */
struct roster_source_opts {
    const char *from; /* the attendees file's system: NULL or "portier", "pretix", "eventbrite" */
    const char *map_path; /* a map file (core/import_map.h) for the attendees file, or NULL */
    FILE *say;            /* where each file's dialect is printed, or NULL */
};

/* Reads and validates the three files of a new event. Returns true when all is well. */
bool roster_load(struct roster *r, const char *rooms_path, const char *sessions_path,
                 const char *attendees_path, struct roster_errors *errs);
bool roster_load_from(struct roster *r, const char *rooms_path, const char *sessions_path,
                      const char *attendees_path, const struct roster_source_opts *o,
                      struct roster_errors *errs);
/* Reads and validates an attendees file against an existing event's sessions. */
bool roster_load_attendees(struct roster *r, const char *path, const struct event *ev,
                           struct roster_errors *errs);
bool roster_load_attendees_from(struct roster *r, const char *path, const struct event *ev,
                                const struct roster_source_opts *o, struct roster_errors *errs);

/* Writes a new event.db at db_path from a validated roster: built as a temp file in the same
 * directory, fsynced, then renamed into place. Fails (without touching anything) when db_path
 * exists. Logs why on failure. */
bool roster_create_db(const struct roster *r, const char *db_path, uint32_t event_id,
                      uint16_t key_id, const char *name, const char *timezone);

/* What roster_import did. */
struct roster_import_counts {
    size_t added, updated, unchanged;
};
/* Adds new attendees and updates existing ones (by id) in event.db, in one transaction: all
 * or nothing. Existing attendees keep num and serial. Attendees from another system
 * (r->source) are matched first by their id there (table attendee_sources), so that an
 * updated export updates the same people. Logs why on failure. */
bool roster_import(const struct roster *r, const char *db_path,
                   struct roster_import_counts *counts);

/* Creates a whole event: validates the CSVs (printing every fault), then writes
 * EVENT_DIR/event.db, signing.key and verify.pub. Refuses a directory that already holds an
 * event. Makes timezone the process's time zone (time_set_zone). On success and when
 * event_id_out is not NULL, stores the new event id. */
bool roster_init_event(const char *event_dir, const char *name, const char *timezone,
                       const char *rooms_path, const char *sessions_path,
                       const char *attendees_path, uint32_t *event_id_out);
bool roster_init_event_from(const char *event_dir, const char *name, const char *timezone,
                            const char *rooms_path, const char *sessions_path,
                            const char *attendees_path, const struct roster_source_opts *o,
                            uint32_t *event_id_out);

#endif
