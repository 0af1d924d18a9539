/* SPDX-License-Identifier: Apache-2.0 */
/* The report as one self-contained HTML page: inline CSS, charts as inline SVG, no script and
 * nothing fetched, laid out for a browser and for A4 paper. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "report.h"
#include "timeutil.h"
#include "util.h"
#include "report_out.h"
#include "report_table.h"

#define HOUR_MS (3600 * 1000LL)
#define DAY_MS  (24 * HOUR_MS)

static const char style[] =
    "@page{size:A4;margin:14mm 12mm 16mm}"
    "*{box-sizing:border-box}"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "body{font-family:'Source Sans 3','Segoe UI',Roboto,'Helvetica Neue','DejaVu Sans',"
    "Arial,sans-serif;color:#1d2433;margin:0 auto;max-width:1120px;padding:28px 36px;"
    "font-size:14px;line-height:1.4;background:#fff}"
    "header{border-bottom:3px solid #1f4e8c;padding-bottom:10px;margin-bottom:18px;"
    "display:flex;flex-wrap:wrap;justify-content:space-between;align-items:flex-end;"
    "gap:4px 24px}"
    "header .kicker{font-size:12px;letter-spacing:.12em;text-transform:uppercase;"
    "color:#1f4e8c;font-weight:600}"
    "h1{font-size:28px;margin:2px 0 0;font-weight:700}"
    "header .when{color:#5b6475;text-align:right;font-size:13px}"
    "h2{font-size:18px;margin:28px 0 10px;color:#1f4e8c;break-after:avoid;"
    "page-break-after:avoid}"
    "h3{font-size:13px;margin:0 0 2px;font-weight:600}"
    "h3.day{font-size:14px;margin:16px 0 6px;color:#1f4e8c;break-after:avoid;"
    "page-break-after:avoid}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:12px}"
    ".card{border:1px solid #d8dee9;border-radius:8px;padding:10px 14px;background:#f7f9fc}"
    ".card .v{font-size:26px;font-weight:700;color:#1d2433}"
    ".card .l{font-size:12px;color:#5b6475}"
    ".card .s{font-size:12px;color:#1f4e8c}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,380px),1fr));"
    "gap:10px 18px}"
    ".chart{break-inside:avoid;page-break-inside:avoid}"
    ".chart .sub{font-size:11px;color:#5b6475;margin-bottom:2px}"
    "svg{display:block;width:100%;height:auto}"
    "svg text{font-family:inherit}"
    ".legend{font-size:12px;color:#5b6475;margin:4px 0 10px}"
    ".legend span{display:inline-block;margin-right:16px}"
    ".sw{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:-1px;"
    "border-radius:2px}"
    ".tw{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%;font-size:12px}"
    "th{text-align:left;font-weight:600;color:#5b6475;border-bottom:2px solid #1f4e8c;"
    "padding:5px 6px;vertical-align:bottom}"
    "td{padding:4px 6px;border-bottom:1px solid #e6eaf0;vertical-align:top}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr{break-inside:avoid;page-break-inside:avoid}"
    "tbody tr:nth-child(even){background:#f7f9fc}"
    ".bar{height:6px;background:#e6eaf0;border-radius:3px;margin-top:3px;min-width:60px}"
    ".bar i{display:block;height:6px;border-radius:3px;background:#2f6fbd}"
    ".bar i.full{background:#c2410c}"
    ".muted{color:#5b6475}"
    ".notes{font-size:11px;color:#5b6475;margin-top:24px;border-top:1px solid #d8dee9;"
    "padding-top:8px}"
    ".notes li{margin:2px 0}"
    ".appendix{break-before:page;page-break-before:always}"
    "@media (max-width:640px){body{padding:16px 12px}h1{font-size:22px}"
    "header .when{text-align:left}.cards{grid-template-columns:1fr 1fr;gap:8px}"
    ".card{padding:8px 10px}.card .v{font-size:20px}}"
    "@media print{body{padding:0;max-width:none;font-size:10pt}.tw{overflow:visible}"
    ".cards{grid-template-columns:repeat(4,1fr)}h1{font-size:22pt}"
    "table{font-size:8.5pt}.charts{grid-template-columns:1fr 1fr;gap:4mm 6mm}}";

/* Appends an HTML-escaped string. */
void report_html_escape(struct strbuf *sb, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            strbuf_puts(sb, "&amp;");
            break;
        case '<':
            strbuf_puts(sb, "&lt;");
            break;
        case '>':
            strbuf_puts(sb, "&gt;");
            break;
        case '"':
            strbuf_puts(sb, "&quot;");
            break;
        default:
            strbuf_putc(sb, *s);
        }
    }
}

