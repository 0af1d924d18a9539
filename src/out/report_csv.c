/* SPDX-License-Identifier: Apache-2.0 */
/* The report's CSV files, and the report written to a folder. */
#include "report_out.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "file.h"
#include "log.h"
#include "report_table.h"
#include "timeutil.h"
#include "util.h"

/* Formats minutes with one decimal. */
void report_format_minutes(int64_t ms, bool decimal_comma, char buf[32])
{
    /* Rounded to the tenth of a minute (6 s), half up, in integers: no float rounding. */
    int64_t tenths = (ms + 3000) / 6000;
    snprintf(buf, 32, "%" PRId64 "%c%" PRId64, tenths / 10, decimal_comma ? ',' : '.', tenths % 10);
}

/* Starts a CSV file. */
static void csv_begin(struct strbuf *sb, const struct report_csv_format *f)
{
    if (f->bom)
        strbuf_puts(sb, "\xEF\xBB\xBF");
}

/* Appends one field, quoted when it must be (RFC 4180), then sep (or CRLF at the end). */
static void csv_field(struct strbuf *sb, const struct report_csv_format *f, const char *v,
                      bool last)
{
    bool quote = v[0] == ' ' || (v[0] != '\0' && v[strlen(v) - 1] == ' ');
    for (const char *c = v; !quote && *c != '\0'; c++)
        quote = *c == f->sep || *c == '"' || *c == '\n' || *c == '\r';
    if (quote) {
        strbuf_putc(sb, '"');
        for (const char *c = v; *c != '\0'; c++) {
            if (*c == '"')
                strbuf_putc(sb, '"');
            strbuf_putc(sb, *c);
        }
        strbuf_putc(sb, '"');
    } else {
        strbuf_puts(sb, v);
    }
    strbuf_puts(sb, last ? "\r\n" : (char[]){f->sep, '\0'});
}

/* Appends one cell. */
static void csv_cell(struct strbuf *sb, const struct report_csv_format *f,
                     const struct report_cell *c, bool last)
{
    _Static_assert(TIME_ISO_LEN <= 32, "a time fits in buf");
    char buf[32] = "";
    switch (c->kind) {
    case REPORT_CELL_TEXT:
        /* Names, titles and organisations come from the organisers' files: one starting
         * with '=' (or '+', '-', '@') would run as a formula where the file is opened. Only
         * text cells are guarded: a number column keeps its "-1". */
        if (csv_is_formula(c->text)) {
            char *guarded = xasprintf(CSV_FORMULA_GUARD "%s", c->text);
            csv_field(sb, f, guarded, last);
            free(guarded);
        } else {
            csv_field(sb, f, c->text, last);
        }
        return;
    case REPORT_CELL_INT:
        snprintf(buf, sizeof buf, "%" PRId64, c->n);
        break;
    case REPORT_CELL_TIME:
        if (c->n != INT64_MIN)
            time_format_iso8601(c->n, buf);
        break;
    case REPORT_CELL_MINUTES:
        report_format_minutes(c->n, f->sep == ';', buf);
        break;
    case REPORT_CELL_DAY:
        report_format_day(c->n, buf);
        break;
    }
    csv_field(sb, f, buf, last);
}

/* The index of the last column of t written in CSV for ev (after it, CRLF). */
static size_t last_csv_column(const struct report_table *t, const struct event *ev)
{
    size_t last = 0;
    for (size_t i = 0; i < t->n_columns; i++) {
        if (t->columns[i].csv != NULL && report_column_count(&t->columns[i], ev) > 0)
            last = i;
    }
    return last;
}

/* A CSV file from a column table: the header, then a line per row. */
static char *csv_table(const struct report *r, const struct report_table *t,
                       const struct report_csv_format *f)
{
    const struct event *ev = r->ev;
    size_t last = last_csv_column(t, ev);
    struct strbuf sb = {0};
    csv_begin(&sb, f);
    for (size_t i = 0; i < t->n_columns; i++) {
        const struct report_column *c = &t->columns[i];
        size_t n = c->csv != NULL ? report_column_count(c, ev) : 0;
        for (size_t k = 0; k < n; k++) {
            const char *id = report_column_id(c, ev, k);
            char *name = id != NULL ? xasprintf("%s%s", c->csv, id) : NULL;
            csv_field(&sb, f, name != NULL ? name : c->csv, i == last && k + 1 == n);
            free(name);
        }
    }
    size_t rows = t->n_rows(r);
    for (size_t row = 0; row < rows; row++) {
        for (size_t i = 0; i < t->n_columns; i++) {
            const struct report_column *c = &t->columns[i];
            size_t n = c->csv != NULL ? report_column_count(c, ev) : 0;
            for (size_t k = 0; k < n; k++) {
                struct report_cell cell =
                    report_column_cell(t, c, &(struct report_at){r, row, k, LANG_EN});
                csv_cell(&sb, f, &cell, i == last && k + 1 == n);
            }
        }
    }
    return strbuf_take(&sb);
}

