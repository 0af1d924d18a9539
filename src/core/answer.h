/* SPDX-License-Identifier: Apache-2.0 */
/* What the kiosk answers a scan, in words: from a decision (result, reason, attendee, room)
 * to what the answer screen says. Pure: no SDL, no clock (time is a parameter); the screen
 * (src/screen/screen_answer.c) draws what this chooses.
 *
 * The look of an answer is its class and its headline:
 *   admitted/ok                 ok    "Welcome"
 *   admitted on an override     warn  "Welcome"
 *   admitted/reentry            warn  "Welcome back"
 *   admitted/other reasons      warn  "Welcome"
 *   exited/ok                   exit  "Goodbye"
 *   exited/other reasons        warn  "Goodbye"
 *   denied                      deny  the reason ("Room full", "Badge revoked", ...)
 * The detail line says what happened beyond the headline and what to do (try another room
 * with free seats, see the desk, ...). The answer is in the attendee's language when it is
 * known; otherwise in the screen's, with the headline repeated in the other languages. */
#ifndef PORTIER_ANSWER_H
#define PORTIER_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "i18n.h"
#include "scan.h"

struct occupancy;
struct rules_verdict;

/* A decision to show. Strings are borrowed (ui_show_answer copies them). */
struct answer {
    enum scan_result result;
    enum scan_reason reason;
    bool override;    /* admitted past capacity on a staff override */
    const char *name; /* attendee's name, NULL when unknown */
    bool lang_known;  /* lang is the attendee's language; else the screen's is used and
                       * the headline is repeated in the other two */
    enum language lang;
    const char *room_name; /* the room entered (for "Enjoy your time in ..."), may be NULL */
    const char *alt_room;  /* room_full/room_closed: a room with free seats, NULL: none */
    int alt_free;          /* its free seats */
    int64_t release_ms;    /* not_registered: wall time the reserved seats are released, 0 */
};

/* The colour class of an answer: the screen gives each its colours, icon and sound. */
enum answer_class { ANSWER_OK, ANSWER_WARN, ANSWER_DENY, ANSWER_EXIT };

struct answer_look {
    enum answer_class cls;
    enum i18n_msg headline;
};

/* Fills *out for a decision the kiosk took at time t: the attendee's name and language from
 * verdict->attendee, the room entered, for room_full and room_closed the open room of ev with
 * the most free seats at t (none when no room has one), and for not_registered when the
 * reserved seats are released (the session's start + reserve_release_ms). Strings in *out are
 * borrowed from ev. Reads occ only. */
void answer_for_decision(struct answer *out, const struct event *ev, const struct occupancy *occ,
                         const struct scan *s, const struct rules_verdict *verdict, int64_t t,
                         int64_t reserve_release_ms);

/* The class and headline of an answer (see the table above). */
struct answer_look answer_look(const struct answer *a);
/* The language an answer is shown in: the attendee's when known, else screen_lang. */
enum language answer_language(const struct answer *a, enum language screen_lang);
/* Writes the detail line of an answer in lang into buf (n bytes): what happened beyond the
 * headline, and what to do; "" when there is nothing to add. Times are in the zone of
 * time_set_zone. */
void answer_detail(const struct answer *a, enum language lang, char *buf, size_t n);

#endif
