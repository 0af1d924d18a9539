/* Table-driven options: one table says each option's name, type, range, default and help; the
 * same table parses an INI file section and the command line, and prints --help. Pure: the
 * caller reads files. Values given later replace earlier ones, so a caller applies the INI file
 * first and the command line last ("command-line options win"). */
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
};

struct config_option {
    const char *name; /* long option and INI key, e.g. "device" */
    enum config_type type;
    const char *default_value; /* NULL: unset (required options are checked by the caller) */
    long min, max;             /* CONFIG_INT */
    const char *choices;       /* CONFIG_CHOICE, e.g. "entry|exit|toggle|overview" */
    const char *metavar;       /* shown in --help, e.g. "ID" */
    const char *help;
};

struct config {
    const struct config_option *options; /* borrowed, static tables */
    size_t n_options;
    char **values;  /* owned; NULL when unset */
    char **origins; /* owned: "kiosk.conf:12", "command line" or "default" */
};

/* Fills cfg with the defaults of a table of n options. */
void config_init(struct config *cfg, const struct config_option *options, size_t n);
void config_finish(struct config *cfg);

/* Sets one option after checking its type and range; on error appends a line
 * "<origin>: option '<name>': <why>" to errors and returns false. */
bool config_set(struct config *cfg, const char *name, const char *value, const char *origin,
                struct strbuf *errors);
/* Parses INI text (len bytes, need not be NUL-terminated) and applies the keys of [section];
 * other sections are ignored. Every error is appended to errors as "<filename>:<line>: <why>".
 * Returns false when there was any error (options set before the error stay set). */
bool config_parse_ini(struct config *cfg, const char *text, size_t len, const char *section,
                      const char *filename, struct strbuf *errors);
/* Parses "--name value", "--name=value" and bare "--flag" for booleans; stops at the first
 * non-option argument or "--". Non-option arguments are moved, in order, to the start of argv
 * after argv[0], and their count is stored in *n_positional. Errors as above. */
bool config_parse_args(struct config *cfg, int argc, char **argv, int *n_positional,
                       struct strbuf *errors);

/* The value of an option (NULL when unset). Unknown names are a programming error: abort. */
const char *config_get(const struct config *cfg, const char *name);
long config_get_int(const struct config *cfg, const char *name);
bool config_get_bool(const struct config *cfg, const char *name);
/* Where the value came from ("default" when never set). */
const char *config_origin(const struct config *cfg, const char *name);

/* Appends an option list for --help to out. */
void config_help(const struct config_option *options, size_t n, struct strbuf *out);

#endif
