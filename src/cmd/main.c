/* SPDX-License-Identifier: Apache-2.0 */
/* portier: one executable, git-style subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, "create an event from rooms, sessions and attendees CSV files"},
    {"import", cmd_import, "add or update attendees (all or nothing)"},
    {"revoke", cmd_revoke, "revoke an attendee's current badge"},
    {"badges", cmd_badges, "make badge PNGs, a printable PDF sheet and tokens.csv"},
    {"bundle", cmd_bundle, "export the event as a kiosk needs it (no signing key)"},
    {"kiosk", cmd_kiosk, "run a check-in kiosk"},
    {"sync", cmd_sync, "run the sync daemon for one kiosk database"},
    {"central", cmd_central, "set up the central PostgreSQL database"},
    {"dashboard", cmd_dashboard, "the live web dashboard on the central database"},
    {"report", cmd_report, "attendance reports for organisers"},
    {"certificates", cmd_certificates, "certificates of attendance (PDF) from the scans"},
    {"verify", cmd_verify, "check a certificate's verification code"},
    {"forget", cmd_forget, "erase an attendee's personal data, keeping the counts"},
    {"purge", cmd_purge, "after the event: erase everyone's personal data"},
    {"doctor", cmd_doctor, "check a kiosk's set-up and say how to fix what is wrong"},
    {"demo", cmd_demo, "make a demo event and run a kiosk on a synthetic camera"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: portier <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
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
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "portier: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
