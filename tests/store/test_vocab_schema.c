/* SPDX-License-Identifier: Apache-2.0 */
/* The CHECK lists of the schemas are the vocabularies of src/core/vocab.def. The schema steps
 * are never edited once released, so a word added to vocab.def needs a new step with the new
 * list: this test fails until the last CHECK (column IN (...)) of each vocabulary's column is
 * the generated list (vocab_sql.h), in the central steps (sync/schema/NNN_*.sql, in order; the
 * built-in copies are byte for byte these, test_central_schema) and in the local SQLite files
 * as their steps leave them (the scan log of store.c, event.db of event_db.c). */
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "event_db.h"
#include "file.h"
#include "store.h"
#include "util.h"
#include "vocab_sql.h"

/* A column holding a vocabulary's names, in any table. */
struct column {
    const char *name;
    const char *list;
};

static const struct column columns[] = {
    {"language", LANGUAGE_SQL_LIST},  {"category", CATEGORY_SQL_LIST},
    {"mode", KIOSK_MODE_SQL_LIST},    {"kind", SCAN_KIND_SQL_LIST},
    {"result", SCAN_RESULT_SQL_LIST}, {"reason", SCAN_REASON_SQL_LIST},
};

/* Appends sql to the growing text *all with its whitespace runs made one space and "CHECK("
 * spelt "CHECK (", so that a list spread over lines reads as one. */
static void append_normalised(char **all, const char *sql)
{
    size_t have = *all ? strlen(*all) : 0;
    char *out = xmalloc(have + strlen(sql) + 2 * strlen(sql) / 6 + 2);
    memcpy(out, *all ? *all : "", have);
    size_t k = have;
    for (const char *p = sql; *p; p++) {
        if (strchr(" \t\r\n", *p)) {
            if (k > 0 && out[k - 1] != ' ')
                out[k++] = ' ';
            continue;
        }
        if (strncmp(p, "CHECK(", 6) == 0) {
            memcpy(out + k, "CHECK (", 7);
            k += 7;
            p += 5;
            continue;
        }
        out[k++] = *p;
    }
    out[k++] = ' ';
    out[k] = '\0';
    free(*all);
    *all = out;
}

/* The list of the last "CHECK (column IN (list))" of sql, owned by the caller; NULL when there
 * is none. */
static char *last_check_list(const char *sql, const char *column)
{
    char *pattern = xasprintf("CHECK (%s IN (", column);
    const char *last = NULL;
    for (const char *p = strstr(sql, pattern); p != NULL; p = strstr(p + 1, pattern))
        last = p + strlen(pattern);
    free(pattern);
    if (last == NULL)
        return NULL;
    const char *end = strchr(last, ')');
    return end != NULL ? xstrndup(last, (size_t)(end - last)) : xstrdup(last);
}

/* Compares the last CHECK list of every vocabulary column in sql with vocab.def's, counting in
 * *wrong those that differ (and saying which when where is not NULL); returns how many lists
 * it found. */
static int compare_lists(const char *where, const char *sql, int *wrong)
{
    int found = 0;
    for (size_t i = 0; i < ARRAY_LEN(columns); i++) {
        char *list = last_check_list(sql, columns[i].name);
        if (list == NULL)
            continue;
        found++;
        if (strcmp(list, columns[i].list) != 0) {
            (*wrong)++;
            if (where != NULL)
                fprintf(stderr,
                        "%s: CHECK (%s IN (%s)), but src/core/vocab.def has (%s): add a schema "
                        "step (see the top of vocab.def)\n",
                        where, columns[i].name, list, columns[i].list);
        }
        free(list);
    }
    return found;
}

/* True for a schema step's file name (scandir's filter). */
static int is_step(const struct dirent *e)
{
    size_t len = strlen(e->d_name);
    return len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0;
}

