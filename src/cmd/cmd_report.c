/* SPDX-License-Identifier: Apache-2.0 */
/* portier report: attendance reports for organisers, from kiosk databases or the central
 * database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central.h"
#include "cli.h"
#include "event.h"
#include "log.h"
#include "report.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "report_source.h"
#include "sysclock.h"

/* portier report (--db PATH ... | --central CONNINFO) --event EVENT_DIR --out DIR */
static int run_report(const struct cli_call *c)
{
    size_t n_dbs;
    const char *const *dbs = config_get_list(c->cfg, "db", &n_dbs);
    const char *central = config_get(c->cfg, "central");
    if ((n_dbs > 0) == (central != NULL))
        return cli_usage_error(c->spec, "give either --db (one or more) or --central");
    struct report_csv_format fmt = {config_get(c->cfg, "csv-sep")[0],
                                    config_get_bool(c->cfg, "bom"), config_get_bool(c->cfg, "xlsx"),
                                    config_get(c->cfg, "lang")};
    return report_run(config_get(c->cfg, "event"), dbs, n_dbs, central, config_get(c->cfg, "out"),
                      &fmt, stdout)
               ? CLI_OK
               : CLI_FAILURE;
}

static const struct config_option options[] = {
    {"db", CONFIG_STRING, NULL, 0, 0, NULL, "PATH",
     "a kiosk database (repeat for each kiosk); never modified", CONFIG_REPEATABLE},
    {"central", CONFIG_STRING, NULL, 0, 0, NULL, "CONNINFO",
     "the central database (an organiser's or the owner's login)", 0},
    {"event", CONFIG_STRING, NULL, 0, 0, NULL, "EVENT_DIR",
     "the event (rooms, sessions, attendees)", CONFIG_REQUIRED},
    {"out", CONFIG_STRING, NULL, 0, 0, NULL, "DIR",
     "where to write the files (created when missing)", CONFIG_REQUIRED},
    {"csv-sep", CONFIG_CHOICE, ",", 0, 0, ",|;", NULL,
     "',' or ';' with decimal commas, for spreadsheets set\n"
     "up for Belgium, France or the Netherlands",
     0},
    {"bom", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "start the CSV files with a UTF-8 byte order mark (for Excel)", 0},
    {"xlsx", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "also write report.xlsx: one workbook, a sheet per CSV file", 0},
    {"lang", CONFIG_CHOICE, NULL, 0, 0, "nl|fr|en", NULL,
     "the language of report.html (default: the attendees' most\n"
     "common language; the CSV files and sheets do not change)",
     0},
};

const struct cli_spec report_spec = {
    .name = "report",
    .usage = "usage: portier report (--db PATH ... | --central CONNINFO) --event EVENT_DIR --out "
             "DIR\n"
             "                      [--csv-sep ','|';'] [--bom] [--xlsx] [--lang nl|fr|en]\n",
    .about =
        "Attendance reports from the kiosks' databases collected after the event (merged: a "
        "scan\nheld by several kiosks counts once) or from the central database. Writes into "
        "DIR:\n"
        "  " REPORT_ATTENDANCE_CSV "  per session: registered, attended, walk-ins, no-shows, "
        "peak\n"
        "  " REPORT_ATTENDEES_CSV "   per attendee: check-in, sessions, minutes in each\n"
        "  " REPORT_OCCUPANCY_CSV "   per 5 minutes: people in each room and in the venue\n"
        "  " REPORT_ARRIVALS_CSV "    per 5 minutes: check-ins at the entrance\n"
        "  " REPORT_CHECKINS_CSV " per day of the event: check-ins (the first of each day)\n"
        "  " REPORT_MANUAL_CSV " admissions by hand per door and staff member\n"
        "  " REPORT_WALKINS_CSV "        walk-ins registered on site: who, when, where, by whom\n"
        "  " REPORT_HTML "     all of it on one page with charts (prints on A4)\n"
        "  " REPORT_XLSX "     with --xlsx: the CSV files as the sheets of one workbook\n",
    .options = options,
    .n_options = ARRAY_LEN(options),
    .run = run_report,
};

