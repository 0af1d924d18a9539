/* SPDX-License-Identifier: Apache-2.0 */
/* The report's files: six CSV files and one HTML page, written from a computed report. */
#ifndef PORTIER_REPORT_OUT_H
#define PORTIER_REPORT_OUT_H

#include <stdbool.h>

#include "report.h"

#define REPORT_ATTENDANCE_CSV    "attendance.csv"
#define REPORT_ATTENDEES_CSV     "attendees.csv"
#define REPORT_OCCUPANCY_CSV     "occupancy.csv"
#define REPORT_ARRIVALS_CSV      "arrivals.csv"
#define REPORT_OVER_CAPACITY_CSV "over_capacity.csv"
#define REPORT_MANUAL_CSV        "manual_admissions.csv"
#define REPORT_WALKINS_CSV       "walkins.csv"
#define REPORT_CHECKINS_CSV      "checkins_by_day.csv"
#define REPORT_HTML              "report.html"
#define REPORT_XLSX              "report.xlsx"

/* How CSV files are written. */
struct report_csv_format {
    char sep;  /* ',' (default) or ';' (then decimals take a comma, as such spreadsheets expect) */
    bool bom;  /* start with a UTF-8 byte order mark */
    bool xlsx; /* also write report.xlsx, a sheet per CSV file */
    /* The language of report.html (the CSV headers and the sheets' names do not change: they
     * are a contract, DESIGN.md): a name of vocab.def ("nl", "fr", "en"); NULL: English. */
    const char *lang;
};

/* The files' contents, each owned by the caller. Times are ISO 8601 in the process's time
 * zone (time_set_zone with the event's). */
char *report_attendance_csv(const struct report *r, const struct report_csv_format *f);
char *report_attendees_csv(const struct report *r, const struct report_csv_format *f);
char *report_occupancy_csv(const struct report *r, const struct report_csv_format *f);
char *report_arrivals_csv(const struct report *r, const struct report_csv_format *f);
char *report_over_capacity_csv(const struct report *r, const struct report_csv_format *f);
/* manual_admissions.csv: admissions by hand (reason manual) per door and staff member. */
char *report_manual_csv(const struct report *r, const struct report_csv_format *f);
/* walkins.csv: walk-ins registered on site (attendee_id, name, organisation, category,
 * registered_at, device, staff). */
char *report_walkins_csv(const struct report *r, const struct report_csv_format *f);
/* checkins_by_day.csv: "day,checked_in", one row per date of the event's sessions. */
char *report_checkins_by_day_csv(const struct report *r, const struct report_csv_format *f);
/* The HTML page (report_html.c): inline CSS and SVG, no script, no network; in lang, its words
 * from assets/i18n/<lang>.po, dates and decimals as the language writes them. */
char *report_html_lang(const struct report *r, enum language lang);
/* The page in English. */
char *report_html(const struct report *r);
/* Writes report.xlsx at path (report_xlsx.c): one sheet per CSV file, named like it without
 * ".csv", with the same header and rows (numbers as numbers); atomically. Returns false after
 * logging why. */
bool report_write_xlsx(const struct report *r, const char *path);
/* Writes the eight files (and report.xlsx when f->xlsx) into dir (created when missing), each
 * atomically. Returns false after logging why. */
bool report_write_dir(const struct report *r, const char *dir, const struct report_csv_format *f);

/* Helpers shared by the writers. */
/* Formats minutes with one decimal ("12.5", or "12,5" with a decimal comma). */
void report_format_minutes(int64_t ms, bool decimal_comma, char buf[32]);
/* Appends an HTML-escaped string. */
struct strbuf;
void report_html_escape(struct strbuf *sb, const char *s);
/* Appends text from the organisers' files (a name, an organisation, a title) escaped and
 * isolated in <bdi>, so that a right-to-left name does not reorder what stands beside it. */
void report_html_text(struct strbuf *sb, const char *s);

#endif
