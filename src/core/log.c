#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

static void vlog(const char *fmt, va_list ap, const char *suffix)
{
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    if (suffix != NULL)
        fprintf(stderr, ": %s", suffix);
    fputc('\n', stderr);
}

void log_warn(const char *fmt, ...)
{
    const char *why = strerror(errno);
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap, why);
    va_end(ap);
}

void log_warnx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap, NULL);
    va_end(ap);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap, NULL);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    if (!verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap, NULL);
    va_end(ap);
}