/* Appends "HH:MM" in local time. */
static void put_hhmm(struct strbuf *sb, int64_t ms)
{
    char buf[8];
    time_format_hhmm(ms, buf);
    strbuf_puts(sb, buf);
}

/* The local UTC offset at ms, in ms. */
static int64_t local_offset(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    return (int64_t)tm.tm_gmtoff * 1000;
}

/* Appends the n-th word of a comma-separated message (the catalogue's day and month names). */
static void put_nth(struct strbuf *sb, enum language lang, enum i18n_msg msg, int n)
{
    int len;
    const char *word = i18n_item(lang, msg, n, &len);
    strbuf_printf(sb, "%.*s", len, word);
}

/* Appends a date such as "Thursday 23 April 2026" ("donderdag 23 april 2026", "jeudi 23 avril
 * 2026") in local time. */
static void put_date(struct strbuf *sb, enum language lang, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    put_nth(sb, lang, MSG_REPORT_WEEKDAYS, tm.tm_wday);
    strbuf_printf(sb, " %d ", tm.tm_mday);
    put_nth(sb, lang, MSG_REPORT_MONTHS, tm.tm_mon);
    strbuf_printf(sb, " %d", tm.tm_year + 1900);
}

/* Appends "day month" of a day number, and " year" when with_year. */
static void put_day_month(struct strbuf *sb, enum language lang, int64_t days, bool with_year)
{
    int64_t y;
    int m, d;
    time_civil_from_days(days, &y, &m, &d);
    strbuf_printf(sb, "%d ", d);
    put_nth(sb, lang, MSG_REPORT_MONTHS, m - 1);
    if (with_year)
        strbuf_printf(sb, " %d", (int)y);
}

/* Appends the span of a multi-day event from its first to its last day, as organisers write
 * it: "12–14 March 2025", "30 March – 1 April 2025", "30 December 2025 – 2 January 2026". */
static void put_span(struct strbuf *sb, enum language lang, int64_t first, int64_t last)
{
    int64_t y0, y1;
    int m0, m1, d0, d1;
    time_civil_from_days(first, &y0, &m0, &d0);
    time_civil_from_days(last, &y1, &m1, &d1);
    if (y0 == y1 && m0 == m1) {
        strbuf_printf(sb, "%d–", d0);
    } else {
        put_day_month(sb, lang, first, y0 != y1);
        strbuf_puts(sb, " – ");
    }
    put_day_month(sb, lang, last, true);
}

/* The text in lang of the report's own English word en, looked up among the messages first..last
 * by their English text; en itself when none has it. */
static const char *translate(enum language lang, const char *en, enum i18n_msg first,
                             enum i18n_msg last)
{
    for (int m = first; m <= (int)last; m++) {
        if (strcmp(i18n(LANG_EN, (enum i18n_msg)m), en) == 0)
            return i18n(lang, (enum i18n_msg)m);
    }
    return en;
}

/* A chart's geometry: the time window and the plot area inside the SVG. */
struct frame {
    int64_t t0, t1;
    double x0, x1, y0, y1; /* plot area; y0 is the bottom */
    double vmax;
};

static double fx(const struct frame *f, int64_t t)
{
    return f->x0 + (f->x1 - f->x0) * (double)(t - f->t0) / (double)(f->t1 - f->t0);
}

static double fy(const struct frame *f, double v)
{
    return f->y0 - (f->y0 - f->y1) * v / f->vmax;
}

/* A round scale maximum at or above v, and its tick step. */
static double nice_max(double v, double *step)
{
    static const double steps[] = {1,   2,   5,    10,   20,   25,   50,    100,   200,
                                   250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000};
    if (v < 1)
        v = 1;
    for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
        if (v / steps[i] <= 4) {
            *step = steps[i];
            double m = steps[i];
            while (m < v)
                m += steps[i];
            return m;
        }
    }
    *step = v / 4;
    return v;
}

