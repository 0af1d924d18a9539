/* SPDX-License-Identifier: Apache-2.0 */
/* The roster: rooms.csv, sessions.csv and attendees.csv read, validated and written into an
 * event.db. Validation lists every fault, each as "<file>:<line>: column '<col>': <what>", so
 * that an organiser can fix a spreadsheet in one pass; nothing is written unless all is well.
 *
 * Pure: the roster_parse_* functions parse buffers; store/roster_db.h reads the files and
 * writes event.db.
 */
#ifndef PORTIER_ROSTER_H
#define PORTIER_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "log.h"

#define ROSTER_ID_MAX      63
#define ROSTER_ENTRANCE    "entrance" /* the reserved room id of the venue entrance */
#define ROSTER_CREDITS_MAX 999999     /* hundredths: 9999.99 credits for one session */

/* A list of error messages, in the order found. Zero-initialise; free with roster_errors_finish. */
struct roster_errors {
    char **items;
    size_t n;
    size_t cap;
};
/* Adds a message. */
void roster_errors_add(struct roster_errors *errs, const char *fmt, ...) LOG_PRINTF(2, 3);
/* Prints every message to stderr as "portier: <message>". */
void roster_errors_print(const struct roster_errors *errs);
/* Frees the messages; the list is empty afterwards. */
void roster_errors_finish(struct roster_errors *errs);

struct roster_room {
    char *id;
    char *name;
    int capacity;
    size_t line;
};

struct roster_session {
    char *id;
    char *room;
    char *title;
    char *start_text, *end_text; /* as written in the file */
    int64_t start_ms, end_ms;
    int32_t credits_centi; /* optional column 'credits', in hundredths; -1 when empty or absent */
    size_t line;
};

struct roster_attendee {
    char *id;
    char *name;
    char *organisation; /* "" when empty */
    char *email;        /* NULL when empty */
    enum language language;
    enum category category;
    char **sessions; /* session ids, in file order */
    size_t n_sessions;
    char *source_id; /* the row's id in the system it came from (import map), or NULL */
    char *days;      /* optional column 'days': the dates the badge is valid on, sorted, ';' between
                        ("2025-03-14;2025-03-15"); "" when empty or absent: every day */
    size_t line;
};

/* What the CSV files said. Zero-initialise; free with roster_finish. All strings are owned. */
struct roster {
    struct roster_room *rooms;
    size_t n_rooms;
    struct roster_session *sessions;
    size_t n_sessions;
    struct roster_attendee *attendees;
    size_t n_attendees;
    char sep;         /* the separator of the file parsed next: ',' (also when 0), ';' or tab */
    char *source;     /* the system the attendees came from (import map), or NULL */
    size_t n_skipped; /* rows the import map skipped (cancelled orders) */
};
void roster_finish(struct roster *r);

/* True when id is 1..63 bytes of [A-Za-z0-9._-] not starting with '.'. Otherwise *why (when not
 * NULL) says what is wrong, as a static string. */
bool roster_id_valid(const char *id, const char **why);
/* Finds the first code point of a valid UTF-8 string that has no place in a name, an
 * organisation or a title: a C0 control (tab and line breaks included), DEL, a C1 control
 * (U+0080-U+009F), or a bidirectional embedding, override or isolate (U+202A-U+202E,
 * U+2066-U+2069), which can make a name display as another. Returns its byte offset and sets
 * *cp, or returns -1 when there is none. The import refuses such a field with file:line. */
long roster_text_forbidden(const char *s, uint32_t *cp);

/* Parse and validate one file's contents (file is the base name used in messages). Add the
 * records to r and any faults to errs; return true when this file added no fault.
 * room_ids / session_ids are the ids that references must resolve to; pass NULL to skip that
 * check (e.g. when rooms.csv itself was broken, to avoid a cascade of follow-up errors). */
bool roster_parse_rooms(struct roster *r, const char *file, const char *data, size_t len,
                        struct roster_errors *errs);
bool roster_parse_sessions(struct roster *r, const char *file, const char *data, size_t len,
                           const char *const *room_ids, size_t n_room_ids,
                           struct roster_errors *errs);
bool roster_parse_attendees(struct roster *r, const char *file, const char *data, size_t len,
                            const char *const *session_ids, size_t n_session_ids,
                            struct roster_errors *errs);

struct csv;
/* The same from a parsed CSV in attendees.csv's columns (an import map's output, whose
 * "source_id" column is read when r->source is set). Takes ownership of csv. */
bool roster_parse_attendees_csv(struct roster *r, const char *file, struct csv *csv,
                                const char *const *session_ids, size_t n_session_ids,
                                struct roster_errors *errs);

#endif
