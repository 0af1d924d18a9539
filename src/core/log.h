/* SPDX-License-Identifier: Apache-2.0 */
/* Diagnostics to stderr, in the form "portier: <what>: <why>". When stderr is the journal's
 * stream (systemd's $JOURNAL_STREAM names it), each line starts with its syslog priority,
 * "<3>" error, "<4>" warning, "<6>" info, "<7>" debug, so `journalctl -p warning` can select
 * them; anywhere else the lines are plain. */
#ifndef PORTIER_LOG_H
#define PORTIER_LOG_H

#include <stdbool.h>

#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Sets the program name printed before every message ("portier" by default). */
void log_init(const char *progname);
/* Enables or disables log_debug output. */
void log_set_verbose(bool verbose);

/* Prints an error with ": strerror(errno)" appended. */
void log_error(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Prints an error as it is. */
void log_errorx(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Prints a warning with ": strerror(errno)" appended. */
void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Prints a warning as it is. */
void log_warnx(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Prints an informational line. */
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Prints a line only when verbose. */
void log_debug(const char *fmt, ...) LOG_PRINTF(1, 2);

#endif
