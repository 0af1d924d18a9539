/* SPDX-License-Identifier: Apache-2.0 */
/* The kiosk's badge printer: a watcher thread that prints the badges it is handed (through
 * CUPS, badge_print.h) and asks the print server for the printer's state every
 * KIOSK_PRINTER_POLL_MS (KIOSK_PRINTER_BUSY_POLL_MS while a badge prints), so that the main
 * loop only ever copies the last state under a lock: a print server that does not answer
 * never delays a frame or a scan.
 *
 * One badge at a time: the watcher sends a badge, then follows that job; a badge handed over
 * later becomes the one it follows (and the one Retry prints again). */
#ifndef PORTIER_KIOSK_PRINTER_H
#define PORTIER_KIOSK_PRINTER_H

#include <stdbool.h>

#include "badge.h"
#include "ui.h"

#define KIOSK_PRINTER_POLL_MS      2000
#define KIOSK_PRINTER_BUSY_POLL_MS 300
#define KIOSK_PRINTER_STOP_MS      1000 /* the longest kiosk_printer_destroy waits */

/* What the staff menu shows; strings are the watcher's copies. */
struct kiosk_printer_state {
    enum ui_printer_state state;
    char queue[128];
    char attendee[64]; /* the last badge handed over, "" for none */
    char message[256];
    bool can_retry;
    int job; /* the last job's CUPS id, 0: none yet */
};

struct kiosk_printer;

/* Starts the watcher for the CUPS queue on the label format. NULL after logging why (the
 * thread could not start). Owned by the caller. */
struct kiosk_printer *kiosk_printer_create(const char *queue, enum badge_label label);
/* Stops the watcher and frees it, waiting at most KIOSK_PRINTER_STOP_MS (a thread still
 * waiting on the print server then frees it as it ends); NULL is a no-op. */
void kiosk_printer_destroy(struct kiosk_printer *p);

/* Hands a badge to the watcher, which prints it as soon as it can; strings are copied. False
 * when a badge is already waiting to be sent. */
bool kiosk_printer_submit(struct kiosk_printer *p, const struct badge_info *b);
/* Prints the last badge again (cancelling its failed job). False when none failed. */
bool kiosk_printer_retry(struct kiosk_printer *p);
/* Copies the last state seen. */
void kiosk_printer_state(struct kiosk_printer *p, struct kiosk_printer_state *out);
/* Fills the screen's view of st (pointers into st). */
void kiosk_printer_view(const struct kiosk_printer_state *st, struct ui_printer *out);

struct kiosk;
/* Prints a badge on the kiosk's printer (--printer, --label): hands it to the watcher and
 * returns at once; the outcome shows in the staff menu (and on the trouble screen). False
 * when the kiosk has no printer or a badge is still waiting to be sent. Strings are copied. */
bool kiosk_print_badge(struct kiosk *k, const struct badge_info *b);
/* Prints the badge of an attendee of the kiosk's event with token (the badge's QR payload):
 * the name, organisation and category come from the event. False when the kiosk has no
 * printer, the attendee is unknown or a badge is still waiting to be sent. */
bool kiosk_print_attendee(struct kiosk *k, const char *attendee_id, const char *token);

#endif
