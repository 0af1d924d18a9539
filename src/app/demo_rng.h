/* SPDX-License-Identifier: Apache-2.0 */
/* The demo's random numbers (demo.c, demo_people.c): SplitMix64, tiny, fast, and the same
 * sequence on every platform for a given seed, so that a seed gives the same event anywhere. */
#ifndef PORTIER_DEMO_RNG_H
#define PORTIER_DEMO_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct demo_rng {
    uint64_t state; /* the seed, to begin with */
};

/* Returns the next 64 random bits. */
static inline uint64_t demo_rng_next(struct demo_rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Returns a number in [0, n); n > 0. */
static inline size_t demo_rng_below(struct demo_rng *r, size_t n)
{
    return (size_t)(demo_rng_next(r) % n);
}

/* True with probability pct / 100. */
static inline bool demo_rng_pct(struct demo_rng *r, int pct)
{
    return (int)demo_rng_below(r, 100) < pct;
}

/* Picks an index with probability proportional to weights[i]. */
static inline size_t demo_rng_weighted(struct demo_rng *r, const int *weights, size_t n)
{
    long total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    long x = (long)demo_rng_below(r, (size_t)total);
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

#endif