/* The central database: the steps' text, in order. */
static void test_central(const char *data)
{
    char *dir = xasprintf("%s/../../sync/schema", data);
    struct dirent **steps = NULL;
    int n = scandir(dir, &steps, is_step, alphasort);
    CHECK_MSG(n >= 1, "no schema step in %s", dir);
    char *all = NULL;
    for (int i = 0; i < n; i++) {
        char *path = path_join(dir, steps[i]->d_name);
        char *text = file_read_all(path, NULL);
        CHECK_MSG(text != NULL, "cannot read %s", path);
        if (text != NULL)
            append_normalised(&all, text);
        free(text);
        free(path);
        free(steps[i]);
    }
    free(steps);
    /* Every vocabulary is CHECKed there: attendees' language and category, scans' mode, kind,
     * result and reason. */
    int wrong = 0;
    CHECK_MSG(all != NULL && compare_lists("sync/schema", all, &wrong) == (int)ARRAY_LEN(columns),
              "sync/schema: a vocabulary column without its CHECK list");
    CHECK(wrong == 0);
    free(all);
    free(dir);
}

/* The SQL of a SQLite file's tables, views and triggers; owned by the caller. */
static char *sqlite_schema(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char *all = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW)
            append_normalised(&all, (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return all;
}

/* The local files: the scan log as store_open makes it, event.db as event_db makes it. Today
 * they CHECK no vocabulary (the store validates in C, so that a new word needs no table
 * rebuild); a later step that does must use the generated list. */
static void test_local(const char *dir)
{
    char *path = path_join(dir, "scans.db");
    struct store *st = store_open(path, "door-1");
    CHECK(st != NULL);
    store_close(st);
    char *sql = sqlite_schema(path);
    CHECK_MSG(sql != NULL && strstr(sql, "CREATE TABLE scans") != NULL, "no schema in %s", path);
    int wrong = 0;
    if (sql != NULL)
        compare_lists("src/store/store.c", sql, &wrong);
    CHECK(wrong == 0);
    free(sql);
    free(path);

    path = path_join(dir, "event.db");
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
          sqlite3_exec(db, event_db_schema_sql(), NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    sql = sqlite_schema(path);
    CHECK_MSG(sql != NULL && strstr(sql, "CREATE TABLE attendees") != NULL, "no schema in %s",
              path);
    if (sql != NULL)
        compare_lists("src/store/event_db.c", sql, &wrong);
    CHECK(wrong == 0);
    free(sql);
    free(path);
}

/* The checker itself: a list spread over lines is read whole, the last one counts, and a list
 * that lacks a word is caught. */
static void test_checker(void)
{
    char *sql = NULL;
    append_normalised(&sql, "CREATE TABLE t (reason text CHECK(reason IN ('ok',\n   'x')),\n"
                            "  result text CHECK (result IN ('admitted')));\n");
    append_normalised(&sql, "ALTER TABLE t ADD CONSTRAINT c CHECK (reason IN ('ok', 'y'));");
    char *list = last_check_list(sql, "reason");
    CHECK_STR(list, "'ok', 'y'");
    free(list);
    list = last_check_list(sql, "result");
    CHECK_STR(list, "'admitted'");
    free(list);
    CHECK(last_check_list(sql, "kind") == NULL);
    int wrong = 0;
    CHECK(compare_lists(NULL, sql, &wrong) == 2);
    CHECK(wrong == 2); /* both lists differ from vocab.def's */
    free(sql);
    /* A list spread over lines, as sync/schema writes the long ones, is read whole. */
    sql = NULL;
    append_normalised(&sql, "kind text NOT NULL CHECK (kind IN ('badge', 'session_end', 'manual',"
                            " 'room_close',\n                                       "
                            "'room_open')),");
    list = last_check_list(sql, "kind");
    CHECK_STR(list, "'badge', 'session_end', 'manual', 'room_close', 'room_open'");
    free(list);
    free(sql);
}

int main(void)
{
    const char *data = getenv("PORTIER_TEST_DATA");
    CHECK_MSG(data != NULL, "PORTIER_TEST_DATA is not set");
    if (data == NULL)
        return check_done();
    char tmpl[] = "/tmp/portier-test-vocab-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (dir == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_checker();
    test_central(data);
    test_local(dir);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    free(cmd);
    return check_done();
}
