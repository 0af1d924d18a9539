/* SPDX-License-Identifier: Apache-2.0 */
/* portier dashboard under load, on a throwaway PostgreSQL 15 cluster: CLIENTS event-stream
 * clients on /api/rooms/stream; ROUNDS scans committed at central, one every 250 ms; for each,
 * the time until every client has the room's new number. Prints p50, p99 and max over all
 * (round, client) pairs, and the server's peak RSS and CPU. Asserts nothing.
 *
 *     bench_dashboard [CLIENTS [ROUNDS [SCANS]]]   (default 300 clients, 40 rounds, 20000
 *                                                   scans already in the log)
 * PORTIER_BIN names the program (default: ../portier next to this benchmark).
 *
 *     bench_dashboard probe CONNINFO PORT ROOM
 * A dashboard already running on 127.0.0.1:PORT (`portier dashboard --public-feed`) on the
 * central database CONNINFO, read while something else loads them (bench_congress, DASHBOARD=1):
 * every second commits a manual +1 into ROOM (device "dashprobe"; ROOM must count nothing
 * else: a room whose admissions have all expired), and GETs /api/rooms every 100 ms, every
 * 10 ms while a +1 is not shown yet. At SIGTERM prints the GET's latency (p50, p99, max) and
 * the staleness: from each +1's commit to the first answer showing it (up to 10 ms of it is
 * the polling).
 */
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "http_client.h"
#include "pg_harness.h"
#include "sysclock.h"
#include "util.h"

static void must(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_dashboard: %s\n%s", sql, PQresultErrorMessage(res));
        exit(1);
    }
    PQclear(res);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* CPU seconds (user + system) the process has used so far. */
static double cpu_seconds(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL || fgets(buf, sizeof buf, f) == NULL) {
        if (f)
            fclose(f);
        return 0;
    }
    fclose(f);
    unsigned long ut = 0, st = 0;
    const char *p = strrchr(buf, ')');
    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* A line of /proc/PID/status, e.g. "VmHWM", in kB. */
static long status_kb(pid_t pid, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, key, strlen(key)) == 0)
            sscanf(line + strlen(key) + 1, "%ld", &kb);
    }
    if (f)
        fclose(f);
    return kb;
}

/* The event: 15 rooms, published; SCANS admissions already in the log. The attendees of the
 * scans (A0..A4999, and B0.. for the rounds') are in the model: central counts no one else. */
static void make_event(const char *bin, const char *dir, PGconn *conn, int scans, int rounds)
{
    struct strbuf sb = {0};
    strbuf_printf(&sb,
                  "cd %s && printf 'id,name,capacity\\n' > rooms.csv && for i in $(seq 1 15); do "
                  "echo \"r$i,Room $i,100000\" >> rooms.csv; done && "
                  "printf 'id,room,title,start,end\\n' > sessions.csv && "
                  "printf 'id,name,organisation,email,language,category,sessions\\n"
                  "P1,A,,,en,attendee,\\n' > attendees.csv && for i in $(seq 0 4999); do "
                  "echo \"A$i,A$i,,,en,attendee,\"; done >> attendees.csv && "
                  "for i in $(seq 0 %d); do echo \"B$i,B$i,,,en,attendee,\"; done "
                  ">> attendees.csv && %s init ev --name Bench "
                  "--timezone Europe/Brussels --rooms rooms.csv --sessions sessions.csv "
                  "--attendees attendees.csv >/dev/null",
                  dir, rounds, bin);
    if (system(sb.data) != 0) {
        fprintf(stderr, "bench_dashboard: cannot make the event\n");
        exit(1);
    }
    strbuf_finish(&sb);
    char *db = xasprintf("%s/ev/event.db", dir);
    if (!central_migrate(conn, central_migrations, central_migration_count, NULL) ||
        !central_publish(conn, db, false, NULL))
        exit(1);
    free(db);
    char *sql = xasprintf(
        "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
        " clock_synced, room, attendee, mode, kind, result, reason)"
        " SELECT 'door' || (g %% 20), 1, g, (extract(epoch FROM now()) * 1000)::bigint - g * 100,"
        " g, 'b', true, 'r' || (1 + g %% 14), 'A' || (g %% 5000), 'entry', 'badge',"
        " CASE WHEN g %% 7 = 0 THEN 'exited' ELSE 'admitted' END, 'ok'"
        " FROM generate_series(1, %d) AS g",
        scans);
    must(conn, sql);
    free(sql);
    must(conn, "ANALYZE");
}

static volatile sig_atomic_t probe_stop;

static void on_term(int sig)
{
    (void)sig;
    probe_stop = 1;
}

