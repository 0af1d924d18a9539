/* SPDX-License-Identifier: Apache-2.0 */
/* The synth camera's payloads from a tokens.csv: the badges 'portier badges' made, so that a
 * synthetic kiosk (demos, soaks, screen tests) shows real tokens of its event. */
#include <stdlib.h>

#include "camera.h"
#include "csv.h"
#include "file.h"
#include "log.h"
#include "util.h"

char **camera_tokens_load(const char *path, size_t *n_out)
{
    size_t len;
    char *data = file_read_all(path, &len);
    struct csv *csv = NULL;
    char **tokens = NULL;
    if (data == NULL) {
        log_warn("%s", path);
        goto out;
    }
    struct csv_error err;
    if ((csv = csv_parse(data, len, &err)) == NULL) {
        log_warnx("%s:%zu: %s", path, err.line, err.message);
        goto out;
    }
    int col = csv->n_records > 0 ? csv_header_index(&csv->records[0], "token") : -1;
    if (col < 0) {
        log_warnx("%s: no 'token' column (expected the tokens.csv that 'portier badges' writes)",
                  path);
        goto out;
    }
    tokens = xcalloc(csv->n_records + 1, sizeof *tokens);
    size_t n = 0;
    for (size_t r = 1; r < csv->n_records; r++) {
        if ((size_t)col < csv->records[r].n_fields && csv->records[r].fields[col][0] != '\0')
            tokens[n++] = xstrdup(csv->records[r].fields[col]);
    }
    *n_out = n;
out:
    csv_destroy(csv);
    free(data);
    return tokens;
}

void camera_tokens_free(char **tokens)
{
    if (tokens == NULL)
        return;
    for (char **t = tokens; *t != NULL; t++)
        free(*t);
    free(tokens);
}
