/* SPDX-License-Identifier: Apache-2.0 */
/* Runs shell commands from tests: the built portier (PORTIER_BIN) and the tools around it. */
#ifndef PORTIER_TEST_SHELL_H
#define PORTIER_TEST_SHELL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

/* A printf-formatted command (owned by the caller); output buffers are flushed first, so that
 * the command's output follows the test's. */
static char *test_command(const char *fmt, va_list ap) __attribute__((unused));
static char *test_command(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    char *cmd = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (cmd == NULL)
        abort();
    vsnprintf(cmd, (size_t)n + 1, fmt, ap);
    fflush(NULL);
    return cmd;
}

/* Runs a printf-formatted command with /bin/sh; returns its exit status, -1 when it was killed
 * by a signal. */
static int test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static int test_sh(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = test_command(fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    free(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Runs a printf-formatted command with /bin/sh and reads the first line it prints into out (n
 * bytes, the newline removed; "" when it prints nothing); true when it exited with 0. */
static bool test_sh_line(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), unused));
static bool test_sh_line(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = test_command(fmt, ap);
    va_end(ap);
    out[0] = '\0';
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (p == NULL)
        return false;
    if (fgets(out, (int)n, p) == NULL)
        out[0] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    char sink[256];
    while (fgets(sink, sizeof sink, p) != NULL) {
    }
    return pclose(p) == 0;
}

/* Reads the QR code on the first page of a PDF into out (n bytes): the page rendered at 300 dpi
 * by pdftoppm, decoded by zbar's zbarimg (tools independent of Portier). True when one was. */
static bool test_pdf_qr(const char *pdf, char *out, size_t n) __attribute__((unused));
static bool test_pdf_qr(const char *pdf, char *out, size_t n)
{
    return test_sh_line(out, n,
                        "pdftoppm -r 300 -gray -png -singlefile '%s' '%s.page' && "
                        "zbarimg -q --raw '%s.page.png' 2>/dev/null",
                        pdf, pdf, pdf);
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
