/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates of attendance: sessions, minutes and credits per attendee from a report. */
#include "certificate.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

struct start_index {
    int64_t start_ms;
    size_t session;
};

/* Orders sessions by start time, then index. */
static int by_start(const void *a, const void *b)
{
    const struct start_index *x = a, *y = b;
    if (x->start_ms != y->start_ms)
        return x->start_ms < y->start_ms ? -1 : 1;
    return x->session < y->session ? -1 : x->session > y->session;
}

void certificate_set_compute(struct certificate_set *set, const struct report *r, int min_presence)
{
    const struct event *ev = r->ev;
    *set = (struct certificate_set){0};
    for (size_t s = 0; s < ev->n_sessions; s++)
        set->any_credits = set->any_credits || ev->sessions[s].credits_centi >= 0;
    set->items = xcalloc(ev->n_attendees + 1, sizeof *set->items);
    struct certificate_session *tmp = xcalloc(ev->n_sessions + 1, sizeof *tmp);
    struct start_index *order = xcalloc(ev->n_sessions + 1, sizeof *order);
    for (size_t s = 0; s < ev->n_sessions; s++)
        order[s] = (struct start_index){ev->sessions[s].start_ms, s};
    qsort(order, ev->n_sessions, sizeof *order, by_start);
    for (size_t a = 0; a < ev->n_attendees; a++) {
        if (ev->attendees[a].category == CATEGORY_STAFF)
            continue;
        size_t n = 0;
        for (size_t k = 0; k < ev->n_sessions; k++) {
            size_t s = order[k].session;
            int64_t present = r->present_ms[a * ev->n_sessions + s];
            int64_t length = ev->sessions[s].end_ms - ev->sessions[s].start_ms;
            if (present <= 0 || present * 100 < (int64_t)min_presence * length)
                continue;
            int32_t credits = ev->sessions[s].credits_centi;
            tmp[n++] =
                (struct certificate_session){s, (int)(present / 60000), credits > 0 ? credits : 0,
                                             r->present_manual[a * ev->n_sessions + s]};
        }
        if (n == 0)
            continue;
        struct certificate *c = &set->items[set->n++];
        *c = (struct certificate){.attendee = a, .n_sessions = n};
        c->sessions = xcalloc(n, sizeof *c->sessions);
        for (size_t i = 0; i < n; i++) {
            c->sessions[i] = tmp[i];
            c->minutes += tmp[i].minutes;
            c->credits_centi += tmp[i].credits_centi;
            c->manual_sessions += tmp[i].manual;
        }
    }
    free(order);
    free(tmp);
}

void certificate_set_finish(struct certificate_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->items[i].sessions);
    free(set->items);
    *set = (struct certificate_set){0};
}

void certificate_format_credits(int32_t centi, char mark, char buf[16])
{
    if (centi % 100 == 0)
        snprintf(buf, 16, "%d", (int)(centi / 100));
    else if (centi % 10 == 0)
        snprintf(buf, 16, "%d%c%d", (int)(centi / 100), mark, (int)(centi % 100 / 10));
    else
        snprintf(buf, 16, "%d%c%02d", (int)(centi / 100), mark, (int)(centi % 100));
}
