/* SPDX-License-Identifier: Apache-2.0 */
/* The reference occupancy model for tests (occupancy_reference.c). */
#ifndef PORTIER_OCCUPANCY_REFERENCE_H
#define PORTIER_OCCUPANCY_REFERENCE_H

#include "occupancy.h"

/* The from-scratch derivation: folds scans[0..n) naively (no index, no increment)
 * and fills room_count[ev->n_rooms], not_arrived[ev->n_sessions] (may be NULL), *venue_inside
 * and *checked_in (may be NULL) as of time t. Dates are UTC dates (an occupancy without
 * occupancy_use_local_day): on an event whose sessions lie on several dates the venue holds,
 * at t, only people and manual entrance adjustments dated on the date of t. */
void occupancy_reference(const struct event *ev, const struct scan *scans, size_t n, int64_t t,
                         int *room_count, int *not_arrived, int *venue_inside, int *checked_in);

#endif
