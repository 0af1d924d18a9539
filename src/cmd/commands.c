/* SPDX-License-Identifier: Apache-2.0 */
#include "commands.h"

#include <string.h>

#include "util.h"

/* To add a command: its cmd_<name>.c defines <name>_spec (a struct cli_spec) and
 * cmd_<name>(argc, argv) (usually "return cli_run(&<name>_spec, argc, argv);"), cli.h declares
 * both, and one line here registers it. Its --help, man page portier-<name>.<section> and
 * bash completion then follow from the spec (see docs/architecture.md). */
const struct command commands[] = {
    {"init", cmd_init, &init_spec, 1,
     "create an event from rooms, sessions and attendees CSV files"},
    {"import", cmd_import, &import_spec, 1, "add or update attendees (all or nothing)"},
    {"revoke", cmd_revoke, &revoke_spec, 1, "revoke an attendee's current badge"},
    {"badges", cmd_badges, &badges_spec, 1,
     "make badge PNGs, a printable PDF sheet and tokens.csv"},
    {"bundle", cmd_bundle, &bundle_spec, 1,
     "export the event as a kiosk needs it (no signing key)"},
    {"device-key", cmd_device_key, &device_key_spec, 1,
     "the issuing key of a kiosk or desk (reprints, walk-ins)"},
    {"kiosk", cmd_kiosk, &kiosk_spec, 1, "run a check-in kiosk"},
    {"sync", cmd_sync, &sync_spec, 8, "run the sync daemon for one kiosk database"},
    {"central", cmd_central, &central_spec, 8, "set up the central PostgreSQL database"},
    {"dashboard", cmd_dashboard, &dashboard_spec, 8,
     "the live web dashboard on the central database"},
    {"report", cmd_report, &report_spec, 1, "attendance reports for organisers"},
    {"certificates", cmd_certificates, &certificates_spec, 1,
     "certificates of attendance (PDF) from the scans"},
    {"verify", cmd_verify, &verify_spec, 1, "check a certificate's verification code"},
    {"forget", cmd_forget, &forget_spec, 1,
     "erase an attendee's personal data, keeping the counts"},
    {"purge", cmd_purge, &purge_spec, 1, "after the event: erase everyone's personal data"},
    {"doctor", cmd_doctor, &doctor_spec, 8,
     "check a kiosk's set-up and say how to fix what is wrong"},
    {"demo", cmd_demo, &demo_spec, 1, "make a demo event and run a kiosk on a synthetic camera"},
};
const size_t n_commands = ARRAY_LEN(commands);

const struct command *command_find(const char *name)
{
    for (size_t i = 0; i < n_commands; i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}
