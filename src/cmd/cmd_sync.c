/* SPDX-License-Identifier: Apache-2.0 */
/* portier sync: the sync daemon of one kiosk (syncd.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device_id.h"
#include "log.h"
#include "syncd.h"

/* portier sync KIOSK_DIR --device ID --db PATH --central CONNINFO [options] */
static int run_sync(const struct cli_call *c)
{
    struct syncd_settings s = {0};
    s.kiosk_dir = c->args[0];
    s.device_id = config_get(c->cfg, "device");
    const char *bad_id = device_id_check(s.device_id);
    if (bad_id != NULL)
        return cli_usage_error(c->spec, "--device '%s' cannot be a device id: it %s", s.device_id,
                               bad_id);
    s.db_path = config_get(c->cfg, "db");
    s.conninfo = config_get(c->cfg, "central");
    s.once = config_get_bool(c->cfg, "once");
    s.poll_ms = (int)config_get_int(c->cfg, "poll-interval");
    s.backoff_max_ms = (int)config_get_int(c->cfg, "backoff-max");
    s.hint_ms = (int)config_get_int(c->cfg, "hint-interval");
    s.no_listen = config_get_bool(c->cfg, "no-listen");
    s.others_ms = (int)config_get_int(c->cfg, "others-interval");
    s.pull_rooms = strcmp(config_get(c->cfg, "pull"), "rooms") == 0;
    if (s.pull_rooms && !s.no_listen && !config_is_set(c->cfg, "poll-interval"))
        s.poll_ms = SYNCD_POLL_ROOMS_MS;
    log_set_verbose(config_get_bool(c->cfg, "verbose"));
    struct syncd *d = syncd_create(&s);
    if (d == NULL)
        return CLI_FAILURE;
    bool ok = syncd_run(d);
    syncd_destroy(d);
    return ok ? CLI_OK : CLI_FAILURE;
}

static const struct config_option options[] = {
    {"device", CONFIG_STRING, NULL, 0, 0, NULL, "ID",
     "the kiosk's device id (its login role on the central server)", CONFIG_REQUIRED},
    {"db", CONFIG_STRING, NULL, 0, 0, NULL, "PATH",
     "the kiosk's scan log (shared with the running kiosk)", CONFIG_REQUIRED},
    {"central", CONFIG_STRING, NULL, 0, 0, NULL, "CONNINFO",
     "the device's connection string ('portier central add-device')", CONFIG_REQUIRED},
    {"once", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "one push and pull, then exit: 0 when synced, 1 when the server\nwas unreachable", 0},
    {"poll-interval", CONFIG_INT, CLI_STRING_OF(SYNCD_POLL_MS), 1, 3600000, NULL, "MS",
     "pull at least this often when no notification comes\n(" CLI_STRING_OF(
         SYNCD_POLL_ROOMS_MS) " with --pull rooms, unless --no-listen)",
     0},
    {"backoff-max", CONFIG_INT, CLI_STRING_OF(SYNCD_BACKOFF_MAX_MS), 1, 3600000, NULL, "MS",
     "longest wait between reconnection attempts", 0},
    {"hint-interval", CONFIG_INT, CLI_STRING_OF(SYNCD_HINT_INTERVAL_MS), 1, 60000, NULL, "MS",
     "pull at most this often on notifications (1000 with 200+ kiosks)", 0},
    {"no-listen", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "behind a connection pooler in transaction mode (PgBouncer):\nno LISTEN, no session "
     "settings; pull every --poll-interval",
     0},
    {"others-interval", CONFIG_INT, "0", 0, 60000, NULL, "MS",
     "at a room door: pull at once on notifications about its own\nrooms and at most this "
     "often on the others' (0: all alike;\n3000 with 200+ kiosks)",
     0},
    {"pull", CONFIG_CHOICE, "all", 0, 0, "all|rooms", NULL,
     "what to pull of the other kiosks' scans: all (entrance and\noverview kiosks), or rooms "
     "(a room door: the scans into its\nrooms and the scans of the people seen in them)",
     0},
    {"verbose", CONFIG_BOOL, NULL, 0, 0, NULL, NULL, "log every step", 0},
};

const struct cli_spec sync_spec = {
    .name = "sync",
    .usage = "usage: portier sync KIOSK_DIR --device ID --db PATH --central CONNINFO [--once]\n"
             "                    [--poll-interval MS] [--backoff-max MS] [--hint-interval MS]\n"
             "                    [--no-listen] [--others-interval MS] [--pull all|rooms]\n"
             "                    [--verbose]\n",
    .about = "The sync daemon of one kiosk: pushes its scans to the central PostgreSQL database, "
             "pulls\nthe other kiosks' scans into its database and attendee changes into "
             "KIOSK_DIR/event.db.\n",
    .options = options,
    .n_options = ARRAY_LEN(options),
    .notes = "Runs until SIGTERM or SIGINT. Under systemd use Type=notify (and WatchdogSec > "
             "20s).\n",
    .args = "KIOSK_DIR",
    .run = run_sync,
};

int cmd_sync(int argc, char **argv)
{
    return cli_run(&sync_spec, argc, argv);
}
