/* SPDX-License-Identifier: Apache-2.0 */
/* The desk's screens at a kiosk (issue 15): a badge reprinted from the search screen, a walk-in
 * registered on its form, and what the issued screen shows of them (printed, printing, printer
 * trouble, or the attendee id to write down). The work itself is the headless staff actions'
 * (kiosk_staff_reprint, kiosk_staff_register); a walk-in is then checked in like a scan of its
 * new badge. At a desk (--desk) a staff badge opens the search screen at once (ui_options.desk);
 * the decisions stay the kiosk's mode's (entry). */
#ifndef PORTIER_KIOSK_DESK_H
#define PORTIER_KIOSK_DESK_H

#include <stdbool.h>

struct kiosk;
struct ui_input;
struct ui_view;

/* Takes the desk's actions of the screen (UI_ACTION_SEARCH_REPRINT, UI_ACTION_REGISTER_OPEN,
 * UI_ACTION_REGISTER); false when in was none of them. */
bool kiosk_desk_ui(struct kiosk *k, const struct ui_input *in);
/* Fills v->desk (after v->printer: the issued badge's printing is read from it). */
void kiosk_desk_fill_view(struct kiosk *k, struct ui_view *v);
/* Frees what the desk holds; for kiosk_destroy. */
void kiosk_desk_finish(struct kiosk *k);

#endif
