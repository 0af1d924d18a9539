/* SPDX-License-Identifier: Apache-2.0 */
/* Finding a person by name or organisation, for the staff at a kiosk (issue 15, DESIGN.md §7
 * "find"). Pure: an index over the event's attendees, queried with what staff typed.
 *
 * Matching folds case and accents (lookup_fold: "Nguyễn" -> "nguyen", "Straße" -> "strasse",
 * "Łukasz" -> "lukasz") and splits names into words at spaces, hyphens, apostrophes and other
 * punctuation. A query matches an attendee when every word of the query is the beginning of
 * some word of the attendee's name or organisation: "francoise" finds "Françoise Dieudonné",
 * "van den" finds "Van den Bossche", "zorgraad" finds everyone of "Zorgraad Limburg". Scripts
 * without case (Arabic, ...) match byte for byte after the same splitting.
 *
 * A query needs LOOKUP_MIN_CHARS characters (letters or digits, over all its words) before it
 * finds anything. Results are ordered by folded name, then id; at most LOOKUP_MAX_RESULTS are
 * returned, with the total count. A result never carries an e-mail address.
 *
 * Cost: O(log W) per query word to find its range in the sorted word list (W: words of all
 * attendees), then O(candidates x words of an attendee) to check the other query words on the
 * attendees of the narrowest word.
 */
#ifndef PORTIER_LOOKUP_H
#define PORTIER_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "occupancy.h"

#define LOOKUP_MIN_CHARS   2
#define LOOKUP_MAX_RESULTS 20
#define LOOKUP_QUERY_MAX   256 /* bytes of a query; longer queries are refused */

/* Where a result is, from the occupancy (occupancy.h's places). */
enum lookup_state {
    LOOKUP_NOT_CHECKED_IN, /* never seen at a door */
    LOOKUP_OUTSIDE,        /* left the venue */
    LOOKUP_INSIDE,         /* inside the venue, in no room */
    LOOKUP_IN_ROOM,        /* counted in a room (lookup_hit.room) */
};

struct lookup_hit {
    size_t attendee; /* index into ev->attendees */
    enum lookup_state state;
    size_t room; /* LOOKUP_IN_ROOM: index into ev->rooms; otherwise OCCUPANCY_NONE */
    /* Registered for the session given to lookup_find (false when none was given). */
    bool registered;
};

struct lookup_result {
    struct lookup_hit hits[LOOKUP_MAX_RESULTS];
    size_t n;     /* hits filled */
    size_t total; /* attendees matching, n or more */
};

enum lookup_status {
    LOOKUP_OK,
    LOOKUP_TOO_SHORT, /* fewer than LOOKUP_MIN_CHARS letters or digits */
    LOOKUP_TOO_LONG,  /* LOOKUP_QUERY_MAX bytes or more */
};

struct lookup;

/* Builds the index of ev's attendees (names and organisations folded). ev is borrowed and must
 * outlive the index, unchanged; the index is owned by the caller. */
struct lookup *lookup_create(const struct event *ev);
/* Frees an index; NULL is a no-op. */
void lookup_destroy(struct lookup *lk);

/* Finds the attendees matching query (UTF-8, NUL-terminated) into *out. With occ (built on the
 * same event; may be NULL: every state is then LOOKUP_NOT_CHECKED_IN), each hit's place at t;
 * with session (an index into ev->sessions, or OCCUPANCY_NONE), whether the hit registered for
 * it. Anything but LOOKUP_OK leaves out empty. */
enum lookup_status lookup_find(const struct lookup *lk, const char *query,
                               const struct occupancy *occ, int64_t t, size_t session,
                               struct lookup_result *out);

/* The state's name in the headless answer ("not_checked_in", "outside", "inside", "in_room"). */
const char *lookup_state_name(enum lookup_state state);

/* Folds len bytes of UTF-8 text into out (size bytes, NUL-terminated, truncated at a
 * character boundary when too small): lower case, accents removed, words separated by one
 * space, no leading or trailing space. Invalid bytes are kept as they are. Returns the length
 * written. */
size_t lookup_fold(const char *text, size_t len, char *out, size_t size);

#endif
