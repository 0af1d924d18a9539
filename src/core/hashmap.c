/* SPDX-License-Identifier: Apache-2.0 */
/* The string hash and the string -> size_t map (see hashmap.h). */
#include "hashmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define HASHMAP_MIN_CAP 16

/* Hashes a string. */
uint64_t hashmap_hash(const char *s)
{
    uint64_t h = HASHMAP_HASH_SEED;
    for (; *s != '\0'; s++)
        h = hashmap_hash_step(h, (unsigned char)*s);
    return h;
}

/* The slot of key: where it is, or the empty slot where it would go. cap > 0. */
static size_t slot_of(const struct hashmap *m, const char *key)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)hashmap_hash(key) & mask;
    while (m->slots[i].key != NULL && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Doubles the slots (or makes the first ones), moving the entries over. */
static void grow(struct hashmap *m)
{
    struct hashmap bigger = {0};
    bigger.cap = m->cap == 0 ? HASHMAP_MIN_CAP : m->cap * 2;
    bigger.slots = xcalloc(bigger.cap, sizeof *bigger.slots);
    bigger.n = m->n;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key != NULL)
            bigger.slots[slot_of(&bigger, m->slots[i].key)] = m->slots[i];
    }
    free(m->slots);
    *m = bigger;
}

/* Looks a key up. */
size_t hashmap_get(const struct hashmap *m, const char *key)
{
    if (m->cap == 0)
        return HASHMAP_NONE;
    const struct hashmap_entry *e = &m->slots[slot_of(m, key)];
    return e->key != NULL ? e->val : HASHMAP_NONE;
}

/* Adds a key unless present. */
bool hashmap_put(struct hashmap *m, const char *key, size_t val, const struct hashmap_entry **entry)
{
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    struct hashmap_entry *e = &m->slots[slot_of(m, key)];
    bool added = e->key == NULL;
    if (added) {
        e->key = xstrdup(key);
        e->val = val;
        m->n++;
    }
    if (entry != NULL)
        *entry = e;
    return added;
}

/* Frees a map. */
void hashmap_finish(struct hashmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}
