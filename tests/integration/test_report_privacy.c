/* SPDX-License-Identifier: Apache-2.0 */
/* portier forget and purge: the name and e-mail address are gone from every table and file
 * (event.db, a kiosk bundle, the central database, the badges folder), the raw bytes of the
 * SQLite files included, and the report's counts are unchanged. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "shell.h"
#include "pg_harness.h"
#include "cli.h"
#include "privacy.h"
#include "report.h"
#include "store.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"

static char *dir;
static const char *bin;
static char conninfo[1024];

/* True when the file (and its -wal and -journal, when present) holds needle's bytes. */
static bool file_holds(const char *name, const char *needle)
{
    static const char *const suffixes[] = {"", "-wal", "-journal"};
    bool found = false;
    for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
        char *path = xasprintf("%s/%s%s", dir, name, suffixes[i]);
        size_t len;
        char *data = file_read_all(path, &len);
        if (data != NULL && memmem(data, len, needle, strlen(needle)) != NULL)
            found = true;
        if (i == 0 && data == NULL)
            fprintf(stderr, "cannot read %s\n", path);
        free(data);
        free(path);
    }
    return found;
}

/* Counts rows of every table of the schema portier whose text holds needle. */
static long central_rows_holding(const char *needle)
{
    PGconn *conn = PQconnectdb(conninfo);
    PGresult *tables = PQexec(conn, "SELECT tablename FROM pg_tables WHERE schemaname = "
                                    "'portier' ORDER BY 1");
    long total = 0;
    CHECK(PQresultStatus(tables) == PGRES_TUPLES_OK && PQntuples(tables) >= 8);
    for (int i = 0; i < PQntuples(tables); i++) {
        char *sql = xasprintf("SELECT count(*) FROM portier.%s AS t WHERE t::text LIKE '%%' || "
                              "$1 || '%%'",
                              PQgetvalue(tables, i, 0));
        const char *params[] = {needle};
        PGresult *res = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
        CHECK(PQresultStatus(res) == PGRES_TUPLES_OK);
        if (PQresultStatus(res) == PGRES_TUPLES_OK)
            total += atol(PQgetvalue(res, 0, 0));
        PQclear(res);
        free(sql);
    }
    PQclear(tables);
    PQfinish(conn);
    return total;
}

/* A few scans on 2024-04-22 (the fixture's day) in a kiosk database, and in the central one. */
static void make_scans(void)
{
    int64_t t9;
    CHECK(time_parse_iso8601("2024-04-22T09:00:00+02:00", &t9));
    static const struct {
        const char *att, *room;
        int min;
        enum scan_result result;
    } plan[] = {
        {"A0001", "entrance", -30, RESULT_ADMITTED}, {"A0002", "entrance", -20, RESULT_ADMITTED},
        {"A0003", "entrance", -10, RESULT_ADMITTED}, {"A0001", "aula", -5, RESULT_ADMITTED},
        {"A0002", "aula", 2, RESULT_ADMITTED},       {"A0003", "room-2.14", 20, RESULT_ADMITTED},
        {"A0001", "aula", 50, RESULT_EXITED},        {"A0001", "zaal_3", 62, RESULT_ADMITTED},
        {"A0002", "entrance", 200, RESULT_EXITED},
    };
    struct scan scans[ARRAY_LEN(plan)];
    for (size_t i = 0; i < ARRAY_LEN(plan); i++) {
        struct scan *s = &scans[i];
        memset(s, 0, sizeof *s);
        snprintf(s->device_id, sizeof s->device_id, "door-%s", plan[i].room);
        s->db_epoch = 77;
        s->seq = (int64_t)i + 1;
        s->wall_ms = t9 + plan[i].min * 60000;
        s->mono_ns = (int64_t)(i + 1) * 1000000000;
        snprintf(s->boot_id, sizeof s->boot_id, "b");
        s->clock_synced = true;
        snprintf(s->room, sizeof s->room, "%s", plan[i].room);
        snprintf(s->attendee, sizeof s->attendee, "%s", plan[i].att);
        s->kind = SCAN_BADGE;
        s->result = plan[i].result;
    }
    char *path = path_join(dir, "k.db");
    struct store *st = store_open(path, "collector");
    CHECK(st != NULL && store_insert_remote_scans(st, scans, ARRAY_LEN(scans)));
    store_close(st);
    free(path);
    PGconn *conn = central_connect(conninfo);
    CHECK(conn != NULL &&
          central_upload_scans(conn, scans, ARRAY_LEN(scans), NULL, 0) == (long)ARRAY_LEN(scans));
    PQfinish(conn);
}

/* Writes the report into out; true when the counts files equal those of "before". */
static bool same_counts(const char *out)
{
    CHECK(test_sh("cd %s && %s report --db k.db --event ev --out %s >/dev/null", dir, bin, out) ==
          0);
    const char *files[] = {REPORT_ATTENDANCE_CSV, REPORT_OCCUPANCY_CSV, REPORT_ARRIVALS_CSV};
    bool same = true;
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        same &= test_sh("cmp -s %s/before/%s %s/%s/%s", dir, files[i], dir, out, files[i]) == 0;
    }
    return same;
}

