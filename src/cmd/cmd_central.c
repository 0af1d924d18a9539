/* SPDX-License-Identifier: Apache-2.0 */
/* portier central: sets up the central PostgreSQL database (init, publish, add-device,
 * add-organiser). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central.h"
#include "cli.h"
#include "event.h"
#include "log.h"
#include "util.h"
#include "event_db.h"
#include "file.h"

/* portier central init CONNINFO */
static int run_init(const struct cli_call *c)
{
    PGconn *conn = central_connect(c->args[0]);
    if (conn == NULL)
        return CLI_FAILURE;
    int applied = 0;
    bool ok = central_migrate(conn, central_migrations, central_migration_count, &applied);
    if (ok) {
        int version = central_schema_version(conn);
        if (applied > 0)
            printf("central schema at version %d (%d step%s applied)\n", version, applied,
                   applied == 1 ? "" : "s");
        else
            printf("central schema at version %d (up to date)\n", version);
    }
    central_close(conn);
    return ok ? CLI_OK : CLI_FAILURE;
}

/* portier central publish EVENT_DIR CONNINFO */
static int run_publish(const struct cli_call *c)
{
    char *db_path = path_join(c->args[0], EVENT_DB_NAME);
    if (!path_exists(db_path)) {
        log_warnx("central: %s: no event here (run 'portier init' first)", c->args[0]);
        free(db_path);
        return CLI_FAILURE;
    }
    PGconn *conn = central_connect(c->args[1]);
    if (conn == NULL) {
        free(db_path);
        return CLI_FAILURE;
    }
    struct central_publish_counts n;
    bool ok = central_publish(conn, db_path, config_get_bool(c->cfg, "force"), &n);
    if (ok)
        printf("published %zu rooms, %zu sessions, %zu attendees (%zu new, %zu changed), "
               "%zu revocations (%zu new), %zu device keys (%zu new or revoked); model version "
               "%lld\n",
               n.rooms, n.sessions, n.attendees, n.attendees_added, n.attendees_changed,
               n.revocations, n.revocations_added, n.device_keys, n.device_keys_changed,
               n.model_version);
    central_close(conn);
    free(db_path);
    return ok ? CLI_OK : CLI_FAILURE;
}

/* True when id can be a room id: 1..63 bytes, no space or control character (the model's
 * rooms are checked by the server). */
static bool room_id_valid(const char *id)
{
    size_t len = strlen(id);
    for (const unsigned char *p = (const unsigned char *)id; *p != '\0'; p++) {
        if (*p <= ' ' || *p == 0x7f)
            return false;
    }
    return len > 0 && len < 64;
}

/* portier central add-device|add-organiser CONNINFO NAME [options] */
static int run_add(const struct cli_call *c, enum central_role role)
{
    bool cert = config_get_bool(c->cfg, "cert");
    if (cert && config_get_bool(c->cfg, "password"))
        return cli_usage_error(c->spec, "give --password or --cert, not both");
    enum central_auth auth = cert ? CENTRAL_AUTH_CERT : CENTRAL_AUTH_PASSWORD;
    const char *host = config_get(c->cfg, "host"), *port = config_get(c->cfg, "port");
    const char *conninfo = c->args[0], *name = c->args[1];
    const char *why;
    if (!central_login_name_valid(name, &why))
        return cli_usage_error(c->spec, "'%s' cannot be a %s: it %s", name,
                               role == CENTRAL_DEVICE ? "device id" : "login name", why);
    size_t n_rooms = 0;
    const char *const *rooms =
        role == CENTRAL_DEVICE ? config_get_list(c->cfg, "room", &n_rooms) : NULL;
    for (size_t i = 0; i < n_rooms; i++) {
        if (!room_id_valid(rooms[i]))
            return cli_usage_error(c->spec,
                                   "--room '%s': a room id is 1 to 63 bytes without spaces or "
                                   "control characters (see rooms.csv; 'entrance' is the venue "
                                   "entrance)",
                                   rooms[i]);
    }

    PGconn *conn = central_connect(conninfo);
    if (conn == NULL)
        return CLI_FAILURE;
    char *settings = central_add_login(conn, role, name, auth, rooms, n_rooms, host, port);
    bool local = host == NULL && central_is_local(conn);
    central_close(conn);
    if (settings == NULL)
        return CLI_FAILURE;
    puts(settings);
    free(settings);
    if (local)
        fprintf(stderr,
                "portier: central: note: connected through a local socket; pass "
                "--host with the address the %s reaches the server at\n",
                role == CENTRAL_DEVICE ? "kiosk" : "organiser");
    if (auth == CENTRAL_AUTH_CERT)
        fprintf(stderr,
                "portier: central: note: give the login a client certificate with CN=%s, and "
                "allow it in pg_hba.conf: hostssl <database> %s <network> cert\n",
                name, name);
    return CLI_OK;
}