/* Draws the grid: horizontal lines with values, hour ticks with labels. */
static void draw_axes(struct strbuf *sb, const struct frame *f, double step)
{
    for (double v = 0; v <= f->vmax + 1e-9; v += step) {
        double y = fy(f, v);
        strbuf_printf(sb,
                      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                      "stroke-width=\"1\"/>",
                      f->x0, y, f->x1, y, v == 0 ? "#9aa3b2" : "#e6eaf0");
        strbuf_printf(sb,
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#5b6475\" "
                      "text-anchor=\"end\">%.0f</text>",
                      f->x0 - 4, y + 3.5, v);
    }
    int64_t span = f->t1 - f->t0;
    int64_t every = span > 16 * HOUR_MS ? 4 * HOUR_MS : span > 8 * HOUR_MS ? 2 * HOUR_MS : HOUR_MS;
    int64_t off = local_offset(f->t0);
    int64_t local = f->t0 + off, rem = ((local % every) + every) % every;
    int64_t first = local + (rem == 0 ? 0 : every - rem) - off; /* the first whole step */
    for (int64_t t = first; t <= f->t1; t += every) {
        double x = fx(f, t);
        strbuf_printf(sb,
                      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#9aa3b2\"/>",
                      x, f->y0, x, f->y0 + 4);
        strbuf_printf(sb,
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#5b6475\" "
                      "text-anchor=\"middle\">",
                      x, f->y0 + 15);
        put_hhmm(sb, t);
        strbuf_puts(sb, "</text>");
    }
}

/* The stretch of time a row of charts shows: the whole event, or one day of a multi-day event
 * (then labelled with its date). */
struct window {
    int64_t t0, t1;
    bool labelled;
};

/* The chart of one room: occupancy per 5 minutes against capacity and the session slots, in
 * the n-th window w. */
static void room_chart(struct strbuf *sb, const struct report *r, enum language lang, size_t room,
                       const struct window *w, size_t n)
{
    const struct event *ev = r->ev;
    size_t nr = ev->n_rooms;
    int64_t t0 = w->t0, t1 = w->t1;
    int cap = ev->rooms[room].capacity, peak = 0;
    for (size_t i = 0; i < r->n_slots; i++) {
        int64_t a = r->slot0_ms + (int64_t)i * REPORT_SLOT_MS;
        int v = r->occupancy[i * (nr + 1) + room];
        if (a >= t0 && a < t1 && v > peak)
            peak = v;
    }
    double step;
    struct frame f = {t0, t1, 34, 522, 150, 14, 0};
    f.vmax = nice_max((cap > peak ? cap : peak) * 1.08, &step);
    strbuf_puts(sb, "<div class=\"chart\"><h3>");
    report_html_text(sb, ev->rooms[room].name);
    strbuf_puts(sb, "</h3><div class=\"sub\">");
    strbuf_printf(sb, i18n(lang, MSG_REPORT_CAPACITY_PEAK), cap, peak);
    strbuf_puts(sb, "</div><svg viewBox=\"0 0 540 170\" role=\"img\" aria-label=\"");
    strbuf_printf(sb, i18n(lang, MSG_REPORT_OCCUPANCY_OF), ev->rooms[room].id);
    strbuf_puts(sb, "\">");
    /* Session slots, shaded, with their titles. */
    for (size_t s = 0; s < ev->n_sessions; s++) {
        const struct session *se = &ev->sessions[s];
        if (se->room != room || se->end_ms <= t0 || se->start_ms >= t1)
            continue;
        double xa = fx(&f, se->start_ms > t0 ? se->start_ms : t0);
        double xb = fx(&f, se->end_ms < t1 ? se->end_ms : t1);
        strbuf_printf(sb,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                      "fill=\"#eef3fa\" stroke=\"#c9d6ea\"><title>",
                      xa, f.y1, xb - xa, f.y0 - f.y1);
        report_html_escape(sb, se->title);
        strbuf_puts(sb, "</title></rect>");
        strbuf_printf(sb,
                      "<clipPath id=\"c%zu-%zu\"><rect x=\"%.1f\" y=\"0\" width=\"%.1f\" "
                      "height=\"170\"/></clipPath>",
                      n, s, xa, xb - xa - 3);
        strbuf_printf(sb,
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9.5\" fill=\"#1f4e8c\" "
                      "clip-path=\"url(#c%zu-%zu)\">",
                      xa + 3, f.y1 + 11, n, s);
        report_html_escape(sb, se->title);
        strbuf_puts(sb, "</text>");
    }
    draw_axes(sb, &f, step);
    /* Occupancy as a step area. */
    strbuf_printf(sb,
                  "<path fill=\"#2f6fbd\" fill-opacity=\".22\" stroke=\"#2f6fbd\" "
                  "stroke-width=\"1.4\" d=\"M%.1f %.1f",
                  fx(&f, t0), f.y0);
    for (size_t i = 0; i < r->n_slots; i++) {
        int64_t a = r->slot0_ms + (int64_t)i * REPORT_SLOT_MS;
        if (a < t0 || a >= t1)
            continue;
        double y = fy(&f, r->occupancy[i * (nr + 1) + room]);
        strbuf_printf(sb, "L%.1f %.1fL%.1f %.1f", fx(&f, a), y, fx(&f, a + REPORT_SLOT_MS), y);
    }
    strbuf_printf(sb, "L%.1f %.1fZ\"/>", fx(&f, t1), f.y0);
    /* Capacity. */
    double yc = fy(&f, cap);
    strbuf_printf(sb,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c2410c\" "
                  "stroke-width=\"1.3\" stroke-dasharray=\"5 3\"/>",
                  f.x0, yc, f.x1, yc);
    strbuf_puts(sb, "</svg></div>");
}

