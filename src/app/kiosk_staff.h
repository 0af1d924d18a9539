/* SPDX-License-Identifier: Apache-2.0 */
/* Staff actions at a kiosk, by name rather than by badge (issue 15, DESIGN.md §7): find a
 * person, admit them by hand. Headless they come as JSON lines on stdin ("--scanner stdin",
 * a line starting with '{'), one answer line each on the kiosk's output:
 *
 *   {"action":"find","staff":TOKEN,"query":"van den"}
 *     -> {"action":"find","results":[{"attendee","name","organisation","category","state",
 *         "room"[,"registered"]}...],"total":N}
 *        state: not_checked_in | outside | inside | in_room (room: its id, else null);
 *        "registered" (true/false) only while a session runs in this kiosk's room.
 *   {"action":"admit","staff":TOKEN,"attendee":ID[,"time":ISO8601]}
 *     -> the decision line (DESIGN.md §4) of rules_decide_manual, ending "staff":STAFF_ID.
 *   {"action":"register","staff":TOKEN,"name":..,"language":..,"category":..
 *    [,"organisation":..,"sessions":"id;id","confirm":true]}
 *     -> {"action":"register","attendee":ID,"token":TOKEN,"printed":BOOL,"printer":STATE
 *        [,"printer_message":TEXT]}, then the decision
 *        line of its check-in; a name that finds people already registered, without
 *        "confirm":true: {"action":"register","error":"possible_duplicate","message":TEXT,
 *        "matches":[{"attendee","name","organisation"}...],"total":N} and nothing is added.
 *   {"action":"reprint","staff":TOKEN,"attendee":ID}
 *     -> {"action":"reprint","attendee":ID,"token":TOKEN,"revoked_serial":N,"printed":BOOL,
 *        "printer":STATE[,"printer_message":TEXT]}
 *   STATE: the printer's last state seen before the badge was handed over: none (no
 *   --printer), checking, ready, printing, offline, out_of_media or error; in the last three
 *   the badge waits in the queue (or failed) and printer_message says why.
 *   anything refused -> {"action":ACTION|null,"error":CODE,"message":TEXT}, and nothing changes.
 *
 * Error codes: bad_json, missing_field, unknown_action, not_staff, bad_time, query_too_short,
 * query_too_long, unknown_attendee, no_decisions (an overview kiosk), not_stored (the scan
 * log refused the decision); reprint and register also no_device_key, bad_field,
 * unknown_session, possible_duplicate, no_numbers_left, too_many_badges, not_signed. STAFF is the
 * token of a valid badge of category staff, verified as a scan (rules_badge_holder). "time"
 * replaces the clock as a replay line's timestamp does.
 */
#ifndef PORTIER_KIOSK_STAFF_H
#define PORTIER_KIOSK_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan.h"
#include "token.h"

struct kiosk;

/* Takes one staff action line (len bytes, a JSON object) read at mono_ns, and writes its
 * answer line. False only when a decision could not be stored (the kiosk is then in trouble,
 * as after a failed scan). */
bool kiosk_staff_action(struct kiosk *k, const char *line, size_t len, int64_t mono_ns);
/* Loads settings.device_key (when set): the file must hold a key of this event that the
 * bundle lists, certified by the event key and not revoked. False after logging why. */
bool kiosk_staff_load_issuer(struct kiosk *k);

#define KIOSK_MATCHES_MAX 10 /* possible duplicates listed for a walk-in */

/* What a reprint or a walk-in gave: the new badge, or the refusal (its code, as the headless
 * answer's "error", and its message). */
struct kiosk_issued {
    const char *error; /* NULL: done */
    char message[256];
    char attendee[SCAN_ID_MAX]; /* the badge's holder (a walk-in's new id) */
    char token[TOKEN_TEXT_LEN + 1];
    uint32_t revoked_serial; /* reprint: the serial revoked */
    bool printed;            /* handed to the printer (its outcome shows in the printer state) */
    /* The printer's last state seen before the badge was handed over (UI_PRINTER_NONE without
     * a printer) and, when it was in trouble, what the print server said. */
    int printer; /* enum ui_printer_state */
    char printer_message[256];
    /* error "possible_duplicate": the attendees (indices into the event's attendees, valid
     * until the model reloads) the walk-in's name finds, and how many it finds in all. */
    size_t matches[KIOSK_MATCHES_MAX];
    size_t n_matches, total_matches;
};

/* A walk-in's fields (strings borrowed); organisation and sessions ("id;id") may be NULL.
 * confirmed: register it even when its name finds people already registered. */
#define KIOSK_WALKIN_TEXT_MAX 200 /* bytes of a walk-in's name or organisation */
struct kiosk_walkin {
    const char *name, *organisation, *language, *category, *sessions;
    bool confirmed;
};

/* Reprint by staff_id at wall_ms: records it in the scan log for the sync daemon (kiosk_issue.h)
 * and revokes the attendee's badge in the kiosk's event.db (the model reloads), signs the next
 * serial with the device key and prints it when there is a printer. False (out->error set, nothing
 * changed) when refused. */
bool kiosk_staff_reprint(struct kiosk *k, const char *staff_id, int64_t wall_ms,
                         const char *attendee_id, struct kiosk_issued *out);
/* Registers a walk-in by staff_id at wall_ms (recorded in the scan log for the sync daemon) in
 * the kiosk's event.db with the next id of the device's range, signs and
 * prints its badge; the caller checks it in (kiosk_handle_payload of out->token). False (out->error
 * set, nothing added) when refused; a valid walk-in whose name finds people already registered
 * (the search's matching, lookup.h) is refused "possible_duplicate" with them in out->matches
 * unless w->confirmed. */
bool kiosk_staff_register(struct kiosk *k, const char *staff_id, int64_t wall_ms,
                          const struct kiosk_walkin *w, struct kiosk_issued *out);

/* Frees the search index (rebuilt on the next search) and empties the search screen's results:
 * for a reloaded model. */
void kiosk_staff_forget_index(struct kiosk *k);

/* The search screen (ui.h, UI_ACTION_SEARCH_*): a staff badge opened the staff menu (its
 * holder admits whom the screen finds), the screen's actions (true when in was one of them),
 * and its results for the view. */
struct attendee;
struct ui_input;
struct ui_view;
void kiosk_staff_badge_seen(struct kiosk *k, const struct attendee *staff);
bool kiosk_staff_ui(struct kiosk *k, const struct ui_input *in);
void kiosk_staff_fill_view(struct kiosk *k, struct ui_view *v);
/* The attendee of the search screen's result row (borrowed until the model reloads), or NULL. */
const struct attendee *kiosk_staff_result(struct kiosk *k, int row);
/* The staff member whose badge opened the staff screens ("" before one did). */
const char *kiosk_staff_member(struct kiosk *k);
/* Frees what the staff actions hold (index, results); for kiosk_destroy. */
void kiosk_staff_finish(struct kiosk *k);

#endif
