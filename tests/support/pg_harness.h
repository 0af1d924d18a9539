/* SPDX-License-Identifier: Apache-2.0 */
/* A throwaway PostgreSQL 15 cluster for one test program (header only: include it once).
 *
 *     struct pg_harness *pg = pg_harness_start(NULL);    // NULL: fast, non-durable defaults
 *     CHECK(pg != NULL);                                   // never skips: fails with a reason
 *     PGconn *c = PQconnectdb(pg_harness_conninfo(pg));    // superuser, database "postgres"
 *     ...
 *     pg_harness_stop_hard(pg);  pg_harness_restart(pg);   // crash and recover
 *     pg_harness_destroy(pg);                              // stops it, removes everything
 *
 * A streaming replica (hot standby) of a primary started with .replication = true:
 *
 *     struct pg_harness *sb = pg_harness_standby_start(pg); // pg_basebackup -R, own temp dir
 *     CHECK(pg_harness_standby_caught_up(pg, sb));           // replayed all the primary wrote
 *     pg_harness_destroy(sb);
 *
 * initdb runs into a fresh /tmp/portier-pg-XXXXXX; the server listens on a unix socket in that
 * directory and on a free TCP port on 127.0.0.1. Local (socket) connections are trusted; TCP
 * connections need a password (scram-sha-256), so that tests of login roles are real.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: then initdb and the server run as
 * the unprivileged user "portier-test" (created with useradd when missing). Binaries come from
 * /usr/lib/postgresql/15/bin, or $PORTIER_PG_BINDIR.
 *
 * Should the test die without calling pg_harness_destroy (a failed assertion, a sanitizer
 * abort), a watchdog process notices and stops the cluster and removes its directory, so that
 * no server outlives the test and holds ctest's output open. The harness makes the test
 * process a child subreaper, so that the server's processes are reaped by it, never left as
 * zombies that would block a restart.
 */
#ifndef PORTIER_PG_HARNESS_H
#define PORTIER_PG_HARNESS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#define PG_HARNESS_BINDIR "/usr/lib/postgresql/15/bin"
#define PG_HARNESS_USER   "portier-test"
#define PG_HARNESS_PATH   512

struct pg_harness_options {
    /* false (the default): initdb --no-sync and fsync=off, which is fast; a commit still
     * reaches the kernel before it returns, so it survives pg_harness_stop_hard (a kill of
     * every server process), but not a crash of the machine.
     * true: fsync on everywhere, as in production. */
    bool durable;
    /* More server settings ("-c name=value ..."), after the harness's own, which they
     * override (benchmarks: "-c max_connections=400 -c shared_buffers=256MB"); NULL: none. */
    const char *settings;
    /* true: wal_level=replica and WAL senders, so that pg_harness_standby_start can make a
     * streaming replica of it (false: wal_level=minimal, no replication). */
    bool replication;
};

struct pg_harness {
    char dir[64];               /* everything: data/, the socket, logs */
    char data[PG_HARNESS_PATH]; /* the cluster's data directory */
    char log[PG_HARNESS_PATH];  /* the server's log */
    char bindir[PG_HARNESS_PATH];
    char conninfo[PG_HARNESS_PATH * 2];
    int port;
    bool durable;
    bool replication;
    char settings[256];
    bool running;
    bool drop_privileges; /* run PostgreSQL's programs as PG_HARNESS_USER */
    uid_t uid;
    gid_t gid;
    pid_t watchdog;
    int watchdog_fd; /* write end: the watchdog cleans up when it closes */
};

/* Prints a harness failure to stderr. */
static inline void pg_harness_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void pg_harness_fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "pg_harness: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Runs argv (a PostgreSQL program, or useradd) and waits; as PG_HARNESS_USER when the harness
 * drops privileges. Output is appended to out_path (or discarded when NULL). Returns the exit
 * status, or -1 when it could not run or was killed. */
