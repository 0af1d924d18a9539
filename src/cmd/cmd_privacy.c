/* SPDX-License-Identifier: Apache-2.0 */
/* portier forget / portier purge: erasing personal data, keeping the counts. */
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

/* Where the erasure applies: the event, the central database, kiosk bundles, a badges folder. */
struct targets {
    const char *event_dir;
    const char *central;
    const char *const *bundles;
    size_t n_bundles;
    const char *badges;
};

/* Reads the targets both commands share from the options. */
static void targets_from(struct targets *t, const struct config *cfg)
{
    t->central = config_get(cfg, "central");
    t->bundles = config_get_list(cfg, "bundle", &t->n_bundles);
    t->badges = config_get(cfg, "badges");
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

/* portier forget [EVENT_DIR] [options] ATTENDEE_ID */
static int run_forget(const struct cli_call *c)
{
    struct targets t = {0};
    targets_from(&t, c->cfg);
    if (c->n_args == 2)
        t.event_dir = c->args[0];
    if (t.event_dir == NULL && t.central == NULL)
        return cli_usage_error(c->spec, "give EVENT_DIR, --central or both");
    if (t.event_dir == NULL)
        printf("warning: only the central database: 'portier central publish' now refuses an "
               "event.db that still holds the name, unless --force (which would bring it "
               "back)\n");
    return apply(&t, c->args[c->n_args - 1], NULL) ? CLI_OK : CLI_FAILURE;
}

/* portier purge EVENT_DIR [options] */
static int run_purge(const struct cli_call *c)
{
    struct targets t = {0};
    targets_from(&t, c->cfg);
    t.event_dir = c->args[0];
    int rc = CLI_FAILURE;
    char *db = path_join(t.event_dir, EVENT_DB_NAME);
    struct event *ev = event_load(db);
    if (ev == NULL)
        goto out;
    int64_t last_end = 0;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        if (ev->sessions[s].end_ms > last_end)
            last_end = ev->sessions[s].end_ms;
    }
    if (!config_get_bool(c->cfg, "force") && last_end > time_now_ms()) {
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
    return rc;
}

/* The options of both commands: forget has all but the last, --force. */
static const struct config_option options[] = {
    {"central", CONFIG_STRING, NULL, 0, 0, NULL, "CONNINFO",
     "the central database (as its owner): the kiosks pull the change\n"
     "into their bundles on their next sync",
     0},
    {"bundle", CONFIG_STRING, NULL, 0, 0, NULL, "KIOSK_DIR",
     "a kiosk bundle that does not sync (repeat for each)", CONFIG_REPEATABLE},
    {"badges", CONFIG_STRING, NULL, 0, 0, NULL, "DIR",
     "a 'portier badges' folder: deletes the badge, the PDF sheets and\n"
     "the name in tokens.csv",
     0},
    {"force", CONFIG_BOOL, NULL, 0, 0, NULL, NULL, "purge before the last session has ended", 0},
};

const struct cli_spec forget_spec = {
    .name = "forget",
    .usage = "usage: portier forget [EVENT_DIR] [--central CONNINFO] [--bundle KIOSK_DIR]...\n"
             "                      [--badges DIR] ATTENDEE_ID\n",
    .about = "Erases an attendee's name, organisation and e-mail address everywhere Portier "
             "keeps\nthem; the id, category and registrations stay, so the reports' counts do "
             "not change.\n"
             "  EVENT_DIR          the event (event.db)\n",
    .options = options,
    .n_options = ARRAY_LEN(options) - 1,
    .notes = "Give EVENT_DIR, --central or both (both: a later publish would bring the name "
             "back\nfrom an event.db that still holds it).\n",
    .args = "[EVENT_DIR] ATTENDEE_ID",
    .run = run_forget,
};

const struct cli_spec purge_spec = {
    .name = "purge",
    .usage = "usage: portier purge EVENT_DIR [--central CONNINFO] [--bundle KIOSK_DIR]... "
             "[--badges DIR]\n"
             "                     [--force]\n",
    .about = "After the event: erases every attendee's name, organisation and e-mail address, "
             "keeping\nanonymous counts (ids, categories, registrations and the scan logs).\n",
    .options = options,
    .n_options = ARRAY_LEN(options),
    .args = "EVENT_DIR",
    .run = run_purge,
};

int cmd_forget(int argc, char **argv)
{
    return cli_run(&forget_spec, argc, argv);
}

int cmd_purge(int argc, char **argv)
{
    return cli_run(&purge_spec, argc, argv);
}
