/* portier init, import, revoke and bundle: making and maintaining an event directory. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "event.h"
#include "log.h"
#include "roster.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "roster_db.h"
#include "sysclock.h"

static const char init_usage[] =
    "usage: portier init EVENT_DIR --name NAME --timezone TZ --rooms rooms.csv\n"
    "                    --sessions sessions.csv --attendees attendees.csv\n"
    "Creates an event: EVENT_DIR/event.db, signing.key (secret, mode 0600) and verify.pub.\n"
    "Every CSV fault is listed; nothing is written unless all files are valid. An existing\n"
    "event is never overwritten.\n"
    "  --name NAME          the event's name, as shown on badges and kiosks\n"
    "  --timezone TZ        IANA time zone of the venue, e.g. Europe/Brussels\n"
    "  --rooms FILE         id,name,capacity\n"
    "  --sessions FILE      id,room,title,start,end (ISO 8601 with offset)\n"
    "  --attendees FILE     id,name,organisation,email,language,category,sessions\n";

static const char import_usage[] =
    "usage: portier import EVENT_DIR --attendees more.csv\n"
    "Adds new attendees and updates existing ones (same id) in EVENT_DIR/event.db, all or\n"
    "nothing. Existing attendees keep their badge. Then run 'portier badges' for new ones.\n";

static const char revoke_usage[] =
    "usage: portier revoke EVENT_DIR ATTENDEE_ID\n"
    "Revokes the attendee's current badge: kiosks that have the updated bundle refuse it.\n"
    "Then 'portier badges EVENT_DIR --out DIR --only ATTENDEE_ID' issues the new badge.\n";

static const char bundle_usage[] =
    "usage: portier bundle EVENT_DIR --out KIOSK_DIR\n"
    "Writes what a kiosk needs: KIOSK_DIR/event.db without e-mail addresses and\n"
    "KIOSK_DIR/verify.pub; never the signing key. Replaces an older bundle of the same event.\n";

/* Parses long options into values[i] for options[i]; one positional argument. Returns CLI_OK
 * or the usage error's code. */
static int parse_options(int argc, char **argv, const char *usage, const struct option *options,
                         const char **values, const char **positional)
{
    int c, index;
    optind = 1;
    opterr = 0;
    *positional = NULL;
    while ((c = getopt_long(argc, argv, ":", options, &index)) != -1) {
        if (c == '?')
            return cli_usage_error(argv[0], usage, "unknown option '%s'", argv[optind - 1]);
        if (c == ':')
            return cli_usage_error(argv[0], usage, "option '%s' needs a value", argv[optind - 1]);
        values[c] = optarg;
    }
    if (optind >= argc)
        return cli_usage_error(argv[0], usage, "missing EVENT_DIR");
    if (optind + 1 < argc)
        return cli_usage_error(argv[0], usage, "unexpected argument '%s'", argv[optind + 1]);
    *positional = argv[optind];
    return CLI_OK;
}

int cmd_init(int argc, char **argv)
{
    enum { NAME, TZ, ROOMS, SESSIONS, ATTENDEES, N_OPTS };
    static const struct option options[] = {
        {"name", required_argument, NULL, NAME},
        {"timezone", required_argument, NULL, TZ},
        {"rooms", required_argument, NULL, ROOMS},
        {"sessions", required_argument, NULL, SESSIONS},
        {"attendees", required_argument, NULL, ATTENDEES},
        {NULL, 0, NULL, 0},
    };
    const char *v[N_OPTS] = {0};
    const char *dir;
    if (cli_wants_help(argc, argv))
        return cli_help(init_usage);
    int rc = parse_options(argc, argv, init_usage, options, v, &dir);
    if (rc != CLI_OK)
        return rc;
    for (int i = 0; i < N_OPTS; i++) {
        if (v[i] == NULL)
            return cli_usage_error(argv[0], init_usage, "missing --%s", options[i].name);
    }
    if (*v[NAME] == '\0')
        return cli_usage_error(argv[0], init_usage, "--name must not be empty");
    if (!time_zone_valid(v[TZ]))
        return cli_usage_error(argv[0], init_usage,
                               "unknown time zone '%s' (use an IANA name such as "
                               "Europe/Brussels)",
                               v[TZ]);
    uint32_t event_id;
    if (!roster_init_event(dir, v[NAME], v[TZ], v[ROOMS], v[SESSIONS], v[ATTENDEES], &event_id))
        return CLI_FAILURE;
    char *db_path = path_join(dir, EVENT_DB_NAME);
    struct event *ev = event_load(db_path);
    free(db_path);
    printf("portier init: created event '%s' (id %u) in %s\n", v[NAME], (unsigned)event_id, dir);
    if (ev != NULL)
        printf("  %zu rooms, %zu sessions, %zu attendees\n", ev->n_rooms, ev->n_sessions,
               ev->n_attendees);
    printf("  keep %s/%s secret; next: portier badges %s --out DIR, and portier bundle %s "
           "--out KIOSK_DIR\n",
           dir, EVENT_SIGNING_KEY_NAME, dir, dir);
    event_destroy(ev);
    return CLI_OK;
}

