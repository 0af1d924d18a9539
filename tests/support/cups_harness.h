/* SPDX-License-Identifier: Apache-2.0 */
/* A throwaway CUPS scheduler for one test program (header only: include it once).
 *
 *     struct cups_harness *h = cups_harness_start();   // never skips: NULL with a reason
 *     cups_harness_add_queue(h, "labels");             // a queue on the test backend
 *     ... print to "labels" with libcups: $CUPS_SERVER points at this scheduler ...
 *     cups_harness_output(h, "labels", job, path, n);  // where job's document came out
 *     cups_harness_set_media(h, "labels", false);      // the next jobs run out of labels
 *     cups_harness_run(h, "cupsdisable", "labels");    // the queue goes offline
 *     cups_harness_destroy(h);                         // stops it, removes everything
 *
 * cupsd runs in the foreground (-f) on its own configuration in a fresh
 * /tmp/portier-cups-XXXXXX: ServerRoot, spool, logs and the socket it listens on are all in
 * there, and it allows every operation without authentication to local clients. The harness
 * sets CUPS_SERVER to that socket for this process. When the test runs as root, cupsd runs as
 * the unprivileged user "portier-test" (created with useradd when missing), as a print
 * server's jobs should.
 *
 * Queues print to a backend written here (bin/backend/portiertest, a shell script), with the
 * device URI portiertest:/DIR/QUEUE. It copies each job's document to DIR/QUEUE-job<ID>.pdf;
 * while the file DIR/QUEUE.empty exists it copies nothing and does what a label printer's
 * backend does when the roll is out: tells the scheduler STATE: +media-empty-error and exits
 * with failure (CUPS_BACKEND_FAILED); DIR/QUEUE.jam likewise reports media-jam-error. The filters
 * (/usr/lib/cups/filter) are the system's.
 *
 * cupsd gets SIGKILL when the test process dies (PR_SET_PDEATHSIG), so none outlives a failed
 * test. */
#ifndef PORTIER_CUPS_HARNESS_H
#define PORTIER_CUPS_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CUPS_HARNESS_USER "portier-test"
#define CUPS_HARNESS_PATH 512

struct cups_harness {
    char dir[64];
    char sock[CUPS_HARNESS_PATH];
    char log[CUPS_HARNESS_PATH];
    char log_client[CUPS_HARNESS_PATH]; /* the output of lpadmin, lpstat... */
    pid_t cupsd;
    bool drop_privileges;
    uid_t uid;
    gid_t gid;
};

/* Runs argv and waits, with output appended to out_path (NULL: discarded); as the harness's
 * user when as_user. Returns the exit status, -1 when it could not run. */
