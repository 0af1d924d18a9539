/* SPDX-License-Identifier: Apache-2.0 */
/* The report's column tables: what each CSV file and each HTML table shows, column by column. */
#include "report_table.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report_out.h"
#include "timeutil.h"
#include "util.h"

#define FIELD(kind_, type, member) .kind = (kind_), .field = offsetof(type, member)

static struct report_cell text(const char *s)
{
    return (struct report_cell){REPORT_CELL_TEXT, s, 0};
}

static struct report_cell number(int64_t n)
{
    return (struct report_cell){REPORT_CELL_INT, NULL, n};
}

static struct report_cell moment(int64_t ms)
{
    return (struct report_cell){REPORT_CELL_TIME, NULL, ms};
}

static struct report_cell minutes(int64_t ms)
{
    return (struct report_cell){REPORT_CELL_MINUTES, NULL, ms};
}

/* A day as the language writes it in short: 2026-04-23 (en, ISO as before), 23-04-2026 (nl),
 * 23/04/2026 (fr). */
void report_html_day(enum language lang, int64_t days, char buf[16])
{
    int64_t y;
    int m, d;
    time_civil_from_days(days, &y, &m, &d);
    if (lang == LANG_EN)
        report_format_day(days, buf);
    else
        snprintf(buf, 16, "%02d%c%02d%c%04d", d, lang == LANG_FR ? '/' : '-', m,
                 lang == LANG_FR ? '/' : '-', (int)y);
}

void report_html_time(struct strbuf *sb, const struct report *r, enum language lang, int64_t ms)
{
    if (r->n_days > 1) {
        time_t t = (time_t)(ms / 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        char day[16];
        report_html_day(lang, time_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday),
                        day);
        strbuf_printf(sb, "%s ", day);
    }
    char buf[8];
    time_format_hhmm(ms, buf);
    strbuf_puts(sb, buf);
}

/* Sessions. */

static const struct session *session_at(const struct report_at *at)
{
    return &at->r->ev->sessions[at->row];
}

static const struct room *session_room(const struct report_at *at)
{
    return &at->r->ev->rooms[session_at(at)->room];
}

static size_t sessions_count(const struct report *r)
{
    return r->ev->n_sessions;
}

static const void *session_record(const struct report *r, size_t row)
{
    return &r->sessions[row];
}

static struct report_cell session_id(const struct report_at *at)
{
    return text(session_at(at)->id);
}

static struct report_cell session_room_id(const struct report_at *at)
{
    return text(session_room(at)->id);
}

static struct report_cell session_room_name(const struct report_at *at)
{
    return text(session_room(at)->name);
}

static struct report_cell session_title(const struct report_at *at)
{
    return text(session_at(at)->title);
}

static struct report_cell session_start(const struct report_at *at)
{
    return moment(session_at(at)->start_ms);
}

static struct report_cell session_end(const struct report_at *at)
{
    return moment(session_at(at)->end_ms);
}

static struct report_cell session_capacity(const struct report_at *at)
{
    return number(session_room(at)->capacity);
}

/* When the peak was first reached; none when no one came. */
static struct report_cell session_peak_at(const struct report_at *at)
{
    const struct report_session *rs = &at->r->sessions[at->row];
    return moment(rs->peak > 0 ? rs->peak_ms : INT64_MIN);
}

/* "HH:MM–HH:MM", after the date on a multi-day event. */
static void html_session_hours(struct strbuf *sb, const struct report_at *at)
{
    char buf[8];
    report_html_time(sb, at->r, at->lang, session_at(at)->start_ms);
    time_format_hhmm(session_at(at)->end_ms, buf);
    strbuf_printf(sb, "–%s", buf);
}

