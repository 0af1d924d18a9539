/* SPDX-License-Identifier: Apache-2.0 */
/* report.xlsx: the report's tables as the sheets of one workbook (libxlsxwriter), from
 * the same column tables as the CSV files: the same headers, rows and values. */
#include "report_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "file.h"
#include "log.h"
#include "report_table.h"
#include "timeutil.h"
#include "util.h"

/* Writes one cell: text as a string (never a formula), numbers and minutes as numbers, times
 * as ISO 8601 text like the CSV files'. */
static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                            const struct report_cell *c)
{
    char buf[TIME_ISO_LEN];
    switch (c->kind) {
    case REPORT_CELL_TEXT:
        return c->text[0] ? worksheet_write_string(ws, row, col, c->text, NULL) : LXW_NO_ERROR;
    case REPORT_CELL_INT:
        return worksheet_write_number(ws, row, col, (double)c->n, NULL);
    case REPORT_CELL_TIME:
        if (c->n == INT64_MIN)
            return LXW_NO_ERROR;
        time_format_iso8601(c->n, buf);
        return worksheet_write_string(ws, row, col, buf, NULL);
    case REPORT_CELL_DAY:
        report_format_day(c->n, buf);
        return worksheet_write_string(ws, row, col, buf, NULL);
    case REPORT_CELL_MINUTES:
        /* Rounded to the tenth as in the CSV files (report_format_minutes). */
        return worksheet_write_number(ws, row, col, (double)((c->n + 3000) / 6000) / 10.0, NULL);
    }
    return LXW_NO_ERROR;
}

/* Fills one sheet from a column table: the CSV header, then a row per table row. */
static bool write_sheet(lxw_workbook *wb, const char *name, const struct report *r,
                        const struct report_table *t)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (ws == NULL)
        return false;
    lxw_error err = LXW_NO_ERROR;
    lxw_col_t col = 0;
    for (size_t i = 0; i < t->n_columns; i++) {
        const struct report_column *c = &t->columns[i];
        size_t n = c->csv != NULL ? report_column_count(c, r->ev) : 0;
        for (size_t k = 0; k < n && err == LXW_NO_ERROR; k++) {
            const char *id = report_column_id(c, r->ev, k);
            char *head = xasprintf("%s%s", c->csv, id ? id : "");
            err = worksheet_write_string(ws, 0, col++, head, NULL);
            free(head);
        }
    }
    size_t rows = t->n_rows(r);
    for (size_t row = 0; row < rows && err == LXW_NO_ERROR; row++) {
        col = 0;
        for (size_t i = 0; i < t->n_columns; i++) {
            const struct report_column *c = &t->columns[i];
            size_t n = c->csv != NULL ? report_column_count(c, r->ev) : 0;
            for (size_t k = 0; k < n && err == LXW_NO_ERROR; k++) {
                struct report_cell cell =
                    report_column_cell(t, c, &(struct report_at){r, row, k, LANG_EN});
                err = write_cell(ws, (lxw_row_t)(row + 1), col++, &cell);
            }
        }
    }
    if (err != LXW_NO_ERROR)
        log_warnx("report: sheet %s: %s", name, lxw_strerror(err));
    return err == LXW_NO_ERROR;
}

/* Makes a closed file durable under its final name. */
static bool move_into_place(const char *tmp, const char *path)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    return ok && rename(tmp, path) == 0 && fsync_dir_of(path);
}

bool report_write_xlsx(const struct report *r, const char *path)
{
    static const struct {
        const char *name;
        const struct report_table *table;
    } sheets[] = {
        {"attendance", &report_attendance_table},
        {"attendees", &report_attendees_table},
        {"occupancy", &report_occupancy_table},
        {"arrivals", &report_arrivals_table},
        {"over_capacity", &report_over_capacity_table},
        {"manual_admissions", &report_manual_table},
        {"walkins", &report_walkins_table},
        {"checkins_by_day", &report_checkins_by_day_table},
    };
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    lxw_workbook *wb = workbook_new(tmp);
    bool ok = wb != NULL;
    for (size_t i = 0; ok && i < ARRAY_LEN(sheets); i++)
        ok = write_sheet(wb, sheets[i].name, r, sheets[i].table);
    lxw_error err = wb != NULL ? workbook_close(wb) : LXW_ERROR_CREATING_XLSX_FILE;
    if (err != LXW_NO_ERROR)
        log_warnx("report: %s: cannot write: %s", path, lxw_strerror(err));
    ok = ok && err == LXW_NO_ERROR;
    if (ok && !move_into_place(tmp, path)) {
        log_warn("report: %s: cannot write", path);
        ok = false;
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok;
}
