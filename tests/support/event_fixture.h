/* SPDX-License-Identifier: Apache-2.0 */
/* An event for integration tests (header only): a temporary folder, `portier init` of its
 * rooms, sessions and attendees (in Europe/Brussels), the badges (badges/tokens.csv) and kiosk
 * bundles, made by the built program ($PORTIER_BIN); the event published at a real PostgreSQL
 * (pg_harness.h); an attendee's badge token; session times relative to now.
 *
 *     char *dir = event_fixture_dir("kiosk");                // /tmp/portier-kiosk-XXXXXX
 *     test_write_file(dir, "rooms.csv", ...);                 // and attendees.csv
 *     event_fixture_sessions(dir, "id,room,title,start,end\nk,hall,Key,{-30},{30}\n");
 *     CHECK(event_fixture_init(dir, "Test", NULL, "ka kb"));  // DIR/ev, DIR/badges, DIR/ka, DIR/kb
 *     struct event_tokens badges;
 *     CHECK(event_fixture_tokens(dir, &badges));
 *     const char *t = event_fixture_token(&badges, "P001");   // aborts: no such attendee
 *     event_fixture_tokens_free(&badges);
 */
#ifndef PORTIER_TEST_EVENT_FIXTURE_H
#define PORTIER_TEST_EVENT_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "central.h"
#include "csv_file.h"
#include "pg_harness.h"
#include "shell.h"

#include "util.h"

/* A new folder /tmp/portier-NAME-XXXXXX (owned). */
static inline char *event_fixture_dir(const char *name)
{
    char *tmpl = xasprintf("/tmp/portier-%s-XXXXXX", name);
    if (mkdtemp(tmpl) == NULL)
        abort();
    return tmpl;
}

/* A session time for the sessions.csv of a live test: minutes from now, to the minute, ISO
 * 8601 in UTC (owned). */
static inline char *event_fixture_iso(int minutes)
{
    time_t t = time(NULL) + minutes * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:00+00:00", &tm);
    return xstrdup(buf);
}

/* Writes dir/sessions.csv from csv with each {M} (signed minutes) made event_fixture_iso(M):
 * "key,hall,Keynote,{-60},{60}\n" is a session that began an hour ago. */
static inline void event_fixture_sessions(const char *dir, const char *csv)
{
    struct strbuf sb = {0};
    for (const char *p = csv; *p != '\0';) {
        char *end = NULL;
        long minutes = *p == '{' ? strtol(p + 1, &end, 10) : 0;
        if (end == NULL || end == p + 1 || *end != '}') {
            strbuf_putc(&sb, *p++);
            continue;
        }
        char *iso = event_fixture_iso((int)minutes);
        strbuf_puts(&sb, iso);
        free(iso);
        p = end + 1;
    }
    test_write_file(dir, "sessions.csv", sb.data);
    strbuf_finish(&sb);
}

/* In dir: the event dir/ev named title, from rooms.csv, sessions.csv and attendees.csv in
 * csv_dir (NULL: in dir), its badges in dir/badges (tokens.csv among them) and a kiosk bundle
 * dir/B for each name B of bundles (space-separated; NULL or "": none). False when a step
 * failed (its error is on stderr). */
static inline bool event_fixture_init(const char *dir, const char *title, const char *csv_dir,
                                      const char *bundles)
{
    const char *bin = getenv("PORTIER_BIN");
    const char *from = csv_dir ? csv_dir : dir;
    if (test_sh("cd %s && %s init ev --name '%s' --timezone Europe/Brussels --rooms %s/rooms.csv "
                "--sessions %s/sessions.csv --attendees %s/attendees.csv >/dev/null && "
                "%s badges ev --out badges --format csv >/dev/null",
                dir, bin, title, from, from, from, bin) != 0)
        return false;
    return bundles == NULL ||
           test_sh("cd %s && for b in %s; do %s bundle ev --out $b >/dev/null || exit 1; done", dir,
                   bundles, bin) == 0;
}

/* The badges of dir/badges/tokens.csv: ids[i]'s token is tokens[i], in the file's order. */
struct event_tokens {
    size_t n;
    char **ids, **tokens;
};

