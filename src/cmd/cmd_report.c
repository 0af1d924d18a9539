/* portier report: attendance reports for organisers, from kiosk databases or the central
 * database. */
#include <getopt.h>
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

static const char usage[] =
    "usage: portier report (--db PATH ... | --central CONNINFO) --event EVENT_DIR --out DIR\n"
    "                      [--csv-sep ','|';'] [--bom]\n"
    "Attendance reports from the kiosks' databases collected after the event (merged: a scan\n"
    "held by several kiosks counts once) or from the central database. Writes into DIR:\n"
    "  " REPORT_ATTENDANCE_CSV "  per session: registered, attended, walk-ins, no-shows, peak\n"
    "  " REPORT_ATTENDEES_CSV "   per attendee: check-in, sessions, minutes in each\n"
    "  " REPORT_OCCUPANCY_CSV "   per 5 minutes: people in each room and in the venue\n"
    "  " REPORT_ARRIVALS_CSV "    per 5 minutes: check-ins at the entrance\n"
    "  " REPORT_HTML "     all of it on one page with charts (prints on A4)\n"
    "  --db PATH          a kiosk database (repeat for each kiosk); never modified\n"
    "  --central CONNINFO the central database (an organiser's or the owner's login)\n"
    "  --event EVENT_DIR  the event (rooms, sessions, attendees)\n"
    "  --out DIR          where to write the files (created when missing)\n"
    "  --csv-sep SEP      ',' (default) or ';' with decimal commas, for spreadsheets set\n"
    "                     up for Belgium, France or the Netherlands\n"
    "  --bom              start the CSV files with a UTF-8 byte order mark (for Excel)\n";

/* portier report ... */
int cmd_report(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"central", required_argument, NULL, 'c'},
        {"event", required_argument, NULL, 'e'},
        {"out", required_argument, NULL, 'o'},
        {"csv-sep", required_argument, NULL, 's'},
        {"bom", no_argument, NULL, 'b'},
        {NULL, 0, NULL, 0},
    };
    if (cli_wants_help(argc, argv))
        return cli_help(usage);
    const char **dbs = xcalloc((size_t)argc + 1, sizeof *dbs);
    size_t n_dbs = 0;
    const char *central = NULL, *event_dir = NULL, *out = NULL;
    struct report_csv_format fmt = {',', false};
    int c, rc = CLI_FAILURE;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            dbs[n_dbs++] = optarg;
            break;
        case 'c':
            central = optarg;
            break;
        case 'e':
            event_dir = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'b':
            fmt.bom = true;
            break;
        case 's':
            if (strcmp(optarg, ",") != 0 && strcmp(optarg, ";") != 0) {
                rc =
                    cli_usage_error(argv[0], usage, "--csv-sep takes ',' or ';', not '%s'", optarg);
                goto out;
            }
            fmt.sep = optarg[0];
            break;
        case ':':
            rc = cli_usage_error(argv[0], usage, "option '%s' needs a value", argv[optind - 1]);
            goto out;
        default:
            rc = cli_usage_error(argv[0], usage, "unknown option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        rc = cli_usage_error(argv[0], usage, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if ((n_dbs > 0) == (central != NULL)) {
        rc = cli_usage_error(argv[0], usage, "give either --db (one or more) or --central");
        goto out;
    }
    if (event_dir == NULL || out == NULL) {
        rc = cli_usage_error(argv[0], usage, "--event and --out are required");
        goto out;
    }
    rc = report_run(event_dir, dbs, n_dbs, central, out, &fmt, stdout) ? CLI_OK : CLI_FAILURE;
out:
    free(dbs);
    return rc;
}

/* Loads, computes and writes a report; prints a summary to info (may be NULL). */
bool report_run(const char *event_dir, const char *const *dbs, size_t n_dbs, const char *central,
                const char *out_dir, const struct report_csv_format *fmt, FILE *info)
{
    bool ok = false;
    char *db_path = path_join(event_dir, EVENT_DB_NAME);
    struct event *ev = NULL;
    struct report_log *log = report_log_create();
    struct report *r = NULL;
    PGconn *conn = NULL;
    if (!path_exists(db_path)) {
        log_warnx("report: %s: no event here (run 'portier init' first)", event_dir);
        goto out;
    }
    if ((ev = event_load(db_path)) == NULL)
        goto out;
    if (!time_set_zone(ev->timezone)) {
        log_warnx("report: the event's time zone '%s' is unknown to this system", ev->timezone);
        goto out;
    }
    for (size_t i = 0; i < n_dbs; i++) {
        if (!report_log_add_kiosk_db(log, dbs[i]))
            goto out;
    }
    if (central != NULL) {
        if ((conn = central_connect(central)) == NULL || !report_log_add_central(log, conn))
            goto out;
    }
    r = report_compute(ev, log);
    if (!report_write_dir(r, out_dir, fmt))
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
    }
    ok = true;
out:
    if (conn != NULL)
        central_close(conn);
    report_destroy(r);
    report_log_destroy(log);
    event_destroy(ev);
    free(db_path);
    return ok;
}
