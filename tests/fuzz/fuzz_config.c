/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the INI parser (config_parse_ini) with a table of every option type. Properties:
 * an option that is set holds a value of its type within its range; errors are lines of text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_common.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct config_option options[] = {
    {"device", CONFIG_STRING, NULL, 0, 0, NULL, "ID", "device id", 0},
    {"room", CONFIG_STRING, "entrance", 0, 0, NULL, "ROOM", "room", 0},
    {"mode", CONFIG_CHOICE, "entry", 0, 0, "entry|exit|toggle|overview", NULL, "mode", 0},
    {"headless", CONFIG_BOOL, "false", 0, 0, NULL, NULL, "headless", 0},
    {"reserve-release", CONFIG_INT, "10", 0, 240, NULL, "MINUTES", "minutes", 0},
    {"offset", CONFIG_INT, "0", -5, 5, NULL, "N", "small signed", 0},
};

/* Runs one input; a property violation aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    struct config cfg;
    config_init(&cfg, options, ARRAY_LEN(options));
    struct strbuf errors = {0};
    bool ok = config_parse_ini(&cfg, copy, size, "kiosk", "fuzz.conf", &errors);
    FUZZ_ASSERT(ok == (errors.len == 0));
    long minutes = config_get_int(&cfg, "reserve-release");
    FUZZ_ASSERT(minutes >= 0 && minutes <= 240);
    long offset = config_get_int(&cfg, "offset");
    FUZZ_ASSERT(offset >= -5 && offset <= 5);
    const char *mode = config_get(&cfg, "mode");
    FUZZ_ASSERT(mode != NULL && (strcmp(mode, "entry") == 0 || strcmp(mode, "exit") == 0 ||
                                 strcmp(mode, "toggle") == 0 || strcmp(mode, "overview") == 0));
    (void)config_get_bool(&cfg, "headless");
    FUZZ_ASSERT(config_origin(&cfg, "device") != NULL);
    strbuf_finish(&errors);
    config_finish(&cfg);
    free(copy);
    return 0;
}