/* portier report ... */
int cmd_report(int argc, char **argv)
{
    return cli_run(&report_spec, argc, argv);
}

/* Loads the event and the scans, and computes the report. */
struct report *report_load(const char *event_dir, const char *const *dbs, size_t n_dbs,
                           const char *central, struct event **ev_out)
{
    char *db_path = path_join(event_dir, EVENT_DB_NAME);
    struct event *ev = NULL;
    struct report_log *log = report_log_create();
    struct report *r = NULL;
    PGconn *conn = NULL;
    if (!path_exists(db_path)) {
        log_warnx("%s: no event here (run 'portier init' first)", event_dir);
        goto out;
    }
    if ((ev = event_load(db_path)) == NULL)
        goto out;
    if (!time_set_zone(ev->timezone)) {
        log_warnx("the event's time zone '%s' is unknown to this system", ev->timezone);
        goto out;
    }
    report_log_set_local_day(log, time_local_day);
    for (size_t i = 0; i < n_dbs; i++) {
        if (!report_log_add_kiosk_db(log, dbs[i], ev->event_id, ev->key_id))
            goto out;
    }
    if (central != NULL) {
        if ((conn = central_connect(central)) == NULL || !report_log_add_central(log, conn))
            goto out;
    }
    r = report_compute(ev, log);
out:
    if (conn != NULL)
        central_close(conn);
    report_log_destroy(log);
    free(db_path);
    if (r == NULL) {
        event_destroy(ev);
        ev = NULL;
    }
    *ev_out = ev;
    return r;
}

/* The language report.html takes when --lang is not given. An event has no language of its own
 * (event.db's meta holds none), so: the language most of its attendees have, English on a tie
 * or without attendees. */
static enum language default_language(const struct event *ev)
{
    size_t count[LANG_COUNT] = {0};
    for (size_t i = 0; i < ev->n_attendees; i++) {
        if ((int)ev->attendees[i].language < LANG_COUNT)
            count[ev->attendees[i].language]++;
    }
    enum language best = LANG_EN;
    for (int l = 0; l < LANG_COUNT; l++) {
        if (count[l] > count[best])
            best = (enum language)l;
    }
    return best;
}

/* Loads, computes and writes a report; prints a summary to info (may be NULL). */
bool report_run(const char *event_dir, const char *const *dbs, size_t n_dbs, const char *central,
                const char *out_dir, const struct report_csv_format *fmt, FILE *info)
{
    bool ok = false;
    struct event *ev = NULL;
    struct report *r = report_load(event_dir, dbs, n_dbs, central, &ev);
    if (r == NULL)
        goto out;
    struct report_csv_format f = *fmt;
    if (f.lang == NULL) {
        f.lang = language_name(default_language(ev));
        if (info != NULL)
            fprintf(info,
                    "report.html in %s, the attendees' most common language (--lang to choose)\n",
                    f.lang);
    }
    if (!report_write_dir(r, out_dir, &f))
        goto out;
    if (info != NULL) {
        fprintf(info, "report of %zu scans from %s", r->scans,
                central != NULL ? "the central database" : "");
        if (central == NULL)
            fprintf(info, "%zu kiosk database%s", n_dbs, n_dbs == 1 ? "" : "s");
        if (r->duplicates > 0)
            fprintf(info, " (%zu copies merged)", r->duplicates);
        fprintf(info, ": %d of %d checked in; written to %s/\n", r->checked_in, r->people, out_dir);
        if (r->unknown_scans > 0)
            fprintf(info,
                    "note: %zu scans name rooms, sessions or attendees this event does "
                    "not know; they were left out\n",
                    r->unknown_scans);
        if (r->undated_scans > 0)
            fprintf(info,
                    "note: %zu scans were taken with an unsynchronised clock and no kiosk "
                    "database holds their boot's offset (a kiosk that never synced): they count at "
                    "their kiosk's own clock, which may be wrong; a report from --central dates "
                    "them\n",
                    r->undated_scans);
    }
    ok = true;
out:
    report_destroy(r);
    event_destroy(ev);
    return ok;
}