/* Prints p50, p99 and max of the n values v (ns) in ms, sorting them. */
static void print_ms(const char *what, int64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_i64);
    if (n == 0)
        printf("  %s: none\n", what);
    else
        printf("  %s (%zu): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", what, n,
               (double)v[n / 2] / 1e6, (double)v[(n - 1) * 99 / 100] / 1e6, (double)v[n - 1] / 1e6);
}

/* bench_dashboard probe CONNINFO PORT ROOM (above). */
static int probe(const char *conninfo, int port, const char *room)
{
    signal(SIGTERM, on_term);
    PGconn *conn = central_connect(conninfo);
    if (conn == NULL)
        return 1;
    enum { CAP = 100000 };
    int64_t *commit = xcalloc(CAP, sizeof *commit), *stale = xcalloc(CAP, sizeof *stale);
    int64_t *get = xcalloc(CAP, sizeof *get);
    size_t k = 0, shown = 0, n_get = 0, failed = 0;
    char *key = xasprintf("\"room\":\"%s\",", room);
    int64_t next_probe = time_mono_ns();
    while (!probe_stop && n_get < CAP) {
        int64_t g0 = time_mono_ns();
        if (g0 >= next_probe && k < CAP) {
            char *sql = xasprintf(
                "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms, mono_ns, boot_id,"
                " clock_synced, room, mode, kind, result, reason) VALUES ('dashprobe', 1, %zu,"
                " (extract(epoch FROM now()) * 1000)::bigint, %zu, 'b', true, '%s', 'entry',"
                " 'manual', 'admitted', 'ok')",
                k + 1, k + 1, room);
            must(conn, sql);
            free(sql);
            commit[k++] = time_mono_ns();
            next_probe += INT64_C(1000000000);
            g0 = time_mono_ns();
        }
        char *body = NULL;
        int st = http_get(port, "/api/rooms", "", &body);
        int64_t g1 = time_mono_ns();
        const char *at = st == 200 && body != NULL ? strstr(body, key) : NULL;
        const char *occ = at != NULL ? strstr(at, "\"occupancy\":") : NULL;
        if (occ == NULL) {
            failed++;
        } else {
            get[n_get++] = g1 - g0;
            for (long n = atol(occ + 12); shown < k && (long)shown < n; shown++)
                stale[shown] = g1 - commit[shown];
        }
        free(body);
        int64_t left = g0 + (shown < k ? 10 : 100) * INT64_C(1000000) - time_mono_ns();
        if (left > 0)
            usleep((useconds_t)(left / 1000));
    }
    printf("portier dashboard under load (GET /api/rooms every 100 ms, 10 ms while a +1 is not "
           "shown; a +1 into %s every s):\n",
           room);
    print_ms("GET /api/rooms, request to whole answer", get, n_get);
    print_ms("staleness, +1 committed to the first answer showing it", stale, shown);
    printf("  %zu of %zu +1s never shown before the end; %zu GETs failed\n", k - shown, k, failed);
    fflush(stdout);
    free(key);
    free(commit);
    free(stale);
    free(get);
    central_close(conn);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "probe") == 0)
        return probe(argv[2], atoi(argv[3]), argv[4]);
    int clients = argc > 1 ? atoi(argv[1]) : 300;
    int rounds = argc > 2 ? atoi(argv[2]) : 40;
    int scans = argc > 3 ? atoi(argv[3]) : 20000;
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl = {4096, 4096};
    setrlimit(RLIMIT_NOFILE, &rl);
    char self[4096];
    snprintf(self, sizeof self, "%s", argv[0]);
    char *rel = xasprintf("%s/../portier", dirname(self));
    char *bin_default = realpath(rel, NULL);
    free(rel);
    const char *bin = getenv("PORTIER_BIN") ? getenv("PORTIER_BIN") : bin_default;
    if (bin == NULL) {
        fprintf(stderr, "bench_dashboard: no portier program: set PORTIER_BIN\n");
        return 1;
    }
    char tmpl[] = "/tmp/portier-bench-dash-XXXXXX";
    const char *dir = mkdtemp(tmpl);
    struct pg_harness *pg = pg_harness_start(NULL);
    if (pg == NULL || dir == NULL)
        return 1;
    PGconn *conn = central_connect(pg_harness_conninfo(pg));
    if (conn == NULL)
        return 1;
    make_event(bin, dir, conn, scans, rounds);

    int port = pg_harness_free_port();
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execl(bin, bin, "dashboard", "--central", pg_harness_conninfo(pg), "--listen", listen,
              "--public-feed", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        char *body = NULL;
        int st = http_get(port, "/api/status", "", &body);
        bool up = st == 200 && strstr(body, "\"connected\":true") != NULL;
        free(body);
        if (up)
            break;
        usleep(50000);
    }
    long rss_idle = status_kb(pid, "VmRSS:");

    int *fds = xcalloc((size_t)clients, sizeof *fds);
    struct strbuf *in = xcalloc((size_t)clients, sizeof *in);
    size_t *from = xcalloc((size_t)clients, sizeof *from);
    for (int c = 0; c < clients; c++) {
        fds[c] = http_stream(port, "/api/rooms/stream");
        if (fds[c] < 0 || http_stream_wait(fds[c], &in[c], 0, "\"room\":\"r9\"", 10000) < 0) {
            fprintf(stderr, "bench_dashboard: client %d did not get the rooms\n", c);
            return 1;
        }
        from[c] = in[c].len;
    }
    printf("%d event-stream clients connected; %d scans in the log; %d rounds\n", clients, scans,
           rounds);
    int64_t *lat = xcalloc((size_t)clients * (size_t)rounds, sizeof *lat);
    size_t n_lat = 0;
    double cpu0 = cpu_seconds(pid);
    int64_t wall0 = time_mono_ns();
    for (int r = 0; r < rounds; r++) {
        /* Room r15 starts empty: its count after this round is r + 1. */
        char *sql = xasprintf("INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms,"
                              " mono_ns, boot_id, clock_synced, room, attendee, mode, kind,"
                              " result, reason) VALUES ('bench', 1, %d,"
                              " (extract(epoch FROM now()) * 1000)::bigint, %d, 'b', true, 'r15',"
                              " 'B%d', 'entry', 'badge', 'admitted', 'ok')",
                              r + 1, r + 1, r);
        char *want = xasprintf("\"room\":\"r15\",\"name\":\"Room 15\",\"occupancy\":%d,", r + 1);
        int64_t t0 = time_mono_ns();
        must(conn, sql);
        int pending = clients;
        bool *done = xcalloc((size_t)clients, sizeof *done);
        while (pending > 0 && time_mono_ns() - t0 < INT64_C(10000000000)) {
            struct pollfd *p = xcalloc((size_t)clients, sizeof *p);
            for (int c = 0; c < clients; c++)
                p[c] = (struct pollfd){.fd = done[c] ? -1 : fds[c], .events = POLLIN};
            poll(p, (nfds_t)clients, 100);
            for (int c = 0; c < clients; c++) {
                if (done[c] || !(p[c].revents & POLLIN))
                    continue;
                http_read_some(fds[c], &in[c], 0);
                strbuf_putc(&in[c], '\0');
                in[c].len--;
                char *hit = strstr(in[c].data + from[c], want);
                if (hit != NULL) {
                    lat[n_lat++] = time_mono_ns() - t0;
                    done[c] = true;
                    pending--;
                    strbuf_reset(&in[c]);
                    from[c] = 0;
                }
            }
            free(p);
        }
        if (pending > 0)
            printf("round %d: %d clients missed the event within 10 s\n", r, pending);
        free(done);
        free(sql);
        free(want);
        usleep(250000);
    }
    double cpu = cpu_seconds(pid) - cpu0;
    double wall = (double)(time_mono_ns() - wall0) / 1e9;
    qsort(lat, n_lat, sizeof *lat, cmp_i64);
    if (n_lat > 0)
        printf("commit at central -> event in each client (%zu samples): p50 %.1f ms, p99 %.1f "
               "ms, max %.1f ms\n",
               n_lat, (double)lat[n_lat / 2] / 1e6, (double)lat[(n_lat * 99) / 100] / 1e6,
               (double)lat[n_lat - 1] / 1e6);
    printf("server: RSS %ld kB idle, %ld kB with the clients (peak %ld kB); CPU %.2f s in %.1f s "
           "(%.1f %% of one core), %ld threads\n",
           rss_idle, status_kb(pid, "VmRSS:"), status_kb(pid, "VmHWM:"), cpu, wall,
           100.0 * cpu / wall, status_kb(pid, "Threads:"));
    for (int c = 0; c < clients; c++) {
        close(fds[c]);
        strbuf_finish(&in[c]);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    central_close(conn);
    pg_harness_destroy(pg);
    char *rm = xasprintf("rm -rf %s", dir);
    if (system(rm) != 0)
        fprintf(stderr, "bench_dashboard: cannot remove %s\n", dir);
    free(rm);
    free(lat);
    free(fds);
    free(in);
    free(from);
    free(bin_default);
    return 0;
}
