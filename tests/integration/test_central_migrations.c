/* SPDX-License-Identifier: Apache-2.0 */
/* The central database's migration framework on a real PostgreSQL 15 cluster, on a database
 * of its own: the schema's steps apply forward, once, atomically, in order; it names every
 * step of sync/schema (update the list with a new step). */
#include <string.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "util.h"

/* The migration framework on its own database: steps apply forward, once, atomically. */
static void test_migrations(PGconn *super, struct pg_harness *pg)
{
    char conninfo[1024];
    CHECK(exec_sql(super, "CREATE DATABASE fw"));
    pg_harness_conninfo_db(pg, "fw", conninfo, sizeof conninfo);
    PGconn *conn = central_connect(conninfo);
    CHECK(conn != NULL);
    if (conn == NULL)
        return;
    size_t n = central_migration_count;
    /* The built-in steps and two added below. */
    struct central_migration *steps = xcalloc(n + 2, sizeof *steps);
    memcpy(steps, central_migrations, sizeof steps[0] * n);
    int applied = -1;

    CHECK(central_schema_version(conn) == 0);
    CHECK(central_migrate(conn, steps, n, &applied));
    CHECK(applied == (int)n);
    CHECK(central_schema_version(conn) == (int)n);

    /* A step added later applies forward, and once. */
    steps[n] = (struct central_migration){(int)n + 1, "00x_test",
                                          "SET LOCAL ROLE portier_owner;\n"
                                          "CREATE TABLE portier.extra (x integer);\n"
                                          "INSERT INTO portier.extra VALUES (42);\n"};
    CHECK(central_migrate(conn, steps, n + 1, &applied));
    CHECK(applied == 1);
    CHECK(central_schema_version(conn) == (int)n + 1);
    CHECK_QUERY(conn, "SELECT x FROM portier.extra", "42");
    CHECK_QUERY(conn, "SELECT tableowner FROM pg_tables WHERE tablename = 'extra'",
                "portier_owner");
    CHECK(central_migrate(conn, steps, n + 1, &applied));
    CHECK(applied == 0);
    CHECK_QUERY(conn, "SELECT count(*) FROM portier.extra", "1");

    /* A failing step leaves nothing behind: one transaction. */
    steps[n + 1] = (struct central_migration){
        (int)n + 2, "00y_broken", "CREATE TABLE portier.half (x integer);\nSELECT 1 / 0;\n"};
    CHECK(!central_migrate(conn, steps, n + 2, &applied));
    CHECK(central_schema_version(conn) == (int)n + 1);
    CHECK_QUERY(conn, "SELECT to_regclass('portier.half') IS NULL", "t");

    /* A program older than the database refuses to touch it. */
    CHECK(!central_migrate(conn, steps, n, &applied));
    /* Steps must be numbered 1, 2, ... */
    steps[n].version = (int)n + 5;
    CHECK(!central_migrate(conn, steps, n + 1, &applied));
    CHECK_QUERY(conn, "SELECT string_agg(name, ',' ORDER BY version) FROM portier.schema_version",
                "001_initial,002_device_rooms,003_database_privileges,004_model_version,005_given_"
                "time,006_kiosk_dating,007_manual_admission,008_not_today,009_dashboard_"
                "users,010_device_status,011_issued_badges,012_attendee_days,013_scan_heads,014_"
                "room_channels,015_unsynced_scans_index,016_follow_channels,00x_test");
    free(steps);
    PQfinish(conn);
}

int main(void)
{
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK_MSG(pg != NULL, "no PostgreSQL cluster (see above)");
    PGconn *super = pg != NULL ? connect_to(pg_harness_conninfo(pg)) : NULL;
    CHECK(pg == NULL || super != NULL);
    if (super != NULL)
        test_migrations(super, pg);
    PQfinish(super);
    pg_harness_destroy(pg);
    return check_done();
}
