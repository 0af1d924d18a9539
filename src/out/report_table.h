/* SPDX-License-Identifier: Apache-2.0 */
/* The report's tables as column tables: one entry per column gives its CSV name, its HTML
 * heading and how its cell is read from a row, so that the CSV header, the CSV rows and the
 * HTML table of a file all come from the same entries. Adding a column is one entry. */
#ifndef PORTIER_REPORT_TABLE_H
#define PORTIER_REPORT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

struct strbuf;

/* What a cell holds; each writer formats it in its own way. */
enum report_cell_kind {
    REPORT_CELL_TEXT,    /* as it is (CSV: quoted when it must be; HTML: escaped) */
    REPORT_CELL_INT,     /* a number */
    REPORT_CELL_TIME,    /* ms: ISO 8601 in CSV, HH:MM in HTML; INT64_MIN: none (CSV: empty) */
    REPORT_CELL_MINUTES, /* ms as minutes with one decimal (a decimal comma in ';' CSV files) */
    REPORT_CELL_DAY,     /* a date, days since 1970-01-01: YYYY-MM-DD (HTML: as the language) */
};

struct report_cell {
    enum report_cell_kind kind;
    const char *text; /* REPORT_CELL_TEXT; borrowed from the report or static */
    int64_t n;        /* the others */
};

/* Where a cell is: the report, the table's row, and the session or room of a repeated column. */
struct report_at {
    const struct report *r;
    size_t row;
    size_t k;
    enum language lang; /* the page's language, for html_cell (the CSV files have none) */
};

/* A column written once, or once per session or per room of the event (then its CSV name and
 * HTML heading are the prefix given followed by the session's or room's id). */
enum report_repeat { REPORT_ONCE, REPORT_PER_SESSION, REPORT_PER_ROOM };

struct report_column {
    const char *csv;        /* the CSV column's name; NULL: not in the CSV file */
    const char *html;       /* the HTML table's heading; NULL: not in the HTML table */
    const char *html_class; /* of the HTML heading and cells; NULL: none */
    /* The cell: cell(at) when set, else the field at offset `field` of the row's record
     * (report_table.record), read as `kind` says: an int (INT), an int64_t (TIME, MINUTES) or a
     * char array (TEXT). */
    struct report_cell (*cell)(const struct report_at *at);
    enum report_cell_kind kind;
    size_t field;
    /* The HTML cell's markup written by hand instead of the cell's value; NULL: none. */
    void (*html_cell)(struct strbuf *sb, const struct report_at *at);
    enum report_repeat repeat;
    /* The HTML cell's text is one of the report's own words, written in English here and
     * translated on the page (MSG_REPORT_WHY_FIRST..LAST), not the organisers' data. */
    bool html_translate;
};

struct report_table {
    const struct report_column *columns;
    size_t n_columns;
    size_t (*n_rows)(const struct report *r);
    /* The row's record that field columns read; NULL when no column reads a field. */
    const void *(*record)(const struct report *r, size_t row);
    /* Whether the HTML table shows a row (the CSV file has them all); NULL: every row. */
    bool (*html_shows)(const struct report *r, size_t row);
    const char *html_attributes; /* of the HTML <table> element, e.g. " style=\"...\"" */
};

/* attendance.csv and the sessions table: one row per session. */
extern const struct report_table report_attendance_table;
/* attendees.csv and the attendees table: one row per attendee. */
extern const struct report_table report_attendees_table;
/* occupancy.csv and its table: one row per time slot (the HTML: slots where someone is in). */
extern const struct report_table report_occupancy_table;
/* arrivals.csv and its table: one row per time slot (the HTML: slots with check-ins). */
extern const struct report_table report_arrivals_table;
/* over_capacity.csv and its table: one row per admission past a room's capacity. */
extern const struct report_table report_over_capacity_table;

/* manual_admissions.csv and its table: one row per door and staff member who admitted people
 * by hand. */
extern const struct report_table report_manual_table;
/* walkins.csv, its sheet and its table: one row per walk-in registered on site. */
extern const struct report_table report_walkins_table;
/* checkins_by_day.csv and its sheet: one row per day of the event's sessions. */
extern const struct report_table report_checkins_by_day_table;

/* Writes a day (days since 1970-01-01) as YYYY-MM-DD. */
void report_format_day(int64_t days, char buf[16]);
/* Writes a day as the page's language writes it in short: 2026-04-23 (en), 23-04-2026 (nl),
 * 23/04/2026 (fr). */
void report_html_day(enum language lang, int64_t days, char buf[16]);
/* Appends a time of the page in local time: "HH:MM", after its date (report_html_day) when the
 * event has several days, where the hour alone would not say which. */
void report_html_time(struct strbuf *sb, const struct report *r, enum language lang, int64_t ms);

/* How many times column c is written for r's event (0 for a repeated column with nothing to
 * repeat over). */
size_t report_column_count(const struct report_column *c, const struct event *ev);
/* The id after a repeated column's prefix for its k-th copy; NULL for REPORT_ONCE. */
const char *report_column_id(const struct report_column *c, const struct event *ev, size_t k);
/* The cell of column c of table t at `at`. */
struct report_cell report_column_cell(const struct report_table *t, const struct report_column *c,
                                      const struct report_at *at);

#endif