/* Reads dir/badges/tokens.csv into *t (event_fixture_tokens_free it); false after saying why. */
static inline bool event_fixture_tokens(const char *dir, struct event_tokens *t)
{
    *t = (struct event_tokens){0};
    char *path = path_join(dir, "badges/tokens.csv");
    struct csv *csv = csv_read_file(path);
    free(path);
    if (csv == NULL)
        return false;
    t->ids = xcalloc(csv->n_records, sizeof *t->ids);
    t->tokens = xcalloc(csv->n_records, sizeof *t->tokens);
    for (size_t i = 1; i < csv->n_records; i++, t->n++) {
        t->ids[t->n] = xstrdup(csv->records[i].fields[0]);
        t->tokens[t->n] = xstrdup(csv->records[i].fields[2]);
    }
    csv_destroy(csv);
    return true;
}

/* The event dir/ev published at a new central database (pg_harness_start: *pg; its conninfo
 * into admin, n bytes): the schema made and the model uploaded, as `portier central init` and
 * `portier central publish` do. The superuser's connection (central_close it), or NULL after
 * saying why. */
static inline PGconn *event_fixture_central(const char *dir, struct pg_harness **pg, char *admin,
                                            size_t n)
{
    *pg = pg_harness_start(NULL);
    if (*pg == NULL)
        return NULL;
    snprintf(admin, n, "%s", pg_harness_conninfo(*pg));
    PGconn *conn = central_connect(admin);
    char *event_db = path_join(dir, "ev/event.db");
    bool ok = conn != NULL &&
              central_migrate(conn, central_migrations, central_migration_count, NULL) &&
              central_publish(conn, event_db, false, NULL);
    free(event_db);
    if (!ok) {
        fprintf(stderr, "%s: cannot publish the event at central\n", dir);
        central_close(conn);
        return NULL;
    }
    return conn;
}

/* The event of tests/data/event ($PORTIER_TEST_DATA/event) with its badges and the kiosk
 * bundles of bundles, in a new folder event_fixture_dir(name) (*dir, owned); *t read from its
 * tokens.csv. False when a step failed. */
static inline bool event_fixture_data_event(const char *name, const char *bundles, char **dir,
                                            struct event_tokens *t)
{
    *dir = event_fixture_dir(name);
    char *csv_dir = path_join(getenv("PORTIER_TEST_DATA"), "event");
    bool ok = event_fixture_init(*dir, "Test", csv_dir, bundles) && event_fixture_tokens(*dir, t);
    free(csv_dir);
    return ok;
}

/* Removes the test's folder dir when the test passed and PORTIER_TEST_KEEP is not set; else
 * keeps it for inspection, and says so. */
static inline void event_fixture_cleanup(const char *dir, bool passed)
{
    if (dir == NULL)
        return;
    if (passed && getenv("PORTIER_TEST_KEEP") == NULL)
        test_sh("rm -rf %s", dir);
    else
        fprintf(stderr, "kept %s for inspection\n", dir);
}

/* The badge token of attendee; aborts when the fixture has no such attendee. */
static inline const char *event_fixture_token(const struct event_tokens *t, const char *attendee)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->ids[i], attendee) == 0)
            return t->tokens[i];
    }
    fprintf(stderr, "no attendee %s in the fixture\n", attendee);
    abort();
}

/* For attendees numbered PREFIX1 to PREFIXn (or PREFIX01, ...): out[k - 1] is the token of
 * attendee number k (t's), NULL when there is none. */
static inline void event_fixture_numbered(const struct event_tokens *t, const char *prefix,
                                          const char **out, size_t n)
{
    size_t len = strlen(prefix);
    memset(out, 0, n * sizeof *out);
    for (size_t i = 0; i < t->n; i++) {
        int k = strncmp(t->ids[i], prefix, len) == 0 ? atoi(t->ids[i] + len) : 0;
        if (k >= 1 && (size_t)k <= n)
            out[k - 1] = t->tokens[i];
    }
}

static inline void event_fixture_tokens_free(struct event_tokens *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->ids[i]);
        free(t->tokens[i]);
    }
    free(t->ids);
    free(t->tokens);
    *t = (struct event_tokens){0};
}

#endif