/* The peak, when it was reached, and a bar of the peak against the capacity. */
static void html_session_peak(struct strbuf *sb, const struct report_at *at)
{
    const struct report_session *rs = &at->r->sessions[at->row];
    int cap = session_room(at)->capacity;
    strbuf_printf(sb, "%d", rs->peak);
    if (rs->peak > 0) {
        strbuf_puts(sb, " <span class=\"muted\">");
        report_html_time(sb, at->r, at->lang, rs->peak_ms);
        strbuf_puts(sb, "</span>");
    }
    int pct = cap > 0 ? (rs->peak * 100 + cap / 2) / cap : 0;
    strbuf_printf(sb, "<div class=\"bar\"><i%s style=\"width:%d%%\"></i></div>",
                  rs->peak >= cap ? " class=\"full\"" : "", pct > 100 ? 100 : pct);
}

#define SESSION_INT(member) FIELD(REPORT_CELL_INT, struct report_session, member)

static const struct report_column attendance_columns[] = {
    {"session", NULL, NULL, .cell = session_id},
    {"room", NULL, NULL, .cell = session_room_id},
    {"title", "Session", NULL, .cell = session_title},
    {NULL, "Room", NULL, .cell = session_room_name},
    {"start", NULL, NULL, .cell = session_start},
    {"end", NULL, NULL, .cell = session_end},
    {NULL, "Time", NULL, .html_cell = html_session_hours},
    {"capacity", "Capacity", "n", .cell = session_capacity},
    {"registered", "Registered", "n", SESSION_INT(registered)},
    {"attended", "Attended", "n", SESSION_INT(attended)},
    {"of_which_registered", "of whom registered", "n", SESSION_INT(attended_registered)},
    {"walk_ins", "Walk-ins", "n", SESSION_INT(walk_ins)},
    {"no_shows", "No-shows", "n", SESSION_INT(no_shows)},
    {"peak_occupancy", "Peak", "n", SESSION_INT(peak), .html_cell = html_session_peak},
    {"peak_at", NULL, NULL, .cell = session_peak_at},
    {"refused_at_capacity", "Refused (full)", "n", SESSION_INT(refused_full)},
    {"median_minutes_present", "Median min.", "n",
     FIELD(REPORT_CELL_MINUTES, struct report_session, median_present_ms)},
    {"refused_reserved_seats", NULL, NULL, SESSION_INT(refused_reserved)},
    {"manual_admissions", NULL, NULL, SESSION_INT(manual_in)},
};

const struct report_table report_attendance_table = {
    attendance_columns, ARRAY_LEN(attendance_columns), sessions_count, session_record, NULL, "",
};

/* Attendees. */

static const struct attendee *attendee_at(const struct report_at *at)
{
    return &at->r->ev->attendees[at->row];
}

static size_t attendees_count(const struct report *r)
{
    return r->ev->n_attendees;
}

static const void *attendee_record(const struct report *r, size_t row)
{
    return &r->attendees[row];
}

static struct report_cell attendee_id(const struct report_at *at)
{
    return text(attendee_at(at)->id);
}

static struct report_cell attendee_name(const struct report_at *at)
{
    return text(attendee_at(at)->name);
}

static struct report_cell attendee_organisation(const struct report_at *at)
{
    return text(attendee_at(at)->organisation);
}

static struct report_cell attendee_category(const struct report_at *at)
{
    return text(category_name(attendee_at(at)->category));
}

/* Minutes present in session k when present; 0 when registered and absent; empty otherwise. */
static struct report_cell attendee_minutes(const struct report_at *at)
{
    int64_t ms = at->r->present_ms[at->row * at->r->ev->n_sessions + at->k];
    if (ms > 0)
        return minutes(ms);
    return text(event_is_registered(attendee_at(at), at->k) ? "0" : "");
}

/* The sessions attended, with their minutes: "s1 <span>12.5</span>, s2 ..." ("s1 12,5; s2 ..."
 * in a language with a decimal comma). */
static void html_attendee_sessions(struct strbuf *sb, const struct report_at *at)
{
    const struct event *ev = at->r->ev;
    bool first = true;
    char buf[32];
    for (size_t s = 0; s < ev->n_sessions; s++) {
        int64_t ms = at->r->present_ms[at->row * ev->n_sessions + s];
        if (ms <= 0)
            continue;
        report_format_minutes(ms, at->lang != LANG_EN, buf);
        strbuf_puts(sb, first ? "" : at->lang != LANG_EN ? "; " : ", ");
        report_html_escape(sb, ev->sessions[s].id);
        strbuf_printf(sb, " <span class=\"muted\">%s</span>", buf);
        first = false;
    }
}