/* The arrivals chart: check-ins per 5 minutes (bars, on one scale for every window) and their
 * running total in the window (line); counts: report.arrivals or report.day_arrivals. */
static void arrivals_chart(struct strbuf *sb, const struct report *r, enum language lang,
                           const int *counts, int64_t t0, int64_t t1)
{
    int most = 0, total = 0;
    for (size_t i = 0; i < r->n_slots; i++) {
        int64_t a = r->slot0_ms + (int64_t)i * REPORT_SLOT_MS;
        if (counts[i] > most)
            most = counts[i];
        if (a >= t0 && a < t1)
            total += counts[i];
    }
    double step, step2;
    struct frame f = {t0, t1, 40, 1040, 210, 12, 0};
    f.vmax = nice_max(most * 1.1, &step);
    struct frame g = f;
    g.vmax = nice_max(total * 1.05, &step2);
    strbuf_puts(sb, "<div class=\"chart\"><svg viewBox=\"0 0 1090 230\" role=\"img\" "
                    "aria-label=\"");
    report_html_escape(sb, i18n(lang, MSG_REPORT_ARRIVALS));
    strbuf_puts(sb, "\">");
    draw_axes(sb, &f, step);
    for (double v = step2; v <= g.vmax + 1e-9; v += step2)
        strbuf_printf(sb,
                      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#0f766e\">%.0f</text>",
                      g.x1 + 4, fy(&g, v) + 3.5, v);
    double w = fx(&f, t0 + REPORT_SLOT_MS) - fx(&f, t0);
    int run = 0;
    struct strbuf line = {0};
    for (size_t i = 0; i < r->n_slots; i++) {
        int64_t a = r->slot0_ms + (int64_t)i * REPORT_SLOT_MS;
        if (a < t0 || a >= t1)
            continue;
        run += counts[i];
        if (counts[i] > 0) {
            double y = fy(&f, counts[i]);
            strbuf_printf(sb,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"#2f6fbd\"/>",
                          fx(&f, a) + 0.5, y, w > 2 ? w - 1 : w, f.y0 - y);
        }
        strbuf_printf(&line, "%s%.1f %.1f", line.len ? "L" : "M", fx(&g, a + REPORT_SLOT_MS),
                      fy(&g, run));
    }
    if (line.len > 0)
        strbuf_printf(sb, "<path d=\"%s\" fill=\"none\" stroke=\"#0f766e\" stroke-width=\"2\"/>",
                      line.data);
    strbuf_finish(&line);
    strbuf_puts(sb, "</svg></div>");
}

/* Appends a headline card. */
static void card(struct strbuf *sb, const char *value, const char *label, const char *sub)
{
    strbuf_puts(sb, "<div class=\"card\"><div class=\"v\">");
    report_html_escape(sb, value);
    strbuf_puts(sb, "</div><div class=\"l\">");
    report_html_escape(sb, label);
    strbuf_puts(sb, "</div><div class=\"s\">");
    report_html_escape(sb, sub);
    strbuf_puts(sb, "</div></div>");
}

/* [a, b) widened to whole local hours, at least one. */
static void whole_hours(int64_t a, int64_t b, int64_t *t0, int64_t *t1)
{
    int64_t off = local_offset(a);
    a = a + off - (((a + off) % HOUR_MS) + HOUR_MS) % HOUR_MS - off;
    int64_t rem = (((b + off) % HOUR_MS) + HOUR_MS) % HOUR_MS;
    if (rem != 0)
        b += HOUR_MS - rem;
    if (b <= a)
        b = a + HOUR_MS;
    *t0 = a;
    *t1 = b;
}