static inline int pg_harness_run(const struct pg_harness *pg, bool as_user, char *const argv[],
                                 const char *out_path)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (as_user && pg->drop_privileges) {
            if (setgroups(0, NULL) != 0 || setgid(pg->gid) != 0 || setuid(pg->uid) != 0)
                _exit(126);
        }
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (in < 0 || out < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Prints the last lines of a log file to stderr (to explain a failure). */
static inline void pg_harness_print_log(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char buf[8192];
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    fprintf(stderr, "pg_harness: --- %s ---\n%s\npg_harness: ---\n", path, buf);
}

/* Makes sure PG_HARNESS_USER exists and stores its ids. */
static inline bool pg_harness_user(struct pg_harness *pg)
{
    struct passwd *pw = getpwnam(PG_HARNESS_USER);
    if (pw == NULL) {
        char *argv[] = {
            "/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
            PG_HARNESS_USER,     NULL};
        pg_harness_run(pg, false, argv, NULL); /* may lose a race with another test: fine */
        pw = getpwnam(PG_HARNESS_USER);
    }
    if (pw == NULL) {
        pg_harness_fail("running as root, and cannot create the user %s for PostgreSQL "
                        "(useradd failed)",
                        PG_HARNESS_USER);
        return false;
    }
    pg->uid = pw->pw_uid;
    pg->gid = pw->pw_gid;
    return true;
}

/* Returns a TCP port on 127.0.0.1 that is free right now, or -1. */
static inline int pg_harness_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

/* Reads the postmaster's pid from data/postmaster.pid; 0 when there is none. */
static inline pid_t pg_harness_postmaster_pid(const struct pg_harness *pg)
{
    char path[PG_HARNESS_PATH + 32];
    snprintf(path, sizeof path, "%s/postmaster.pid", pg->data);
    FILE *f = fopen(path, "r");
    long pid = 0;
    if (f != NULL) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return (pid_t)pid;
}

/* True while pid names a live process (a zombie counts as gone; ours get reaped here). */
static inline bool pg_harness_alive(pid_t pid)
{
    if (waitpid(pid, NULL, WNOHANG) == pid)
        return false;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');
    return paren != NULL && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

/* Stores up to max pids of pid's children; returns how many. */
static inline size_t pg_harness_children(pid_t parent, pid_t *out, size_t max)
{
    size_t n = 0;
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end != '\0' || pid <= 0)
            continue;
        char path[64], buf[512];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        const char *paren = strrchr(buf, ')');
        char state;
        long ppid;
        if (paren != NULL && sscanf(paren + 1, " %c %ld", &state, &ppid) == 2 &&
            ppid == (long)parent)
            out[n++] = (pid_t)pid;
    }
    closedir(d);
    return n;
}

