/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* syslog(3) priorities, as the journal reads them from a "<N>" line prefix (sd-daemon(3)). */
enum priority {
    PRIORITY_ERR = 3,
    PRIORITY_WARNING = 4,
    PRIORITY_INFO = 6,
    PRIORITY_DEBUG = 7,
};

static const char *progname = "portier";
static bool verbose;

void log_init(const char *name)
{
    progname = name;
}

void log_set_verbose(bool on)
{
    verbose = on;
}

/* Whether stderr is the journal's stream: systemd sets $JOURNAL_STREAM to "DEV:INO" of the
 * stream it connects, and a stderr redirected since then (a pipe, a file) is another file.
 * Asked at every line, so a redirection made later counts. */
static bool stderr_is_journal(void)
{
    const char *stream = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    char end;
    struct stat st;
    if (stream == NULL || sscanf(stream, "%llu:%llu%c", &dev, &ino, &end) != 2)
        return false;
    return fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
           (unsigned long long)st.st_ino == ino;
}

/* Prints one line; "<priority>" first when it goes to the journal. */
static void vlog(enum priority priority, const char *fmt, va_list ap, const char *suffix)
{
    if (stderr_is_journal())
        fprintf(stderr, "<%d>", (int)priority);
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    if (suffix != NULL)
        fprintf(stderr, ": %s", suffix);
    fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
    const char *why = strerror(errno);
    va_list ap;
    va_start(ap, fmt);
    vlog(PRIORITY_ERR, fmt, ap, why);
    va_end(ap);
}

void log_errorx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(PRIORITY_ERR, fmt, ap, NULL);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    const char *why = strerror(errno);
    va_list ap;
    va_start(ap, fmt);
    vlog(PRIORITY_WARNING, fmt, ap, why);
    va_end(ap);
}

void log_warnx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(PRIORITY_WARNING, fmt, ap, NULL);
    va_end(ap);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(PRIORITY_INFO, fmt, ap, NULL);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    if (!verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(PRIORITY_DEBUG, fmt, ap, NULL);
    va_end(ap);
}