/* The local date of t, in days since 1970-01-01. */
static int64_t local_day(int64_t t)
{
    int64_t l = t + local_offset(t);
    return (l - ((l % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
}

/* The local midnight that starts day d. */
static int64_t day_start(int64_t d)
{
    int64_t t = d * DAY_MS;
    return t - local_offset(t - local_offset(t));
}

/* Whether slot i holds someone arriving or inside a room (not the venue: people who never
 * leave through an exit kiosk stay inside it until the night). */
static bool slot_busy(const struct report *r, size_t i)
{
    size_t nr = r->ev->n_rooms;
    bool busy = r->day_arrivals[i] != 0;
    for (size_t k = 0; k < nr && !busy; k++)
        busy = r->occupancy[i * (nr + 1) + k] != 0;
    return busy;
}

/* The part of local day d the charts of a multi-day event show: its sessions and the slots
 * someone arrives or is inside in, widened to whole hours. False when the day has none. */
static bool day_window(const struct report *r, int64_t d, struct window *w)
{
    const struct event *ev = r->ev;
    int64_t a = day_start(d), b = day_start(d + 1), lo = INT64_MAX, hi = INT64_MIN;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        const struct session *se = &ev->sessions[s];
        if (se->end_ms <= a || se->start_ms >= b)
            continue;
        int64_t from = se->start_ms > a ? se->start_ms : a, to = se->end_ms < b ? se->end_ms : b;
        lo = from < lo ? from : lo;
        hi = to > hi ? to : hi;
    }
    size_t i = a > r->slot0_ms ? (size_t)((a - r->slot0_ms) / REPORT_SLOT_MS) : 0;
    for (; i < r->n_slots && r->slot0_ms + (int64_t)i * REPORT_SLOT_MS < b; i++) {
        int64_t t = r->slot0_ms + (int64_t)i * REPORT_SLOT_MS;
        if (t >= a && slot_busy(r, i)) {
            lo = t < lo ? t : lo;
            hi = t + REPORT_SLOT_MS > hi ? t + REPORT_SLOT_MS : hi;
        }
    }
    if (lo >= hi)
        return false;
    whole_hours(lo, hi, &w->t0, &w->t1);
    w->labelled = true;
    return true;
}

/* The windows the charts show: the slots, trimmed to whole hours, for a one-day event; a day
 * each, from the first slot's to the last's, for a multi-day event (hours apart, a timeline
 * across days would squeeze each into a sliver and show the nights). Owned by the caller. */
static struct window *chart_windows(const struct report *r, size_t *n)
{
    int64_t a = r->slot0_ms, b = r->slot0_ms + (int64_t)r->n_slots * REPORT_SLOT_MS;
    if (r->n_days <= 1 || r->n_slots == 0) {
        struct window *w = xcalloc(1, sizeof *w);
        whole_hours(a, b, &w->t0, &w->t1);
        *n = 1;
        return w;
    }
    int64_t d0 = local_day(a), d1 = local_day(b - 1);
    struct window *w = xcalloc((size_t)(d1 - d0 + 1), sizeof *w);
    *n = 0;
    for (int64_t d = d0; d <= d1; d++)
        *n += day_window(r, d, &w[*n]);
    return w;
}

/* Appends organisers' text, escaped, in its own bidirectional isolate. */
void report_html_text(struct strbuf *sb, const char *s)
{
    strbuf_puts(sb, "<bdi>");
    report_html_escape(sb, s);
    strbuf_puts(sb, "</bdi>");
}

/* Appends a cell's value. */
static void html_cell(struct strbuf *sb, const struct report_at *at,
                      const struct report_column *col, const struct report_cell *c)
{
    enum language lang = at->lang;
    char buf[32];
    switch (c->kind) {
    case REPORT_CELL_TEXT:
        if (col->html_translate)
            report_html_escape(sb,
                               translate(lang, c->text, MSG_REPORT_WHY_FIRST, MSG_REPORT_WHY_LAST));
        else
            report_html_text(sb, c->text);
        break;
    case REPORT_CELL_INT:
        strbuf_printf(sb, "%" PRId64, c->n);
        break;
    case REPORT_CELL_TIME:
        if (c->n != INT64_MIN)
            report_html_time(sb, at->r, lang, c->n);
        else
            strbuf_puts(sb, "<span class=\"muted\">—</span>");
        break;
    case REPORT_CELL_MINUTES:
        report_format_minutes(c->n, lang != LANG_EN, buf);
        strbuf_puts(sb, buf);
        break;
    case REPORT_CELL_DAY:
        report_html_day(lang, c->n, buf);
        strbuf_puts(sb, buf);
        break;
    }
}

/* Appends "<tag>" or "<tag class=\"...\">". */
static void open_tag(struct strbuf *sb, const char *tag, const char *class)
{
    if (class != NULL)
        strbuf_printf(sb, "<%s class=\"%s\">", tag, class);
    else
        strbuf_printf(sb, "<%s>", tag);
}

/* An HTML table from a column table: the headings, then the rows it shows. */
static void html_table(struct strbuf *sb, const struct report *r, enum language lang,
                       const struct report_table *t)
{
    const struct event *ev = r->ev;
    /* A table wider than the page (a column per room) scrolls in its own box. */
    strbuf_printf(sb, "<div class=\"tw\"><table%s><thead><tr>", t->html_attributes);
    for (size_t i = 0; i < t->n_columns; i++) {
        const struct report_column *c = &t->columns[i];
        size_t n = c->html != NULL ? report_column_count(c, ev) : 0;
        for (size_t k = 0; k < n; k++) {
            const char *id = report_column_id(c, ev, k);
            open_tag(sb, "th", c->html_class);
            report_html_escape(sb,
                               translate(lang, c->html, MSG_REPORT_COL_FIRST, MSG_REPORT_COL_LAST));
            if (id != NULL)
                report_html_escape(sb, id);
            strbuf_puts(sb, "</th>");
        }
    }
    strbuf_puts(sb, "</tr></thead><tbody>");
    size_t rows = t->n_rows(r);
    for (size_t row = 0; row < rows; row++) {
        if (t->html_shows != NULL && !t->html_shows(r, row))
            continue;
        strbuf_puts(sb, "<tr>");
        for (size_t i = 0; i < t->n_columns; i++) {
            const struct report_column *c = &t->columns[i];
            size_t n = c->html != NULL ? report_column_count(c, ev) : 0;
            for (size_t k = 0; k < n; k++) {
                struct report_at at = {r, row, k, lang};
                open_tag(sb, "td", c->html_class);
                if (c->html_cell != NULL) {
                    c->html_cell(sb, &at);
                } else {
                    struct report_cell cell = report_column_cell(t, c, &at);
                    html_cell(sb, &at, c, &cell);
                }
                strbuf_puts(sb, "</td>");
            }
        }
        strbuf_puts(sb, "</tr>");
    }
    strbuf_puts(sb, "</tbody></table></div>");
}

/* Appends a message of the catalogue, escaped. */
static void put_msg(struct strbuf *sb, enum language lang, enum i18n_msg msg)
{
    report_html_escape(sb, i18n(lang, msg));
}

/* Appends "<h2>heading</h2>". */
static void heading(struct strbuf *sb, enum language lang, enum i18n_msg msg)
{
    strbuf_puts(sb, "<h2>");
    put_msg(sb, lang, msg);
    strbuf_puts(sb, "</h2>");
}

/* The admissions that took a room past its capacity, and why they could. */
static void over_capacity_table(struct strbuf *sb, const struct report *r, enum language lang)
{
    heading(sb, lang, MSG_REPORT_OVER_CAPACITY_HEADING);
    if (r->n_overflows == 0) {
        strbuf_puts(sb, "<p>");
        put_msg(sb, lang, MSG_REPORT_NO_OVER_CAPACITY);
        strbuf_puts(sb, "</p>\n");
        return;
    }
    strbuf_puts(sb, "<p>");
    put_msg(sb, lang, MSG_REPORT_OVER_CAPACITY_INTRO);
    strbuf_puts(sb, "</p>");
    html_table(sb, r, lang, &report_over_capacity_table);
    strbuf_puts(sb, "\n");
}

/* A section shown only when its table has rows: heading, introduction, table. */
static void section_if_rows(struct strbuf *sb, const struct report *r, enum language lang,
                            enum i18n_msg title, enum i18n_msg intro, const struct report_table *t)
{
    if (t->n_rows(r) == 0)
        return;
    heading(sb, lang, title);
    strbuf_puts(sb, "<p>");
    put_msg(sb, lang, intro);
    strbuf_puts(sb, "</p>");
    html_table(sb, r, lang, t);
    strbuf_puts(sb, "\n");
}

/* The day the page is about: the first session's start, or the first scan without sessions. */
static int64_t page_day(const struct report *r)
{
    const struct event *ev = r->ev;
    int64_t day = ev->n_sessions > 0 ? ev->sessions[0].start_ms : r->first_ms;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        if (ev->sessions[s].start_ms < day)
            day = ev->sessions[s].start_ms;
    }
    return day;
}

/* The document's head with the styles, and the page header: event, date, time zone. */
static void page_head(struct strbuf *sb, const struct report *r, enum language lang)
{
    const struct event *ev = r->ev;
    strbuf_printf(sb,
                  "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                  "<title>",
                  language_name(lang));
    put_msg(sb, lang, MSG_REPORT_TITLE);
    strbuf_puts(sb, " · ");
    report_html_escape(sb, ev->name);
    strbuf_printf(sb, "</title><style>%s</style></head><body>\n", style);
    strbuf_puts(sb, "<header><div><div class=\"kicker\">");
    put_msg(sb, lang, MSG_REPORT_TITLE);
    strbuf_puts(sb, "</div><h1>");
    report_html_text(sb, ev->name);
    strbuf_puts(sb, "</h1></div><div class=\"when\">");
    if (r->n_days > 1)
        put_span(sb, lang, r->days[0], r->days[r->n_days - 1]);
    else
        put_date(sb, lang, page_day(r));
    strbuf_puts(sb, "<br>");
    report_html_escape(sb, ev->timezone);
    strbuf_puts(sb, "</div></header>\n");
}

/* The four headline figures: checked in, venue peak, session attendances, refusals. */
static void headline_cards(struct strbuf *sb, const struct report *r, enum language lang)
{
    const struct event *ev = r->ev;
    char v[64], sub[192];
    int attended = 0, refused = 0, full = 0;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        attended += r->sessions[s].attended;
        refused += r->sessions[s].refused_full;
        full += r->sessions[s].peak >= ev->rooms[ev->sessions[s].room].capacity;
    }
    strbuf_puts(sb, "<section class=\"cards\">");
    snprintf(v, sizeof v, "%d", r->checked_in);
    snprintf(sub, sizeof sub, i18n(lang, MSG_REPORT_OF_REGISTERED), r->people,
             r->people > 0 ? (r->checked_in * 100 + r->people / 2) / r->people : 0);
    card(sb, v, i18n(lang, MSG_REPORT_CHECKED_IN_ENTRANCE), sub);
    for (size_t d = 0; r->n_days > 1 && r->n_days <= 7 && d < r->n_days; d++) {
        char day[16], label[96];
        report_html_day(lang, r->days[d], day);
        snprintf(v, sizeof v, "%d", r->checked_in_by_day[d]);
        snprintf(label, sizeof label, i18n(lang, MSG_REPORT_CHECKED_IN_ON), day);
        card(sb, v, label, i18n(lang, MSG_REPORT_FIRST_ADMISSION_DAY));
    }
    snprintf(v, sizeof v, "%d", r->venue_peak);
    if (r->venue_peak > 0) {
        struct strbuf when = {0};
        report_html_time(&when, r, lang, r->venue_peak_ms);
        snprintf(sub, sizeof sub, i18n(lang, MSG_REPORT_AT), when.data);
        strbuf_finish(&when);
    } else {
        snprintf(sub, sizeof sub, "%s", i18n(lang, MSG_REPORT_NO_ONE_CHECKED_IN));
    }
    card(sb, v, i18n(lang, MSG_REPORT_PEAK_VENUE), sub);
    snprintf(v, sizeof v, "%d", attended);
    snprintf(sub, sizeof sub, i18n(lang, MSG_REPORT_OVER_SESSIONS), ev->n_sessions, ev->n_rooms);
    card(sb, v, i18n(lang, MSG_REPORT_SESSION_ATTENDANCES), sub);
    snprintf(v, sizeof v, "%d", refused);
    snprintf(sub, sizeof sub,
             i18n(lang, full == 1 ? MSG_REPORT_ONE_SESSION_FULL : MSG_REPORT_SESSIONS_FULL), full);
    card(sb, v, i18n(lang, MSG_REPORT_REFUSED_FULL), sub);
    strbuf_puts(sb, "</section>\n");
}