int cmd_import(int argc, char **argv)
{
    enum { ATTENDEES, N_OPTS };
    static const struct option options[] = {
        {"attendees", required_argument, NULL, ATTENDEES},
        {NULL, 0, NULL, 0},
    };
    const char *v[N_OPTS] = {0};
    const char *dir;
    if (cli_wants_help(argc, argv))
        return cli_help(import_usage);
    int rc = parse_options(argc, argv, import_usage, options, v, &dir);
    if (rc != CLI_OK)
        return rc;
    if (v[ATTENDEES] == NULL)
        return cli_usage_error(argv[0], import_usage, "missing --attendees");

    char *db_path = path_join(dir, EVENT_DB_NAME);
    struct event *ev = NULL;
    struct roster r = {0};
    struct roster_errors errs = {0};
    struct roster_import_counts n;
    rc = CLI_FAILURE;
    if ((ev = event_load(db_path)) == NULL)
        goto out;
    if (!roster_load_attendees(&r, v[ATTENDEES], ev, &errs)) {
        roster_errors_print(&errs);
        log_warnx("import: %zu problem%s found; nothing was imported", errs.n,
                  errs.n == 1 ? "" : "s");
        goto out;
    }
    if (!roster_import(&r, db_path, &n)) {
        log_warnx("import: nothing was imported");
        goto out;
    }
    printf("portier import: %zu added, %zu updated, %zu unchanged\n", n.added, n.updated,
           n.unchanged);
    if (n.added + n.updated > 0)
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

int cmd_revoke(int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return cli_help(revoke_usage);
    /* Plain argument scan: an attendee id may start with '-', after "--". */
    const char *args[2];
    int n = 0;
    bool dashdash = false;
    for (int i = 1; i < argc; i++) {
        if (!dashdash && strcmp(argv[i], "--") == 0) {
            dashdash = true;
            continue;
        }
        if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error(argv[0], revoke_usage, "unknown option '%s'", argv[i]);
        if (n == 2)
            return cli_usage_error(argv[0], revoke_usage, "unexpected argument '%s'", argv[i]);
        args[n++] = argv[i];
    }
    if (n < 2)
        return cli_usage_error(argv[0], revoke_usage, "missing %s",
                               n == 0 ? "EVENT_DIR and ATTENDEE_ID" : "ATTENDEE_ID");
    const char *dir = args[0], *id = args[1];
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

int cmd_bundle(int argc, char **argv)
{
    enum { OUT, N_OPTS };
    static const struct option options[] = {
        {"out", required_argument, NULL, OUT},
        {NULL, 0, NULL, 0},
    };
    const char *v[N_OPTS] = {0};
    const char *dir;
    if (cli_wants_help(argc, argv))
        return cli_help(bundle_usage);
    int rc = parse_options(argc, argv, bundle_usage, options, v, &dir);
    if (rc != CLI_OK)
        return rc;
    if (v[OUT] == NULL)
        return cli_usage_error(argv[0], bundle_usage, "missing --out KIOSK_DIR");
    if (!event_bundle(dir, v[OUT]))
        return CLI_FAILURE;
    printf("portier bundle: wrote %s/%s and %s/%s (no e-mail addresses, no signing key)\n", v[OUT],
           EVENT_DB_NAME, v[OUT], EVENT_VERIFY_KEY_NAME);
    return CLI_OK;
}
