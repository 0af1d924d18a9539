/* SPDX-License-Identifier: Apache-2.0 */
/* Table-driven options: one table says each option's name, type, range, default and help; the
 * same table parses an INI file section and the command line, and prints --help. Pure: the
 * caller reads files. Values given later replace earlier ones, so a caller applies the INI file
 * first and the command line last ("command-line options win"). Repeatable options keep every
 * value, in order. */
#ifndef PORTIER_CONFIG_H
#define PORTIER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum config_type {
    CONFIG_STRING,
    CONFIG_INT,    /* decimal, within [min, max] */
    CONFIG_BOOL,   /* true/false, yes/no, on/off, 1/0; on the command line a bare flag */
    CONFIG_CHOICE, /* one of the '|'-separated words in choices */
    CONFIG_NUMBER, /* decimal, fractions allowed, within [min, max] */
};

/* config_option.flags */
#define CONFIG_REPEATABLE (1u << 0) /* may be given again: config_get_list has every value */
#define CONFIG_REQUIRED   (1u << 1) /* config_check_required wants it set and not empty */
#define CONFIG_HIDDEN     (1u << 2) /* left out of --help (a hook for tests) */

struct config_option {
    const char *name; /* long option and INI key, e.g. "device" */
    enum config_type type;
    const char *default_value; /* NULL: unset */
    long min, max;             /* CONFIG_INT, CONFIG_NUMBER */
    const char *choices;       /* CONFIG_CHOICE, e.g. "entry|exit|toggle|overview" */
    const char *metavar;       /* shown in --help, e.g. "ID" */
    const char *help;          /* may hold '\n' for a long text */
    unsigned flags;            /* CONFIG_REPEATABLE, CONFIG_REQUIRED, CONFIG_HIDDEN */
};

/* The values of a repeatable option. */
struct config_list {
    char **items; /* owned */
    size_t n;
};

struct config {
    const struct config_option *options; /* borrowed, static tables */
    size_t n_options;
    bool ignore_unknown_keys;  /* INI keys not in the table are skipped, not errors (a reader of
                                  a few keys of another program's file); false after config_init */
    char **values;             /* owned; NULL when unset; the last value of a repeatable one */
    char **origins;            /* owned: "kiosk.conf:12", "command line" or "default" */
    struct config_list *lists; /* owned; the values of repeatable options */
};

/* Fills cfg with the defaults of a table of n options. */
void config_init(struct config *cfg, const struct config_option *options, size_t n);
void config_finish(struct config *cfg);

/* Sets one option after checking its type and range; on error appends a line
 * "<origin>: option '<name>': <why>" to errors and returns false. */
bool config_set(struct config *cfg, const char *name, const char *value, const char *origin,
                struct strbuf *errors);
/* Parses INI text (len bytes, need not be NUL-terminated) and applies the keys of [section];
 * other sections are ignored. Lines starting with '#' or ';' are comments; a comment after a
 * value, and a key given twice in the section (unless repeatable), are errors. Every error is
 * appended to errors as "<filename>:<line>: <why>". Returns false when there was any error
 * (options set before the error stay set). */
bool config_parse_ini(struct config *cfg, const char *text, size_t len, const char *section,
                      const char *filename, struct strbuf *errors);
/* Parses "--name value", "--name=value" and bare "--flag" for booleans, anywhere among the
 * arguments until "--"; a name may be given again (the last wins, or adds to a repeatable
 * option's list). Everything else that does not start with '-', and everything after "--", is
 * a positional argument: they are moved, in order, to the start of argv after argv[0], and
 * their count is stored in *n_positional. Errors as above, one line each. */
bool config_parse_args(struct config *cfg, int argc, char **argv, int *n_positional,
                       struct strbuf *errors);
/* Appends "missing --name METAVAR" for every required option that is unset, and "--name must
 * not be empty" for one set to "". Returns false when it appended anything. */
bool config_check_required(const struct config *cfg, struct strbuf *errors);

/* The value of an option (NULL when unset). Unknown names are a programming error: abort. */
const char *config_get(const struct config *cfg, const char *name);
long config_get_int(const struct config *cfg, const char *name);
double config_get_number(const struct config *cfg, const char *name);
bool config_get_bool(const struct config *cfg, const char *name);
/* Every value of a repeatable option, in order; borrowed from cfg. *n is their count. */
const char *const *config_get_list(const struct config *cfg, const char *name, size_t *n);
/* Where the value came from ("default" when never set). */
const char *config_origin(const struct config *cfg, const char *name);
/* Whether the option was set by a file or the command line (not just its default). */
bool config_is_set(const struct config *cfg, const char *name);

/* Appends an option list for --help to out. */
void config_help(const struct config_option *options, size_t n, struct strbuf *out);

/* The value of var in the text of a shell-style environment file (len bytes; "VAR=value"
 * lines, '#' comments, optional matching single or double quotes), owned by the caller, or NULL
 * when absent. The last assignment wins, as in the shell. */
char *config_env_value(const char *text, size_t len, const char *var);

#endif