/* Appends a legend's entry: a swatch in style, then the message. */
static void legend(struct strbuf *sb, enum language lang, const char *style_, enum i18n_msg msg)
{
    strbuf_printf(sb, "<span><i class=\"sw\" style=\"%s\"></i>", style_);
    put_msg(sb, lang, msg);
    strbuf_puts(sb, "</span>");
}

/* A day's label above its charts. */
static void day_label(struct strbuf *sb, enum language lang, const struct window *w)
{
    if (!w->labelled)
        return;
    strbuf_puts(sb, "<h3 class=\"day\">");
    put_date(sb, lang, w->t0);
    strbuf_puts(sb, "</h3>");
}

/* The arrivals chart and one occupancy chart per room, each with its legend; a multi-day
 * event's a set per day, its arrivals those of the day. */
static void charts(struct strbuf *sb, const struct report *r, enum language lang)
{
    size_t n;
    struct window *w = chart_windows(r, &n);
    bool by_day = w[0].labelled;
    heading(sb, lang, MSG_REPORT_ARRIVALS_HEADING);
    strbuf_puts(sb, "<div class=\"legend\">");
    legend(sb, lang, "background:#2f6fbd", MSG_REPORT_LEGEND_CHECKINS);
    legend(sb, lang, "background:#0f766e",
           by_day ? MSG_REPORT_LEGEND_SO_FAR_DAY : MSG_REPORT_LEGEND_SO_FAR);
    strbuf_puts(sb, "</div>");
    for (size_t i = 0; i < n; i++) {
        day_label(sb, lang, &w[i]);
        arrivals_chart(sb, r, lang, by_day ? r->day_arrivals : r->arrivals, w[i].t0, w[i].t1);
    }

    heading(sb, lang, MSG_REPORT_OCCUPANCY_HEADING);
    strbuf_puts(sb, "<div class=\"legend\">");
    legend(sb, lang, "background:#2f6fbd;opacity:.5", MSG_REPORT_LEGEND_PEOPLE);
    legend(sb, lang, "background:#c2410c", MSG_REPORT_LEGEND_CAPACITY);
    legend(sb, lang, "background:#eef3fa;border:1px solid #c9d6ea", MSG_REPORT_LEGEND_SESSION);
    strbuf_puts(sb, "</div>");
    for (size_t i = 0; i < n; i++) {
        day_label(sb, lang, &w[i]);
        strbuf_puts(sb, "<div class=\"charts\">");
        for (size_t k = 0; k < r->ev->n_rooms; k++)
            room_chart(sb, r, lang, k, &w[i], i);
        strbuf_puts(sb, "</div>");
    }
    strbuf_puts(sb, "\n");
    free(w);
}

