/* SPDX-License-Identifier: Apache-2.0 */
/* A stand-in for libFuzzer's main, for any compiler: runs a fuzz target over its seed corpus
 * and its regression inputs (every crash a fuzzer found is kept as a file in
 * regressions/<target>/), then over seeded random mutations of them (bit flips, byte
 * insertions and deletions, truncations, splices). No coverage guidance: it is the CI's
 * always-on check that the targets and every past crash still run clean (under the sanitizers
 * with PORTIER_SANITIZE); scripts/fuzz runs the real, coverage-guided fuzzer.
 *
 * usage: fuzz_X_replay NAME PATH...   (files, or directories of files)
 * PORTIER_FUZZ_MUTATIONS sets the number of mutated inputs (default 20000; PORTIER_FULL=1:
 * 200000), PORTIER_SEED the seed. */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"
#include "util.h"
#include "file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX 65536

struct input {
    uint8_t *data;
    size_t len;
};

static struct input *inputs;
static size_t n_inputs;

/* Adds one file's bytes to the inputs. */
static void add_file(const char *path)
{
    size_t len;
    char *data = file_read_all(path, &len);
    if (data == NULL) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    inputs = xrealloc(inputs, (n_inputs + 1) * sizeof *inputs);
    inputs[n_inputs++] = (struct input){(uint8_t *)data, len};
}

/* qsort order of paths. */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds a file, or every regular file of a directory in name order; a missing path is empty. */
static void add_path(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return;
    if (!S_ISDIR(sb.st_mode)) {
        add_file(path);
        return;
    }
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = path_join(path, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode))
            add_file(names[i]);
        free(names[i]);
    }
    free(names);
}

/* Runs the target on a copy of exactly len bytes (so that reads past the end are caught). */
static void run_one(const uint8_t *data, size_t len)
{
    uint8_t *copy = xmalloc(len ? len : 1);
    memcpy(copy, data, len);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
}

/* Applies one random mutation to buf (len in *len, capacity INPUT_MAX). */
static void mutate(uint8_t *buf, size_t *len, uint64_t *rng)
{
    uint64_t r = fixture_rand(rng);
    size_t n = *len;
    switch (r % 7) {
    case 0: /* flip a bit */
        if (n > 0)
            buf[(r >> 8) % n] ^= (uint8_t)(1u << ((r >> 4) & 7));
        break;
    case 1: /* set a byte to an interesting value */
        if (n > 0) {
            static const uint8_t vals[] = {0, 0xff, 0x7f, 0x80, '\n', '"', ',', '=', '[', ' '};
            buf[(r >> 8) % n] = vals[(r >> 40) % sizeof vals];
        }
        break;
    case 2: /* insert a random byte */
        if (n < INPUT_MAX) {
            size_t at = n > 0 ? (r >> 8) % (n + 1) : 0;
            memmove(buf + at + 1, buf + at, n - at);
            buf[at] = (uint8_t)(r >> 48);
            *len = n + 1;
        }
        break;
    case 3: /* delete a byte */
        if (n > 0) {
            size_t at = (r >> 8) % n;
            memmove(buf + at, buf + at + 1, n - at - 1);
            *len = n - 1;
        }
        break;
    case 4: /* truncate */
        if (n > 0)
            *len = (r >> 8) % n;
        break;
    case 5: /* duplicate a chunk */
        if (n > 0) {
            size_t at = (r >> 8) % n, k = 1 + (r >> 24) % 16;
            if (at + k > n)
                k = n - at;
            if (n + k <= INPUT_MAX) {
                memmove(buf + at + k, buf + at, n - at);
                *len = n + k;
            }
        }
        break;
    default: /* splice the tail of another input */
        if (n_inputs > 0) {
            const struct input *o = &inputs[(r >> 8) % n_inputs];
            size_t at = n > 0 ? (r >> 20) % n : 0;
            size_t from = o->len > 0 ? (r >> 36) % o->len : 0;
            size_t k = o->len - from;
            if (at + k > INPUT_MAX)
                k = INPUT_MAX - at;
            memcpy(buf + at, o->data + from, k);
            *len = at + k;
        }
        break;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s NAME PATH...\n", argv[0]);
        return 2;
    }
    for (int i = 2; i < argc; i++)
        add_path(argv[i]);
    if (n_inputs == 0) {
        fprintf(stderr, "%s: no inputs\n", argv[1]);
        return 1;
    }
    const char *m = getenv("PORTIER_FUZZ_MUTATIONS");
    long mutations = m != NULL ? atol(m) : fixture_full() ? 200000 : 20000;
    uint64_t seed = fixture_seed(), rng = seed;
    size_t corpus = n_inputs;
    for (size_t i = 0; i < corpus; i++)
        run_one(inputs[i].data, inputs[i].len);
    uint8_t *buf = xmalloc(INPUT_MAX);
    for (long i = 0; i < mutations; i++) {
        const struct input *in = &inputs[fixture_rand(&rng) % corpus];
        size_t len = in->len < INPUT_MAX ? in->len : INPUT_MAX;
        memcpy(buf, in->data, len);
        int rounds = 1 + (int)(fixture_rand(&rng) % 4);
        for (int k = 0; k < rounds; k++)
            mutate(buf, &len, &rng);
        run_one(buf, len);
    }
    free(buf);
    /* Reaching this line means no input crashed (a crash aborts the process). */
    fixture_figures("fuzz",
                    "fuzz %s (replay, seed %" PRIu64 "): %zu corpus and regression inputs + %ld "
                    "mutations = %zu executions, 0 crashes",
                    argv[1], seed, corpus, mutations, corpus + (size_t)mutations);
    for (size_t i = 0; i < n_inputs; i++)
        free(inputs[i].data);
    free(inputs);
    printf("1 passed, 0 failed\n");
    return 0;
}
