/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates of attendance as A4 PDFs (cairo and pango, like the badges), in the attendee's
 * language: the event and its date(s), the attendee, each session certified with its date,
 * time, minutes and credits, the totals, the organiser's name and signature image, and the
 * verification code in print and as a QR code. Times are in the process's time zone (set the
 * event's with time_set_zone). Each file is replaced whole (temp file and rename) but not
 * fsynced: the caller, writing thousands, flushes once (file_sync_fs). */
#ifndef PORTIER_CERTIFICATE_PDF_H
#define PORTIER_CERTIFICATE_PDF_H

#include <stdbool.h>

#include "certificate.h"
#include "event.h"

#define CERTIFICATE_INI "certificate.ini" /* in EVENT_DIR: [certificate] organiser, signature */

struct certificate_printer;

/* A printer for one run: organiser's name (may be NULL) and the path of a PNG signature image
 * (may be NULL), read once here. NULL after logging why (an unreadable PNG). Makes the
 * thread's default font map print_fonts_unhinted's, for the process's life. */
struct certificate_printer *certificate_printer_create(const char *organiser,
                                                       const char *signature_png);
/* Frees a printer; NULL is a no-op. */
void certificate_printer_destroy(struct certificate_printer *p);

/* Writes c's certificate of ev at path, with its verification code (any text; printed as it
 * is and as a QR code). any_credits: show the credits column. Logs why on failure. */
bool certificate_write_pdf(struct certificate_printer *p, const struct event *ev,
                           const struct certificate *c, bool any_credits, const char *code,
                           const char *path);

#endif
