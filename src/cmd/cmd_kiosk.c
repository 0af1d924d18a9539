/* SPDX-License-Identifier: Apache-2.0 */
/* portier kiosk: options from --config FILE ([kiosk]) and the command line, then the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badge.h"
#include "camera.h"
#include "cli.h"
#include "config.h"
#include "device_id.h"
#include "hid.h"
#include "kiosk.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"
#include "sysclock.h"

static const struct config_option options[] = {
    {"config", CONFIG_STRING, NULL, 0, 0, NULL, "FILE", "read options from the [kiosk] section", 0},
    {"device", CONFIG_STRING, NULL, 0, 0, NULL, "ID", "this kiosk's device id", CONFIG_REQUIRED},
    {"room", CONFIG_STRING, NULL, 0, 0, NULL, "ROOM_ID", "the room at this door, or 'entrance'",
     CONFIG_REQUIRED},
    {"mode", CONFIG_CHOICE, "entry", 0, 0, "entry|exit|toggle|overview", NULL,
     "what a scan means here", 0},
    {"db", CONFIG_STRING, NULL, 0, 0, NULL, "PATH",
     "the scan log (default: KIOSK_DIR/scans-DEVICE.db)", 0},
    {"camera", CONFIG_STRING, "v4l2:/dev/video0", 0, 0, NULL, "SPEC",
     "v4l2:DEVICE[@WxH], dir:PATH, synth or none", 0},
    {"scanner", CONFIG_STRING, "none", 0, 0, NULL, "SPEC",
     "keyboard-wedge scanner: evdev:DEVICE, stdin or none", 0},
    {"synth-tokens", CONFIG_STRING, NULL, 0, 0, NULL, "FILE",
     "tokens.csv whose badges the synth camera shows", 0},
    {"headless", CONFIG_BOOL, "false", 0, 0, NULL, NULL,
     "no screen: print one JSON line per decision", 0},
    {"window", CONFIG_BOOL, "false", 0, 0, NULL, NULL, "run in a window", 0},
    {"fullscreen", CONFIG_BOOL, "false", 0, 0, NULL, NULL, "run full-screen (the default)", 0},
    {"offscreen", CONFIG_BOOL, "false", 0, 0, NULL, NULL,
     "draw the screen without a display (with --screenshots: demos, tests)", 0},
    {"size", CONFIG_STRING, NULL, 0, 0, NULL, "WxH",
     "window or offscreen size, e.g. 800x480 (full screen uses the display's)", 0},
    {"screenshots", CONFIG_STRING, NULL, 0, 0, NULL, "DIR", "save a PNG of every answer screen", 0},
    {"print", CONFIG_BOOL, "false", 0, 0, NULL, NULL,
     "with a screen, also print the JSON line of every decision", 0},
    {"lang", CONFIG_CHOICE, "nl", 0, 0, "nl|fr|en", NULL, "the screen's default language", 0},
    {"volume", CONFIG_INT, "80", 0, 100, NULL, "PERCENT", "sound volume", 0},
    {"mute", CONFIG_BOOL, "false", 0, 0, NULL, NULL, "no sound", 0},
    {"clock", CONFIG_STRING, NULL, 0, 0, NULL, "TIME",
     "start the kiosk's clock at this ISO 8601 time (replays, demos)", 0},
    {"reserve-release", CONFIG_INT, "10", 0, 240, NULL, "MINUTES",
     "reserved seats are released this long after a session's start", 0},
    {"printer", CONFIG_STRING, NULL, 0, 0, NULL, "NAME",
     "the CUPS queue that prints badges on site (lpstat -p lists them)", 0},
    {"label", CONFIG_CHOICE, "62mm", 0, 0, BADGE_LABEL_CHOICES, NULL,
     "the printer's labels: 62mm (Brother QL), cr80 card, 4x6 inch, a6", 0},
    {"device-key", CONFIG_STRING, NULL, 0, 0, NULL, "FILE",
     "this device's issuing key (portier device-key): staff may reprint\nbadges", 0},
    {"desk", CONFIG_BOOL, "false", 0, 0, NULL, NULL,
     "a registration desk at the entrance (--room entrance --mode entry):\na staff badge opens "
     "the search screen, to find, admit, reprint and\nregister walk-ins; it comes back after "
     "each",
     0},
    {"frames", CONFIG_INT, "0", 0, 2000000000, NULL, "N",
     "stop after N camera frames (tests, soak runs); 0: never", 0},
    {"verbose", CONFIG_BOOL, "false", 0, 0, NULL, NULL, "log more", 0},
};

/* What bash completion offers for --camera and --scanner (camera.h, hid.h). */
static const struct cli_completion completions[] = {
    {"camera", "v4l2:/dev/video0 dir: synth none"},
    {"scanner", "evdev:/dev/input/by-id/ stdin none"},
};