/* Runs a command function in this process with a NULL-terminated argument list. */
static int call(int (*cmd)(int, char **), ...)
{
    char *argv[16];
    int argc = 0;
    va_list ap;
    va_start(ap, cmd);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 15)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    fflush(stdout);
    return cmd(argc, argv);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    const char *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-privacy-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    CHECK(test_sh("cd %s && %s init ev --name Test --timezone Europe/Brussels --rooms "
                  "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && %s badges ev --out badges --format png,csv "
                  "--only A0001 --only A0002 >/dev/null && %s bundle ev --out kiosk >/dev/null",
                  dir, bin, data, data, data, bin, bin) == 0);
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK(pg != NULL);
    if (pg == NULL)
        return check_done();
    snprintf(conninfo, sizeof conninfo, "%s", pg_harness_conninfo(pg));
    PGconn *conn = central_connect(conninfo);
    char *evdb = path_join(dir, "ev/event.db");
    CHECK(conn != NULL && central_migrate(conn, central_migrations, central_migration_count, NULL));
    CHECK(central_publish(conn, evdb, false, NULL));
    PQfinish(conn);
    make_scans();
    CHECK(test_sh("cd %s && %s report --db k.db --event ev --out before >/dev/null", dir, bin) ==
          0);

    /* Before: the name is everywhere we look (the checks below can fail). */
    CHECK(file_holds("ev/event.db", "Dieudonn"));
    CHECK(file_holds("ev/event.db", "francoise@example.org"));
    CHECK(file_holds("kiosk/event.db", "Dieudonn"));
    CHECK(!file_holds("kiosk/event.db", "francoise@example.org")); /* bundles carry no e-mail */
    CHECK(file_holds("badges/tokens.csv", "Dieudonn"));
    CHECK(file_holds("before/attendees.csv", "Dieudonn"));
    CHECK(central_rows_holding("Dieudonn") == 1);
    CHECK(central_rows_holding("francoise@example.org") == 1);
    conn = PQconnectdb(conninfo);
    PGresult *res = PQexec(conn, "SELECT version FROM portier.attendees WHERE id = 'A0001'");
    long version_before = atol(PQgetvalue(res, 0, 0));
    PQclear(res);

    /* forget A0001 everywhere */
    char *ev_dir = path_join(dir, "ev"), *kiosk = path_join(dir, "kiosk");
    char *badges = path_join(dir, "badges");
    CHECK(call(cmd_forget, "forget", ev_dir, "--central", conninfo, "--bundle", kiosk, "--badges",
               badges, "A0001", NULL) == 0);
    CHECK(!file_holds("ev/event.db", "Dieudonn"));
    CHECK(!file_holds("ev/event.db", "francoise@example.org"));
    CHECK(!file_holds("ev/event.db", "Université libre"));
    CHECK(!file_holds("kiosk/event.db", "Dieudonn"));
    CHECK(file_holds("ev/event.db", "Jürgen")); /* the others stay */
    CHECK(!file_holds("badges/tokens.csv", "Dieudonn"));
    CHECK(file_holds("badges/tokens.csv", "Jürgen"));
    char *png = path_join(dir, "badges/A0001.png"), *png2 = path_join(dir, "badges/A0002.png");
    CHECK(!path_exists(png));
    CHECK(path_exists(png2));
    CHECK(central_rows_holding("Dieudonn") == 0);
    CHECK(central_rows_holding("francoise@example.org") == 0);
    CHECK(central_rows_holding("Jürgen") == 1);
    res = PQexec(conn, "SELECT version, name, num FROM portier.attendees WHERE id = 'A0001'");
    CHECK(PQntuples(res) == 1 && atol(PQgetvalue(res, 0, 0)) > version_before);
    CHECK(PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 1), PRIVACY_FORGOTTEN_NAME) == 0);
    PQclear(res);
    /* the model still loads and the report's counts are the same */
    struct event *ev = event_load(evdb);
    CHECK(ev != NULL && ev->n_attendees == 30);
    event_destroy(ev);
    CHECK(same_counts("after-forget"));
    CHECK(!file_holds("after-forget/attendees.csv", "Dieudonn"));
    CHECK(!file_holds("after-forget/report.html", "Dieudonn"));
    /* errors: an unknown id changes nothing and fails; usage */
    CHECK(call(cmd_forget, "forget", ev_dir, "NOBODY", NULL) == 1);
    CHECK(call(cmd_forget, "forget", "A0001", NULL) == 2);
    CHECK(call(cmd_forget, "forget", NULL) == 2);

    /* purge: everyone, before the end refused (the fixture's day is in the past: --force is
     * not needed) */
    CHECK(call(cmd_purge, "purge", ev_dir, "--central", conninfo, "--bundle", kiosk, "--badges",
               badges, NULL) == 0);
    CHECK(!file_holds("ev/event.db", "Jürgen"));
    CHECK(!file_holds("ev/event.db", "@example"));
    CHECK(!file_holds("kiosk/event.db", "Jürgen"));
    CHECK(!path_exists(png2));
    char *tokens = path_join(dir, "badges/tokens.csv");
    CHECK(!path_exists(tokens));
    CHECK(central_rows_holding("Jürgen") == 0);
    CHECK(central_rows_holding("@example") == 0);
    CHECK(same_counts("after-purge"));
    CHECK(!file_holds("after-purge/attendees.csv", "Jürgen"));
    CHECK(call(cmd_purge, "purge", NULL) == 2);

    PQfinish(conn);
    pg_harness_destroy(pg);
    test_sh("rm -rf %s", dir);
    free(tokens);
    free(png);
    free(png2);
    free(ev_dir);
    free(kiosk);
    free(badges);
    free(evdb);
    free(dir);
    return check_done();
}
