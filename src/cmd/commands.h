/* SPDX-License-Identifier: Apache-2.0 */
/* The registry of portier's subcommands: main.c runs them, "portier _doc" writes their man
 * pages and the bash completion from it. Adding a command is one line in commands.c. */
#ifndef PORTIER_COMMANDS_H
#define PORTIER_COMMANDS_H

#include <stddef.h>

#include "cli.h"

struct command {
    const char *name;                  /* "portier <name>"; the same as spec->name */
    int (*run)(int argc, char **argv); /* argv[0] is the name */
    const struct cli_spec *spec;       /* its options, usage and help */
    int man_section;                   /* 1: anyone's command, 8: the administrator's */
    const char *summary;               /* one line: "portier --help" and the man page's NAME */
};

extern const struct command commands[];
extern const size_t n_commands;

/* The command called name, or NULL. */
const struct command *command_find(const char *name);

/* portier _doc man OUT_DIR TEMPLATE_DIR | bash-completion: writes the man pages (OUT_DIR/manN/)
 * or prints the bash completion script (cmd_doc.c, doc_completion.c). Hidden from --help. */
int cmd_doc(int argc, char **argv);
/* Prints the bash completion script of every command to out. */
void doc_bash_completion(FILE *out);

#endif
