/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON lines a headless kiosk prints on stdout (DESIGN.md §4, docs/architecture.md): one
 * per decision, and in overview mode one per room whose count changed. Pure: the caller gives
 * every figure; times are formatted in the zone set with time_set_zone (sysclock.h). */
#ifndef PORTIER_DECISION_LINE_H
#define PORTIER_DECISION_LINE_H

#include "scan.h"
#include "util.h"

/* Appends the decision line of s to sb, without the newline: seq, time, device, room,
 * session, attendee, name (NULL: null), result, reason, occupancy, capacity (0 or less: null,
 * the entrance), then "override":true for an override, "kind" for a scan that is not a
 * badge's, and "staff" (the staff member's attendee id) for a decision staff took by hand
 * (DESIGN.md §7). */
void decision_line_format(struct strbuf *sb, const struct scan *s, const char *name, int occupancy,
                          int capacity);

/* Appends an overview line to sb, without the newline: {"time","room","occupancy","capacity"}
 * at wall time t_ms; capacity 0 or less is null (the entrance). */
void decision_line_format_count(struct strbuf *sb, int64_t t_ms, const char *room, int occupancy,
                                int capacity);

#endif
