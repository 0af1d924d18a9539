/* SPDX-License-Identifier: Apache-2.0 */
/* Checks on a PostgreSQL database for the tests that use the real cluster (pg_harness.h):
 * a query's first value, commands that must succeed or be refused for want of a privilege,
 * connecting, and waiting for a notification. Header only; include check.h first. */
#ifndef PORTIER_PG_CHECK_H
#define PORTIER_PG_CHECK_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "util.h"

/* Returns the first value of a query's result, owned by the caller; NULL on error (printed
 * when loud). */
static inline char *query_value(PGconn *conn, const char *sql, bool loud)
{
    PGresult *res = PQexec(conn, sql);
    char *value = NULL;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
        value = xstrdup(PQgetisnull(res, 0, 0) ? "(null)" : PQgetvalue(res, 0, 0));
    else if (PQresultStatus(res) == PGRES_TUPLES_OK)
        value = xstrdup("(none)");
    else if (loud)
        fprintf(stderr, "query failed: %s\n  %s", sql, PQresultErrorMessage(res));
    PQclear(res);
    return value;
}

/* Checks that a query's first value is expected. */
#define CHECK_QUERY(conn, sql, expected)                                                           \
    do {                                                                                           \
        char *value_ = query_value((conn), (sql), true);                                           \
        CHECK_MSG(value_ != NULL && strcmp(value_, (expected)) == 0, "%s\n  got %s, expected %s",  \
                  (sql), value_ ? value_ : "(error)", (expected));                                 \
        free(value_);                                                                              \
    } while (0)

/* Runs a command; returns true when it succeeded. */
static inline bool exec_sql(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    PQclear(res);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* Runs a command that must fail with a permission or policy error; true when it did. */
static inline bool denied(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    /* 42501 insufficient_privilege (also raised by row-level security). */
    bool ok =
        PQresultStatus(res) == PGRES_FATAL_ERROR && state != NULL && strcmp(state, "42501") == 0;
    if (!ok)
        fprintf(stderr, "expected a permission error from: %s\n  got: %s %s\n", sql,
                PQresStatus(PQresultStatus(res)), PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

/* Runs sql on conn and returns its one number; -1 (and why, on stderr) on an error, no row or
 * NULL. */
static inline int64_t query_number(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    int64_t v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    else
        fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    return v;
}

/* Waits up to 10 s for a notification on conn; returns it (PQfreemem) or NULL. */
static inline PGnotify *wait_notify(PGconn *conn)
{
    for (int i = 0; i < 100; i++) {
        PQconsumeInput(conn);
        PGnotify *n = PQnotifies(conn);
        if (n != NULL)
            return n;
        struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
        poll(&p, 1, 100);
    }
    return NULL;
}

/* Connects, or returns NULL after printing why. */
static inline PGconn *connect_to(const char *conninfo)
{
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "cannot connect (%s): %s", conninfo, PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

#endif
