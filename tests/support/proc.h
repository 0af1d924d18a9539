/* SPDX-License-Identifier: Apache-2.0 */
/* Child processes of integration tests (header only): a `portier kiosk` fed through a pipe whose
 * decision lines are read back, or a daemon writing to a log.
 *
 *     struct proc k;
 *     proc_start(&k, argv, true, true, "/tmp/x/kiosk.log");  // stdin and stdout pipes
 *     proc_feed(&k, "TOKEN\n");
 *     CHECK(proc_wait_lines(&k, 1, 10000));                  // waits on output, not on time
 *     proc_finish(&k);                                        // EOF, else SIGTERM; frees
 * Define _GNU_SOURCE before the first include (pipe2). */
#ifndef PORTIER_TEST_PROC_H
#define PORTIER_TEST_PROC_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shell.h"

#include "sysclock.h"
#include "util.h"

/* A child process: a kiosk fed through a pipe, or a daemon writing to a log. */
struct proc {
    pid_t pid;
    int in;  /* write end of its stdin, or -1 */
    int out; /* read end of its stdout, or -1 */
    struct strbuf text;
    size_t lines;
};

/* Starts argv with a stdin pipe (when feed) and a stdout pipe (when capture); stderr (and
 * stdout when not captured) go to log. */
static inline void proc_start(struct proc *p, char *const argv[], bool feed, bool capture,
                              const char *log)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    memset(p, 0, sizeof *p);
    if ((feed && pipe2(in, O_CLOEXEC) != 0) || (capture && pipe2(out, O_CLOEXEC) != 0))
        abort();
    fflush(NULL);
    p->pid = fork();
    if (p->pid == 0) {
        int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int null = open("/dev/null", O_RDONLY);
        dup2(feed ? in[0] : null, 0);
        dup2(capture ? out[1] : logfd, 1);
        dup2(logfd, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    p->in = in[1];
    p->out = out[0];
    if (feed)
        close(in[0]);
    if (capture) {
        close(out[1]);
        fcntl(p->out, F_SETFL, O_NONBLOCK);
    }
}

/* Reads what the process printed so far. */
static inline void proc_read(struct proc *p)
{
    char buf[8192];
    ssize_t n;
    while (p->out >= 0 && (n = read(p->out, buf, sizeof buf)) > 0) {
        strbuf_append(&p->text, buf, (size_t)n);
        for (ssize_t i = 0; i < n; i++)
            p->lines += buf[i] == '\n';
    }
}

/* Waits (up to timeout_ms) until the process printed at least lines lines. */
static inline bool proc_wait_lines(struct proc *p, size_t lines, int timeout_ms)
{
    int64_t deadline = time_mono_ns() + (int64_t)timeout_ms * 1000000;
    for (;;) {
        proc_read(p);
        if (p->lines >= lines)
            return true;
        if (time_mono_ns() > deadline)
            return false;
        struct pollfd fd = {.fd = p->out, .events = POLLIN};
        poll(&fd, 1, 20);
    }
}

/* Writes a line to the process's stdin. */
static inline void proc_feed(struct proc *p, const char *line)
{
    size_t len = strlen(line);
    while (len > 0) {
        ssize_t n = write(p->in, line, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            abort();
        line += n;
        len -= (size_t)n;
    }
}

/* Stops the process and returns its exit status: a kiosk by closing its stdin (it ends at
 * EOF), a daemon with SIGTERM (or a kiosk that did not end within 10 s). */
static inline int proc_stop(struct proc *p)
{
    if (p->pid <= 0)
        return -1;
    int status = 0;
    pid_t got = 0;
    if (p->in >= 0) {
        close(p->in);
        p->in = -1;
        for (int i = 0; i < 1000 && (got = waitpid(p->pid, &status, WNOHANG)) == 0; i++) {
            proc_read(p);
            test_sleep_ms(10);
        }
    }
    if (got != p->pid) {
        kill(p->pid, SIGTERM);
        while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    proc_read(p);
    if (p->out >= 0)
        close(p->out);
    p->out = -1;
    p->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static inline void proc_finish(struct proc *p)
{
    proc_stop(p);
    strbuf_finish(&p->text);
}

/* Starts `portier sync` (the program bin) for device on kiosk directory kdir with scan log db,
 * polling every poll_ms and retrying after at most backoff_ms; stderr goes to log. */
static inline void proc_start_sync(struct proc *p, const char *bin, const char *kdir,
                                   const char *device, const char *db, const char *conninfo,
                                   const char *poll_ms, const char *backoff_ms, const char *log)
{
    char *argv[] = {(char *)bin,        "sync",
                    (char *)kdir,       "--device",
                    (char *)device,     "--db",
                    (char *)db,         "--central",
                    (char *)conninfo,   "--poll-interval",
                    (char *)poll_ms,    "--backoff-max",
                    (char *)backoff_ms, NULL};
    proc_start(p, argv, false, false, log);
}

#endif
