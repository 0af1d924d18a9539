/* SPDX-License-Identifier: Apache-2.0 */
/* A fixed-size histogram of durations (0.05 ms buckets up to 2 s, then one overflow bucket):
 * percentiles over a day of frames in constant memory. Pure. */
#ifndef PORTIER_HISTOGRAM_H
#define PORTIER_HISTOGRAM_H

#include <stdint.h>

#define HISTOGRAM_BUCKET_MS 0.05
#define HISTOGRAM_BUCKETS   40000

struct histogram {
    uint32_t counts[HISTOGRAM_BUCKETS + 1];
    uint64_t n;
    double max_ms;
};

/* Records one duration in milliseconds (negative ones count as 0). */
void histogram_add(struct histogram *h, double ms);
/* The duration below which a fraction q (0..1) of the recorded ones fall: the upper edge of
 * its bucket. 0 when empty. */
double histogram_quantile(const struct histogram *h, double q);

#endif
