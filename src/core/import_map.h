/* SPDX-License-Identifier: Apache-2.0 */
/* Attendee lists in other systems' columns: pretix's order positions export, Eventbrite's
 * attendee report, or any CSV described by a map file. A map turns such a table into Portier's
 * attendees columns (id,name,organisation,email,language,category,sessions) plus the source's
 * own id of each row, which event.db remembers so that a re-import of an updated export updates
 * the same people. Pure: the caller reads the files.
 *
 * A map file (INI-like; '#' or ';' starts a comment line):
 *     [import]
 *     source = crm            # the name the rows' own ids are remembered under (default "map")
 *     skip = Status: cancelled | refunded    # rows whose column holds one of these are skipped
 *     language_fallback = en  # a locale other than nl, fr, en becomes this (default: refused)
 *     [columns]
 *     id = Order code + Position ID    # '+' joins columns ('-' for ids, ' ' for names)
 *     name = Attendee name | First name + Last name   # '|': the first that is not empty
 *     email = Attendee email | Email
 *     ticket = Product + Variation     # looked up in [sessions]
 *     [sessions]
 *     Workshop day = s-aula-am; s-2.14-pm
 * Columns: id (required), source_id (default: id), name (required), organisation, email,
 * language, category, sessions (Portier's ';'-list), ticket. A header ending in '*' takes every
 * column whose header starts with the rest, joined with spaces (pretix's name parts).
 * Headers are matched ignoring ASCII case and surrounding blanks; the first of equal headers
 * is used (pretix writes "Company" twice: the attendee's, then the invoice's).
 */
#ifndef PORTIER_IMPORT_MAP_H
#define PORTIER_IMPORT_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "csv.h"
#include "roster.h"

enum import_field {
    IMPORT_ID,
    IMPORT_SOURCE_ID,
    IMPORT_NAME,
    IMPORT_ORGANISATION,
    IMPORT_EMAIL,
    IMPORT_LANGUAGE,
    IMPORT_CATEGORY,
    IMPORT_SESSIONS,
    IMPORT_TICKET,
    IMPORT_N_FIELDS
};

struct import_map; /* opaque */

/* The map of a known export: "pretix" or "eventbrite". NULL for another name. */
struct import_map *import_map_preset(const char *from);
/* Reads a map file's text (file names it in messages). When base is not NULL, the file's keys
 * replace and extend base's (base is consumed). Returns NULL after adding errors. */
struct import_map *import_map_parse(struct import_map *base, const char *file, const char *text,
                                    size_t len, struct roster_errors *errs);
void import_map_destroy(struct import_map *m);
/* The name the rows' own ids are remembered under (borrowed). */
const char *import_map_source(const struct import_map *m);
/* Rewrites the messages errs->items[from..] that name one of Portier's columns ("column
 * 'email': ...") to say which of the file's columns it came from ("column 'email' (from
 * 'Attendee email' or 'Email'): ..."). */
void import_map_name_columns(const struct import_map *m, struct roster_errors *errs, size_t from);
/* False when the map reads a ticket column but has no [sessions] section to say what the
 * tickets register for (an import would then drop every registration). */
bool import_map_sessions_known(const struct import_map *m);
/* The names --from accepts, for messages: "portier, pretix, eventbrite". */
#define IMPORT_FROM_NAMES "portier, pretix, eventbrite"

/* Turns a parsed foreign table into Portier's attendees columns plus "source_id", each row on
 * the line of the row it came from. Rows the map skips are counted in *skipped. Returns NULL
 * after adding errors ("<file>:<line>: ..."), e.g. a missing column (naming the columns found)
 * or a ticket with no line in [sessions]. */
struct csv *import_map_apply(const struct import_map *m, const char *file, const struct csv *in,
                             struct roster_errors *errs, size_t *skipped);

#endif
