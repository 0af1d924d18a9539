/* Subcommands whose issues have not landed yet: each says so plainly. A subcommand moves out of
 * this file when it is implemented. */
#include <stdio.h>

#include "cli.h"

__attribute__((unused)) static int pending(int argc, char **argv, const char *what)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: portier %s ...\n%s: not yet available in this version of Portier.\n",
               argv[0], what);
        return CLI_OK;
    }
    fprintf(stderr, "portier: %s: not yet available in this version of Portier (%s)\n", argv[0],
            what);
    return CLI_FAILURE;
}
