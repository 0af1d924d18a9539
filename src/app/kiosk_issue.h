/* SPDX-License-Identifier: Apache-2.0 */
/* Badges a kiosk issues (issue 15): a reprint (the current serial revoked, the next issued) and
 * a walk-in registration, each recorded in the scan log (store.h, store_issue) before the
 * kiosk's event.db changes, so that the sync daemon uploads it to the central database, which
 * merges it for every other kiosk. An effect event.db refuses takes its record back; one a
 * crash left out of event.db is applied again when the kiosk starts (kiosk_issues_replay). */
#ifndef PORTIER_KIOSK_ISSUE_H
#define PORTIER_KIOSK_ISSUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event_db.h"

struct kiosk;

/* Reprints attendee id's badge for staff_id at wall_ms: reloads the model when event.db
 * changed (borrowed attendees of k->event go stale), records the issue, revokes the current
 * serial in event.db. On success *num and *revoked are the attendee's number and revoked serial
 * (the new badge is *revoked + 1). False (nothing recorded or changed) after logging why. */
bool kiosk_issue_reprint(struct kiosk *k, const char *id, const char *staff_id, int64_t wall_ms,
                         uint32_t *num, uint32_t *revoked);
/* Registers the walk-in att (a number of this device's range, serial 0) for staff_id at
 * wall_ms: records the issue, adds the attendee to event.db. False (nothing recorded or
 * changed) with the reason in why. */
bool kiosk_issue_walkin(struct kiosk *k, const struct event_db_pulled_attendee *att,
                        const char *staff_id, int64_t wall_ms, char *why, size_t why_size);
/* Applies to event.db the issues of the scan log it lacks (a crash between the record and the
 * change); one event.db refuses is logged and left to the sync (central merges it, the pull
 * brings it back). False only when the scan log cannot be read. */
bool kiosk_issues_replay(struct kiosk *k);

#endif
