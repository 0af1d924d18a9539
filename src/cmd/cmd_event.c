/* SPDX-License-Identifier: Apache-2.0 */
/* portier init, import, revoke and bundle: making and maintaining an event directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "event.h"
#include "import_map.h"
#include "log.h"
#include "roster.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "roster_db.h"
#include "sysclock.h"

/* Reads --from and --map into o; false (after a usage message) for an unknown --from. */
static bool source_opts(const struct cli_call *c, struct roster_source_opts *o)
{
    *o = (struct roster_source_opts){config_get(c->cfg, "from"), config_get(c->cfg, "map"), stdout};
    struct import_map *m =
        o->from && strcmp(o->from, "portier") ? import_map_preset(o->from) : NULL;
    bool known = o->from == NULL || strcmp(o->from, "portier") == 0 || m != NULL;
    import_map_destroy(m);
    return known;
}

/* portier init EVENT_DIR --name ... */
static int run_init(const struct cli_call *c)
{
    const char *dir = c->args[0], *name = config_get(c->cfg, "name"),
               *tz = config_get(c->cfg, "timezone");
    if (!time_zone_valid(tz))
        return cli_usage_error(c->spec,
                               "unknown time zone '%s' (use an IANA name such as "
                               "Europe/Brussels)",
                               tz);
    uint32_t cp;
    bool utf8 = utf8_valid(name, strlen(name), NULL);
    long at = utf8 ? roster_text_forbidden(name, &cp) : 0;
    if (at >= 0)
        return cli_usage_error(c->spec,
                               "--name holds %s: give the event's name as one line of plain "
                               "UTF-8 text",
                               !utf8          ? "bytes that are not UTF-8"
                               : cp >= 0x2000 ? "a bidirectional control character"
                                              : "a control character");
    uint32_t event_id;
    struct roster_source_opts o;
    if (!source_opts(c, &o))
        return cli_usage_error(c->spec, "--from: unknown source '%s' (use %s)", o.from,
                               IMPORT_FROM_NAMES);
    if (!roster_init_event_from(dir, name, tz, config_get(c->cfg, "rooms"),
                                config_get(c->cfg, "sessions"), config_get(c->cfg, "attendees"), &o,
                                &event_id))
        return CLI_FAILURE;
    char *db_path = path_join(dir, EVENT_DB_NAME);
    struct event *ev = event_load(db_path);
    free(db_path);
    printf("portier init: created event '%s' (id %u) in %s\n", name, (unsigned)event_id, dir);
    if (ev != NULL)
        printf("  %zu rooms, %zu sessions, %zu attendees\n", ev->n_rooms, ev->n_sessions,
               ev->n_attendees);
    printf("  keep %s/%s secret; next: portier badges %s --out DIR, and portier bundle %s "
           "--out KIOSK_DIR\n",
           dir, EVENT_SIGNING_KEY_NAME, dir, dir);
    event_destroy(ev);
    return CLI_OK;
}

/* portier import EVENT_DIR --attendees FILE */
static int run_import(const struct cli_call *c)
{
    const char *dir = c->args[0];
    int rc = CLI_FAILURE;
    char *db_path = path_join(dir, EVENT_DB_NAME);
    struct event *ev = NULL;
    struct roster r = {0};
    struct roster_errors errs = {0};
    struct roster_import_counts counts;
    struct roster_source_opts o;
    if (!source_opts(c, &o)) {
        rc = cli_usage_error(c->spec, "--from: unknown source '%s' (use %s)", o.from,
                             IMPORT_FROM_NAMES);
        goto out;
    }
    if ((ev = event_load(db_path)) == NULL)
        goto out;
    if (!roster_load_attendees_from(&r, config_get(c->cfg, "attendees"), ev, &o, &errs)) {
        roster_errors_print(&errs);
        log_warnx("import: %zu problem%s found; nothing was imported", errs.n,
                  errs.n == 1 ? "" : "s");
        goto out;
    }
    if (!roster_import(&r, db_path, &counts)) {
        log_warnx("import: nothing was imported");
        goto out;
    }
    printf("portier import: %zu added, %zu updated, %zu unchanged\n", counts.added, counts.updated,
           counts.unchanged);
    if (counts.added + counts.updated > 0)
        printf("  next: portier badges %s --out DIR for the new badges, and portier bundle %s "
               "--out KIOSK_DIR for the kiosks\n",
               dir, dir);
    rc = CLI_OK;
out:
    roster_finish(&r);
    roster_errors_finish(&errs);
    event_destroy(ev);
    free(db_path);
    return rc;
}

/* portier revoke EVENT_DIR ATTENDEE_ID (an id may start with '-', after "--") */
static int run_revoke(const struct cli_call *c)
{
    const char *dir = c->args[0], *id = c->args[1];
    char *db_path = path_join(dir, EVENT_DB_NAME);
    uint32_t num, serial;
    bool ok = event_revoke(db_path, id, &num, &serial);
    free(db_path);
    if (!ok)
        return CLI_FAILURE;
    printf("portier revoke: badge %u of attendee '%s' (number %u) is revoked\n", (unsigned)serial,
           id, (unsigned)num);
    printf("  next: portier badges %s --out DIR --only %s issues the new badge; then "
           "portier bundle %s --out KIOSK_DIR so that kiosks refuse the old one\n",
           dir, id, dir);
    return CLI_OK;
}