/* Waits (up to about 30 s) until none of pids is alive. */
static inline bool pg_harness_wait_gone(const pid_t *pids, size_t n)
{
    for (int tries = 0; tries < 3000; tries++) {
        bool any = false;
        for (size_t i = 0; i < n; i++)
            any |= pids[i] > 0 && pg_harness_alive(pids[i]);
        if (!any)
            return true;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

/* Starts the server on the cluster (already made by initdb) and waits until it accepts
 * connections. */
static inline bool pg_harness_server_start(struct pg_harness *pg)
{
    char ctl[PG_HARNESS_PATH + 16], options[PG_HARNESS_PATH + 512], out[PG_HARNESS_PATH + 16];
    snprintf(ctl, sizeof ctl, "%s/pg_ctl", pg->bindir);
    snprintf(out, sizeof out, "%s/pg_ctl.log", pg->dir);
    for (int attempt = 0; attempt < 5; attempt++) {
        /* A fresh port per attempt: another process may take a free port before us. A restart
         * keeps the port its clients know, unless it is gone. */
        if (pg->port <= 0 || attempt > 0)
            pg->port = pg_harness_free_port();
        if (pg->port <= 0) {
            pg_harness_fail("no free TCP port on 127.0.0.1");
            return false;
        }
        snprintf(options, sizeof options,
                 "-k %s -p %d -c listen_addresses=127.0.0.1 -c shared_buffers=16MB "
                 "-c max_connections=40 %s%s %s",
                 pg->dir, pg->port,
                 pg->replication ? "-c max_wal_senders=4 -c wal_level=replica"
                                 : "-c max_wal_senders=0 -c wal_level=minimal",
                 pg->durable ? "" : " -c fsync=off", pg->settings);
        char *argv[] = {ctl,  "start", "-D", pg->data, "-l",    pg->log,
                        "-w", "-t",    "60", "-o",     options, NULL};
        if (pg_harness_run(pg, true, argv, out) == 0) {
            pg->running = true;
            snprintf(pg->conninfo, sizeof pg->conninfo,
                     "host=%s port=%d user=postgres dbname=postgres connect_timeout=10", pg->dir,
                     pg->port);
            return true;
        }
    }
    pg_harness_fail("pg_ctl start failed");
    pg_harness_print_log(out);
    pg_harness_print_log(pg->log);
    return false;
}

/* Removes a directory tree (symbolic links are removed, not followed). */
static inline void pg_harness_rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            size_t len = strlen(dir) + strlen(e->d_name) + 2;
            char *path = malloc(len);
            struct stat st;
            if (path == NULL)
                break;
            snprintf(path, len, "%s/%s", dir, e->d_name);
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
                pg_harness_rm_tree(path);
            else
                unlink(path);
            free(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Stops the server with pg_ctl's mode ("fast", "immediate", "smart"). */
static inline bool pg_harness_stop_mode(struct pg_harness *pg, const char *mode)
{
    if (pg == NULL || !pg->running)
        return true;
    char ctl[PG_HARNESS_PATH + 16], out[PG_HARNESS_PATH + 16];
    snprintf(ctl, sizeof ctl, "%s/pg_ctl", pg->bindir);
    snprintf(out, sizeof out, "%s/pg_ctl.log", pg->dir);
    pid_t pid = pg_harness_postmaster_pid(pg);
    char m[32];
    snprintf(m, sizeof m, "%s", mode);
    char *argv[] = {ctl, "stop", "-D", pg->data, "-m", m, "-w", "-t", "60", NULL};
    if (pg_harness_run(pg, true, argv, out) != 0) {
        pg_harness_fail("pg_ctl stop -m %s failed", mode);
        pg_harness_print_log(out);
        return false;
    }
    pg->running = false;
    if (pid > 0)
        pg_harness_wait_gone(&pid, 1);
    return true;
}

/* Stops the server cleanly (a shutdown checkpoint). */
static inline bool pg_harness_stop(struct pg_harness *pg)
{
    return pg_harness_stop_mode(pg, "fast");
}

/* Kills the server and all its processes with SIGKILL, as a power cut would: whatever was
 * not yet committed is lost, and the next start runs crash recovery. */
static inline bool pg_harness_stop_hard(struct pg_harness *pg)
{
    if (pg == NULL || !pg->running)
        return true;
    pid_t pids[256];
    pid_t postmaster = pg_harness_postmaster_pid(pg);
    if (postmaster <= 0) {
        pg_harness_fail("no postmaster.pid in %s", pg->data);
        return false;
    }
    kill(postmaster, SIGSTOP); /* no new children while we collect them */
    size_t n = pg_harness_children(postmaster, pids, sizeof pids / sizeof pids[0] - 1);
    pids[n++] = postmaster;
    for (size_t i = 0; i < n; i++)
        kill(pids[i], SIGKILL);
    pg->running = false;
    if (!pg_harness_wait_gone(pids, n)) {
        pg_harness_fail("the server's processes survived SIGKILL");
        return false;
    }
    return true;
}

/* Starts the server again (after pg_harness_stop or pg_harness_stop_hard, or stops it cleanly
 * first when it runs), on the same port when it is still free. */
static inline bool pg_harness_restart(struct pg_harness *pg)
{
    if (pg->running && !pg_harness_stop(pg))
        return false;
    return pg_harness_server_start(pg);
}

/* The watchdog: waits until the test process closes the pipe (by exiting, however it exits),
 * then stops the server and removes the directory if the test did not. */
static inline void pg_harness_watch(struct pg_harness *pg, int read_fd)
{
    for (int fd = 0; fd < 1024; fd++) {
        if (fd != read_fd)
            close(fd);
    }
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    char c;
    while (read(read_fd, &c, 1) != 0) {
        if (errno != EINTR)
            break;
    }
    struct stat st;
    if (stat(pg->dir, &st) == 0) {
        pg->running = true;
        pg_harness_stop_mode(pg, "immediate");
        pg_harness_rm_tree(pg->dir);
    }
    _exit(0);
}

/* Frees everything: stops the server (immediately: nothing it holds is needed any more),
 * removes the directory, ends the watchdog. NULL is a no-op. */
static inline void pg_harness_destroy(struct pg_harness *pg)
{
    if (pg == NULL)
        return;
    pg_harness_stop_mode(pg, "immediate");
    if (pg->dir[0] != '\0')
        pg_harness_rm_tree(pg->dir);
    if (pg->watchdog_fd >= 0)
        close(pg->watchdog_fd);
    if (pg->watchdog > 0)
        waitpid(pg->watchdog, NULL, 0);
    free(pg);
}

/* Allocates a harness with its temp directory and its watchdog, for a cluster still to be
 * made. Returns NULL after printing why. */
static inline struct pg_harness *pg_harness_new(const struct pg_harness_options *opts)
{
    struct pg_harness *pg = calloc(1, sizeof *pg);
    if (pg == NULL)
        return NULL;
    pg->watchdog_fd = -1;
    pg->durable = opts != NULL && opts->durable;
    pg->replication = opts != NULL && opts->replication;
    snprintf(pg->settings, sizeof pg->settings, "%s",
             opts != NULL && opts->settings != NULL ? opts->settings : "");
    const char *bindir = getenv("PORTIER_PG_BINDIR");
    snprintf(pg->bindir, sizeof pg->bindir, "%s", bindir && bindir[0] ? bindir : PG_HARNESS_BINDIR);
    char initdb[PG_HARNESS_PATH + 16];
    snprintf(initdb, sizeof initdb, "%s/initdb", pg->bindir);
    if (access(initdb, X_OK) != 0) {
        pg_harness_fail("PostgreSQL 15 is not installed (no %s): install the `postgresql` "
                        "package (apt-get install postgresql) to run this test",
                        initdb);
        free(pg);
        return NULL;
    }
    /* The server's processes are orphaned by pg_ctl; adopt them so that they get reaped. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    pg->drop_privileges = getuid() == 0;
    if (pg->drop_privileges && !pg_harness_user(pg)) {
        free(pg);
        return NULL;
    }
    snprintf(pg->dir, sizeof pg->dir, "/tmp/portier-pg-XXXXXX");
    if (mkdtemp(pg->dir) == NULL) {
        pg_harness_fail("mkdtemp: %s", strerror(errno));
        free(pg);
        return NULL;
    }
    if (pg->drop_privileges && chown(pg->dir, pg->uid, pg->gid) != 0) {
        pg_harness_fail("chown %s: %s", pg->dir, strerror(errno));
        goto fail;
    }
    snprintf(pg->data, sizeof pg->data, "%s/data", pg->dir);
    snprintf(pg->log, sizeof pg->log, "%s/server.log", pg->dir);

    int fds[2];
    if (pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        pg_harness_fail("pipe: %s", strerror(errno));
        goto fail;
    }
    fflush(NULL);
    pg->watchdog = fork();
    if (pg->watchdog == 0) {
        close(fds[1]);
        pg_harness_watch(pg, fds[0]);
    }
    close(fds[0]);
    pg->watchdog_fd = fds[1];
    if (pg->watchdog < 0) {
        pg_harness_fail("fork: %s", strerror(errno));
        goto fail;
    }
    return pg;
fail:
    pg_harness_destroy(pg);
    return NULL;
}

/* Runs argv (initdb, pg_basebackup: what), which makes pg's data directory, with its output
 * into out, then starts the server. Returns pg, or NULL after printing why (pg destroyed). */
static inline struct pg_harness *pg_harness_make(struct pg_harness *pg, char *const argv[],
                                                 const char *out, const char *what)
{
    if (pg_harness_run(pg, true, argv, out) != 0) {
        pg_harness_fail("%s failed", what);
        pg_harness_print_log(out);
        pg_harness_destroy(pg);
        return NULL;
    }
    if (!pg_harness_server_start(pg)) {
        pg_harness_destroy(pg);
        return NULL;
    }
    return pg;
}

/* Makes a cluster and starts it. Returns NULL after printing why (never skips: a missing
 * PostgreSQL is a failure that says what to install). */
static inline struct pg_harness *pg_harness_start(const struct pg_harness_options *opts)
{
    struct pg_harness *pg = pg_harness_new(opts);
    if (pg == NULL)
        return NULL;
    char initdb[PG_HARNESS_PATH + 16], out[PG_HARNESS_PATH + 16];
    snprintf(initdb, sizeof initdb, "%s/initdb", pg->bindir);
    snprintf(out, sizeof out, "%s/initdb.log", pg->dir);
    char *argv[] = {initdb,
                    "-D",
                    pg->data,
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    pg->durable ? NULL : "--no-sync",
                    NULL}; /* initdb syncs by default */
    return pg_harness_make(pg, argv, out, "initdb");
}

/* Makes a hot standby of primary (started with .replication = true) in its own temp
 * directory: pg_basebackup -R (which writes standby.signal and primary_conninfo, over the
 * primary's unix socket) and starts it; it then streams the primary's WAL and answers
 * read-only queries. Its settings are the primary's. Returns NULL after printing why. */
static inline struct pg_harness *pg_harness_standby_start(const struct pg_harness *primary)
{
    if (!primary->replication) {
        pg_harness_fail("a standby needs a primary started with .replication = true");
        return NULL;
    }
    struct pg_harness_options opts = {
        .durable = primary->durable, .settings = primary->settings, .replication = true};
    struct pg_harness *pg = pg_harness_new(&opts);
    if (pg == NULL)
        return NULL;
    char basebackup[PG_HARNESS_PATH + 16], out[PG_HARNESS_PATH + 16], source[PG_HARNESS_PATH];
    snprintf(basebackup, sizeof basebackup, "%s/pg_basebackup", pg->bindir);
    snprintf(out, sizeof out, "%s/basebackup.log", pg->dir);
    snprintf(source, sizeof source, "host=%s port=%d user=postgres", primary->dir, primary->port);
    char *argv[] = {basebackup,
                    "-d",
                    source,
                    "-D",
                    pg->data,
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                    pg->durable ? NULL : "--no-sync",
                    NULL};
    return pg_harness_make(pg, argv, out, "pg_basebackup");
}

/* The first value of a one-row query on conninfo, into buf; false when it failed. */
static inline bool pg_harness_value(const char *conninfo, const char *sql, char *buf, size_t size)
{
    PGconn *c = PQconnectdb(conninfo);
    PGresult *res = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
    if (ok)
        snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
    else
        pg_harness_fail("%s: %s", sql, res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
    return ok;
}

/* Waits (up to about 60 s) until standby has replayed everything primary has written so
 * far: what committed on the primary before the call is then visible on the standby. */
static inline bool pg_harness_standby_caught_up(const struct pg_harness *primary,
                                                const struct pg_harness *standby)
{
    char lsn[64], sql[160], done[8];
    if (!pg_harness_value(primary->conninfo, "SELECT pg_current_wal_lsn()", lsn, sizeof lsn))
        return false;
    snprintf(sql, sizeof sql, "SELECT pg_last_wal_replay_lsn() >= '%s'::pg_lsn", lsn);
    for (int tries = 0; tries < 600; tries++) {
        if (!pg_harness_value(standby->conninfo, sql, done, sizeof done))
            return false;
        if (strcmp(done, "t") == 0)
            return true;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    pg_harness_fail("the standby did not replay up to %s in 60 s", lsn);
    pg_harness_print_log(standby->log);
    return false;
}

/* The superuser's conninfo for the database "postgres" (unix socket). Borrowed from pg. */
static inline const char *pg_harness_conninfo(const struct pg_harness *pg)
{
    return pg->conninfo;
}

/* Writes the superuser's conninfo for database dbname into buf. */
static inline void pg_harness_conninfo_db(const struct pg_harness *pg, const char *dbname,
                                          char *buf, size_t size)
{
    snprintf(buf, size, "host=%s port=%d user=postgres dbname=%s connect_timeout=10", pg->dir,
             pg->port, dbname);
}

#endif