/* attendance.csv: one row per session. */
char *report_attendance_csv(const struct report *r, const struct report_csv_format *f)
{
    return csv_table(r, &report_attendance_table, f);
}

/* attendees.csv: one row per attendee, a minutes column per session. */
char *report_attendees_csv(const struct report *r, const struct report_csv_format *f)
{
    return csv_table(r, &report_attendees_table, f);
}

/* occupancy.csv: one row per 5 minutes, a column per room and the venue. */
char *report_occupancy_csv(const struct report *r, const struct report_csv_format *f)
{
    return csv_table(r, &report_occupancy_table, f);
}

/* arrivals.csv: entrance check-ins per 5 minutes and their running total. */
char *report_arrivals_csv(const struct report *r, const struct report_csv_format *f)
{
    return csv_table(r, &report_arrivals_table, f);
}

/* over_capacity.csv: every admission that left a room above its capacity, and why it could. */
char *report_over_capacity_csv(const struct report *r, const struct report_csv_format *f)
{
    return csv_table(r, &report_over_capacity_table, f);
}

/* checkins_by_day.csv: the entrance check-ins of each day (each person's first that day). */
char *report_checkins_by_day_csv(const struct report *r, const struct report_csv_format *f)
{
    return csv_table(r, &report_checkins_by_day_table, f);
}

/* Writes one file of the report. */
static bool write_one(const char *dir, const char *name, char *text)
{
    char *path = path_join(dir, name);
    bool ok = file_write_atomic(path, text, strlen(text), 0644);
    if (!ok)
        log_warn("report: %s: cannot write", path);
    free(path);
    free(text);
    return ok;
}

/* manual_admissions.csv: admissions by hand per door and staff member. */
char *report_manual_csv(const struct report *r, const struct report_csv_format *f)
{
    return csv_table(r, &report_manual_table, f);
}

/* walkins.csv: walk-ins registered on site. */
char *report_walkins_csv(const struct report *r, const struct report_csv_format *f)
{
    return csv_table(r, &report_walkins_table, f);
}

/* Writes report.xlsx into dir. */
static bool write_xlsx(const struct report *r, const char *dir)
{
    char *path = path_join(dir, REPORT_XLSX);
    bool ok = report_write_xlsx(r, path);
    free(path);
    return ok;
}

/* Writes the nine files (and report.xlsx with --xlsx). */
bool report_write_dir(const struct report *r, const char *dir, const struct report_csv_format *f)
{
    enum language lang = LANG_EN;
    if (f->lang != NULL && !language_parse(f->lang, &lang)) {
        log_warnx("report: unknown language '%s' (nl, fr or en)", f->lang);
        return false;
    }
    if (!mkdir_p(dir)) {
        log_warn("report: %s: cannot create the directory", dir);
        return false;
    }
    return write_one(dir, REPORT_ATTENDANCE_CSV, report_attendance_csv(r, f)) &&
           write_one(dir, REPORT_ATTENDEES_CSV, report_attendees_csv(r, f)) &&
           write_one(dir, REPORT_OCCUPANCY_CSV, report_occupancy_csv(r, f)) &&
           write_one(dir, REPORT_ARRIVALS_CSV, report_arrivals_csv(r, f)) &&
           write_one(dir, REPORT_OVER_CAPACITY_CSV, report_over_capacity_csv(r, f)) &&
           write_one(dir, REPORT_MANUAL_CSV, report_manual_csv(r, f)) &&
           write_one(dir, REPORT_WALKINS_CSV, report_walkins_csv(r, f)) &&
           write_one(dir, REPORT_CHECKINS_CSV, report_checkins_by_day_csv(r, f)) &&
           write_one(dir, REPORT_HTML, report_html_lang(r, lang)) &&
           (!f->xlsx || write_xlsx(r, dir));
}