/* What the figures mean, and how many scans they come from. */
static void notes(struct strbuf *sb, const struct report *r, enum language lang)
{
    static const enum i18n_msg items[] = {MSG_REPORT_NOTE_STAFF, MSG_REPORT_NOTE_ATTENDED,
                                          MSG_REPORT_NOTE_NO_SHOWS, MSG_REPORT_NOTE_PEAK};
    strbuf_puts(sb, "<ul class=\"notes\">");
    for (size_t i = 0; i < ARRAY_LEN(items); i++) {
        strbuf_puts(sb, "<li>");
        put_msg(sb, lang, items[i]);
        strbuf_puts(sb, "</li>");
    }
    strbuf_puts(sb, "<li>");
    strbuf_printf(sb, i18n(lang, MSG_REPORT_NOTE_SCANS), r->scans, r->devices);
    /* Not the copies merged: that depends on the source, and the page must not. */
    if (r->unknown_scans > 0)
        strbuf_printf(sb, i18n(lang, MSG_REPORT_NOTE_UNKNOWN), r->unknown_scans);
    if (r->undated_scans > 0)
        strbuf_printf(sb, i18n(lang, MSG_REPORT_NOTE_UNDATED), r->undated_scans);
    strbuf_puts(sb, ".</li></ul>\n");
}

