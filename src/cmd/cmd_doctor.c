/* SPDX-License-Identifier: Apache-2.0 */
/* portier doctor: checks this kiosk's set-up and says how to fix what is wrong (doctor.h). */
#include <stdio.h>

#include "cli.h"
#include "doctor.h"

/* portier doctor [options] */
static int run_doctor(const struct cli_call *c)
{
    struct doctor_settings s;
    doctor_settings_default(&s);
    s.config_path = config_get(c->cfg, "config");
    s.kiosk_dir = config_get(c->cfg, "kiosk-dir");
    s.sync_env_path = config_get(c->cfg, "sync-env");
    s.pgpass_path = config_get(c->cfg, "pgpass");
    s.drm_dir = config_get(c->cfg, "drm-dir");
    s.camera_seconds = config_get_number(c->cfg, "camera-seconds");
    s.check_central = !config_get_bool(c->cfg, "no-central");
    struct doctor_report report = {0};
    bool ok = doctor_run(&s, &report);
    doctor_print(&report, stdout, config_get_bool(c->cfg, "json"));
    doctor_report_finish(&report);
    return ok ? CLI_OK : CLI_FAILURE;
}

static const struct config_option options[] = {
    {"config", CONFIG_STRING, DOCTOR_CONFIG, 0, 0, NULL, "FILE", "the kiosk's settings", 0},
    {"kiosk-dir", CONFIG_STRING, DOCTOR_KIOSK, 0, 0, NULL, "DIR", "the event bundle", 0},
    {"sync-env", CONFIG_STRING, DOCTOR_SYNC_ENV, 0, 0, NULL, "FILE", "the sync daemon's settings",
     0},
    {"pgpass", CONFIG_STRING, DOCTOR_PGPASS, 0, 0, NULL, "FILE",
     "the sync daemon's password file (its credential)", 0},
    {"drm-dir", CONFIG_STRING, DOCTOR_DRM, 0, 0, NULL, "DIR",
     "a stand-in for /sys/class/drm, for tests", CONFIG_HIDDEN},
    {"camera-seconds", CONFIG_NUMBER, "3", 0, 60, NULL, "N",
     "how long to wait for camera frames, 0 to skip", 0},
    {"no-central", CONFIG_BOOL, NULL, 0, 0, NULL, NULL, "do not contact the central server", 0},
    {"json", CONFIG_BOOL, NULL, 0, 0, NULL, NULL, "one JSON object per check", 0},
};

const struct cli_spec doctor_spec = {
    .name = "doctor",
    .usage = "usage: portier doctor [--config FILE] [--kiosk-dir DIR] [--sync-env FILE]\n"
             "                      [--pgpass FILE] [--camera-seconds N] [--no-central] "
             "[--json]\n",
    .about = "Checks a kiosk's set-up: configuration, event bundle, scan log, free disk, camera,\n"
             "display, clock and central server; prints what is wrong and how to fix it.\n",
    .options = options,
    .n_options = ARRAY_LEN(options),
    .notes = "Exits 0 when nothing failed (warnings allowed), 1 when a check failed.\n"
             "Run it as root or as the portier user; stop portier-kiosk first to test the "
             "camera.\n",
    .run = run_doctor,
};

int cmd_doctor(int argc, char **argv)
{
    return cli_run(&doctor_spec, argc, argv);
}
