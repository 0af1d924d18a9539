/* portier central: sets up the central PostgreSQL database (init, publish, add-device,
 * add-organiser). */
#include <getopt.h>
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

static const char usage[] =
    "usage: portier central init CONNINFO\n"
    "       portier central publish EVENT_DIR CONNINFO\n"
    "       portier central add-device CONNINFO ID [--password | --cert] [--host H] [--port P]\n"
    "       portier central add-organiser CONNINFO NAME [--password | --cert] [--host H] "
    "[--port P]\n"
    "The central PostgreSQL database (UTF8) that the kiosks' sync daemons share.\n"
    "  init           creates the schema, or brings it up to this version (as a superuser)\n"
    "  publish        uploads the event model and attendees; run it again after\n"
    "                 'portier import' or 'portier revoke': the kiosks pull the changes\n"
    "  add-device     creates the login role of kiosk ID (its --device) and prints the\n"
    "                 kiosk's connection string; it inserts only its own scans\n"
    "  add-organiser  creates a read-only login for reports and dashboards\n"
    "  --password     a generated password, printed in the connection string (default)\n"
    "  --cert         certificate authentication: the client certificate's CN must be ID\n"
    "  --host H       the server's address as the kiosk sees it (default: as connected)\n"
    "  --port P       the server's port as the kiosk sees it\n"
    "CONNINFO is a libpq connection string or URI, e.g. 'host=db dbname=portier user=admin'.\n";

/* portier central init CONNINFO */
static int run_init(int argc, char **argv)
{
    if (argc != 2)
        return cli_usage_error("central", usage, "init takes exactly one CONNINFO");
    PGconn *conn = central_connect(argv[1]);
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
static int run_publish(int argc, char **argv)
{
    if (argc != 3)
        return cli_usage_error("central", usage, "publish takes EVENT_DIR and CONNINFO");
    char *db_path = path_join(argv[1], EVENT_DB_NAME);
    if (!path_exists(db_path)) {
        log_warnx("central: %s: no event here (run 'portier init' first)", argv[1]);
        free(db_path);
        return CLI_FAILURE;
    }
    PGconn *conn = central_connect(argv[2]);
    if (conn == NULL) {
        free(db_path);
        return CLI_FAILURE;
    }
    struct central_publish_counts c;
    bool ok = central_publish(conn, db_path, &c);
    if (ok)
        printf("published %zu rooms, %zu sessions, %zu attendees (%zu new, %zu changed), "
               "%zu revocations (%zu new)\n",
               c.rooms, c.sessions, c.attendees, c.attendees_added, c.attendees_changed,
               c.revocations, c.revocations_added);
    central_close(conn);
    free(db_path);
    return ok ? CLI_OK : CLI_FAILURE;
}

/* portier central add-device|add-organiser CONNINFO NAME [options] */
static int run_add(int argc, char **argv, enum central_role role)
{
    static const struct option options[] = {
        {"password", no_argument, NULL, 'p'},
        {"cert", no_argument, NULL, 'c'},
        {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0},
    };
    enum central_auth auth = CENTRAL_AUTH_PASSWORD;
    const char *host = NULL, *port = NULL;
    int c, n_auth = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        switch (c) {
        case 'p':
            auth = CENTRAL_AUTH_PASSWORD;
            n_auth++;
            break;
        case 'c':
            auth = CENTRAL_AUTH_CERT;
            n_auth++;
            break;
        case 'H':
            host = optarg;
            break;
        case 'P':
            port = optarg;
            break;
        case ':':
            return cli_usage_error("central", usage, "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("central", usage, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (n_auth > 1)
        return cli_usage_error("central", usage, "give --password or --cert, not both");
    if (argc - optind != 2)
        return cli_usage_error("central", usage, "%s takes CONNINFO and %s", argv[0],
                               role == CENTRAL_DEVICE ? "ID" : "NAME");
    const char *conninfo = argv[optind], *name = argv[optind + 1];
    const char *why;
    if (!central_login_name_valid(name, &why))
        return cli_usage_error("central", usage, "'%s' cannot be a %s: it %s", name,
                               role == CENTRAL_DEVICE ? "device id" : "login name", why);

    PGconn *conn = central_connect(conninfo);
    if (conn == NULL)
        return CLI_FAILURE;
    char *settings = central_add_login(conn, role, name, auth, host, port);
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

int cmd_central(int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return cli_help(usage);
    if (argc < 2)
        return cli_usage_error("central", usage, "missing subcommand");
    const char *sub = argv[1];
    if (strcmp(sub, "init") == 0)
        return run_init(argc - 1, argv + 1);
    if (strcmp(sub, "publish") == 0)
        return run_publish(argc - 1, argv + 1);
    if (strcmp(sub, "add-device") == 0)
        return run_add(argc - 1, argv + 1, CENTRAL_DEVICE);
    if (strcmp(sub, "add-organiser") == 0)
        return run_add(argc - 1, argv + 1, CENTRAL_ORGANISER);
    return cli_usage_error("central", usage, "unknown subcommand '%s'", sub);
}