/* The appendix: the per-5-minute tables and the attendees, then the end of the page. */
static void appendix(struct strbuf *sb, const struct report *r, enum language lang)
{
    strbuf_puts(sb, "<section class=\"appendix\">");
    heading(sb, lang, MSG_REPORT_ARRIVALS_TABLE);
    html_table(sb, r, lang, &report_arrivals_table);
    heading(sb, lang, MSG_REPORT_OCCUPANCY_TABLE);
    html_table(sb, r, lang, &report_occupancy_table);
    strbuf_puts(sb, "</section><section class=\"appendix\">");
    heading(sb, lang, MSG_REPORT_ATTENDEES_HEADING);
    html_table(sb, r, lang, &report_attendees_table);
    strbuf_puts(sb, "</section>\n</body></html>\n");
}

/* The page in lang: a fixed sequence of sections. */
char *report_html_lang(const struct report *r, enum language lang)
{
    struct strbuf sb = {0};
    page_head(&sb, r, lang);
    headline_cards(&sb, r, lang);
    charts(&sb, r, lang);
    heading(&sb, lang, MSG_REPORT_SESSIONS_HEADING);
    html_table(&sb, r, lang, &report_attendance_table);
    over_capacity_table(&sb, r, lang);
    /* The admissions staff made by hand (no badge), per door and staff member. */
    section_if_rows(&sb, r, lang, MSG_REPORT_MANUAL_HEADING, MSG_REPORT_MANUAL_INTRO,
                    &report_manual_table);
    /* The walk-ins registered on site: who, when, at which kiosk, by whom. */
    section_if_rows(&sb, r, lang, MSG_REPORT_WALKINS_HEADING, MSG_REPORT_WALKINS_INTRO,
                    &report_walkins_table);
    notes(&sb, r, lang);
    appendix(&sb, r, lang);
    return strbuf_take(&sb);
}

char *report_html(const struct report *r)
{
    return report_html_lang(r, LANG_EN);
}