/* portier central add-device CONNINFO ID [options] */
static int run_add_device(const struct cli_call *c)
{
    return run_add(c, CENTRAL_DEVICE);
}

/* portier central add-organiser CONNINFO NAME [options] */
static int run_add_organiser(const struct cli_call *c)
{
    return run_add(c, CENTRAL_ORGANISER);
}

/* The options of add-device; add-organiser has all but the last, --room. */
static const struct config_option login_options[] = {
    {"password", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "a generated password, printed in the connection string (default)", 0},
    {"cert", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "certificate authentication: the client certificate's CN must be ID\n"
     "(a stolen password cannot lock the kiosk out: docs/operations.md)",
     0},
    {"host", CONFIG_STRING, NULL, 0, 0, NULL, "H",
     "the server's address as the kiosk sees it (default: as connected)", 0},
    {"port", CONFIG_INT, NULL, 1, 65535, NULL, "P", "the server's port as the kiosk sees it", 0},
    {"room", CONFIG_STRING, NULL, 0, 0, NULL, "R",
     "a room (id from rooms.csv, or 'entrance') whose scans the kiosk\n"
     "records; repeat for several. Default: the entrance only. The\n"
     "server refuses the device's scans for any other room",
     CONFIG_REPEATABLE},
};
static const struct config_option publish_options[] = {
    {"force", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "publish even when the central model is newer than event.db's\n"
     "(rolls back the changes event.db lacks)",
     0},
};

/* The subcommands: their arguments, options and what they do (the man page's words; --help
 * prints central_spec's about). */
static const struct cli_spec subcommands[] = {
    {.name = "init",
     .args = "CONNINFO",
     .about = "creates the schema, or brings it up to this version (as a superuser)",
     .run = run_init},
    {.name = "publish",
     .args = "EVENT_DIR CONNINFO",
     .about = "uploads the event model and attendees; run it again after 'portier import' or "
              "'portier revoke': the kiosks pull the changes. Refuses an event.db older than "
              "the central model (--force)",
     .options = publish_options,
     .n_options = ARRAY_LEN(publish_options),
     .run = run_publish},
    {.name = "add-device",
     .args = "CONNINFO ID",
     .about = "creates the login role of kiosk ID (its --device) bound to its rooms (--room) "
              "and prints the kiosk's connection string; it inserts only its own scans, for "
              "those rooms",
     .options = login_options,
     .n_options = ARRAY_LEN(login_options),
     .run = run_add_device},
    {.name = "add-organiser",
     .args = "CONNINFO NAME",
     .about = "creates a read-only login for reports and dashboards",
     .options = login_options,
     .n_options = ARRAY_LEN(login_options) - 1,
     .run = run_add_organiser},
};

const struct cli_spec central_spec = {
    .name = "central",
    .usage = "usage: portier central init CONNINFO\n"
             "       portier central publish EVENT_DIR CONNINFO [--force]\n"
             "       portier central add-device CONNINFO ID [--room R ...] [--password | --cert]\n"
             "                                  [--host H] [--port P]\n"
             "       portier central add-organiser CONNINFO NAME [--password | --cert] [--host H] "
             "[--port P]\n",
    .about = "The central PostgreSQL database (UTF8) that the kiosks' sync daemons share.\n"
             "  init           creates the schema, or brings it up to this version (as a "
             "superuser)\n"
             "  publish        uploads the event model and attendees; run it again after\n"
             "                 'portier import' or 'portier revoke': the kiosks pull the changes.\n"
             "                 Refuses an event.db older than the central model (--force)\n"
             "  add-device     creates the login role of kiosk ID (its --device) bound to its\n"
             "                 rooms (--room) and prints the kiosk's connection string; it\n"
             "                 inserts only its own scans, for those rooms\n"
             "  add-organiser  creates a read-only login for reports and dashboards\n",
    .options = login_options,
    .n_options = ARRAY_LEN(login_options),
    .notes = "CONNINFO is a libpq connection string or URI, e.g. 'host=db dbname=portier "
             "user=admin'.\n",
    .subcommands = subcommands,
    .n_subcommands = ARRAY_LEN(subcommands),
};

int cmd_central(int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return cli_help(&central_spec);
    if (argc < 2)
        return cli_usage_error(&central_spec, "missing subcommand");
    for (size_t i = 0; i < central_spec.n_subcommands; i++) {
        const struct cli_spec *sub = &central_spec.subcommands[i];
        if (strcmp(argv[1], sub->name) == 0) {
            /* Errors say "portier: central: ..." and print the whole usage. */
            struct cli_spec spec = central_spec;
            spec.args = sub->args;
            spec.run = sub->run;
            spec.options = sub->options;
            spec.n_options = sub->n_options;
            return cli_run(&spec, argc - 1, argv + 1);
        }
    }
    return cli_usage_error(&central_spec, "unknown subcommand '%s'", argv[1]);
}
