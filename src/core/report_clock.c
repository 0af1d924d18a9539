/* SPDX-License-Identifier: Apache-2.0 */
#include "report_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "util.h"

/* A synchronised scan of a boot: its monotonic and wall times. */
struct synced {
    int64_t mono_ns, wall_ms;
};

/* What is known of one boot of one device. */
struct boot {
    struct synced *synced; /* sorted by mono_ns once dating starts */
    size_t n, cap;
    bool sorted;
    bool has_offset;
    int64_t offset_ms;
};

struct report_clock {
    struct hashmap index; /* "DEVICE\nBOOT" -> index into boots */
    struct boot *boots;
    size_t n, cap;
};

struct report_clock *report_clock_create(void)
{
    return xcalloc(1, sizeof(struct report_clock));
}

void report_clock_destroy(struct report_clock *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->boots[i].synced);
    hashmap_finish(&c->index);
    free(c->boots);
    free(c);
}

/* The key of a device's boot (ids cut to their fields' sizes, as a scan holds them). */
static void boot_key(char out[SCAN_ID_MAX + SCAN_BOOT_ID_MAX + 2], const char *device_id,
                     const char *boot_id)
{
    snprintf(out, SCAN_ID_MAX + SCAN_BOOT_ID_MAX + 2, "%.*s\n%.*s", SCAN_ID_MAX - 1, device_id,
             SCAN_BOOT_ID_MAX - 1, boot_id);
}

/* The boot of the ids; added when unknown and add is set, else NULL. */
static struct boot *get_boot(struct report_clock *c, const char *device_id, const char *boot_id,
                             bool add)
{
    char key[SCAN_ID_MAX + SCAN_BOOT_ID_MAX + 2];
    boot_key(key, device_id, boot_id);
    if (!add) {
        size_t i = hashmap_get(&c->index, key);
        return i == HASHMAP_NONE ? NULL : &c->boots[i];
    }
    const struct hashmap_entry *e;
    if (hashmap_put(&c->index, key, c->n, &e)) {
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 8;
            c->boots = xrealloc(c->boots, c->cap * sizeof *c->boots);
        }
        memset(&c->boots[c->n++], 0, sizeof *c->boots);
    }
    return &c->boots[e->val];
}

void report_clock_learn(struct report_clock *c, const struct scan *s)
{
    if (!s->clock_synced)
        return;
    struct boot *b = get_boot(c, s->device_id, s->boot_id, true);
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 16;
        b->synced = xrealloc(b->synced, b->cap * sizeof *b->synced);
    }
    b->synced[b->n++] = (struct synced){s->mono_ns, s->wall_ms};
    b->sorted = false;
}

void report_clock_set_offset(struct report_clock *c, const char *device_id, const char *boot_id,
                             int64_t offset_ms)
{
    struct boot *b = get_boot(c, device_id, boot_id, true);
    if (!b->has_offset || offset_ms < b->offset_ms)
        b->offset_ms = offset_ms;
    b->has_offset = true;
}

static int cmp_synced(const void *pa, const void *pb)
{
    const struct synced *a = pa, *b = pb;
    if (a->mono_ns != b->mono_ns)
        return a->mono_ns < b->mono_ns ? -1 : 1;
    return a->wall_ms < b->wall_ms ? -1 : a->wall_ms > b->wall_ms;
}

bool report_clock_time(struct report_clock *c, const char *device_id, const char *boot_id,
                       int64_t mono_ns, int64_t *time_ms)
{
    struct boot *b = c != NULL ? get_boot(c, device_id, boot_id, false) : NULL;
    if (b == NULL)
        return false;
    if (b->n > 0) {
        if (!b->sorted) {
            qsort(b->synced, b->n, sizeof *b->synced, cmp_synced);
            b->sorted = true;
        }
        size_t lo = 0, hi = b->n; /* the first with mono_ns >= the scan's */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (b->synced[mid].mono_ns < mono_ns)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < b->n)
            *time_ms = b->synced[lo].wall_ms - (b->synced[lo].mono_ns - mono_ns) / 1000000;
        else
            *time_ms = b->synced[lo - 1].wall_ms + (mono_ns - b->synced[lo - 1].mono_ns) / 1000000;
        return true;
    }
    if (!b->has_offset)
        return false;
    *time_ms = b->offset_ms + mono_ns / 1000000;
    return true;
}
