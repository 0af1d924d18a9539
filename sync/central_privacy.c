/* SPDX-License-Identifier: Apache-2.0 */
/* Forgetting an attendee in the central database (portier forget --central). */
#include "central.h"

#include <stdlib.h>

#include <libpq-fe.h>

#include "log.h"
#include "util.h"
#include "privacy.h"

/* The advisory lock `central publish` holds (central.c LOCK_PUBLISH): attendee versions
 * must become visible in increasing order, so a change here waits for a publish and the
 * reverse. */
#define PUBLISH_LOCK_SQL "SELECT pg_advisory_xact_lock(31647734761612659)"
_Static_assert(31647734761612659LL == 0x706f7274696573LL, "the key of central.c");

/* Runs a statement on the central database; logs and returns NULL on error. */
static PGresult *pg_exec(PGconn *conn, const char *sql, int n_params, const char *const *params)
{
    PGresult *res = PQexecParams(conn, sql, n_params, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        log_warnx("central: %s", PQresultErrorMessage(res));
        PQclear(res);
        return NULL;
    }
    return res;
}

/* Runs statements, in order; false at the first error. */
static bool pg_all(PGconn *conn, const char *const *sqls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        PGresult *res = pg_exec(conn, sqls[i], 0, NULL);
        if (res == NULL)
            return false;
        PQclear(res);
    }
    return true;
}

/* Erases in the central database. */
bool privacy_forget_central(PGconn *conn, const char *attendee_id, size_t *n)
{
    static const char *const begin[] = {"BEGIN", PUBLISH_LOCK_SQL, "SET LOCAL ROLE portier_owner",
                                        "LOCK TABLE portier.attendees IN EXCLUSIVE MODE"};
    /* The version moves on so that the kiosks' sync daemons pull the erased row. */
    const char *sql =
        attendee_id != NULL
            ? "UPDATE portier.attendees SET name = $1, organisation = '', email = NULL,"
              " version = nextval('portier.change_seq'), updated_at = now() WHERE id = $2"
            : "UPDATE portier.attendees SET name = $1, organisation = '', email = NULL,"
              " version = nextval('portier.change_seq'), updated_at = now()"
              " WHERE name <> $1 OR organisation <> '' OR email IS NOT NULL";
    const char *params[] = {PRIVACY_FORGOTTEN_NAME, attendee_id};
    PGresult *res = NULL;
    if (!pg_all(conn, begin, ARRAY_LEN(begin)))
        goto fail;
    if ((res = pg_exec(conn, sql, attendee_id != NULL ? 2 : 1, params)) == NULL)
        goto fail;
    long changed = atol(PQcmdTuples(res));
    PQclear(res);
    /* A walk-in's name is also in the record of the kiosk that registered them. */
    const char *issues_sql =
        attendee_id != NULL
            ? "UPDATE portier.issues SET name = $1, organisation = '' WHERE attendee = $2"
              " AND action = 'register'"
            : "UPDATE portier.issues SET name = $1, organisation = '' WHERE action = 'register'";
    if ((res = pg_exec(conn, issues_sql, attendee_id != NULL ? 2 : 1, params)) == NULL)
        goto fail;
    PQclear(res);
    if (attendee_id != NULL && changed == 0) {
        log_warnx("forget: no attendee with id '%s' in the central database", attendee_id);
        goto fail;
    }
    /* The central model is now newer than any event.db that has not forgotten too: a publish
     * from one would bring the data back (central_publish refuses it). */
    if ((res = pg_exec(conn, "UPDATE portier.event SET model_version = model_version + 1", 0,
                       NULL)) == NULL)
        goto fail;
    PQclear(res);
    if ((res = pg_exec(conn, "COMMIT", 0, NULL)) == NULL)
        goto fail;
    PQclear(res);
    /* The old row versions stay in the table's pages until it is rewritten. */
    static const char *const rewrite[] = {"SET ROLE portier_owner",
                                          "VACUUM (FULL) portier.attendees",
                                          "VACUUM (FULL) portier.issues", "RESET ROLE"};
    if (!pg_all(conn, rewrite, ARRAY_LEN(rewrite)))
        return false;
    if (n != NULL)
        *n = (size_t)changed;
    return true;
fail:
    PQclear(PQexec(conn, "ROLLBACK"));
    return false;
}