static const struct report_column attendees_columns[] = {
    {"attendee", "Id", NULL, .cell = attendee_id},
    {"name", "Name", NULL, .cell = attendee_name},
    {"organisation", "Organisation", NULL, .cell = attendee_organisation},
    {"category", "Category", NULL, .cell = attendee_category},
    {"checked_in_at", "Checked in", NULL,
     FIELD(REPORT_CELL_TIME, struct report_attendee, checked_in_ms)},
    {"sessions_registered", "Registered", "n",
     FIELD(REPORT_CELL_INT, struct report_attendee, sessions_registered)},
    {"sessions_attended", "Attended", "n",
     FIELD(REPORT_CELL_INT, struct report_attendee, sessions_attended)},
    {"minutes:", NULL, NULL, .cell = attendee_minutes, .repeat = REPORT_PER_SESSION},
    {NULL, "Sessions attended (minutes)", NULL, .html_cell = html_attendee_sessions},
};

const struct report_table report_attendees_table = {
    attendees_columns, ARRAY_LEN(attendees_columns), attendees_count, attendee_record, NULL, "",
};

/* Time slots. */

static size_t slots_count(const struct report *r)
{
    return r->n_slots;
}

static struct report_cell slot_time(const struct report_at *at)
{
    return moment(at->r->slot0_ms + (int64_t)at->row * REPORT_SLOT_MS);
}

/* The count of room k in the slot. */
static struct report_cell slot_room(const struct report_at *at)
{
    return number(at->r->occupancy[at->row * (at->r->ev->n_rooms + 1) + at->k]);
}

static struct report_cell slot_venue(const struct report_at *at)
{
    size_t nr = at->r->ev->n_rooms;
    return number(at->r->occupancy[at->row * (nr + 1) + nr]);
}

/* Whether any room or the venue holds someone in the slot. */
static bool slot_occupied(const struct report *r, size_t row)
{
    size_t nr = r->ev->n_rooms;
    for (size_t k = 0; k <= nr; k++) {
        if (r->occupancy[row * (nr + 1) + k] != 0)
            return true;
    }
    return false;
}

static const struct report_column occupancy_columns[] = {
    {"time", "Time", NULL, .cell = slot_time},
    {"", "", "n", .cell = slot_room, .repeat = REPORT_PER_ROOM},
    {"venue", "Venue", "n", .cell = slot_venue},
};

const struct report_table report_occupancy_table = {
    occupancy_columns, ARRAY_LEN(occupancy_columns), slots_count, NULL, slot_occupied, "",
};

static struct report_cell slot_check_ins(const struct report_at *at)
{
    return number(at->r->arrivals[at->row]);
}

/* Check-ins up to the end of the slot. A sum from the first slot each time: a report has a
 * few hundred slots, and the cell needs nothing but its row. */
static struct report_cell slot_checked_in_total(const struct report_at *at)
{
    int64_t total = 0;
    for (size_t i = 0; i <= at->row; i++)
        total += at->r->arrivals[i];
    return number(total);
}

static bool slot_has_check_ins(const struct report *r, size_t row)
{
    return r->arrivals[row] != 0;
}

static const struct report_column arrivals_columns[] = {
    {"time", "Time", NULL, .cell = slot_time},
    {"check_ins", "Check-ins", "n", .cell = slot_check_ins},
    {"checked_in_total", "Total", "n", .cell = slot_checked_in_total},
};

const struct report_table report_arrivals_table = {
    arrivals_columns,   ARRAY_LEN(arrivals_columns),  slots_count, NULL,
    slot_has_check_ins, " style=\"max-width:420px\"",
};

/* Admissions over capacity. */

static const struct report_overflow *overflow_at(const struct report_at *at)
{
    return &at->r->overflows[at->row];
}

static const struct attendee *overflow_attendee(const struct report_at *at)
{
    return &at->r->ev->attendees[overflow_at(at)->attendee];
}

