/* The report's CSV files, and the report written to a folder. */
#include "report_out.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "log.h"
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

/* Appends an integer field. */
static void csv_int(struct strbuf *sb, const struct report_csv_format *f, long v, bool last)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", v);
    csv_field(sb, f, buf, last);
}

/* Appends a time field (empty for INT64_MIN). */
static void csv_time(struct strbuf *sb, const struct report_csv_format *f, int64_t ms, bool last)
{
    char buf[TIME_ISO_LEN] = "";
    if (ms != INT64_MIN)
        time_format_iso8601(ms, buf);
    csv_field(sb, f, buf, last);
}

/* The header row from a NULL-terminated list. */
static void csv_header(struct strbuf *sb, const struct report_csv_format *f,
                       const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++)
        csv_field(sb, f, names[i], names[i + 1] == NULL);
}

/* attendance.csv: one row per session. */
char *report_attendance_csv(const struct report *r, const struct report_csv_format *f)
{
    static const char *const head[] = {"session",
                                       "room",
                                       "title",
                                       "start",
                                       "end",
                                       "capacity",
                                       "registered",
                                       "attended",
                                       "of_which_registered",
                                       "walk_ins",
                                       "no_shows",
                                       "peak_occupancy",
                                       "peak_at",
                                       "refused_at_capacity",
                                       "median_minutes_present",
                                       "refused_reserved_seats",
                                       "manual_admissions",
                                       NULL};
    const struct event *ev = r->ev;
    struct strbuf sb = {0};
    char buf[32];
    csv_begin(&sb, f);
    csv_header(&sb, f, head);
    for (size_t s = 0; s < ev->n_sessions; s++) {
        const struct session *se = &ev->sessions[s];
        const struct report_session *rs = &r->sessions[s];
        csv_field(&sb, f, se->id, false);
        csv_field(&sb, f, ev->rooms[se->room].id, false);
        csv_field(&sb, f, se->title, false);
        csv_time(&sb, f, se->start_ms, false);
        csv_time(&sb, f, se->end_ms, false);
        csv_int(&sb, f, ev->rooms[se->room].capacity, false);
        csv_int(&sb, f, rs->registered, false);
        csv_int(&sb, f, rs->attended, false);
        csv_int(&sb, f, rs->attended_registered, false);
        csv_int(&sb, f, rs->walk_ins, false);
        csv_int(&sb, f, rs->no_shows, false);
        csv_int(&sb, f, rs->peak, false);
        csv_time(&sb, f, rs->peak > 0 ? rs->peak_ms : INT64_MIN, false);
        csv_int(&sb, f, rs->refused_full, false);
        report_format_minutes(rs->median_present_ms, f->sep == ';', buf);
        csv_field(&sb, f, buf, false);
        csv_int(&sb, f, rs->refused_reserved, false);
        csv_int(&sb, f, rs->manual_in, true);
    }
    return strbuf_take(&sb);
}

/* attendees.csv: one row per attendee, a minutes column per session. */
char *report_attendees_csv(const struct report *r, const struct report_csv_format *f)
{
    const struct event *ev = r->ev;
    size_t ns = ev->n_sessions;
    struct strbuf sb = {0};
    char buf[32];
    csv_begin(&sb, f);
    static const char *const head[] = {"attendee",          "name",
                                       "organisation",      "category",
                                       "checked_in_at",     "sessions_registered",
                                       "sessions_attended", NULL};
    for (size_t i = 0; head[i] != NULL; i++)
        csv_field(&sb, f, head[i], ns == 0 && head[i + 1] == NULL);
    for (size_t s = 0; s < ns; s++) {
        char *name = xasprintf("minutes:%s", ev->sessions[s].id);
        csv_field(&sb, f, name, s + 1 == ns);
        free(name);
    }
    for (size_t a = 0; a < ev->n_attendees; a++) {
        const struct attendee *at = &ev->attendees[a];
        const struct report_attendee *ra = &r->attendees[a];
        csv_field(&sb, f, at->id, false);
        csv_field(&sb, f, at->name, false);
        csv_field(&sb, f, at->organisation, false);
        csv_field(&sb, f, category_name(at->category), false);
        csv_time(&sb, f, ra->checked_in_ms, false);
        csv_int(&sb, f, ra->sessions_registered, false);
        csv_int(&sb, f, ra->sessions_attended, ns == 0);
        /* Minutes when present; 0 when registered and absent; empty otherwise. */
        for (size_t s = 0; s < ns; s++) {
            int64_t ms = r->present_ms[a * ns + s];
            buf[0] = '\0';
            if (ms > 0)
                report_format_minutes(ms, f->sep == ';', buf);
            else if (event_is_registered(at, s))
                snprintf(buf, sizeof buf, "0");
            csv_field(&sb, f, buf, s + 1 == ns);
        }
    }
    return strbuf_take(&sb);
}

