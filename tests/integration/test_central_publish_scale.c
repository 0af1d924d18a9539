/* SPDX-License-Identifier: Apache-2.0 */
/* `portier central publish` at congress scale (issue 18): 20,000 attendees with 6 sessions
 * each publish within a statement timeout of 20 s (the registrations were once gathered by a
 * subquery per attendee over the whole registrations table: minutes at this size), and every
 * attendee gets exactly their sessions, in order, or none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "check.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "shell.h"
#include "util.h"

#define ATTENDEES 20000
#define ROOMS     20

static char tmpdir[] = "/tmp/portier-publish-scale-XXXXXX";

/* Writes rooms.csv, sessions.csv and attendees.csv into tmpdir. */
static bool write_event_csvs(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/rooms.csv", tmpdir);
    FILE *r = fopen(path, "w");
    snprintf(path, sizeof path, "%s/sessions.csv", tmpdir);
    FILE *s = fopen(path, "w");
    snprintf(path, sizeof path, "%s/attendees.csv", tmpdir);
    FILE *a = fopen(path, "w");
    if (r == NULL || s == NULL || a == NULL)
        return false;
    fprintf(r, "id,name,capacity\n");
    fprintf(s, "id,room,title,start,end\n");
    for (int i = 0; i < ROOMS; i++) {
        fprintf(r, "r%02d,Room %d,500\n", i, i);
        for (int k = 0; k < 4; k++)
            fprintf(s,
                    "s%02d-%d,r%02d,Talk,2030-05-01T%02d:00:00+02:00,"
                    "2030-05-01T%02d:30:00+02:00\n",
                    i, k, i, 9 + 2 * k, 10 + 2 * k);
    }
    fprintf(a, "id,name,organisation,email,language,category,sessions\n");
    for (int i = 0; i < ATTENDEES; i++) {
        /* Every 7th registers for nothing; the others for 6 sessions, listed out of order. */
        fprintf(a, "P%05d,Person %d,Org,,en,attendee,", i, i);
        for (int k = 5; i % 7 != 0 && k >= 0; k--)
            fprintf(a, "%ss%02d-%d", k < 5 ? ";" : "", (i + 3 * k) % ROOMS, k % 4);
        fprintf(a, "\n");
    }
    bool ok = !ferror(r) && !ferror(s) && !ferror(a);
    ok = fclose(r) == 0 && ok;
    ok = fclose(s) == 0 && ok;
    return fclose(a) == 0 && ok;
}

int main(void)
{
    CHECK(getenv("PORTIER_BIN") != NULL);
    CHECK(mkdtemp(tmpdir) != NULL);
    CHECK(write_event_csvs());
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK_MSG(pg != NULL, "no PostgreSQL cluster (see above)");
    if (pg == NULL)
        goto out;
    const char *ci = pg_harness_conninfo(pg);
    CHECK(test_sh("\"$PORTIER_BIN\" init %s/ev --name Scale --timezone Europe/Brussels "
                  "--rooms %s/rooms.csv --sessions %s/sessions.csv --attendees %s/attendees.csv "
                  ">/dev/null",
                  tmpdir, tmpdir, tmpdir, tmpdir) == 0);
    CHECK(test_sh("\"$PORTIER_BIN\" central init '%s' >/dev/null", ci) == 0);
    /* PGOPTIONS reaches the server through libpq: a statement past 20 s fails the publish. */
    CHECK_MSG(test_sh("PGOPTIONS='-c statement_timeout=20s' \"$PORTIER_BIN\" central publish "
                      "%s/ev '%s' >/dev/null",
                      tmpdir, ci) == 0,
              "the publish of %d attendees did not finish within the statement timeout", ATTENDEES);
    PGconn *c = PQconnectdb(ci);
    CHECK(PQstatus(c) == CONNECTION_OK);
    char *n = query_value(c, "SELECT count(*) FROM portier.attendees", true);
    CHECK_MSG(n != NULL && atoi(n) == ATTENDEES, "attendees at central: %s", n ? n : "?");
    free(n);
    /* P00001: rooms 1+3k with session k%4 (k = 0..5), sorted; P00007: none. */
    char *one = query_value(c,
                            "SELECT array_to_string(sessions, ' ') FROM portier.attendees "
                            "WHERE id = 'P00001'",
                            true);
    CHECK_STR(one ? one : "", "s01-0 s04-1 s07-2 s10-3 s13-0 s16-1");
    free(one);
    char *none = query_value(c,
                             "SELECT cardinality(sessions) FROM portier.attendees "
                             "WHERE id = 'P00007'",
                             true);
    CHECK_STR(none ? none : "", "0");
    free(none);
    PQfinish(c);
out:
    pg_harness_destroy(pg);
    pg_harness_rm_tree(tmpdir);
    return check_done();
}
