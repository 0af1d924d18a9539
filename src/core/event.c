/* SPDX-License-Identifier: Apache-2.0 */
/* The event model in memory: lookups, revocations. */
#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "timeutil.h"
#include "util.h"

/* Ids to indexes into ev->rooms, ev->sessions and ev->attendees. */
struct event_index {
    struct hashmap rooms, sessions, attendees;
};

/* Orders size_t values. */
static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

void event_destroy(struct event *ev)
{
    if (ev == NULL)
        return;
    for (size_t i = 0; i < ev->n_rooms; i++) {
        free(ev->rooms[i].id);
        free(ev->rooms[i].name);
    }
    for (size_t i = 0; i < ev->n_sessions; i++) {
        free(ev->sessions[i].id);
        free(ev->sessions[i].title);
    }
    for (size_t i = 0; i < ev->n_attendees; i++) {
        struct attendee *a = &ev->attendees[i];
        free(a->id);
        free(a->name);
        free(a->organisation);
        free(a->email);
        free(a->sessions);
        free(a->days);
    }
    free(ev->rooms);
    free(ev->sessions);
    free(ev->attendees);
    free(ev->revocations);
    free(ev->device_keys);
    free(ev->name);
    free(ev->timezone);
    event_index_finish(ev);
    free(ev);
}

/* Builds the index of ev's ids. */
void event_index_build(struct event *ev)
{
    event_index_finish(ev);
    struct event_index *ix = xcalloc(1, sizeof *ix);
    for (size_t i = 0; i < ev->n_rooms; i++)
        hashmap_put(&ix->rooms, ev->rooms[i].id, i, NULL);
    for (size_t i = 0; i < ev->n_sessions; i++)
        hashmap_put(&ix->sessions, ev->sessions[i].id, i, NULL);
    for (size_t i = 0; i < ev->n_attendees; i++)
        hashmap_put(&ix->attendees, ev->attendees[i].id, i, NULL);
    ev->index = ix;
}

/* Frees ev's index. */
void event_index_finish(struct event *ev)
{
    if (ev->index == NULL)
        return;
    hashmap_finish(&ev->index->rooms);
    hashmap_finish(&ev->index->sessions);
    hashmap_finish(&ev->index->attendees);
    free(ev->index);
    ev->index = NULL;
}

const struct attendee *event_attendee_by_num(const struct event *ev, uint32_t num)
{
    size_t lo = 0, hi = ev->n_attendees;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ev->attendees[mid].num == num)
            return &ev->attendees[mid];
        if (ev->attendees[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct attendee *event_attendee_by_id(const struct event *ev, const char *id)
{
    size_t i = ev->index != NULL ? hashmap_get(&ev->index->attendees, id) : HASHMAP_NONE;
    return i != HASHMAP_NONE ? &ev->attendees[i] : NULL;
}

size_t event_room_index(const struct event *ev, const char *room_id)
{
    return ev->index != NULL ? hashmap_get(&ev->index->rooms, room_id) : SIZE_MAX;
}

size_t event_session_index(const struct event *ev, const char *session_id)
{
    return ev->index != NULL ? hashmap_get(&ev->index->sessions, session_id) : SIZE_MAX;
}

void event_attendee_sort_sessions(struct attendee *a)
{
    if (a->n_sessions > 1)
        qsort(a->sessions, a->n_sessions, sizeof(size_t), size_cmp);
}

bool event_is_registered(const struct attendee *a, size_t session)
{
    return a->n_sessions > 0 &&
           bsearch(&session, a->sessions, a->n_sessions, sizeof(size_t), size_cmp) != NULL;
}

/* Orders revocations by (num, serial). */
static int revocation_cmp(const void *a, const void *b)
{
    const struct revocation *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return x->serial < y->serial ? -1 : x->serial > y->serial;
}

bool event_is_revoked(const struct event *ev, uint32_t num, uint32_t serial)
{
    struct revocation key = {num, serial};
    return ev->n_revocations > 0 &&
           bsearch(&key, ev->revocations, ev->n_revocations, sizeof key, revocation_cmp) != NULL;
}

/* Orders day numbers. */
static int day_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

bool event_attendee_set_days(struct attendee *a, const char *text)
{
    free(a->days);
    a->days = NULL;
    a->n_days = 0;
    for (const char *p = text; p != NULL && *p != '\0';) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        char date[11];
        int64_t day;
        if (len != 10 || (memcpy(date, p, 10), date[10] = '\0', !time_parse_date(date, &day))) {
            free(a->days);
            a->days = NULL;
            a->n_days = 0;
            return false;
        }
        a->days = xrealloc(a->days, (a->n_days + 1) * sizeof *a->days);
        a->days[a->n_days++] = (int32_t)day;
        p = semi ? semi + 1 : p + len;
    }
    if (a->n_days > 1)
        qsort(a->days, a->n_days, sizeof *a->days, day_cmp);
    return true;
}

bool event_valid_on_day(const struct attendee *a, int64_t day)
{
    if (a->n_days == 0)
        return true;
    for (size_t i = 0; i < a->n_days; i++) {
        if (a->days[i] == day)
            return true;
    }
    return false;
}

/* The event's days, sorted. */
size_t event_session_days(const struct event *ev, int64_t (*local_day)(int64_t unix_ms),
                          int64_t *out)
{
    size_t n = 0;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        int64_t ms = ev->sessions[s].start_ms;
        int64_t day = local_day != NULL ? local_day(ms) : time_utc_day(ms);
        size_t k = 0;
        while (k < n && out[k] < day)
            k++;
        if (k < n && out[k] == day)
            continue;
        memmove(&out[k + 1], &out[k], (n - k) * sizeof *out);
        out[k] = day;
        n++;
    }
    return n;
}

/* Counts the attendees expected on a day. */
int event_expected_on_day(const struct event *ev, int64_t day)
{
    int n = 0;
    for (size_t a = 0; a < ev->n_attendees; a++) {
        const struct attendee *at = &ev->attendees[a];
        n += at->category != CATEGORY_STAFF && event_valid_on_day(at, day);
    }
    return n;
}
