/* SPDX-License-Identifier: Apache-2.0 */
/* A real PgBouncer in front of a pg_harness cluster, for one test program (header only;
 * include pg_harness.h first):
 *
 *     struct pgb_harness *pgb = pgb_harness_start(pg, "transaction");   // or "session"
 *     // clients connect to host=127.0.0.1 port=pgb->port with their own login and password
 *     pgb_harness_stop(pgb);
 *
 * Its files (pgbouncer.ini, the log) are in a fresh /tmp/portier-pgb-XXXXXX. It listens on a
 * free TCP port on 127.0.0.1 and checks each client's SCRAM password against the server's
 * (auth_query as "postgres", over the cluster's trusted unix socket, which is also how it
 * connects for the clients). Each login gets its own pool. Binary: /usr/sbin/pgbouncer
 * (Debian package `pgbouncer`), or $PORTIER_PGBOUNCER. As root it runs as the harness's
 * unprivileged user. It runs in the foreground as a child of the test and gets SIGTERM when
 * the test dies, however it dies.
 */
#ifndef PORTIER_PGBOUNCER_HARNESS_H
#define PORTIER_PGBOUNCER_HARNESS_H

#define PGB_HARNESS_BIN "/usr/sbin/pgbouncer"

struct pgb_harness {
    char dir[64];
    char log[PG_HARNESS_PATH];
    int port;
    pid_t pid;
};

/* Stops PgBouncer (SIGTERM, then waits) and removes its directory; NULL is a no-op. */
static inline void pgb_harness_stop(struct pgb_harness *pgb)
{
    if (pgb == NULL)
        return;
    if (pgb->pid > 0) {
        kill(pgb->pid, SIGTERM);
        waitpid(pgb->pid, NULL, 0);
    }
    if (pgb->dir[0] != '\0')
        pg_harness_rm_tree(pgb->dir);
    free(pgb);
}

/* Starts PgBouncer with pool_mode ("transaction" or "session") in front of pg; settings:
 * more lines for the [pgbouncer] section ("" for none). Returns NULL after printing why. */
static inline struct pgb_harness *pgb_harness_start(const struct pg_harness *pg,
                                                    const char *pool_mode, const char *settings)
{
    const char *bin = getenv("PORTIER_PGBOUNCER");
    bin = bin != NULL && bin[0] != '\0' ? bin : PGB_HARNESS_BIN;
    if (access(bin, X_OK) != 0) {
        pg_harness_fail("PgBouncer is not installed (no %s): install the `pgbouncer` package "
                        "(apt-get install pgbouncer) to run this test",
                        bin);
        return NULL;
    }
    struct pgb_harness *pgb = calloc(1, sizeof *pgb);
    if (pgb == NULL)
        return NULL;
    snprintf(pgb->dir, sizeof pgb->dir, "/tmp/portier-pgb-XXXXXX");
    if (mkdtemp(pgb->dir) == NULL) {
        pg_harness_fail("mkdtemp: %s", strerror(errno));
        pgb->dir[0] = '\0';
        pgb_harness_stop(pgb);
        return NULL;
    }
    if (pg->drop_privileges && chown(pgb->dir, pg->uid, pg->gid) != 0)
        pg_harness_fail("chown %s: %s", pgb->dir, strerror(errno));
    snprintf(pgb->log, sizeof pgb->log, "%s/pgbouncer.log", pgb->dir);
    char ini[PG_HARNESS_PATH];
    snprintf(ini, sizeof ini, "%s/pgbouncer.ini", pgb->dir);
    for (int attempt = 0; attempt < 5; attempt++) {
        pgb->port = pg_harness_free_port();
        FILE *f = fopen(ini, "w");
        if (f == NULL || pgb->port <= 0) {
            pg_harness_fail("cannot write %s or find a free port", ini);
            if (f != NULL)
                fclose(f);
            break;
        }
        fprintf(f,
                "[databases]\n* = host=%s port=%d\n[pgbouncer]\nlisten_addr = 127.0.0.1\n"
                "listen_port = %d\nunix_socket_dir =\nauth_type = scram-sha-256\n"
                "auth_user = postgres\n"
                "auth_query = SELECT usename, passwd FROM pg_shadow WHERE usename = $1\n"
                "pool_mode = %s\nlogfile = %s\nmax_client_conn = 1000\n%s\n",
                pg->dir, pg->port, pgb->port, pool_mode, pgb->log, settings);
        fclose(f);
        if (pg->drop_privileges && chown(ini, pg->uid, pg->gid) != 0)
            pg_harness_fail("chown %s: %s", ini, strerror(errno));
        fflush(NULL);
        pgb->pid = fork();
        if (pgb->pid == 0) {
            if (pg->drop_privileges &&
                (setgroups(0, NULL) != 0 || setgid(pg->gid) != 0 || setuid(pg->uid) != 0))
                _exit(126);
            /* After the change of user, which clears it. */
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            int null = open("/dev/null", O_RDWR);
            dup2(null, 0);
            dup2(null, 1);
            execl(bin, bin, "-q", ini, (char *)NULL);
            _exit(127);
        }
        if (pgb->pid < 0)
            break;
        char conninfo[PG_HARNESS_PATH];
        snprintf(conninfo, sizeof conninfo,
                 "host=127.0.0.1 port=%d dbname=pgbouncer user=postgres connect_timeout=2",
                 pgb->port);
        for (int tries = 0; tries < 100 && pg_harness_alive(pgb->pid); tries++) {
            /* Any answer (even "password required") means it listens. */
            if (PQping(conninfo) != PQPING_NO_RESPONSE)
                return pgb;
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        kill(pgb->pid, SIGTERM);
        waitpid(pgb->pid, NULL, 0);
        pgb->pid = 0;
    }
    pg_harness_fail("PgBouncer did not start");
    pg_harness_print_log(pgb->log);
    pgb_harness_stop(pgb);
    return NULL;
}

#endif
