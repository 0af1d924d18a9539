/* SPDX-License-Identifier: Apache-2.0 */
#include "histogram.h"

void histogram_add(struct histogram *h, double ms)
{
    if (ms < 0)
        ms = 0;
    uint64_t b = (uint64_t)(ms / HISTOGRAM_BUCKET_MS);
    h->counts[b < HISTOGRAM_BUCKETS ? b : HISTOGRAM_BUCKETS]++;
    h->n++;
    if (ms > h->max_ms)
        h->max_ms = ms;
}

double histogram_quantile(const struct histogram *h, double q)
{
    if (h->n == 0)
        return 0;
    uint64_t want = (uint64_t)(q * (double)h->n);
    if (want >= h->n)
        want = h->n - 1;
    uint64_t seen = 0;
    for (uint64_t b = 0; b <= HISTOGRAM_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen > want)
            return b < HISTOGRAM_BUCKETS ? (double)(b + 1) * HISTOGRAM_BUCKET_MS : h->max_ms;
    }
    return h->max_ms;
}
