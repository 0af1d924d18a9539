/* SPDX-License-Identifier: Apache-2.0 */
/* The decision engine: what a kiosk answers to a scanned badge (DESIGN.md §4). Pure: no I/O,
 * no clock (now is a parameter); occupancy comes from occupancy.h.
 *
 * The path of one scan (rules_decide):
 *  1. Repeats. A payload equal (same bytes) to one seen at this kiosk less than
 *     duplicate_ms (3 s) ago is IGNORED: no decision, nothing to store. The window slides: an
 *     ignored repeat restarts it, so a badge held in front of a camera that decodes it every
 *     frame gives one decision, not one every 3 s. Exactly 3 s later is a new decision. This
 *     holds for garbage payloads too (a bad QR code in view does not flood the log).
 *  2. The token: token_verify against the event's id and public key. TOKEN_WRONG_EVENT ->
 *     denied/wrong_event; any other refusal (malformed, unknown version, unknown key, bad
 *     signature) -> denied/invalid. The payload is raw bytes of any length.
 *  3. Revoked: (number, serial) in the event's revocation list, or a serial older than the
 *     attendee's current one (revoking always bumps the serial) -> denied/revoked (the
 *     attendee id is filled in when known, for the log).
 *  4. Unknown attendee number -> denied/unknown_attendee.
 *  5. The entrance (room "entrance", no capacity):
 *     A check-in counts per day of the event: "checked in" below means admitted at the
 *     entrance earlier on the same local date (rules_config.local_day), so the first entry of
 *     each day is a new check-in; likewise "inside the venue" means counted in the venue now
 *     (occupancy_place.in_venue): on a multi-day event, by a scan of the same local date.
 *     entry:  not yet checked in -> admitted/ok (the check-in), else admitted/reentry;
 *     exit:   exited/ok when inside the venue, else exited/duplicate (never ok for an exit
 *             that changes nothing);
 *     toggle: not checked in -> admitted/ok; inside the venue (in a room or not) -> exited/ok;
 *             outside -> admitted/reentry.
 *     An entry (or a toggle that would admit) with a badge valid on some days only
 *     (attendee.days), on another local date (rules_config.local_day) -> denied/not_today.
 *  6. A room: the session is the one whose window [start - session_lead_ms, end] contains now
 *     (inclusive: a scan at the exact end belongs to the session, and an admission then is
 *     let out by that session's end, never by a later one);
 *     none between sessions, when the room is open with its capacity but no reserved seats
 *     (such an admission counts until the end of the room's next session, see occupancy.h).
 *     registered_not_arrived counts registered attendees (not staff) not counted in the room
 *     now: one who stepped out keeps their seat until the release.
 *     entry:  already counted in this room -> admitted/duplicate (honest: nothing changes, the
 *             seat is theirs; no capacity check). Else, for staff -> admitted/ok (never refused,
 *             never counted); speakers -> admitted/ok (counted, never refused, not even by a
 *             closed room: they run the session). For attendees and press: room closed ->
 *             denied/room_closed; count >= capacity -> denied/room_full; during reservation
 *             (a session matched and now < start + reserve_release_ms) an attendee not registered
 *             for it is admitted only while count + registered_not_arrived < capacity, else
 *             denied/not_registered; otherwise admitted/ok. Entering leaves any other room.
 *     exit:   exited/ok when counted in this room, else exited/duplicate (already out, let
 *             out by a session end, in another room, never seen: the exit changes nothing,
 *             and "ok" would say it did). Never refused, closed room or not.
 *     toggle: counted in this room -> as exit, else as entry.
 *     Room re-entry is admitted/ok (reentry is the entrance's word).
 *  7. Staff override: a staff badge decided at this kiosk arms an override for override_ms
 *     (10 s, inclusive). The next attendee entry that would be denied room_full or
 *     not_registered is admitted/ok with scan.override set, which uses the override up. An
 *     entry that needs no override leaves it armed; a closed room is not overridden (staff
 *     reopen it instead). The override is local to the kiosk: it is a gesture at one door.
 *  8. Session ends: rules_session_end_exits returns, once a session of this kiosk's room has
 *     ended (now after its end instant, which still belongs to it), one SCAN_SESSION_END exit
 *     at the end time for everyone still admitted into it, so that the log says who left
 *     when. Occupancy does not need them (the model expires admissions by itself), so several
 *     kiosks recording them is harmless; a kiosk skips a session whose end another kiosk (or
 *     itself before a restart) has already recorded.
 *
 * Occupancy after a decision: verdict.occupancy is the room count (the venue total at the
 * entrance) the caller will read once it has folded the decided scan into the occupancy.
 *
 * Clocks: the merged log is ordered by wall time (occupancy.h), so a kiosk whose clock is
 * behind another's may decide on a place the log already overrides with a "later" scan; such a
 * decision stands (it is shown and stored) but changes no count, and the verdict's occupancy
 * says so; an exit then answers exited/duplicate. A pulled scan counts no further ahead of this
 * kiosk's clock than OCCUPANCY_AHEAD_MAX_MS after it arrived (occupancy.h). Kiosks record whether
 * their clock was synchronised (scan.clock_synced).
 *
 * Not here: the kiosk's own state beyond the duplicate window and the armed override (both
 * lost on restart, harmlessly: a restart takes longer than either window).
 */
