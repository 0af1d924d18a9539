/* SPDX-License-Identifier: Apache-2.0 */
/* `portier sync --hint-interval MS` (issue 18, docs/scale.md): at congress size every kiosk
 * pulling on every notification saturates the central server, and a longer hint interval is
 * what keeps it up. Against a real PostgreSQL: a daemon started with --hint-interval 2000 pulls
 * at most once per 2 s through 3 s of notifications (the default, 250 ms, pulls a dozen times). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "check.h"
#include "pg_harness.h"
#include "shell.h"
#include "sysclock.h"
#include "util.h"
#include "file.h"

static char tmpdir[] = "/tmp/portier-sync-hint-XXXXXX";

/* The number of pulls of scans the daemon's verbose log holds. */
static int pulls_logged(const char *log)
{
    char *text = file_read_all(log, NULL);
    int n = 0;
    for (const char *p = text; p != NULL && (p = strstr(p, "sync: pulling scans")) != NULL; p++)
        n++;
    free(text);
    return n;
}

int main(void)
{
    const char *bin = getenv("PORTIER_BIN"), *data = getenv("PORTIER_TEST_DATA");
    CHECK(bin != NULL && data != NULL && mkdtemp(tmpdir) != NULL);
    struct pg_harness *pg = pg_harness_start(NULL);
    CHECK_MSG(pg != NULL, "no PostgreSQL cluster (see above)");
    if (pg == NULL || bin == NULL || data == NULL)
        goto out;
    const char *ci = pg_harness_conninfo(pg);
    CHECK(test_sh("cd %s && \"$PORTIER_BIN\" init ev --name Hint --timezone Europe/Brussels "
                  "--rooms %s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && \"$PORTIER_BIN\" bundle ev --out kiosk "
                  ">/dev/null && \"$PORTIER_BIN\" central init '%s' >/dev/null && "
                  "\"$PORTIER_BIN\" central publish ev '%s' >/dev/null && \"$PORTIER_BIN\" "
                  "central add-device '%s' door-h | tail -1 >conninfo.txt",
                  tmpdir, data, data, data, ci, ci, ci) == 0);
    char *conn_path = path_join(tmpdir, "conninfo.txt");
    char *conninfo = file_read_all(conn_path, NULL);
    free(conn_path);
    CHECK(conninfo != NULL && strstr(conninfo, "user=door-h") != NULL);
    if (conninfo == NULL)
        goto out;
    conninfo[strcspn(conninfo, "\n")] = '\0';
    char *kiosk = path_join(tmpdir, "kiosk"), *db = path_join(tmpdir, "door-h.db");
    char *log = path_join(tmpdir, "sync.log");
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = freopen(log, "w", stderr);
        (void)f;
        execl(bin, bin, "sync", kiosk, "--device", "door-h", "--db", db, "--central", conninfo,
              "--poll-interval", "3600000", "--hint-interval", "2000", "--verbose", (char *)NULL);
        _exit(127);
    }
    /* Connected and past its first pull. */
    for (int tries = 0; tries < 400 && pulls_logged(log) < 1; tries++)
        test_sleep_ms(50);
    test_sleep_ms(2500);
    PGconn *c = PQconnectdb(ci);
    CHECK(PQstatus(c) == CONNECTION_OK);
    int before = pulls_logged(log);
    int64_t start = time_mono_ns();
    while (time_mono_ns() - start < 3000000000LL && PQstatus(c) == CONNECTION_OK) {
        PQclear(PQexec(c, "NOTIFY portier_scans, 'door-x'"));
        test_sleep_ms(5);
    }
    test_sleep_ms(500);
    int pulls = pulls_logged(log) - before;
    int64_t elapsed_ms = (time_mono_ns() - start) / 1000000;
    printf("%d pulls in %lld ms of notifications, hint interval 2000 ms\n", pulls,
           (long long)elapsed_ms);
    CHECK_MSG(pulls >= 1, "the daemon did not pull on notifications (log: %s)", log);
    CHECK_MSG(pulls <= (int)(elapsed_ms / 2000) + 2, "%d pulls in %lld ms", pulls,
              (long long)elapsed_ms);
    PQfinish(c);
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(kiosk);
    free(db);
    free(log);
    free(conninfo);
out:
    pg_harness_destroy(pg);
    pg_harness_rm_tree(tmpdir);
    return check_done();
}
