/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the staff actions' input on arbitrary bytes (a headless kiosk's stdin line):
 * json_obj_parse either succeeds with unique keys and valid UTF-8 strings free of NULs, or
 * fails naming a byte within the input; lookup_fold (the search's folding) of the same bytes
 * is NUL-terminated, within its buffer, with single spaces and none at either end. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "json_obj.h"
#include "lookup.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs one input; a property violation aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct json_obj o;
    char why[JSON_OBJ_WHY_MAX];
    if (json_obj_parse(text, size, &o, why)) {
        for (size_t i = 0; i < o.n; i++) {
            const struct json_field *f = &o.fields[i];
            FUZZ_ASSERT(json_obj_get(&o, f->key) == f); /* keys are unique */
            FUZZ_ASSERT(utf8_valid(f->key, strlen(f->key), NULL));
            if (f->type == JSON_STRING)
                FUZZ_ASSERT(utf8_valid(f->text, strlen(f->text), NULL));
            FUZZ_ASSERT(strlen(f->key) <= size);
        }
        json_obj_finish(&o);
    } else {
        FUZZ_ASSERT(o.n == 0 && o.fields == NULL);
        FUZZ_ASSERT(strncmp(why, "byte ", 5) == 0);
        FUZZ_ASSERT((size_t)strtoul(why + 5, NULL, 10) <= size + 1);
    }
    char out[64];
    size_t n = lookup_fold(text, size, out, sizeof out);
    FUZZ_ASSERT(n < sizeof out && out[n] == '\0' && strlen(out) <= n);
    FUZZ_ASSERT(n == 0 || (out[0] != ' ' && out[n - 1] != ' '));
    FUZZ_ASSERT(strstr(out, "  ") == NULL);
    return 0;
}
