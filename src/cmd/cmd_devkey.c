/* SPDX-License-Identifier: Apache-2.0 */
/* portier device-key: the issuing keys of kiosks and desks (devkey.h), certified by the event
 * key, for reprints and walk-in registrations at the door. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "device_id.h"
#include "devkey.h"
#include "devkey_db.h"
#include "event.h"
#include "event_db.h"
#include "file.h"
#include "log.h"
#include "util.h"

#define DEFAULT_WALKINS "1000"

/* --list: one line per key. */
static int list_keys(const char *dir)
{
    char *db_path = path_join(dir, EVENT_DB_NAME);
    struct event *ev = event_load(db_path);
    free(db_path);
    if (ev == NULL)
        return CLI_FAILURE;
    if (ev->n_device_keys == 0)
        printf("no device keys (make one with portier device-key %s --device ID --out FILE)\n",
               dir);
    for (size_t i = 0; i < ev->n_device_keys; i++) {
        const struct device_key *k = &ev->device_keys[i];
        printf("%s\tkey %04x\twalk-ins W%u..W%u\t%s\n", k->device, (unsigned)token_key_id(k->pk),
               (unsigned)k->first_num, (unsigned)k->last_num, k->revoked ? "revoked" : "valid");
    }
    event_destroy(ev);
    return CLI_OK;
}

/* --device ID --out FILE: makes, certifies and writes a key. */
static int issue_key(const char *dir, const char *device, const char *out, long walkins)
{
    const char *why = device_id_check(device);
    if (why != NULL) {
        log_warnx("device-key: --device '%s' %s", device, why);
        return CLI_FAILURE;
    }
    if (path_exists(out)) {
        log_warnx("device-key: %s exists: choose another --out file (a key file is never "
                  "overwritten)",
                  out);
        return CLI_FAILURE;
    }
    struct device_key k;
    uint8_t sk[TOKEN_SECRET_KEY_LEN];
    if (!devkey_db_issue(dir, device, (uint32_t)walkins, &k, sk))
        return CLI_FAILURE;
    uint32_t event_id = 0;
    char *db_path = path_join(dir, EVENT_DB_NAME);
    bool ok = event_read_id(db_path, &event_id);
    free(db_path);
    char *text = ok ? devkey_file_format(event_id, &k, sk) : NULL;
    sodium_memzero(sk, sizeof sk);
    ok = ok && file_write_atomic(out, text, strlen(text), 0600);
    if (text != NULL) {
        sodium_memzero(text, strlen(text));
        free(text);
    }
    if (!ok) {
        log_warn("device-key: %s: cannot write; the key is recorded in the event: revoke it "
                 "(portier device-key %s --revoke %s) and make another",
                 out, dir, device);
        return CLI_FAILURE;
    }
    printf("portier device-key: key %04x of '%s' written to %s (walk-ins W%u..W%u)\n",
           (unsigned)token_key_id(k.pk), device, out, (unsigned)k.first_num, (unsigned)k.last_num);
    printf("  next: portier bundle %s --out KIOSK_DIR so that every kiosk accepts its badges, "
           "and copy %s to the device only\n",
           dir, out);
    return CLI_OK;
}

static int run_device_key(const struct cli_call *c)
{
    const char *dir = c->args[0];
    const char *device = config_get(c->cfg, "device"), *out = config_get(c->cfg, "out");
    const char *revoke = config_get(c->cfg, "revoke");
    bool list = config_get_bool(c->cfg, "list");
    int modes = (device != NULL) + (revoke != NULL) + list;
    if (modes != 1)
        return cli_usage_error(c->spec, "give one of --device ID --out FILE, --revoke ID or "
                                        "--list");
    if (list)
        return list_keys(dir);
    if (revoke != NULL) {
        int n = 0;
        if (!devkey_db_revoke(dir, revoke, &n))
            return CLI_FAILURE;
        printf("portier device-key: %d key(s) of '%s' revoked\n", n, revoke);
        printf("  next: portier bundle %s --out KIOSK_DIR (or publish to central) so that kiosks "
               "refuse the badges it signed\n",
               dir);
        return CLI_OK;
    }
    if (out == NULL)
        return cli_usage_error(c->spec, "--device needs --out FILE");
    return issue_key(dir, device, out, config_get_int(c->cfg, "walkins"));
}

static const struct config_option device_key_options[] = {
    {"device", CONFIG_STRING, NULL, 0, 0, NULL, "ID", "make a key for this kiosk or desk", 0},
    {"out", CONFIG_STRING, NULL, 0, 0, NULL, "FILE", "where to write the device key (mode 600)", 0},
    {"walkins", CONFIG_INT, DEFAULT_WALKINS, 1, 1000000, NULL, "N",
     "walk-in attendee numbers reserved for the device (default 1000)", 0},
    {"revoke", CONFIG_STRING, NULL, 0, 0, NULL, "ID",
     "revoke the device's key: its badges are refused once kiosks\nhave the new bundle or "
     "pulled it (portier central publish)",
     0},
    {"list", CONFIG_BOOL, NULL, 0, 0, NULL, NULL, "list the device keys", 0},
};

const struct cli_spec device_key_spec = {
    .name = "device-key",
    .usage = "usage: portier device-key EVENT_DIR --device ID --out FILE [--walkins N]\n"
             "       portier device-key EVENT_DIR --revoke ID\n"
             "       portier device-key EVENT_DIR --list\n",
    .about = "Makes the issuing key of a kiosk or desk that reprints badges and registers\n"
             "walk-ins: its own key, certified by the event key (a kiosk never holds the\n"
             "event's signing key), with a range of walk-in numbers no other device has.\n",
    .options = device_key_options,
    .n_options = ARRAY_LEN(device_key_options),
    .args = "EVENT_DIR",
    .run = run_device_key,
};

int cmd_device_key(int argc, char **argv)
{
    return cli_run(&device_key_spec, argc, argv);
}