#ifndef PORTIER_RULES_H
#define PORTIER_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "occupancy.h"
#include "scan.h"
#include "token.h"

struct rules_config {
    int64_t duplicate_ms;       /* repeat of the same badge at this kiosk ignored (3 s) */
    int64_t override_ms;        /* staff override valid after the staff badge (10 s) */
    int64_t session_lead_ms;    /* a session's window opens before its start (15 min) */
    int64_t reserve_release_ms; /* reserved seats released after a session's start (10 min) */
    /* The local date of a time in the event's time zone, as a day number
     * (time_days_from_civil), for badges valid on some days only; NULL: the UTC date. The
     * kiosk passes time_local_day (sysclock.h), a test any function. */
    int64_t (*local_day)(int64_t unix_ms);
};

#define RULES_DUPLICATE_MS       3000
#define RULES_OVERRIDE_MS        10000
#define RULES_SESSION_LEAD_MS    (15 * 60 * 1000)
#define RULES_RESERVE_RELEASE_MS (10 * 60 * 1000)

enum rules_outcome {
    RULES_DECIDED, /* a new decision: store *out, then fold it into the occupancy */
    RULES_IGNORED, /* a repeat within the duplicate window: nothing to store or show */
};

/* What the screen shows beside the decision. */
struct rules_verdict {
    const struct attendee *attendee; /* borrowed from the event; NULL when unknown */
    size_t session;                  /* index into ev->sessions, or OCCUPANCY_NONE */
    int occupancy; /* room count (venue total at the entrance) once *out is folded */
    int capacity;  /* the room's capacity; 0 at the entrance */
    /* A walk-in this kiosk's model does not hold yet: a badge validly signed by a certified,
     * unrevoked device key for a number of its walk-in range, admitted at the entrance with
     * attendee "W<num>" (issue 15); the screen says "new registration" for the name. */
    bool new_registration;
};

struct rules;

/* Fills cfg with the defaults above. */
void rules_config_default(struct rules_config *cfg);

/* Creates the rules of one kiosk: room_id is a room of ev or "entrance", mode entry, exit or
 * toggle, device_id the kiosk's id. ev, pk and occupancy used later must outlive the rules;
 * cfg is copied (NULL: defaults). Returns NULL for an unknown room, MODE_OVERVIEW (an
 * overview takes no decisions) or a device id that does not fit a scan; the caller reports
 * it. The rules are owned by the caller. */
struct rules *rules_create(const struct event *ev, const uint8_t pk[TOKEN_PUBLIC_KEY_LEN],
                           const struct rules_config *cfg, const char *room_id,
                           enum kiosk_mode mode, const char *device_id);
/* Frees rules; NULL is a no-op. */
void rules_destroy(struct rules *r);

/* Decides one scanned payload (len arbitrary bytes, not NUL-terminated; NULL allowed when len
 * is 0) at now_ms against occ (built on the same event). On RULES_DECIDED fills *out: room,
 * session, attendee, mode, kind (SCAN_BADGE), result, reason, override, wall_ms = now_ms and
 * device_id; the caller fills db_epoch, seq, mono_ns, boot_id and clock_synced, stores it and
 * folds it into occ. *info may be NULL. On RULES_IGNORED *out and *info are left as they
 * were. */
enum rules_outcome rules_decide(struct rules *r, const struct occupancy *occ,
                                const uint8_t *payload, size_t len, int64_t now_ms,
                                struct scan *out, struct rules_verdict *info);

/* Verifies a badge (the payload, len bytes) as rules_decide verifies a scan (steps 2-4),
 * without the repeat window: true when it is valid, with its holder in *holder (borrowed from
 * the event); false when it is refused, with the reason in *refusal (invalid, wrong_event,
 * revoked, unknown_attendee) and *holder the attendee when known (revoked), else NULL. */
bool rules_badge_holder(const struct rules *r, const uint8_t *payload, size_t len,
                        const struct attendee **holder, enum scan_reason *refusal);

/* Decides an admission by hand (DESIGN.md §7 "admit"): attendee (an index into ev->attendees)
 * enters this kiosk's room at now_ms under the rules of an entry (steps 5-7, whatever the
 * kiosk's mode, which the scan still records), without a badge: no token, no repeat window,
 * no override armed. An admission that a badge would give as ok or reentry is
 * admitted/manual; one already counted in the room stays admitted/duplicate; a refusal keeps
 * its reason (room_full, not_registered, room_closed). Fills *out and *info as rules_decide
 * does; the caller sets out->staff, stores and folds it. */
void rules_decide_manual(struct rules *r, const struct occupancy *occ, size_t attendee,
                         int64_t now_ms, struct scan *out, struct rules_verdict *info);

/* Returns the SCAN_SESSION_END exits due at now_ms for this kiosk's room (wall_ms = the
 * session's end; the caller fills the same fields as after rules_decide), as an array owned
 * by the caller with *n_out elements, or NULL when none is due. Each ended session is
 * considered once per rules object. Always NULL at the entrance. */
struct scan *rules_session_end_exits(struct rules *r, const struct occupancy *occ, int64_t now_ms,
                                     size_t *n_out);

#endif