/* portier kiosk KIOSK_DIR --device ID --room ROOM_ID [options] */
static int run_kiosk(const struct cli_call *c)
{
    const struct config *cfg = c->cfg;
    int rc = CLI_USAGE;
    char *db_default = NULL;
    struct kiosk *k = NULL;
    log_set_verbose(config_get_bool(cfg, "verbose"));

    struct kiosk_settings s = {0};
    s.kiosk_dir = c->args[0];
    s.device_id = config_get(cfg, "device");
    s.room_id = config_get(cfg, "room");
    const char *bad_id = device_id_check(s.device_id);
    if (bad_id != NULL) {
        rc = cli_usage_error(c->spec, "--device '%s' cannot be a device id: it %s", s.device_id,
                             bad_id);
        goto end;
    }
    kiosk_mode_parse(config_get(cfg, "mode"), &s.mode);
    s.desk = config_get_bool(cfg, "desk");
    if (s.desk && (strcmp(s.room_id, "entrance") != 0 || s.mode != MODE_ENTRY)) {
        rc = cli_usage_error(c->spec,
                             "--desk is for a registration desk at the entrance: use it with "
                             "--room entrance --mode entry");
        goto end;
    }
    s.camera = config_get(cfg, "camera");
    s.scanner = config_get(cfg, "scanner");
    char why[256];
    if (!camera_spec_check(s.camera, why, sizeof why) ||
        !hid_spec_check(s.scanner, why, sizeof why)) {
        rc = cli_usage_error(c->spec, "%s", why);
        goto end;
    }
    int displays = config_get_bool(cfg, "window") + config_get_bool(cfg, "fullscreen") +
                   config_get_bool(cfg, "offscreen");
    if (displays > 1) {
        rc = cli_usage_error(c->spec, "--window, --fullscreen and --offscreen exclude each other");
        goto end;
    }
    const char *clock = config_get(cfg, "clock");
    s.clock_fixed = clock != NULL;
    if (clock != NULL && !time_parse_iso8601(clock, &s.clock_start_ms)) {
        rc = cli_usage_error(c->spec,
                             "--clock '%s' is not an ISO 8601 time with an offset "
                             "(e.g. 2026-04-23T09:00:00+02:00)",
                             clock);
        goto end;
    }
    if (clock != NULL && !time_is_sane(s.clock_start_ms)) {
        rc = cli_usage_error(c->spec, "--clock '%s' is out of range: it must be " TIME_SANE_RANGE,
                             clock);
        goto end;
    }
    s.headless = config_get_bool(cfg, "headless");
    s.display = config_get_bool(cfg, "window")      ? UI_WINDOW
                : config_get_bool(cfg, "offscreen") ? UI_OFFSCREEN
                                                    : UI_FULLSCREEN;
    if (s.display == UI_OFFSCREEN && !s.headless)
        setenv("SDL_VIDEODRIVER", "offscreen", 0);
    const char *size = config_get(cfg, "size");
    char tail;
    if (size != NULL && (sscanf(size, "%dx%d%c", &s.width, &s.height, &tail) != 2 ||
                         s.width < 320 || s.height < 240 || s.width > 7680 || s.height > 4320)) {
        rc = cli_usage_error(c->spec, "--size '%s' is not WIDTHxHEIGHT (e.g. 800x480)", size);
        goto end;
    }
    language_parse(config_get(cfg, "lang"), &s.lang);
    s.volume = (int)config_get_int(cfg, "volume");
    s.mute = config_get_bool(cfg, "mute");
    s.screenshots = config_get(cfg, "screenshots");
    if (s.screenshots != NULL && !mkdir_p(s.screenshots)) {
        log_warn("kiosk: %s", s.screenshots);
        rc = CLI_FAILURE;
        goto end;
    }
    s.db_path = config_get(cfg, "db");
    if (s.db_path == NULL) {
        char *name = xasprintf("scans-%s.db", s.device_id);
        db_default = path_join(s.kiosk_dir, name);
        free(name);
        s.db_path = db_default;
    }
    s.synth_tokens = config_get(cfg, "synth-tokens");
    s.max_frames = (uint64_t)config_get_int(cfg, "frames");
    s.printer = config_get(cfg, "printer");
    s.device_key = config_get(cfg, "device-key");
    badge_label_parse(config_get(cfg, "label"), &s.label);
    rules_config_default(&s.rules);
    s.rules.local_day = time_local_day; /* the event's zone: kiosk_create sets it */
    s.rules.reserve_release_ms = config_get_int(cfg, "reserve-release") * 60 * 1000;
    s.out = s.headless || config_get_bool(cfg, "print") ? stdout : NULL;

    rc = CLI_FAILURE;
    k = kiosk_create(&s);
    if (k == NULL)
        goto end;
    rc = kiosk_run(k) ? CLI_OK : CLI_FAILURE;
end:
    kiosk_destroy(k);
    free(db_default);
    return rc;
}

const struct cli_spec kiosk_spec = {
    .name = "kiosk",
    .usage = "usage: portier kiosk KIOSK_DIR --device ID --room ROOM_ID --mode MODE [options]\n",
    .about = "Runs a check-in kiosk on a kiosk bundle (portier bundle).\n",
    .options = options,
    .n_options = ARRAY_LEN(options),
    .notes = "Every option can also be set in the [kiosk] section of the --config file "
             "(key = value);\ncommand-line options win.\n",
    .ini_section = "kiosk",
    .args = "KIOSK_DIR",
    .run = run_kiosk,
    .completions = completions,
    .n_completions = ARRAY_LEN(completions),
};

int cmd_kiosk(int argc, char **argv)
{
    return cli_run(&kiosk_spec, argc, argv);
}