static size_t overflows_count(const struct report *r)
{
    return r->n_overflows;
}

static const void *overflow_record(const struct report *r, size_t row)
{
    return &r->overflows[row];
}

static struct report_cell overflow_room_id(const struct report_at *at)
{
    return text(at->r->ev->rooms[overflow_at(at)->room].id);
}

static struct report_cell overflow_room_name(const struct report_at *at)
{
    return text(at->r->ev->rooms[overflow_at(at)->room].name);
}

static struct report_cell overflow_session_id(const struct report_at *at)
{
    size_t s = overflow_at(at)->session;
    return text(s != SIZE_MAX ? at->r->ev->sessions[s].id : "");
}

static struct report_cell overflow_session_title(const struct report_at *at)
{
    size_t s = overflow_at(at)->session;
    return text(s != SIZE_MAX ? at->r->ev->sessions[s].title : "");
}

static struct report_cell overflow_attendee_id(const struct report_at *at)
{
    return text(overflow_attendee(at)->id);
}

static struct report_cell overflow_category(const struct report_at *at)
{
    return text(category_name(overflow_attendee(at)->category));
}

static struct report_cell overflow_override(const struct report_at *at)
{
    return text(overflow_at(at)->override ? "yes" : "no");
}

/* Why the room could go over its capacity. */
static struct report_cell overflow_why(const struct report_at *at)
{
    return text(overflow_at(at)->override                             ? "staff override"
                : overflow_attendee(at)->category == CATEGORY_SPEAKER ? "speaker"
                                                                      : "doors out of touch");
}

static const struct report_column over_capacity_columns[] = {
    {"time", "Time", NULL, FIELD(REPORT_CELL_TIME, struct report_overflow, time_ms)},
    {"room", NULL, NULL, .cell = overflow_room_id},
    {NULL, "Room", NULL, .cell = overflow_room_name},
    {"session", NULL, NULL, .cell = overflow_session_id},
    {NULL, "Session", NULL, .cell = overflow_session_title},
    {"occupancy", "Inside", "num", FIELD(REPORT_CELL_INT, struct report_overflow, count)},
    {"capacity", "Capacity", "num", FIELD(REPORT_CELL_INT, struct report_overflow, capacity)},
    {"attendee", "Attendee", NULL, .cell = overflow_attendee_id},
    {"category", NULL, NULL, .cell = overflow_category},
    {"device", "Door", NULL, FIELD(REPORT_CELL_TEXT, struct report_overflow, device)},
    {"override", NULL, NULL, .cell = overflow_override},
    {NULL, "Why", NULL, .cell = overflow_why, .html_translate = true},
};

const struct report_table report_over_capacity_table = {
    over_capacity_columns,
    ARRAY_LEN(over_capacity_columns),
    overflows_count,
    overflow_record,
    NULL,
    "",
};

/* ---- manual_admissions.csv: admissions by hand per door and staff member (issue 15). ---- */

static size_t manual_count(const struct report *r)
{
    return r->n_manual;
}

static const void *manual_record(const struct report *r, size_t row)
{
    return &r->manual[row];
}

/* A staff member's name, when the event knows them. */
static struct report_cell staff_name(const struct report_at *at, const char *staff)
{
    const struct attendee *a = event_attendee_by_id(at->r->ev, staff);
    return text(a != NULL ? a->name : "");
}

static struct report_cell manual_staff_name(const struct report_at *at)
{
    return staff_name(at, at->r->manual[at->row].staff);
}

static const struct report_column manual_columns[] = {
    {"device", "Door", NULL, FIELD(REPORT_CELL_TEXT, struct report_manual, device)},
    {"staff", "Staff id", NULL, FIELD(REPORT_CELL_TEXT, struct report_manual, staff)},
    {"staff_name", "Staff member", NULL, .cell = manual_staff_name},
    {"admitted", "Admitted by hand", "num", FIELD(REPORT_CELL_INT, struct report_manual, admitted)},
};

const struct report_table report_manual_table = {
    manual_columns, ARRAY_LEN(manual_columns), manual_count, manual_record, NULL, "",
};