static inline int cups_harness_exec(const struct cups_harness *h, bool as_user, char *const argv[],
                                    const char *out_path)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (as_user && h->drop_privileges &&
            (setgroups(0, NULL) != 0 || setgid(h->gid) != 0 || setuid(h->uid) != 0))
            _exit(126);
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (in < 0 || out < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Writes text to DIR/name with mode; false on failure. */
static inline bool cups_harness_write(const struct cups_harness *h, const char *name,
                                      const char *text, mode_t mode)
{
    char path[CUPS_HARNESS_PATH];
    snprintf(path, sizeof path, "%s/%s", h->dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return false;
    bool ok = fputs(text, f) >= 0;
    ok = fclose(f) == 0 && ok;
    return ok && chmod(path, mode) == 0 &&
           (!h->drop_privileges || chown(path, h->uid, h->gid) == 0);
}

/* Makes the tree and the configuration files; false on failure. */
static inline bool cups_harness_configure(struct cups_harness *h)
{
    static const char *const dirs[] = {"bin", "bin/backend", "spool", "spool/temp",
                                       "log", "cache",       "state"};
    static const char *const links[] = {"filter", "daemon", "cgi-bin", "notifier", "monitor"};
    char path[CUPS_HARNESS_PATH], target[CUPS_HARNESS_PATH];
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(path, sizeof path, "%s/%s", h->dir, dirs[i]);
        if (mkdir(path, 0755) != 0 || (h->drop_privileges && chown(path, h->uid, h->gid) != 0))
            return false;
    }
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        snprintf(path, sizeof path, "%s/bin/%s", h->dir, links[i]);
        snprintf(target, sizeof target, "/usr/lib/cups/%s", links[i]);
        if (symlink(target, path) != 0)
            return false;
    }
    const char *backend =
        "#!/bin/sh\n"
        "# portiertest backend (tests/support/cups_harness.h)\n"
        "if [ $# -eq 0 ]; then echo 'direct portiertest \"Unknown\" \"Portier test printer\"';"
        " exit 0; fi\n"
        "out=${DEVICE_URI#portiertest:}\n"
        "if [ -e \"$out.jam\" ]; then\n"
        "  echo 'STATE: +media-jam-error' >&2\n"
        "  echo 'ERROR: a label is jammed' >&2\n"
        "  exit 1\n"
        "fi\n"
        "if [ -e \"$out.empty\" ]; then\n"
        "  echo 'STATE: +media-empty-error' >&2\n"
        "  echo 'ERROR: the label roll is empty' >&2\n"
        "  exit 1\n"
        "fi\n"
        "if [ $# -ge 6 ]; then cat \"$6\"; else cat; fi > \"$out-job$1.tmp\" || exit 1\n"
        "mv \"$out-job$1.tmp\" \"$out-job$1.pdf\"\n"
        "echo 'STATE: -media-empty-error,media-jam-error' >&2\n"
        "exit 0\n";
    struct passwd *pw = getpwuid(h->drop_privileges ? h->uid : geteuid());
    struct group *gr = getgrgid(h->drop_privileges ? h->gid : getegid());
    if (pw == NULL || gr == NULL)
        return false;
    char files[4096], conf[2048];
    snprintf(files, sizeof files,
             "FileDevice Yes\nUser %s\nGroup %s\nSystemGroup %s\nServerRoot %s\n"
             "StateDir %s/state\nCacheDir %s/cache\nDataDir /usr/share/cups\nServerBin %s/bin\n"
             "RequestRoot %s/spool\nTempDir %s/spool/temp\nAccessLog %s/log/access_log\n"
             "ErrorLog %s/log/error_log\nPageLog %s/log/page_log\n",
             pw->pw_name, gr->gr_name, gr->gr_name, h->dir, h->dir, h->dir, h->dir, h->dir, h->dir,
             h->dir, h->dir, h->dir);
    snprintf(conf, sizeof conf,
             "Listen %s\nBrowsing Off\nLogLevel debug\nDefaultAuthType None\nWebInterface No\n"
             "JobRetryInterval 1\n"
             "<Location />\nOrder allow,deny\nAllow all\n</Location>\n"
             "<Policy default>\n<Limit All>\nOrder deny,allow\n</Limit>\n</Policy>\n",
             h->sock);
    return cups_harness_write(h, "bin/backend/portiertest", backend, 0755) &&
           cups_harness_write(h, "cups-files.conf", files, 0644) &&
           cups_harness_write(h, "cupsd.conf", conf, 0644);
}

/* Prints the end of the scheduler's error log to stderr (to explain a failure). */
static inline void cups_harness_print_log(const struct cups_harness *h)
{
    FILE *f = fopen(h->log, "r");
    if (f == NULL)
        return;
    char buf[6000];
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    fprintf(stderr, "cups_harness: --- %s ---\n%s\ncups_harness: ---\n", h->log, buf);
}

/* Stops cupsd and removes the folder; NULL is a no-op. */
static inline void cups_harness_destroy(struct cups_harness *h)
{
    if (h == NULL)
        return;
    if (h->cupsd > 0) {
        kill(h->cupsd, SIGTERM);
        waitpid(h->cupsd, NULL, 0);
    }
    if (getenv("PORTIER_KEEP_CUPS") == NULL) {
        char *argv[] = {"rm", "-rf", h->dir, NULL};
        cups_harness_exec(h, false, argv, NULL);
    } else {
        fprintf(stderr, "cups_harness: kept %s\n", h->dir);
    }
    free(h);
}

