/* SPDX-License-Identifier: Apache-2.0 */
/* The reference occupancy model for tests (occupancy_reference.c). */
#ifndef PORTIER_OCCUPANCY_REFERENCE_H
#define PORTIER_OCCUPANCY_REFERENCE_H

#include "occupancy.h"

/* The from-scratch derivation: folds scans[0..n) naively (no index, no increment)
 * and fills room_count[ev->n_rooms], not_arrived[ev->n_sessions] (may be NULL), *venue_inside
 * and *checked_in (may be NULL) as of time t. */
void occupancy_reference(const struct event *ev, const struct scan *scans, size_t n, int64_t t,
                         int *room_count, int *not_arrived, int *venue_inside, int *checked_in);

#endif
