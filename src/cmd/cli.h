/* The portier command line: subcommand entry points and shared helpers for their options.
 * Every subcommand returns CLI_OK, CLI_FAILURE (runtime failure) or CLI_USAGE (usage error). */
#ifndef PORTIER_CLI_H
#define PORTIER_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report_out.h"

#define CLI_OK      0
#define CLI_FAILURE 1
#define CLI_USAGE   2

/* Subcommands: argv[0] is the subcommand's name. */
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_badges(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_kiosk(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_central(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_forget(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

/* Prints "portier <cmd>: <message>" and the usage text to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints the usage text to stdout; returns CLI_OK. For --help. */
int cli_help(const char *usage);
/* True when argv holds --help or -h before any "--". */
bool cli_wants_help(int argc, char **argv);

/* The whole command: loads event_dir's model, the scans of the kiosk databases dbs[0..n_dbs)
 * or of the central database (conninfo central, when not NULL), and writes the report into
 * out_dir. Sets the process's time zone to the event's. Prints a one-line summary to info (may
 * be NULL). Returns false after logging why. */
bool report_run(const char *event_dir, const char *const *dbs, size_t n_dbs, const char *central,
                const char *out_dir, const struct report_csv_format *fmt, FILE *info);

#endif
