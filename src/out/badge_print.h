/* SPDX-License-Identifier: Apache-2.0 */
/* Printing one badge on site through CUPS (libcups, IPP).
 *
 *     char why[256];
 *     int job = badge_print_job("labels", BADGE_LABEL_62MM, &badge, why, sizeof why);
 *     struct badge_print_status st;
 *     badge_print_status("labels", job, &st);    // later, e.g. every second
 *     if (st.state == BADGE_PRINT_OUT_OF_MEDIA)  // staff loads labels, then:
 *         job = badge_print_retry("labels", job, BADGE_LABEL_62MM, &badge, why, sizeof why);
 *
 * The job is a one-page PDF the size of the label (badge_label_pdf), asking for the label's
 * media; the queue's driver (or a raw queue, for a printer that takes PDF) does the rest.
 * The print server is libcups's: $CUPS_SERVER, ~/.cups/client.conf, /etc/cups/client.conf,
 * else the local scheduler's socket. Every call opens its own connection and may wait for the
 * server up to BADGE_PRINT_TIMEOUT_MS: call them off the screen's thread (kiosk_printer.c). */
#ifndef PORTIER_BADGE_PRINT_H
#define PORTIER_BADGE_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "badge.h"

#define BADGE_PRINT_TIMEOUT_MS 3000

/* What staff need to know about the printer and the last job, from the printer's state and
 * printer-state-reasons and the job's state. */
enum badge_print_state {
    BADGE_PRINT_OK,           /* ready; the job (if any) printed */
    BADGE_PRINT_PRINTING,     /* the job is queued or printing */
    BADGE_PRINT_OFFLINE,      /* the queue is stopped or the printer unreachable */
    BADGE_PRINT_OUT_OF_MEDIA, /* no labels (media-empty, media-needed) */
    BADGE_PRINT_ERROR,        /* anything else: no such queue, the job aborted, a jam... */
};

struct badge_print_status {
    enum badge_print_state state;
    int job_state;     /* the job's IPP job-state (3 pending ... 9 completed), 0: no job */
    char message[256]; /* what the server says (printer-state-message...), or "" */
};

/* The state's word ("out_of_media"; static). */
const char *badge_print_state_name(enum badge_print_state state);

/* Sends the badge to the queue printer on the label format. Returns the job id (> 0), or 0
 * with why filled (no such queue, server unreachable, the queue refuses jobs...). */
int badge_print_job(const char *printer, enum badge_label label, const struct badge_info *b,
                    char *why, size_t why_len);
/* Fills *out with the state of printer and, when job > 0, of that job. Never fails: a server
 * that cannot be reached is BADGE_PRINT_OFFLINE, an unknown queue BADGE_PRINT_ERROR. */
void badge_print_status(const char *printer, int job, struct badge_print_status *out);
/* Prints a failed job again: cancels job (so that it cannot come out twice once the printer
 * is back) and sends the badge anew. Returns the new job id, or 0 with why filled. */
int badge_print_retry(const char *printer, int job, enum badge_label label,
                      const struct badge_info *b, char *why, size_t why_len);
/* Cancels a job; true when it is cancelled or already finished. */
bool badge_print_cancel(const char *printer, int job);

#endif
