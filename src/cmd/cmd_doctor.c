/* portier doctor: checks this kiosk's set-up and says how to fix what is wrong (doctor.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doctor.h"

static const char usage[] =
    "usage: portier doctor [--config FILE] [--kiosk-dir DIR] [--sync-env FILE]\n"
    "                      [--camera-seconds N] [--no-central] [--json]\n"
    "Checks a kiosk's set-up: configuration, event bundle, scan log, free disk, camera,\n"
    "display, clock and central server; prints what is wrong and how to fix it.\n"
    "  --config FILE        the kiosk's settings (" DOCTOR_CONFIG ")\n"
    "  --kiosk-dir DIR      the event bundle (" DOCTOR_KIOSK ")\n"
    "  --sync-env FILE      the sync daemon's settings (" DOCTOR_SYNC_ENV ")\n"
    "  --camera-seconds N   how long to wait for camera frames, 0 to skip (3)\n"
    "  --no-central         do not contact the central server\n"
    "  --json               one JSON object per check\n"
    "Exits 0 when nothing failed (warnings allowed), 1 when a check failed.\n"
    "Run it as root or as the portier user; stop portier-kiosk first to test the camera.\n";

int cmd_doctor(int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'},
        {"kiosk-dir", required_argument, NULL, 'k'},
        {"sync-env", required_argument, NULL, 's'},
        {"drm-dir", required_argument, NULL, 'd'},
        {"camera-seconds", required_argument, NULL, 'n'},
        {"no-central", no_argument, NULL, 'C'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct doctor_settings s;
    doctor_settings_default(&s);
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'c':
            s.config_path = optarg;
            break;
        case 'k':
            s.kiosk_dir = optarg;
            break;
        case 's':
            s.sync_env_path = optarg;
            break;
        case 'd': /* undocumented: a stand-in for /sys/class/drm, for tests */
            s.drm_dir = optarg;
            break;
        case 'n':
            s.camera_seconds = strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || s.camera_seconds < 0 || s.camera_seconds > 60)
                return cli_usage_error(
                    "doctor", usage, "--camera-seconds '%s' is not a number from 0 to 60", optarg);
            break;
        case 'C':
            s.check_central = false;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            return cli_help(usage);
        case ':':
            return cli_usage_error("doctor", usage, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("doctor", usage, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error("doctor", usage, "unexpected argument '%s'", argv[optind]);

    struct doctor_report report = {0};
    bool ok = doctor_run(&s, &report);
    doctor_print(&report, stdout, json);
    doctor_report_finish(&report);
    return ok ? CLI_OK : CLI_FAILURE;
}
