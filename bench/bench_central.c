/* SPDX-License-Identifier: Apache-2.0 */
/* The central database at event scale, on a throwaway PostgreSQL 15 cluster: scan upload
 * throughput and the time of each organisers' view. Prints figures; asserts nothing.
 *
 *     bench_central [ATTENDEES [SCANS]]      (default 3000 attendees, 60000 scans)
 * With BENCH_EXPLAIN=VIEW in the environment, also prints the plan of that view.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "pg_harness.h"
#include "central.h"
#include "timeutil.h"
#include "util.h"
#include "sysclock.h"

#define ROOMS       10
#define DEVICES     20
#define T_START     INT64_C(1903849200000) /* 2030-05-01T07:00:00Z */
#define EVENT_HOURS 9

/* Runs a command and exits on failure (a benchmark has nothing sensible to go on with). */
static void must(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_central: %s\n%s", sql, PQresultErrorMessage(res));
        exit(1);
    }
    PQclear(res);
}

/* Times a query that reads a whole view; prints rows and milliseconds. */
static void time_view(PGconn *conn, const char *view)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM portier.%s", view);
    int64_t t0 = time_mono_ns();
    PGresult *res = PQexec(conn, sql);
    int64_t t1 = time_mono_ns();
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_central: %s: %s", view, PQresultErrorMessage(res));
        exit(1);
    }
    printf("  %-24s %8d rows %9.1f ms\n", view, PQntuples(res), (double)(t1 - t0) / 1e6);
    PQclear(res);
}

int main(int argc, char **argv)
{
    long attendees = argc > 1 ? atol(argv[1]) : 3000;
    long n_scans = argc > 2 ? atol(argv[2]) : 60000;
    struct pg_harness *pg = pg_harness_start(NULL);
    if (pg == NULL)
        return 1;
    PGconn *conn = central_connect(pg_harness_conninfo(pg));
    int status = 1;
    if (conn == NULL || !central_migrate(conn, central_migrations, central_migration_count, NULL))
        goto out;

    /* Sessions started after init get the database's settings (jit = off). */
    PQfinish(conn);
    conn = central_connect(pg_harness_conninfo(pg));
    if (conn == NULL)
        goto out;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO portier.rooms SELECT 'room-' || i, 'Room ' || i, 200"
             " FROM generate_series(1, %d) i;"
             "INSERT INTO portier.sessions SELECT 'r' || r || '-s' || s, 'room-' || r, 'Talk',"
             " to_timestamp(%" PRId64 " / 1000.0) + (s * interval '2 hours'),"
             " to_timestamp(%" PRId64 " / 1000.0) + (s * interval '2 hours') + interval '90 min',"
             " '', '' FROM generate_series(1, %d) r, generate_series(0, 3) s;"
             "INSERT INTO portier.attendees (id, num, name, language, category, sessions)"
             " SELECT 'A' || i, i, 'Attendee ' || i, 'nl', 'attendee',"
             " ARRAY['r' || (i %% %d + 1) || '-s' || (i %% 4)] FROM generate_series(1, %ld) i;",
             ROOMS, T_START, T_START, ROOMS, ROOMS, attendees);
    must(conn, sql);

    /* Scans: attendees moving between rooms all day, from 20 kiosks; a quarter of the kiosks
     * start with an unsynchronised clock that synchronises an hour in. */
    struct scan *scans = xcalloc((size_t)n_scans, sizeof *scans);
    srand(42);
    for (long i = 0; i < n_scans; i++) {
        struct scan *s = &scans[i];
        int device = (int)(i % DEVICES);
        int room = device % ROOMS + 1;
        int64_t offset_ms = (int64_t)i * (EVENT_HOURS * 3600000LL) / n_scans;
        snprintf(s->device_id, sizeof s->device_id, "door-%d", device);
        s->db_epoch = 1;
        s->seq = i / DEVICES + 1;
        s->mono_ns = (offset_ms + 600000) * 1000000;
        s->clock_synced = device % 4 != 0 || offset_ms > 3600000;
        s->wall_ms = s->clock_synced ? T_START + offset_ms : offset_ms;
        snprintf(s->boot_id, sizeof s->boot_id, "boot-%d", device);
        snprintf(s->room, sizeof s->room, "room-%d", room);
        snprintf(s->session, sizeof s->session, "r%d-s%d", room, (int)(offset_ms / 7200000) % 4);
        snprintf(s->attendee, sizeof s->attendee, "A%ld", (long)(rand() % attendees) + 1);
        s->kind = SCAN_BADGE;
        s->result = rand() % 10 == 0 ? RESULT_DENIED : RESULT_ADMITTED;
        s->reason = s->result == RESULT_DENIED ? REASON_NOT_REGISTERED : REASON_OK;
    }
    int64_t t0 = time_mono_ns();
    for (long i = 0; i < n_scans; i += 500) {
        size_t len = (size_t)(n_scans - i < 500 ? n_scans - i : 500);
        if (central_upload_scans(conn, scans + i, len, NULL, 0) != (long)len)
            goto out;
    }
    int64_t t1 = time_mono_ns();
    long again =
        central_upload_scans(conn, scans, (size_t)(n_scans < 500 ? n_scans : 500), NULL, 0);
    int64_t t2 = time_mono_ns();
    must(conn, "ANALYZE");
    printf("central database: %d rooms, %ld attendees, %ld scans from %d kiosks\n", ROOMS,
           attendees, n_scans, DEVICES);
    printf("  upload (batches of 500)  %8.0f scans/s\n",
           (double)n_scans / ((double)(t1 - t0) / 1e9));
    printf("  re-upload of 500 (no-op) %8.1f ms, %ld new\n", (double)(t2 - t1) / 1e6, again);
    static const char *const views[] = {"scans_timed",       "attendee_location",
                                        "occupancy_now",     "attendance_by_session",
                                        "arrivals_per_5min", "conflicts"};
    for (size_t i = 0; i < ARRAY_LEN(views); i++)
        time_view(conn, views[i]);
    const char *explain = getenv("BENCH_EXPLAIN");
    if (explain != NULL) {
        snprintf(sql, sizeof sql, "EXPLAIN ANALYZE SELECT * FROM portier.%s", explain);
        PGresult *res = PQexec(conn, sql);
        for (int i = 0; i < PQntuples(res); i++)
            printf("%s\n", PQgetvalue(res, i, 0));
        PQclear(res);
    }
    free(scans);
    status = 0;
out:
    PQfinish(conn);
    pg_harness_destroy(pg);
    return status;
}