/* Starts cupsd and waits until it answers (lpstat -r); NULL after saying why. */
static inline struct cups_harness *cups_harness_start(void)
{
    struct cups_harness *h = calloc(1, sizeof *h);
    snprintf(h->dir, sizeof h->dir, "/tmp/portier-cups-XXXXXX");
    if (mkdtemp(h->dir) == NULL) {
        fprintf(stderr, "cups_harness: mkdtemp: %s\n", strerror(errno));
        free(h);
        return NULL;
    }
    snprintf(h->sock, sizeof h->sock, "%s/cups.sock", h->dir);
    snprintf(h->log, sizeof h->log, "%s/log/error_log", h->dir);
    snprintf(h->log_client, sizeof h->log_client, "%s/log/client.out", h->dir);
    h->drop_privileges = geteuid() == 0;
    if (h->drop_privileges) {
        struct passwd *pw = getpwnam(CUPS_HARNESS_USER);
        if (pw == NULL) {
            char *argv[] = {
                "/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                CUPS_HARNESS_USER,   NULL};
            cups_harness_exec(h, false, argv, NULL); /* may lose a race with another test */
            pw = getpwnam(CUPS_HARNESS_USER);
        }
        if (pw == NULL) {
            fprintf(stderr, "cups_harness: running as root, and cannot create the user %s\n",
                    CUPS_HARNESS_USER);
            goto fail;
        }
        h->uid = pw->pw_uid;
        h->gid = pw->pw_gid;
        if (chown(h->dir, h->uid, h->gid) != 0 || chmod(h->dir, 0755) != 0)
            goto fail;
    }
    if (!cups_harness_configure(h)) {
        fprintf(stderr, "cups_harness: cannot write the configuration in %s: %s\n", h->dir,
                strerror(errno));
        goto fail;
    }
    setenv("CUPS_SERVER", h->sock, 1);
    pid_t parent = getpid();
    h->cupsd = fork();
    if (h->cupsd == 0) {
        if (h->drop_privileges &&
            (setgroups(0, NULL) != 0 || setgid(h->gid) != 0 || setuid(h->uid) != 0))
            _exit(126);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* after setuid, which clears it */
        if (getppid() != parent)
            _exit(126);
        char out[CUPS_HARNESS_PATH], files[CUPS_HARNESS_PATH], conf[CUPS_HARNESS_PATH];
        snprintf(out, sizeof out, "%s/log/cupsd.out", h->dir);
        snprintf(files, sizeof files, "%s/cups-files.conf", h->dir);
        snprintf(conf, sizeof conf, "%s/cupsd.conf", h->dir);
        int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", NULL};
        execle("/usr/sbin/cupsd", "cupsd", "-f", "-c", conf, "-s", files, (char *)NULL, env);
        _exit(127);
    }
    if (h->cupsd < 0)
        goto fail;
    for (int i = 0; i < 100; i++) {
        char *argv[] = {"lpstat", "-r", NULL};
        if (cups_harness_exec(h, false, argv, NULL) == 0)
            return h;
        if (waitpid(h->cupsd, NULL, WNOHANG) == h->cupsd) {
            h->cupsd = 0;
            break;
        }
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    fprintf(stderr, "cups_harness: cupsd did not start in %s\n", h->dir);
    cups_harness_print_log(h);
fail:
    cups_harness_destroy(h);
    return NULL;
}

/* Runs a CUPS command on a queue (cupsdisable, cupsenable, cupsreject...); true on success. */
static inline bool cups_harness_run(const struct cups_harness *h, const char *command,
                                    const char *queue)
{
    char *argv[] = {(char *)command, (char *)queue, NULL};
    return cups_harness_exec(h, false, argv, NULL) == 0;
}

/* Adds an enabled queue on the test backend; true on success. */
static inline bool cups_harness_add_queue(const struct cups_harness *h, const char *queue)
{
    char uri[CUPS_HARNESS_PATH + 32];
    snprintf(uri, sizeof uri, "portiertest:%s/%s", h->dir, queue);
    char *argv[] = {"lpadmin", "-p", (char *)queue, "-v", uri, "-E", NULL};
    char *check[] = {"lpstat", "-p", (char *)queue, NULL};
    /* A scheduler that just started may still be busy loading its filters: try for 10 s. */
    for (int i = 0; i < 100; i++) {
        if (cups_harness_exec(h, false, argv, h->log_client) == 0 &&
            cups_harness_exec(h, false, check, h->log_client) == 0)
            return true;
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    fprintf(stderr, "cups_harness: cannot add the queue %s (see %s)\n", queue, h->log_client);
    return false;
}

/* Makes the queue's backend fail as `what` says ("empty": out of labels, "jam": a label
 * jammed) while on is true; false puts it right. */
static inline bool cups_harness_set_fault(const struct cups_harness *h, const char *queue,
                                          const char *what, bool empty)
{
    char name[CUPS_HARNESS_PATH], path[CUPS_HARNESS_PATH * 2];
    snprintf(name, sizeof name, "%s.%s", queue, what);
    if (empty)
        return cups_harness_write(h, name, "", 0644);
    snprintf(path, sizeof path, "%s/%s", h->dir, name);
    return unlink(path) == 0 || errno == ENOENT;
}

/* Makes the queue's backend run out of labels (true) or have them again (false). */
static inline bool cups_harness_set_empty(const struct cups_harness *h, const char *queue,
                                          bool empty)
{
    return cups_harness_set_fault(h, queue, "empty", empty);
}

/* The path where job's document comes out (it exists once the backend finished). */
static inline void cups_harness_output(const struct cups_harness *h, const char *queue, int job,
                                       char *path, size_t n)
{
    snprintf(path, n, "%s/%s-job%d.pdf", h->dir, queue, job);
}

#endif
