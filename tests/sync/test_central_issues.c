/* SPDX-License-Identifier: Apache-2.0 */
/* The central checks of badges issued at the door (sync/schema/011_issued_badges.sql), in a
 * real PostgreSQL: a device inserts only its own issues; a walk-in outside its key's range
 * (forged), one signed with another device's key, one of a revoked key and a reprint that does
 * not revoke the current serial are refused with check_violation (which the sync daemon
 * quarantines) and change nothing; a good walk-in and reprint merge into attendees and
 * revocations with new versions, once however often they are uploaded. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "privacy.h"
#include "util.h"

#define KEY_A "aa00000000000000000000000000000000000000000000000000000000000000"
#define KEY_B "bb00000000000000000000000000000000000000000000000000000000000000"
#define CERT                                                                                       \
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000"       \
    "000000000000000000000000000000000000000000"

static PGconn *super, *device;

/* An issue of door-a (seq, kind, attendee, num, serial, key). */
static struct store_issue issue(int64_t seq, enum store_issue_kind kind, const char *attendee,
                                uint32_t num, uint32_t serial, const char *key)
{
    struct store_issue is = {.seq = seq, .kind = kind, .num = num, .serial = serial};
    snprintf(is.attendee, sizeof is.attendee, "%s", attendee);
    snprintf(is.public_key, sizeof is.public_key, "%s", key);
    snprintf(is.staff, sizeof is.staff, "A0007");
    is.wall_ms = 1713772800000;
    if (kind == STORE_ISSUE_WALKIN) {
        snprintf(is.name, sizeof is.name, "Zoë Walkin");
        snprintf(is.language, sizeof is.language, "nl");
        snprintf(is.category, sizeof is.category, "attendee");
    }
    return is;
}

/* Uploads is as door-a; returns the rows inserted (-1: refused), with the SQLSTATE and the
 * message in why. */
static long upload(const struct store_issue *is, char sqlstate[6], char *why, size_t n)
{
    return central_upload_issue(device, "door-a", 42, is, why, n, sqlstate);
}

/* is is refused with check_violation and a message holding part. */
static void check_refused(const struct store_issue *is, const char *part)
{
    char why[512] = "", state[6] = "";
    CHECK_MSG(upload(is, state, why, sizeof why) < 0 && strcmp(state, "23514") == 0 &&
                  central_refuses_content(state) && strstr(why, part) != NULL,
              "issue %lld: %s %s", (long long)is->seq, state, why);
}

static void run(const struct pg_harness *pg)
{
    super = central_connect(pg_harness_conninfo(pg));
    CHECK(super != NULL &&
          central_migrate(super, central_migrations, central_migration_count, NULL));
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    char *conninfo = central_add_login(super, CENTRAL_DEVICE, "door-a", CENTRAL_AUTH_PASSWORD, NULL,
                                       0, "127.0.0.1", port);
    CHECK(conninfo != NULL);
    device = conninfo ? central_connect(conninfo) : NULL;
    CHECK(device != NULL);
    if (device == NULL)
        return;
    CHECK(exec_sql(super,
                   "INSERT INTO portier.attendees (id, num, name, language, category, serial)"
                   " VALUES ('A0003', 3, 'Ngọc Anh', 'en', 'attendee', 0)"));
    /* Before its key is published, nothing door-a issued is taken. */
    struct store_issue w = issue(1, STORE_ISSUE_WALKIN, "W1000", 1000, 0, KEY_A);
    check_refused(&w, "not a published key of device \"door-a\"");
    CHECK(exec_sql(super,
                   "INSERT INTO portier.device_keys (public_key, device, first_num, last_num, cert,"
                   " created_at) VALUES ('" KEY_A "', 'door-a', 1000, 1009, '" CERT "', 'x'),"
                   " ('" KEY_B "', 'desk-b', 1010, 1019, '" CERT "', 'x')"));
    /* A forged range: a number of another device's range, or none. */
    struct store_issue forged = issue(2, STORE_ISSUE_WALKIN, "W1010", 1010, 0, KEY_A);
    check_refused(&forged, "outside the range W1000..W1009");
    struct store_issue renamed = issue(3, STORE_ISSUE_WALKIN, "A0099", 1001, 0, KEY_A);
    check_refused(&renamed, "outside the range");
    /* Another device's key. */
    struct store_issue stolen = issue(4, STORE_ISSUE_WALKIN, "W1011", 1011, 0, KEY_B);
    check_refused(&stolen, "not a published key of device \"door-a\"");
    /* A reprint that does not revoke the current badge. */
    struct store_issue skip = issue(5, STORE_ISSUE_REPRINT, "A0003", 3, 2, KEY_A);
    check_refused(&skip, "it revoked serial 1, but the current badge is serial 0");
    CHECK_QUERY(super, "SELECT count(*) FROM portier.issues", "0");
    CHECK_QUERY(super, "SELECT count(*) FROM portier.revocations", "0");

    /* Good ones merge, once. */
    char why[512], state[6];
    CHECK(upload(&w, state, why, sizeof why) == 1);
    CHECK(upload(&w, state, why, sizeof why) == 0);
    CHECK_QUERY(super,
                "SELECT name || '/' || num || '/' || serial FROM portier.attendees"
                " WHERE id = 'W1000'",
                "Zoë Walkin/1000/0");
    struct store_issue r = issue(6, STORE_ISSUE_REPRINT, "A0003", 3, 1, KEY_A);
    CHECK(upload(&r, state, why, sizeof why) == 1);
    CHECK(upload(&r, state, why, sizeof why) == 0);
    CHECK_QUERY(super, "SELECT serial FROM portier.attendees WHERE id = 'A0003'", "1");
    CHECK_QUERY(super, "SELECT string_agg(num || '/' || serial, ',') FROM portier.revocations",
                "3/0");
    /* The same walk-in again under another seq: its id is taken. */
    struct store_issue twice = issue(7, STORE_ISSUE_WALKIN, "W1000", 1000, 0, KEY_A);
    check_refused(&twice, "exists already");
    /* Only its own rows: another device id is refused by row-level security (not content). */
    r.seq = 8;
    long rows = central_upload_issue(device, "desk-b", 42, &r, why, sizeof why, state);
    CHECK_MSG(rows < 0 && strcmp(state, "42501") == 0 && !central_refuses_content(state), "%s %s",
              state, why);
    /* A revoked key: nothing more from it. */
    CHECK(exec_sql(super, "UPDATE portier.device_keys SET revoked_at = '2024-04-22T10:00:00Z'"
                          " WHERE device = 'door-a'"));
    struct store_issue late = issue(9, STORE_ISSUE_WALKIN, "W1001", 1001, 0, KEY_A);
    check_refused(&late, "was revoked at 2024-04-22T10:00:00Z");
    CHECK_QUERY(super, "SELECT count(*) FROM portier.issues", "2");
    CHECK_QUERY(super, "SELECT count(*) FROM portier.attendees WHERE id = 'W1001'", "0");
    /* Forgetting a walk-in blanks their name in what the kiosk uploaded too. */
    size_t n = 0;
    CHECK(privacy_forget_central(super, "W1000", &n) && n == 1);
    CHECK_QUERY(super,
                "SELECT name || '/' || organisation FROM portier.issues WHERE attendee = 'W1000'",
                PRIVACY_FORGOTTEN_NAME "/");
    free(conninfo);
    PQfinish(device);
    PQfinish(super);
}

int main(void)
{
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK(pg != NULL);
    if (pg != NULL)
        run(pg);
    pg_harness_destroy(pg);
    return check_done();
}
