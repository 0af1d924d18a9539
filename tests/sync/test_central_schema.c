/* SPDX-License-Identifier: Apache-2.0 */
/* The schema steps built into portier (sync/central_schema.c) are byte for byte the files
 * sync/schema/NNN_name.sql, and they are numbered 1, 2, 3, ... without gaps. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "central.h"
#include "check.h"
#include "util.h"
#include "file.h"

/* Compares names for qsort. */
static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    const char *data = getenv("PORTIER_TEST_DATA");
    CHECK_MSG(data != NULL, "PORTIER_TEST_DATA is not set");
    if (data == NULL)
        return check_done();
    char *dir = xasprintf("%s/../../sync/schema", data);

    /* Every step's text matches its file. */
    CHECK(central_migration_count >= 1);
    for (size_t i = 0; i < central_migration_count; i++) {
        const struct central_migration *m = &central_migrations[i];
        CHECK_MSG(m->version == (int)i + 1, "step %zu has version %d", i, m->version);
        CHECK_MSG(atoi(m->name) == m->version, "step %s: version %d", m->name, m->version);
        char *file = xasprintf("%s/%s.sql", dir, m->name);
        size_t len = 0;
        char *text = file_read_all(file, &len);
        CHECK_MSG(text != NULL, "cannot read %s", file);
        if (text != NULL) {
            CHECK_MSG(len == strlen(m->sql) && memcmp(text, m->sql, len) == 0,
                      "%s differs from sync/central_schema.c: run sync/schema/embed.sh", file);
            CHECK_MSG(strstr(text, "\nBEGIN;") == NULL && strstr(text, "\nCOMMIT;") == NULL &&
                          strstr(text, "\nSTART TRANSACTION") == NULL,
                      "%s must not hold BEGIN or COMMIT: each step runs in one transaction", file);
        }
        free(text);
        free(file);
    }

    /* And no file is left out. */
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "cannot open %s", dir);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL && n < ARRAY_LEN(names)) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0)
            names[n++] = xstrndup(e->d_name, len - 4);
    }
    if (d != NULL)
        closedir(d);
    qsort(names, n, sizeof names[0], compare_names);
    CHECK_MSG(n == central_migration_count,
              "%zu .sql files but %zu built-in steps: run sync/schema/embed.sh", n,
              central_migration_count);
    for (size_t i = 0; i < n && i < central_migration_count; i++)
        CHECK_STR(names[i], central_migrations[i].name);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(dir);
    return check_done();
}