/* ---- walkins.csv, and its table: walk-ins registered on site (issue 15). ---- */

static size_t walkins_count(const struct report *r)
{
    return r->n_walkins;
}

static const void *walkin_record(const struct report *r, size_t row)
{
    return &r->walkins[row];
}

static struct report_cell walkin_staff_name(const struct report_at *at)
{
    return staff_name(at, at->r->walkins[at->row].staff);
}

static const struct report_column walkin_columns[] = {
    {"attendee_id", "Id", NULL, FIELD(REPORT_CELL_TEXT, struct report_walkin, attendee)},
    {"name", "Name", NULL, FIELD(REPORT_CELL_TEXT, struct report_walkin, name)},
    {"organisation", "Organisation", NULL,
     FIELD(REPORT_CELL_TEXT, struct report_walkin, organisation)},
    {"category", "Category", NULL, FIELD(REPORT_CELL_TEXT, struct report_walkin, category)},
    {"registered_at", "Registration time", NULL,
     FIELD(REPORT_CELL_TIME, struct report_walkin, registered_ms)},
    {"device", "Kiosk", NULL, FIELD(REPORT_CELL_TEXT, struct report_walkin, device)},
    {"staff", "Staff id", NULL, FIELD(REPORT_CELL_TEXT, struct report_walkin, staff)},
    {NULL, "Staff member", NULL, .cell = walkin_staff_name},
};

const struct report_table report_walkins_table = {
    walkin_columns, ARRAY_LEN(walkin_columns), walkins_count, walkin_record, NULL, "",
};

/* How many times column c is written. */
size_t report_column_count(const struct report_column *c, const struct event *ev)
{
    switch (c->repeat) {
    case REPORT_PER_SESSION:
        return ev->n_sessions;
    case REPORT_PER_ROOM:
        return ev->n_rooms;
    case REPORT_ONCE:
        break;
    }
    return 1;
}

/* The session's or room's id of a repeated column's k-th copy. */
const char *report_column_id(const struct report_column *c, const struct event *ev, size_t k)
{
    switch (c->repeat) {
    case REPORT_PER_SESSION:
        return ev->sessions[k].id;
    case REPORT_PER_ROOM:
        return ev->rooms[k].id;
    case REPORT_ONCE:
        break;
    }
    return NULL;
}

/* The cell: the column's function, or the field of the row's record. */
struct report_cell report_column_cell(const struct report_table *t, const struct report_column *c,
                                      const struct report_at *at)
{
    if (c->cell != NULL)
        return c->cell(at);
    const char *field = (const char *)t->record(at->r, at->row) + c->field;
    int i;
    int64_t n;
    switch (c->kind) {
    case REPORT_CELL_TEXT:
        return text(field);
    case REPORT_CELL_INT:
        memcpy(&i, field, sizeof i);
        return number(i);
    case REPORT_CELL_TIME:
    case REPORT_CELL_MINUTES:
    case REPORT_CELL_DAY:
        memcpy(&n, field, sizeof n);
        return (struct report_cell){c->kind, NULL, n};
    }
    return text("");
}

/* Check-ins per day. */

void report_format_day(int64_t days, char buf[16])
{
    int64_t y;
    int m, d;
    time_civil_from_days(days, &y, &m, &d);
    snprintf(buf, 16, "%04d-%02d-%02d", (int)y, m, d);
}

static size_t days_count(const struct report *r)
{
    return r->n_days;
}

static struct report_cell day_date(const struct report_at *at)
{
    return (struct report_cell){REPORT_CELL_DAY, NULL, at->r->days[at->row]};
}

static struct report_cell day_checked_in(const struct report_at *at)
{
    return number(at->r->checked_in_by_day[at->row]);
}

/* CSV and the sheet only: the page shows the days as headline cards. */
static const struct report_column checkins_by_day_columns[] = {
    {"day", NULL, NULL, .cell = day_date},
    {"checked_in", NULL, NULL, .cell = day_checked_in},
};

const struct report_table report_checkins_by_day_table = {
    checkins_by_day_columns, ARRAY_LEN(checkins_by_day_columns), days_count, NULL, NULL, "",
};
