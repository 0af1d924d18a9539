/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates of attendance: which sessions each attendee may be certified for, with minutes
 * and credits, from a computed report (report.h: minutes present are what the scan log proves,
 * entry to exit, the next move or the session's end). Pure.
 *
 * An attendee is certified for a session when present for at least min_presence percent of
 * its length; a certificate's minutes are the whole minutes present in those sessions, its
 * credits the sum of their credits (sessions without credits count 0). Staff are never
 * certified (the report does not count them). Attendees certified for no session get none. */
#ifndef PORTIER_CERTIFICATE_H
#define PORTIER_CERTIFICATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

struct certificate_session {
    size_t session; /* index into ev->sessions */
    int minutes;
    int32_t credits_centi; /* 0 when the session has none */
    bool manual; /* admitted by hand (no badge scanned) for some of the minutes: marked so */
};

struct certificate {
    size_t attendee;                      /* index into ev->attendees */
    struct certificate_session *sessions; /* in time order */
    size_t n_sessions;
    int minutes;
    int32_t credits_centi;
    int manual_sessions; /* sessions with manual set */
};

struct certificate_set {
    struct certificate *items; /* in attendee order (num) */
    size_t n;
    bool any_credits; /* some session of the event has credits: certificates show them */
};

/* Computes the certificates of r's event at min_presence percent (0..100). Owned by the
 * caller: certificate_set_finish. */
void certificate_set_compute(struct certificate_set *set, const struct report *r, int min_presence);
void certificate_set_finish(struct certificate_set *set);

/* Writes credits (hundredths) as a decimal number with the decimal mark given ("4", "1.5",
 * "0,25") into buf (16 bytes). */
void certificate_format_credits(int32_t centi, char mark, char buf[16]);

#endif
