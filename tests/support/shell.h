/* SPDX-License-Identifier: Apache-2.0 */
/* Runs shell commands from tests: the built portier (PORTIER_BIN) and the tools around it. */
#ifndef PORTIER_TEST_SHELL_H
#define PORTIER_TEST_SHELL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

/* Runs a printf-formatted command with /bin/sh; returns its exit status, -1 when it was killed
 * by a signal. */
static int test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static int test_sh(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    char *cmd = malloc((size_t)n + 1);
    if (cmd == NULL)
        abort();
    va_start(ap, fmt);
    vsnprintf(cmd, (size_t)n + 1, fmt, ap);
    va_end(ap);
    fflush(NULL);
    int rc = system(cmd);
    free(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Writes text to the file dir/name, aborting when it cannot (a test's own input files). */
static void test_write_file(const char *dir, const char *name, const char *text)
    __attribute__((unused));
static void test_write_file(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path == NULL)
        abort();
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
    free(path);
}

/* Sleeps ms milliseconds. */
static void test_sleep_ms(int ms) __attribute__((unused));
static void test_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

#endif
