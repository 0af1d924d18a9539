/* SPDX-License-Identifier: Apache-2.0 */
/* portier: one executable, git-style subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: portier <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < n_commands; i++)
        fprintf(out, "  %-12s  %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'portier <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    log_init("portier");
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("portier %s\n", PORTIER_VERSION);
        return CLI_OK;
    }
    const struct command *command = command_find(argv[1]);
    if (command != NULL)
        return command->run(argc - 1, argv + 1);
    if (strcmp(argv[1], "_doc") == 0) /* the build's man pages and completion; not in --help */
        return cmd_doc(argc - 1, argv + 1);
    fprintf(stderr, "portier: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
