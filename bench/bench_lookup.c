/* SPDX-License-Identifier: Apache-2.0 */
/* The staff's search (src/core/lookup.c, issue 15) over a congress: the attendees of a names
 * file (bench/lookup_names.py: names from many languages, not the demo generator's), then
 * queries as staff type them: prefixes of one or two words of a real attendee, as written (case
 * and accents) or folded, from 2 characters up, plus the broadest two-letter queries. Prints
 * the index's build time and the time per query (p50, p99, worst); the target is 10 ms.
 *
 *     bench/lookup.sh [N] [BUILD_DIR]          (names made on the fly; default N = 30000)
 *     bench_lookup NAMES.tsv [QUERIES]         (default 5000 queries)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "lookup.h"
#include "occupancy.h"
#include "util.h"

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Reads id<TAB>name<TAB>organisation lines into ev's attendees. */
static bool load(const char *path, struct event *ev)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return false;
    }
    char line[1024];
    size_t cap = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        char *name = strchr(line, '\t');
        char *org = name ? strchr(name + 1, '\t') : NULL;
        if (org == NULL) {
            fprintf(stderr, "%s:%zu: expected id<TAB>name<TAB>organisation\n", path,
                    ev->n_attendees + 1);
            fclose(f);
            return false;
        }
        *name++ = '\0';
        *org++ = '\0';
        if (ev->n_attendees == cap) {
            cap = cap ? cap * 2 : 1024;
            ev->attendees = xrealloc(ev->attendees, cap * sizeof *ev->attendees);
        }
        struct attendee *a = &ev->attendees[ev->n_attendees];
        memset(a, 0, sizeof *a);
        a->id = xstrdup(line);
        a->num = (uint32_t)++ev->n_attendees;
        a->name = xstrdup(name);
        a->organisation = xstrdup(org);
        a->category = CATEGORY_ATTENDEE;
    }
    fclose(f);
    return ev->n_attendees > 0;
}

/* A query as staff would type it: the start of one word, or of two, of attendee a's name or
 * organisation, 2 or more characters in all; folded (no accents, lower case) half the time. */
static void make_query(const struct attendee *a, char *out, size_t size)
{
    char folded[512];
    const char *src = next() % 5 == 0 && a->organisation[0] ? a->organisation : a->name;
    if (next() % 2)
        lookup_fold(src, strlen(src), folded, sizeof folded);
    else
        snprintf(folded, sizeof folded, "%s", src);
    char *words[16];
    size_t n = 0;
    for (char *w = strtok(folded, " -'"); w != NULL && n < 16; w = strtok(NULL, " -'"))
        words[n++] = w;
    size_t first = next() % n, count = n > 1 && next() % 3 == 0 ? 2 : 1;
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count && first + i < n; i++) {
        const char *word = words[first + i];
        size_t len = strlen(word);
        size_t take = 2 + next() % (len > 2 ? len - 1 : 1); /* bytes; may cut a character */
        if (take > len)
            take = len;
        while (take < len && ((unsigned char)word[take] & 0xC0) == 0x80)
            take++; /* staff type whole characters */
        w += (size_t)snprintf(out + w, size - w, "%s%.*s", i ? " " : "", (int)take, word);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_lookup NAMES.tsv [QUERIES]\n");
        return 2;
    }
    size_t n_queries = argc > 2 ? strtoul(argv[2], NULL, 10) : 5000;
    struct event ev = {0};
    if (!load(argv[1], &ev))
        return 1;
    event_index_build(&ev);
    double t0 = now_ms();
    struct lookup *lk = lookup_create(&ev);
    double build_ms = now_ms() - t0;
    struct occupancy *occ = occupancy_create(&ev);

    static const char *const broad[] = {"de", "va", "ma", "an", "un", "le", "zo", "ja"};
    double *times = xmalloc((n_queries + ARRAY_LEN(broad)) * sizeof *times);
    size_t found = 0, total = 0, empty = 0, nt = 0;
    double worst_broad = 0;
    char query[256];
    struct lookup_result r;
    for (size_t i = 0; i < n_queries + ARRAY_LEN(broad); i++) {
        if (i < n_queries)
            make_query(&ev.attendees[next() % ev.n_attendees], query, sizeof query);
        else
            snprintf(query, sizeof query, "%s", broad[i - n_queries]);
        double q0 = now_ms();
        enum lookup_status st = lookup_find(lk, query, occ, 0, OCCUPANCY_NONE, &r);
        double dt = now_ms() - q0;
        times[nt++] = dt;
        if (i >= n_queries && dt > worst_broad)
            worst_broad = dt;
        if (st == LOOKUP_OK) {
            found += r.n;
            total += r.total;
            empty += r.total == 0;
        }
    }
    qsort(times, nt, sizeof *times, cmp_double);
    printf("lookup: %zu attendees, index built in %.1f ms\n", ev.n_attendees, build_ms);
    printf("lookup: %zu queries: p50 %.3f ms, p99 %.3f ms, worst %.3f ms (target <= 10 ms); "
           "broadest two-letter queries: worst %.3f ms\n",
           nt, times[nt / 2], times[(size_t)((double)nt * 0.99)], times[nt - 1], worst_broad);
    printf("lookup: %.1f matches per query on average (%zu shown), %zu found nobody\n",
           (double)total / (double)nt, found, empty);
    bool ok = times[(size_t)((double)nt * 0.99)] <= 10.0 && empty == 0;
    free(times);
    occupancy_destroy(occ);
    lookup_destroy(lk);
    for (size_t i = 0; i < ev.n_attendees; i++) {
        free(ev.attendees[i].id);
        free(ev.attendees[i].name);
        free(ev.attendees[i].organisation);
    }
    free(ev.attendees);
    event_index_finish(&ev);
    return ok ? 0 : 1;
}
