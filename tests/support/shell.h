/* SPDX-License-Identifier: Apache-2.0 */
/* Runs shell commands from tests: the built portier (PORTIER_BIN) and the tools around it. */
#ifndef PORTIER_TEST_SHELL_H
#define PORTIER_TEST_SHELL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

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

#endif
