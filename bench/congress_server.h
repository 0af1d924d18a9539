/* SPDX-License-Identifier: Apache-2.0 */
/* The central server as bench_congress measures it (header only, static): queries, its CPU and
 * the bytes it sent on each connection. */
#ifndef PORTIER_BENCH_CONGRESS_SERVER_H
#define PORTIER_BENCH_CONGRESS_SERVER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "pg_harness.h"

static void must(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_congress: %s: %s", sql, PQresultErrorMessage(res));
        exit(1);
    }
    PQclear(res);
}

static int64_t query_i64(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    int64_t v = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1
                    ? strtoll(PQgetvalue(res, 0, 0), NULL, 10)
                    : -1;
    PQclear(res);
    return v;
}

/* CPU seconds (utime + stime) of pid and its children that are alive. */
static double server_cpu_s(pid_t postmaster)
{
    pid_t pids[1024];
    size_t n = pg_harness_children(postmaster, pids, 1023);
    pids[n++] = postmaster;
    double ticks = 0;
    for (size_t i = 0; i < n; i++) {
        char path[64], buf[1024];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pids[i]);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        const char *p = strrchr(buf, ')');
        unsigned long ut, stime;
        if (p != NULL &&
            sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stime) == 2)
            ticks += (double)(ut + stime);
    }
    return ticks / (double)sysconf(_SC_CLK_TCK);
}

/* The bytes the server sent on one established connection (ss: bytes_acked), by the pid of
 * the backend that owns it. */
struct conn_bytes {
    int pid;
    double bytes;
};

/* The server's established connections on port, at most max; returns how many. */
static size_t server_bytes_sent(int port, struct conn_bytes *out, size_t max)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ss -tnipH state established '( sport = :%d )' 2>/dev/null", port);
    FILE *p = popen(cmd, "r");
    size_t n = 0;
    if (p == NULL)
        return 0;
    char line[4096];
    int pid = 0;
    while (fgets(line, sizeof line, p) != NULL) {
        const char *u = strstr(line, "pid=");
        if (u != NULL)
            pid = atoi(u + 4);
        const char *b = strstr(line, "bytes_acked:");
        if (b != NULL && n < max)
            out[n++] = (struct conn_bytes){pid, strtod(b + 12, NULL)};
    }
    pclose(p);
    return n;
}

/* What the connection of backend pid had sent at the start (0 when it was not open yet). */
static double bytes_before(const struct conn_bytes *b0, size_t n0, int pid)
{
    for (size_t i = 0; i < n0; i++) {
        if (b0[i].pid == pid)
            return b0[i].bytes;
    }
    return 0;
}

#endif
