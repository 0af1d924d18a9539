/* SPDX-License-Identifier: Apache-2.0 */
/* The one string hash of the project (FNV-1a, 64 bits) and a string -> size_t map built on it
 * (open addressing, linear probing, at most half full). Pure.
 *
 * Zero-initialise a struct hashmap, put and get, then hashmap_finish. The map owns copies of
 * its keys. No figure depends on where a key lands: nothing walks a map in slot order. */
#ifndef PORTIER_HASHMAP_H
#define PORTIER_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What hashmap_get returns for an absent key. */
#define HASHMAP_NONE ((size_t)-1)

/* FNV-1a: the hash of no bytes, and one step. A caller that must fold its bytes first (rules.c
 * folds case) runs the steps itself; everyone else calls hashmap_hash. */
#define HASHMAP_HASH_SEED UINT64_C(0xcbf29ce484222325)
static inline uint64_t hashmap_hash_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * UINT64_C(0x100000001b3);
}

/* The FNV-1a hash of a NUL-terminated string. */
uint64_t hashmap_hash(const char *s);

struct hashmap_entry {
    char *key; /* owned copy; NULL in an empty slot */
    size_t val;
};

struct hashmap {
    struct hashmap_entry *slots;
    size_t cap; /* a power of two, or 0 */
    size_t n;   /* keys stored */
};

/* Returns the value stored for key, or HASHMAP_NONE. */
size_t hashmap_get(const struct hashmap *m, const char *key);

/* Stores key -> val unless key is present. Returns true when it added key, false (changing
 * nothing) when key was there. When entry is not NULL, *entry is key's entry, new or old:
 * borrowed until the next put; its key string stays valid until hashmap_finish. */
bool hashmap_put(struct hashmap *m, const char *key, size_t val,
                 const struct hashmap_entry **entry);

/* Frees the map's keys and slots and zeroes it; a zeroed map is a no-op. */
void hashmap_finish(struct hashmap *m);

#endif
