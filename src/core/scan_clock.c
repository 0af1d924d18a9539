/* SPDX-License-Identifier: Apache-2.0 */
#include "scan_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "util.h"

/* What is known of one boot of one device. */
struct boot {
    bool has_synced;     /* a synchronised scan of this boot was learnt */
    int64_t synced_mono; /* the smallest mono_ns of those */
    int64_t synced_offset;
    bool has_anchor;
    int64_t anchor_offset;
    bool has_unsynced; /* an unsynchronised scan of this boot was learnt */
};

struct scan_clock {
    struct hashmap index; /* "DEVICE\nBOOT" -> index into boots */
    struct boot *boots;
    size_t n, cap;
};

struct scan_clock *scan_clock_create(void)
{
    return xcalloc(1, sizeof(struct scan_clock));
}

void scan_clock_destroy(struct scan_clock *c)
{
    if (c == NULL)
        return;
    hashmap_finish(&c->index);
    free(c->boots);
    free(c);
}

/* The key of a device's boot; false when the ids do not fit. */
static bool boot_key(char out[2 * SCAN_ID_MAX + 2], const char *device_id, const char *boot_id)
{
    int n = snprintf(out, 2 * SCAN_ID_MAX + 2, "%.*s\n%.*s", SCAN_ID_MAX - 1, device_id,
                     SCAN_BOOT_ID_MAX - 1, boot_id);
    return n > 0 && boot_id[0] != '\0';
}

/* The boot of the ids, or NULL when unknown. */
static const struct boot *find_boot(const struct scan_clock *c, const char *device_id,
                                    const char *boot_id)
{
    char key[2 * SCAN_ID_MAX + 2];
    if (c == NULL || !boot_key(key, device_id, boot_id))
        return NULL;
    size_t i = hashmap_get(&c->index, key);
    return i == HASHMAP_NONE ? NULL : &c->boots[i];
}

/* The boot of the ids, added when unknown; NULL when the boot id is empty. */
static struct boot *get_boot(struct scan_clock *c, const char *device_id, const char *boot_id)
{
    char key[2 * SCAN_ID_MAX + 2];
    if (!boot_key(key, device_id, boot_id))
        return NULL;
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

/* The offset dating a boot's unsynchronised scans. */
static bool boot_offset(const struct boot *b, int64_t *offset)
{
    if (b == NULL || (!b->has_synced && !b->has_anchor))
        return false;
    *offset = b->has_synced ? b->synced_offset : b->anchor_offset;
    return true;
}

/* True when the boot's offset differs from (had, old). */
static bool offset_changed(const struct boot *b, bool had, int64_t old)
{
    int64_t now;
    bool has = boot_offset(b, &now);
    return b->has_unsynced && (has != had || (has && now != old));
}

bool scan_clock_learn(struct scan_clock *c, const struct scan *s)
{
    if (s->clock_given)
        return false;
    char device[SCAN_ID_MAX], boot[SCAN_BOOT_ID_MAX];
    snprintf(device, sizeof device, "%.*s", SCAN_ID_MAX - 1, s->device_id);
    snprintf(boot, sizeof boot, "%.*s", SCAN_BOOT_ID_MAX - 1, s->boot_id);
    struct boot *b = get_boot(c, device, boot);
    if (b == NULL)
        return false;
    int64_t old = 0;
    bool had = boot_offset(b, &old);
    if (!s->clock_synced) {
        b->has_unsynced = true;
        return false;
    }
    if (b->has_synced && s->mono_ns >= b->synced_mono)
        return false;
    b->has_synced = true;
    b->synced_mono = s->mono_ns;
    b->synced_offset = s->wall_ms - s->mono_ns / 1000000;
    return offset_changed(b, had, old);
}

bool scan_clock_set_anchor(struct scan_clock *c, const char *device_id, const char *boot_id,
                           int64_t offset_ms)
{
    struct boot *b = get_boot(c, device_id, boot_id);
    if (b == NULL || (b->has_anchor && b->anchor_offset == offset_ms))
        return false;
    int64_t old = 0;
    bool had = boot_offset(b, &old);
    b->has_anchor = true;
    b->anchor_offset = offset_ms;
    return offset_changed(b, had, old);
}

bool scan_clock_parse_offsets(const char *text,
                              void (*f)(void *ctx, const char *device_id, const char *boot_id,
                                        int64_t offset_ms),
                              void *ctx, int *bad_line)
{
    *bad_line = 0;
    int line = 0;
    while (*text != '\0') {
        line++;
        const char *end = strchr(text, '\n');
        size_t len = end != NULL ? (size_t)(end - text) : strlen(text);
        char buf[2 * SCAN_ID_MAX + 64], device[SCAN_ID_MAX], boot[SCAN_BOOT_ID_MAX];
        long long offset;
        char extra;
        if (len > 0) {
            if (len >= sizeof buf)
                goto bad;
            memcpy(buf, text, len);
            buf[len] = '\0';
            if (sscanf(buf, "%63s %39s %lld %c", device, boot, &offset, &extra) != 3)
                goto bad;
            f(ctx, device, boot, offset);
        }
        text += len;
        if (*text == '\n')
            text++;
    }
    return true;
bad:
    *bad_line = line;
    return false;
}

struct set_anchors {
    struct scan_clock *c;
    bool changed;
};

/* scan_clock_parse_offsets callback: sets one anchor. */
static void set_anchor_line(void *ctx, const char *device_id, const char *boot_id,
                            int64_t offset_ms)
{
    struct set_anchors *a = ctx;
    if (scan_clock_set_anchor(a->c, device_id, boot_id, offset_ms))
        a->changed = true;
}

bool scan_clock_set_anchors_text(struct scan_clock *c, const char *text, bool *changed,
                                 int *bad_line)
{
    struct set_anchors a = {c, false};
    bool ok = scan_clock_parse_offsets(text, set_anchor_line, &a, bad_line);
    *changed = a.changed;
    return ok;
}

bool scan_clock_offset(const struct scan_clock *c, const char *device_id, const char *boot_id,
                       int64_t *offset_ms)
{
    return boot_offset(find_boot(c, device_id, boot_id), offset_ms);
}

int64_t scan_clock_time(const struct scan_clock *c, const struct scan *s)
{
    if (c == NULL || s->clock_given || s->clock_synced)
        return s->wall_ms;
    char device[SCAN_ID_MAX], boot[SCAN_BOOT_ID_MAX];
    snprintf(device, sizeof device, "%.*s", SCAN_ID_MAX - 1, s->device_id);
    snprintf(boot, sizeof boot, "%.*s", SCAN_BOOT_ID_MAX - 1, s->boot_id);
    int64_t offset;
    if (!scan_clock_offset(c, device, boot, &offset))
        return s->wall_ms;
    return s->mono_ns / 1000000 + offset;
}
