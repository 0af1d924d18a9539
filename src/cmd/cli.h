/* SPDX-License-Identifier: Apache-2.0 */
/* The portier command line: subcommand entry points and the one way they parse options.
 * Every subcommand returns CLI_OK, CLI_FAILURE (runtime failure) or CLI_USAGE (usage error). */
#ifndef PORTIER_CLI_H
#define PORTIER_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "report_out.h"

#define CLI_OK      0
#define CLI_FAILURE 1
#define CLI_USAGE   2

/* A number macro as a string, for an option's default: CLI_STRING_OF(SYNCD_POLL_MS). */
#define CLI_STRINGIFY(x) #x
#define CLI_STRING_OF(x) CLI_STRINGIFY(x)

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
int cmd_dashboard(int argc, char **argv);
int cmd_certificates(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_device_key(int argc, char **argv);

/* Their command lines, for --help, the man pages and bash completion (commands.c lists them). */
extern const struct cli_spec init_spec, import_spec, revoke_spec, badges_spec, bundle_spec,
    kiosk_spec, sync_spec, central_spec, dashboard_spec, report_spec, certificates_spec,
    verify_spec, forget_spec, purge_spec, doctor_spec, demo_spec, device_key_spec;

/* A parsed command line, as a subcommand's run function is given it. */
struct cli_call {
    const struct cli_spec *spec;
    const struct config *cfg; /* the options */
    char **args;              /* the positional arguments */
    int n_args;
};
/* What a subcommand does once its command line is parsed; returns the exit code. */
typedef int cli_run_fn(const struct cli_call *call);

/* Words that bash completion offers for the value of an option that is not a CONFIG_CHOICE,
 * e.g. {"camera", "v4l2:/dev/video0 dir: synth none"}. */
struct cli_completion {
    const char *option;
    const char *words; /* separated by spaces */
};

/* A subcommand's command line in one place: its usage, its --help, its option table and its
 * positional arguments. --help prints usage, about, the options (config_help) and notes. */
struct cli_spec {
    const char *name;  /* as in "portier: <name>: <why>" and "portier <name> --help" */
    const char *usage; /* "usage: portier ...\n", one or more lines */
    const char *about; /* what the command does (--help) */
    const struct config_option *options;
    size_t n_options;
    const char *notes;       /* said after the options by --help, or NULL */
    const char *ini_section; /* not NULL: "--config FILE" is read first, from this section */
    const char *args;        /* the positional arguments as in the usage, "[]" around optional
                                ones: "EVENT_DIR ATTENDEE_ID", "[EVENT_DIR] ATTENDEE_ID"; NULL:
                                none */
    cli_run_fn *run;
    /* Sub-subcommands ("portier central init|publish|..."): each has its name, args, about (one
     * line, for the man page), options and run; NULL: none. */
    const struct cli_spec *subcommands;
    size_t n_subcommands;
    const struct cli_completion *completions; /* NULL: none */
    size_t n_completions;
};

/* Parses argv by spec and runs spec->run. --help or -h prints the help (CLI_OK); a usage
 * error is printed with the usage (CLI_USAGE); a bad --config file is printed (CLI_FAILURE). */
int cli_run(const struct cli_spec *spec, int argc, char **argv);
/* Prints "portier: <name>: <message>" and the usage to stderr; returns CLI_USAGE. */
int cli_usage_error(const struct cli_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints spec's --help to stdout; returns CLI_OK. */
int cli_help(const struct cli_spec *spec);
/* True when argv holds --help or -h before any "--". */
bool cli_wants_help(int argc, char **argv);

/* The whole command: loads event_dir's model, the scans of the kiosk databases dbs[0..n_dbs)
 * or of the central database (conninfo central, when not NULL), and writes the report into
 * out_dir. Sets the process's time zone to the event's. Prints a one-line summary to info (may
 * be NULL). Returns false after logging why. */
bool report_run(const char *event_dir, const char *const *dbs, size_t n_dbs, const char *central,
                const char *out_dir, const struct report_csv_format *fmt, FILE *info);
/* report_run's first half, shared with portier certificates: loads event_dir's model (into
 * *ev, owned by the caller), sets the time zone, reads the scans and computes the report
 * (owned by the caller). NULL after logging why. */
struct event;
struct report *report_load(const char *event_dir, const char *const *dbs, size_t n_dbs,
                           const char *central, struct event **ev);

#endif