/* portier bundle EVENT_DIR --out KIOSK_DIR */
static int run_bundle(const struct cli_call *c)
{
    const char *dir = c->args[0], *out = config_get(c->cfg, "out");
    if (!event_bundle(dir, out))
        return CLI_FAILURE;
    printf("portier bundle: wrote %s/%s and %s/%s (no e-mail addresses, no signing key)\n", out,
           EVENT_DB_NAME, out, EVENT_VERIFY_KEY_NAME);
    return CLI_OK;
}

static const struct config_option init_options[] = {
    {"name", CONFIG_STRING, NULL, 0, 0, NULL, "NAME",
     "the event's name, as shown on badges and kiosks", CONFIG_REQUIRED},
    {"timezone", CONFIG_STRING, NULL, 0, 0, NULL, "TZ",
     "IANA time zone of the venue, e.g. Europe/Brussels", CONFIG_REQUIRED},
    {"rooms", CONFIG_STRING, NULL, 0, 0, NULL, "FILE", "id,name,capacity", CONFIG_REQUIRED},
    {"sessions", CONFIG_STRING, NULL, 0, 0, NULL, "FILE",
     "id,room,title,start,end (ISO 8601 with offset)", CONFIG_REQUIRED},
    {"attendees", CONFIG_STRING, NULL, 0, 0, NULL, "FILE",
     "id,name,organisation,email,language,category,sessions", CONFIG_REQUIRED},
    {"from", CONFIG_CHOICE, "portier", 0, 0, "portier|pretix|eventbrite", NULL,
     "the attendees file's system: portier (these columns),\n"
     "pretix (order positions export) or eventbrite (attendee\n"
     "report); see docs/imports.md",
     0},
    {"map", CONFIG_STRING, NULL, 0, 0, NULL, "FILE",
     "a map of the attendees file's columns and tickets to\n"
     "Portier's columns and sessions (docs/imports.md)",
     0},
};

const struct cli_spec init_spec = {
    .name = "init",
    .usage = "usage: portier init EVENT_DIR --name NAME --timezone TZ --rooms rooms.csv\n"
             "                    --sessions sessions.csv --attendees attendees.csv\n"
             "                    [--from portier|pretix|eventbrite] [--map FILE]\n",
    .about = "Creates an event: EVENT_DIR/event.db, signing.key (secret, mode 0600) and "
             "verify.pub.\nEvery CSV fault is listed; nothing is written unless all files are "
             "valid. An existing\nevent is never overwritten.\n",
    .options = init_options,
    .n_options = ARRAY_LEN(init_options),
    .args = "EVENT_DIR",
    .run = run_init,
};

static const struct config_option import_options[] = {
    {"attendees", CONFIG_STRING, NULL, 0, 0, NULL, "FILE",
     "the attendees to add or update, in the columns of 'portier init'", CONFIG_REQUIRED},
    {"from", CONFIG_CHOICE, "portier", 0, 0, "portier|pretix|eventbrite", NULL,
     "the attendees file's system: portier (these columns),\n"
     "pretix (order positions export) or eventbrite (attendee\n"
     "report); see docs/imports.md",
     0},
    {"map", CONFIG_STRING, NULL, 0, 0, NULL, "FILE",
     "a map of the attendees file's columns and tickets to\n"
     "Portier's columns and sessions (docs/imports.md)",
     0},
};

const struct cli_spec import_spec = {
    .name = "import",
    .usage = "usage: portier import EVENT_DIR --attendees more.csv [--from "
             "portier|pretix|eventbrite] [--map FILE]\n",
    .about = "Adds new attendees and updates existing ones (same id) in EVENT_DIR/event.db, all "
             "or\nnothing. Existing attendees keep their badge. Then run 'portier badges' for new "
             "ones.\n",
    .options = import_options,
    .n_options = ARRAY_LEN(import_options),
    .args = "EVENT_DIR",
    .run = run_import,
};

const struct cli_spec revoke_spec = {
    .name = "revoke",
    .usage = "usage: portier revoke EVENT_DIR ATTENDEE_ID\n",
    .about = "Revokes the attendee's current badge: kiosks that have the updated bundle refuse "
             "it.\nThen 'portier badges EVENT_DIR --out DIR --only ATTENDEE_ID' issues the new "
             "badge.\n",
    .args = "EVENT_DIR ATTENDEE_ID",
    .run = run_revoke,
};

static const struct config_option bundle_options[] = {
    {"out", CONFIG_STRING, NULL, 0, 0, NULL, "KIOSK_DIR", "where to write the bundle",
     CONFIG_REQUIRED},
};

const struct cli_spec bundle_spec = {
    .name = "bundle",
    .usage = "usage: portier bundle EVENT_DIR --out KIOSK_DIR\n",
    .about = "Writes what a kiosk needs: KIOSK_DIR/event.db without e-mail addresses and\n"
             "KIOSK_DIR/verify.pub; never the signing key. Replaces an older bundle of the same "
             "event.\n",
    .options = bundle_options,
    .n_options = ARRAY_LEN(bundle_options),
    .args = "EVENT_DIR",
    .run = run_bundle,
};

int cmd_init(int argc, char **argv)
{
    return cli_run(&init_spec, argc, argv);
}

int cmd_import(int argc, char **argv)
{
    return cli_run(&import_spec, argc, argv);
}

int cmd_revoke(int argc, char **argv)
{
    return cli_run(&revoke_spec, argc, argv);
}

int cmd_bundle(int argc, char **argv)
{
    return cli_run(&bundle_spec, argc, argv);
}
