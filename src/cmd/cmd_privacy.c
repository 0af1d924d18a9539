/* portier forget / portier purge: erasing personal data, keeping the counts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central.h"
#include "cli.h"
#include "event.h"
#include "log.h"
#include "privacy.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "sysclock.h"

static const char forget_usage[] =
    "usage: portier forget [EVENT_DIR] [--central CONNINFO] [--bundle KIOSK_DIR]...\n"
    "                      [--badges DIR] ATTENDEE_ID\n"
    "Erases an attendee's name, organisation and e-mail address everywhere Portier keeps\n"
    "them; the id, category and registrations stay, so the reports' counts do not change.\n"
    "  EVENT_DIR          the event (event.db)\n"
    "  --central CONNINFO the central database (as its owner): the kiosks pull the change\n"
    "                     into their bundles on their next sync\n"
    "  --bundle KIOSK_DIR a kiosk bundle that does not sync (repeat for each)\n"
    "  --badges DIR       a 'portier badges' folder: deletes the badge, the PDF sheets and\n"
    "                     the name in tokens.csv\n"
    "Give EVENT_DIR, --central or both (both: a later publish would bring the name back\n"
    "from an event.db that still holds it).\n";

static const char purge_usage[] =
    "usage: portier purge EVENT_DIR [--central CONNINFO] [--bundle KIOSK_DIR]... [--badges DIR]\n"
    "                     [--force]\n"
    "After the event: erases every attendee's name, organisation and e-mail address, keeping\n"
    "anonymous counts (ids, categories, registrations and the scan logs).\n"
    "  --central, --bundle, --badges  as for 'portier forget'\n"
    "  --force            purge before the last session has ended\n";

struct targets {
    const char *event_dir;
    const char *central;
    const char **bundles;
    size_t n_bundles;
    const char *badges;
    bool force;
    const char *positional[3];
    int n_positional;
};

/* Parses the options both commands share; returns CLI_OK or the usage error's code. */
static int parse(int argc, char **argv, const char *usage, struct targets *t)
{
    static const struct option options[] = {
        {"central", required_argument, NULL, 'c'},
        {"bundle", required_argument, NULL, 'k'},
        {"badges", required_argument, NULL, 'b'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    /* "+": stop at nothing; positional arguments may come before or after options. */
    while ((c = getopt_long(argc, argv, "-:", options, NULL)) != -1) {
        switch (c) {
        case 1:
            if (t->n_positional == (int)ARRAY_LEN(t->positional))
                return cli_usage_error(argv[0], usage, "too many arguments");
            t->positional[t->n_positional++] = optarg;
            break;
        case 'c':
            t->central = optarg;
            break;
        case 'k':
            t->bundles[t->n_bundles++] = optarg;
            break;
        case 'b':
            t->badges = optarg;
            break;
        case 'f':
            t->force = true;
            break;
        case ':':
            return cli_usage_error(argv[0], usage, "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(argv[0], usage, "unknown option '%s'", argv[optind - 1]);
        }
    }
    return CLI_OK;
}

/* Applies the erasure (attendee_id NULL: everyone) to every target; prints what it did and
 * what is left to the organiser. */
static bool apply(const struct targets *t, const char *attendee_id, const struct event *ev)
{
    size_t n = 0;
    const char *who = attendee_id != NULL ? attendee_id : "every attendee";
    if (t->event_dir != NULL) {
        char *db = path_join(t->event_dir, EVENT_DB_NAME);
        bool ok = privacy_forget_event_db(db, attendee_id, &n);
        free(db);
        if (!ok)
            return false;
        printf("%s: erased %s (%zu attendee%s)\n", t->event_dir, who, n, n == 1 ? "" : "s");
    }
    for (size_t i = 0; i < t->n_bundles; i++) {
        char *db = path_join(t->bundles[i], EVENT_DB_NAME);
        bool ok = privacy_forget_event_db(db, attendee_id, &n);
        free(db);
        if (!ok)
            return false;
        printf("%s: erased %s in the kiosk bundle\n", t->bundles[i], who);
    }
    if (t->central != NULL) {
        PGconn *conn = central_connect(t->central);
        bool ok = conn != NULL && privacy_forget_central(conn, attendee_id, &n);
        if (conn != NULL)
            central_close(conn);
        if (!ok)
            return false;
        printf("central: erased %s (%zu row%s); kiosks pull it on their next sync\n", who, n,
               n == 1 ? "" : "s");
    }
    if (t->badges != NULL) {
        const char **ids = NULL;
        size_t n_ids = 0;
        if (attendee_id == NULL && ev != NULL) {
            ids = xcalloc(ev->n_attendees + 1, sizeof *ids);
            for (size_t i = 0; i < ev->n_attendees; i++)
                ids[n_ids++] = ev->attendees[i].id;
        }
        bool ok = privacy_forget_badges(t->badges, attendee_id, ids, n_ids, &n);
        free(ids);
        if (!ok)
            return false;
        printf("%s: %zu badge file%s deleted or rewritten; run 'portier badges' to print "
               "sheets again\n",
               t->badges, n, n == 1 ? "" : "s");
    } else {
        printf("not in Portier's databases, delete by hand: the badges folder of 'portier "
               "badges' (%s%s, badges.pdf, reprint.pdf, tokens.csv), attendees.csv files "
               "you imported, and reports written before (attendees.csv, report.html)\n",
               attendee_id != NULL ? attendee_id : "<id>", ".png");
    }
    if (t->central != NULL)
        printf("note: PostgreSQL's WAL archive and backups keep old rows until they expire\n");
    return true;
}

/* portier forget ... */
int cmd_forget(int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return cli_help(forget_usage);
    struct targets t = {0};
    t.bundles = xcalloc((size_t)argc + 1, sizeof *t.bundles);
    int rc = parse(argc, argv, forget_usage, &t);
    if (rc != CLI_OK)
        goto out;
    if (t.force) {
        rc = cli_usage_error(argv[0], forget_usage, "unknown option '--force'");
        goto out;
    }
    if (t.n_positional == 2) {
        t.event_dir = t.positional[0];
    } else if (t.n_positional != 1) {
        rc = cli_usage_error(argv[0], forget_usage, "give one ATTENDEE_ID");
        goto out;
    }
    if (t.event_dir == NULL && t.central == NULL) {
        rc = cli_usage_error(argv[0], forget_usage, "give EVENT_DIR, --central or both");
        goto out;
    }
    const char *id = t.positional[t.n_positional - 1];
    if (t.event_dir == NULL)
        printf("warning: only the central database: 'portier central publish' from an "
               "event.db that still holds the name would bring it back\n");
    rc = apply(&t, id, NULL) ? CLI_OK : CLI_FAILURE;
out:
    free(t.bundles);
    return rc;
}

/* portier purge ... */
int cmd_purge(int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return cli_help(purge_usage);
    struct targets t = {0};
    struct event *ev = NULL;
    char *db = NULL;
    t.bundles = xcalloc((size_t)argc + 1, sizeof *t.bundles);
    int rc = parse(argc, argv, purge_usage, &t);
    if (rc != CLI_OK)
        goto out;
    if (t.n_positional != 1) {
        rc = cli_usage_error(argv[0], purge_usage, "give one EVENT_DIR");
        goto out;
    }
    t.event_dir = t.positional[0];
    rc = CLI_FAILURE;
    db = path_join(t.event_dir, EVENT_DB_NAME);
    if ((ev = event_load(db)) == NULL)
        goto out;
    int64_t last_end = 0;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        if (ev->sessions[s].end_ms > last_end)
            last_end = ev->sessions[s].end_ms;
    }
    if (!t.force && last_end > time_now_ms()) {
        time_set_zone(ev->timezone);
        char when[TIME_ISO_LEN];
        time_format_iso8601(last_end, when);
        log_warnx("purge: the event is not over (its last session ends %s); use --force to "
                  "purge now",
                  when);
        goto out;
    }
    rc = apply(&t, NULL, ev) ? CLI_OK : CLI_FAILURE;
out:
    event_destroy(ev);
    free(db);
    free(t.bundles);
    return rc;
}