/* occupancy.csv: one row per 5 minutes, a column per room and the venue. */
char *report_occupancy_csv(const struct report *r, const struct report_csv_format *f)
{
    const struct event *ev = r->ev;
    size_t nr = ev->n_rooms;
    struct strbuf sb = {0};
    csv_begin(&sb, f);
    csv_field(&sb, f, "time", false);
    for (size_t k = 0; k < nr; k++)
        csv_field(&sb, f, ev->rooms[k].id, false);
    csv_field(&sb, f, "venue", true);
    for (size_t i = 0; i < r->n_slots; i++) {
        csv_time(&sb, f, r->slot0_ms + (int64_t)i * REPORT_SLOT_MS, false);
        for (size_t k = 0; k <= nr; k++)
            csv_int(&sb, f, r->occupancy[i * (nr + 1) + k], k == nr);
    }
    return strbuf_take(&sb);
}

/* arrivals.csv: entrance check-ins per 5 minutes and their running total. */
char *report_arrivals_csv(const struct report *r, const struct report_csv_format *f)
{
    static const char *const head[] = {"time", "check_ins", "checked_in_total", NULL};
    struct strbuf sb = {0};
    csv_begin(&sb, f);
    csv_header(&sb, f, head);
    long total = 0;
    for (size_t i = 0; i < r->n_slots; i++) {
        total += r->arrivals[i];
        csv_time(&sb, f, r->slot0_ms + (int64_t)i * REPORT_SLOT_MS, false);
        csv_int(&sb, f, r->arrivals[i], false);
        csv_int(&sb, f, total, true);
    }
    return strbuf_take(&sb);
}

/* over_capacity.csv: every admission that left a room above its capacity, and why it could. */
char *report_over_capacity_csv(const struct report *r, const struct report_csv_format *f)
{
    static const char *const head[] = {"time",     "room",     "session", "occupancy", "capacity",
                                       "attendee", "category", "device",  "override",  NULL};
    const struct event *ev = r->ev;
    struct strbuf sb = {0};
    csv_begin(&sb, f);
    csv_header(&sb, f, head);
    for (size_t i = 0; i < r->n_overflows; i++) {
        const struct report_overflow *o = &r->overflows[i];
        const struct attendee *a = &ev->attendees[o->attendee];
        csv_time(&sb, f, o->time_ms, false);
        csv_field(&sb, f, ev->rooms[o->room].id, false);
        csv_field(&sb, f, o->session != SIZE_MAX ? ev->sessions[o->session].id : "", false);
        csv_int(&sb, f, o->count, false);
        csv_int(&sb, f, o->capacity, false);
        csv_field(&sb, f, a->id, false);
        csv_field(&sb, f, category_name(a->category), false);
        csv_field(&sb, f, o->device, false);
        csv_field(&sb, f, o->override ? "yes" : "no", true);
    }
    return strbuf_take(&sb);
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

/* Writes the six files. */
bool report_write_dir(const struct report *r, const char *dir, const struct report_csv_format *f)
{
    if (!mkdir_p(dir)) {
        log_warn("report: %s: cannot create the directory", dir);
        return false;
    }
    return write_one(dir, REPORT_ATTENDANCE_CSV, report_attendance_csv(r, f)) &&
           write_one(dir, REPORT_ATTENDEES_CSV, report_attendees_csv(r, f)) &&
           write_one(dir, REPORT_OCCUPANCY_CSV, report_occupancy_csv(r, f)) &&
           write_one(dir, REPORT_ARRIVALS_CSV, report_arrivals_csv(r, f)) &&
           write_one(dir, REPORT_OVER_CAPACITY_CSV, report_over_capacity_csv(r, f)) &&
           write_one(dir, REPORT_HTML, report_html(r));
}
