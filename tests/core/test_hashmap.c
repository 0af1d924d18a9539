/* SPDX-License-Identifier: Apache-2.0 */
/* The string hash and map: known FNV-1a values, put and get, duplicates, growth through many
 * keys, keys that collide, entries whose keys outlive growth, finish and reuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hashmap.h"

#define MANY 100000

static void test_hash(void)
{
    /* The published FNV-1a 64 test vectors. */
    CHECK(hashmap_hash("") == UINT64_C(0xcbf29ce484222325));
    CHECK(hashmap_hash("a") == UINT64_C(0xaf63dc4c8601ec8c));
    CHECK(hashmap_hash("foobar") == UINT64_C(0x85944171f73967e8));
    uint64_t h = HASHMAP_HASH_SEED;
    for (const char *p = "foobar"; *p != '\0'; p++)
        h = hashmap_hash_step(h, (unsigned char)*p);
    CHECK(h == hashmap_hash("foobar"));
}

static void test_put_get(void)
{
    struct hashmap m = {0};
    CHECK(hashmap_get(&m, "aula") == HASHMAP_NONE);
    CHECK(hashmap_put(&m, "aula", 7, NULL));
    CHECK(hashmap_put(&m, "", 8, NULL));
    CHECK(hashmap_get(&m, "aula") == 7);
    CHECK(hashmap_get(&m, "") == 8);
    CHECK(hashmap_get(&m, "Aula") == HASHMAP_NONE);
    CHECK(hashmap_get(&m, "aul") == HASHMAP_NONE);
    /* A second put of a key changes nothing and gives the first entry. */
    const struct hashmap_entry *e = NULL;
    CHECK(!hashmap_put(&m, "aula", 9, &e));
    CHECK(e != NULL && e->val == 7 && strcmp(e->key, "aula") == 0);
    CHECK(hashmap_get(&m, "aula") == 7 && m.n == 2);
    /* The map keeps its own copy of a key. */
    char key[] = "lab";
    CHECK(hashmap_put(&m, key, 3, &e));
    CHECK(e->key != key && e->val == 3);
    key[0] = 'x';
    CHECK(hashmap_get(&m, "lab") == 3 && hashmap_get(&m, "xab") == HASHMAP_NONE);
    hashmap_finish(&m);
    CHECK(m.slots == NULL && m.cap == 0 && m.n == 0);
    CHECK(hashmap_get(&m, "aula") == HASHMAP_NONE);
    hashmap_finish(&m); /* a zeroed map */
    CHECK(hashmap_put(&m, "again", 1, NULL) && hashmap_get(&m, "again") == 1);
    hashmap_finish(&m);
}

static void test_many(void)
{
    struct hashmap m = {0};
    const char **keys = calloc(MANY, sizeof *keys);
    char buf[32];
    for (size_t i = 0; i < MANY; i++) {
        snprintf(buf, sizeof buf, "A%05zu", i);
        const struct hashmap_entry *e;
        CHECK(hashmap_put(&m, buf, i, &e));
        keys[i] = e->key; /* must survive the growth to come */
    }
    CHECK(m.n == MANY && m.cap >= 2 * MANY && (m.cap & (m.cap - 1)) == 0);
    size_t wrong = 0;
    for (size_t i = 0; i < MANY; i++) {
        snprintf(buf, sizeof buf, "A%05zu", i);
        wrong += hashmap_get(&m, buf) != i || strcmp(keys[i], buf) != 0;
        wrong += !hashmap_put(&m, buf, 0, NULL) ? 0 : 1;
    }
    CHECK(wrong == 0);
    CHECK(m.n == MANY);
    CHECK(hashmap_get(&m, "A100000") == HASHMAP_NONE && hashmap_get(&m, "B00001") == HASHMAP_NONE);
    free(keys);
    hashmap_finish(&m);
}

/* Keys that all land in one slot of a 16-slot map probe past each other, and wrap around. */
static void test_collisions(void)
{
    char keys[7][16];
    size_t n = 0;
    for (unsigned i = 0; n < 7; i++) {
        snprintf(keys[n], sizeof keys[n], "k%u", i);
        if ((hashmap_hash(keys[n]) & 15) == 15)
            n++;
    }
    struct hashmap m = {0};
    for (size_t i = 0; i < n; i++)
        CHECK(hashmap_put(&m, keys[i], i, NULL));
    CHECK(m.cap == 16);
    for (size_t i = 0; i < n; i++)
        CHECK(hashmap_get(&m, keys[i]) == i);
    /* A missing key with the same slot runs the probe to an empty slot. */
    for (unsigned i = 0;; i++) {
        char other[16];
        snprintf(other, sizeof other, "x%u", i);
        if ((hashmap_hash(other) & 15) == 15) {
            CHECK(hashmap_get(&m, other) == HASHMAP_NONE);
            break;
        }
    }
    hashmap_finish(&m);
}

int main(void)
{
    test_hash();
    test_put_get();
    test_many();
    test_collisions();
    return check_done();
}
