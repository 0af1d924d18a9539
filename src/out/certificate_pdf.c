/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates of attendance drawn with cairo and pango on A4, in millimetres. */
#include "certificate_pdf.h"

#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "file.h"
#include "i18n.h"
#include "log.h"
#include "print_fonts.h"
#include "print_text.h"
#include "timeutil.h"
#include "util.h"

#define MARGIN     20.0
#define WIDTH      (PRINT_A4_WIDTH_MM - 2 * MARGIN)
#define TABLE_END  212.0 /* a row that would pass this starts a new page */
#define FOOT_TOP   222.0
#define BODY_SIZE  3.6
#define SMALL_SIZE 2.9

struct certificate_printer {
    char *organiser;
    cairo_surface_t *signature;    /* NULL when none */
    struct print_layouts *layouts; /* texts every certificate repeats: headings, table cells */
};

struct certificate_printer *certificate_printer_create(const char *organiser,
                                                       const char *signature_png)
{
    /* Every PDF embeds its own font subsets: without the fonts' hinting tables in each, a
     * fifth of a certificate's CPU goes. */
    print_fonts_unhinted();
    struct certificate_printer *p = xcalloc(1, sizeof *p);
    p->organiser = organiser != NULL ? xstrdup(organiser) : NULL;
    p->layouts = print_layouts_create();
    if (signature_png != NULL) {
        p->signature = cairo_image_surface_create_from_png(signature_png);
        cairo_status_t st = cairo_surface_status(p->signature);
        if (st != CAIRO_STATUS_SUCCESS) {
            log_warnx("%s: cannot read the signature image: %s (give a PNG file)", signature_png,
                      cairo_status_to_string(st));
            certificate_printer_destroy(p);
            return NULL;
        }
    }
    return p;
}

void certificate_printer_destroy(struct certificate_printer *p)
{
    if (p == NULL)
        return;
    if (p->signature != NULL)
        cairo_surface_destroy(p->signature);
    print_layouts_destroy(p->layouts);
    free(p->organiser);
    free(p);
}

/* The local date of t as the language writes it: 14/03/2025 (nl, fr), 2025-03-14 (en). */
static void format_date(int64_t t, enum language lang, char buf[16])
{
    char iso[TIME_ISO_LEN];
    time_format_iso8601(t, iso);
    if (lang == LANG_EN)
        snprintf(buf, 16, "%.10s", iso);
    else
        snprintf(buf, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

/* The event's date or first and last dates ("14/03/2025 – 15/03/2025"). */
static void event_dates(const struct event *ev, enum language lang, char buf[40])
{
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        if (ev->sessions[s].start_ms < first)
            first = ev->sessions[s].start_ms;
        if (ev->sessions[s].end_ms - 1 > last)
            last = ev->sessions[s].end_ms - 1;
    }
    char a[16], b[16];
    if (ev->n_sessions == 0) {
        buf[0] = '\0';
        return;
    }
    format_date(first, lang, a);
    format_date(last, lang, b);
    if (strcmp(a, b) == 0)
        snprintf(buf, 40, "%s", a);
    else
        snprintf(buf, 40, "%s \u2013 %s", a, b);
}

/* Draws the event, the title and the attendee; returns where the table starts. */
static double draw_head(cairo_t *cr, struct certificate_printer *p, const struct event *ev,
                        const struct attendee *a)
{
    enum language lang = a->language;
    char dates[40], *line;
    event_dates(ev, lang, dates);
    cairo_set_source_rgb(cr, 0.118, 0.353, 0.659);
    cairo_rectangle(cr, 0, 0, PRINT_A4_WIDTH_MM, 6);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    print_draw_text_fit_kept(p->layouts, cr, ev->name, PRINT_FONT_FAMILY, PANGO_WEIGHT_NORMAL,
                             MARGIN, 16, WIDTH, 8, 5.0, 3.5, 1);
    print_draw_text_fit_kept(p->layouts, cr, dates, PRINT_FONT_FAMILY, PANGO_WEIGHT_NORMAL, MARGIN,
                             24, WIDTH, 6, 4.0, 3.0, 1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    print_draw_text_fit_kept(p->layouts, cr, i18n(lang, MSG_CERT_TITLE), PRINT_FONT_FAMILY,
                             PANGO_WEIGHT_BOLD, MARGIN, 36, WIDTH, 14, 10.0, 6.0, 1);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    print_draw_text_fit_kept(p->layouts, cr, i18n(lang, MSG_CERT_CERTIFIES), PRINT_FONT_FAMILY,
                             PANGO_WEIGHT_NORMAL, MARGIN, 56, WIDTH, 7, 4.5, 3.5, 1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    print_draw_text_fit(cr, a->name, PRINT_FONT_FAMILY, PANGO_WEIGHT_BOLD, MARGIN, 64, WIDTH, 14,
                        9.0, 5.0, 1);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    print_draw_text_fit_kept(p->layouts, cr, a->organisation, PRINT_FONT_FAMILY,
                             PANGO_WEIGHT_NORMAL, MARGIN, 78, WIDTH, 7, 4.5, 3.2, 1);
    line = xasprintf(i18n(lang, MSG_CERT_ATTENDED), ev->name);
    double h = print_draw_text_kept(p->layouts, cr, line, PRINT_FONT_FAMILY, PANGO_WEIGHT_NORMAL,
                                    BODY_SIZE, MARGIN, 90, WIDTH, PANGO_ALIGN_CENTER);
    free(line);
    return 90 + h + 8;
}

/* The table's columns: x and width in millimetres, alignment. */
static const struct column {
    double x, w;
    PangoAlignment align;
} columns[] = {
    {MARGIN, 24, PANGO_ALIGN_LEFT},        /* date */
    {MARGIN + 25, 25, PANGO_ALIGN_LEFT},   /* time */
    {MARGIN + 51, 77, PANGO_ALIGN_LEFT},   /* session */
    {MARGIN + 129, 20, PANGO_ALIGN_RIGHT}, /* minutes */
    {MARGIN + 150, 20, PANGO_ALIGN_RIGHT}, /* credits */
};

/* Draws one row of the table at y (cells may be NULL); returns its height. */
static double draw_row(cairo_t *cr, struct certificate_printer *p, const char *const cells[5],
                       bool bold, bool any_credits, double y)
{
    double h = 0;
    for (size_t i = 0; i < (any_credits ? 5 : 4); i++) {
        double hi = print_draw_text_kept(p->layouts, cr, cells[i], PRINT_FONT_FAMILY,
                                         bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL, BODY_SIZE,
                                         columns[i].x, y, columns[i].w, columns[i].align);
        if (hi > h)
            h = hi;
    }
    return h + 2.2;
}

/* Draws a thin rule across the table at y. */
static void rule(cairo_t *cr, double y, double width)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    cairo_set_line_width(cr, width);
    cairo_move_to(cr, MARGIN, y);
    cairo_line_to(cr, MARGIN + WIDTH, y);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* Draws the table's header row at y; returns the y below it. */
static double draw_table_head(cairo_t *cr, struct certificate_printer *p, enum language lang,
                              bool any_credits, double y)
{
    const char *head[5] = {i18n(lang, MSG_CERT_DATE), i18n(lang, MSG_CERT_TIME),
                           i18n(lang, MSG_CERT_SESSION), i18n(lang, MSG_CERT_MINUTES),
                           i18n(lang, MSG_CERT_CREDITS)};
    y += draw_row(cr, p, head, true, any_credits, y);
    rule(cr, y - 1.2, 0.3);
    return y;
}

/* Draws the sessions and the totals, on more pages when they do not fit; returns the y below. */
static double draw_table(cairo_t *cr, struct certificate_printer *p, const struct event *ev,
                         const struct certificate *c, enum language lang, bool any_credits,
                         double y)
{
    char mark = lang == LANG_EN ? '.' : ',';
    y = draw_table_head(cr, p, lang, any_credits, y);
    for (size_t i = 0; i < c->n_sessions; i++) {
        const struct session *s = &ev->sessions[c->sessions[i].session];
        if (y > TABLE_END) {
            cairo_show_page(cr);
            y = draw_table_head(cr, p, lang, any_credits, MARGIN);
        }
        char date[16], from[6], to[6], times[24], minutes[16], credits[16];
        format_date(s->start_ms, lang, date);
        time_format_hhmm(s->start_ms, from);
        time_format_hhmm(s->end_ms, to);
        snprintf(times, sizeof times, "%s\u2013%s", from, to);
        snprintf(minutes, sizeof minutes, "%d", c->sessions[i].minutes);
        if (s->credits_centi >= 0)
            certificate_format_credits(c->sessions[i].credits_centi, mark, credits);
        else
            snprintf(credits, sizeof credits, "\u2013");
        /* Presence that began with an admission by hand says so (the scan log proves it
         * less than a badge does). */
        char *title = c->sessions[i].manual
                          ? xasprintf("%s (%s)", s->title, i18n(lang, MSG_CERT_MANUAL))
                          : xstrdup(s->title);
        const char *cells[5] = {date, times, title, minutes, credits};
        y += draw_row(cr, p, cells, false, any_credits, y);
        free(title);
    }
    rule(cr, y - 1.2, 0.3);
    char minutes[16], credits[16];
    snprintf(minutes, sizeof minutes, "%d", c->minutes);
    certificate_format_credits(c->credits_centi, mark, credits);
    const char *total[5] = {i18n(lang, MSG_CERT_TOTAL), NULL, NULL, minutes, credits};
    return y + draw_row(cr, p, total, true, any_credits, y + 0.8);
}

/* Draws the signature, the organiser, the QR code and the verification code. */
static void draw_foot(cairo_t *cr, struct certificate_printer *p, enum language lang,
                      const char *code, const QRcode *qr)
{
    const double sig_w = 70, sig_h = 24, qr_size = 42;
    if (p->signature != NULL) {
        double iw = cairo_image_surface_get_width(p->signature);
        double ih = cairo_image_surface_get_height(p->signature);
        double scale = sig_w / iw < sig_h / ih ? sig_w / iw : sig_h / ih;
        cairo_save(cr);
        cairo_translate(cr, MARGIN, FOOT_TOP + sig_h - ih * scale);
        cairo_scale(cr, scale, scale);
        cairo_set_source_surface(cr, p->signature, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
    }
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.3);
    cairo_move_to(cr, MARGIN, FOOT_TOP + sig_h + 1);
    cairo_line_to(cr, MARGIN + sig_w, FOOT_TOP + sig_h + 1);
    cairo_stroke(cr);
    cairo_restore(cr);
    char *who = xasprintf("%s: %s", i18n(lang, MSG_CERT_ORGANISER),
                          p->organiser != NULL ? p->organiser : "");
    cairo_set_source_rgb(cr, 0, 0, 0);
    print_draw_text_kept(p->layouts, cr, who, PRINT_FONT_FAMILY, PANGO_WEIGHT_NORMAL, BODY_SIZE,
                         MARGIN, FOOT_TOP + sig_h + 2.5, sig_w + 20, PANGO_ALIGN_LEFT);
    free(who);
    print_draw_qr_image(cr, qr, MARGIN + WIDTH - qr_size, FOOT_TOP - 4, qr_size);
    double y = FOOT_TOP + 44;
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    y += print_draw_text_kept(p->layouts, cr, i18n(lang, MSG_CERT_CODE), PRINT_FONT_FAMILY,
                              PANGO_WEIGHT_BOLD, SMALL_SIZE, MARGIN, y, WIDTH, PANGO_ALIGN_LEFT);
    /* Two lines broken between groups (after the 13th of 25), not wherever the width ends. */
    char shown[256];
    const char *cut = code;
    for (int dashes = 0; cut != NULL && dashes < 13; dashes++)
        cut = strchr(cut + 1, '-');
    if (cut != NULL && strlen(code) + 2 < sizeof shown)
        snprintf(shown, sizeof shown, "%.*s\n%s", (int)(cut + 1 - code), code, cut + 1);
    else
        snprintf(shown, sizeof shown, "%s", code);
    y += print_draw_text(cr, shown, PRINT_FONT_MONO, PANGO_WEIGHT_NORMAL, 3.2, MARGIN, y + 0.5,
                         WIDTH, PANGO_ALIGN_LEFT);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    print_draw_text_kept(p->layouts, cr, i18n(lang, MSG_CERT_CODE_HINT), PRINT_FONT_FAMILY,
                         PANGO_WEIGHT_NORMAL, SMALL_SIZE * 0.9, MARGIN, y + 1.5, WIDTH,
                         PANGO_ALIGN_LEFT);
}

bool certificate_write_pdf(struct certificate_printer *p, const struct event *ev,
                           const struct certificate *c, bool any_credits, const char *code,
                           const char *path)
{
    const struct attendee *a = &ev->attendees[c->attendee];
    QRcode *qr = print_encode_qr(code);
    if (qr == NULL) {
        log_warnx("%s: cannot encode the verification code as a QR code", path);
        return false;
    }
    struct strbuf pdf = {0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(print_append_stream, &pdf,
                                                             PRINT_A4_WIDTH_MM * PRINT_PT_PER_MM,
                                                             PRINT_A4_HEIGHT_MM * PRINT_PT_PER_MM);
    char *title = xasprintf("%s \u2013 %s", i18n(a->language, MSG_CERT_TITLE), a->name);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "portier certificates");
    free(title);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, PRINT_PT_PER_MM, PRINT_PT_PER_MM);
    double y = draw_head(cr, p, ev, a);
    y = draw_table(cr, p, ev, c, a->language, any_credits, y);
    if (y > FOOT_TOP - 6) {
        cairo_show_page(cr);
        cairo_identity_matrix(cr);
        cairo_scale(cr, PRINT_PT_PER_MM, PRINT_PT_PER_MM);
    }
    draw_foot(cr, p, a->language, code, qr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t status = cairo_surface_status(s);
    cairo_surface_destroy(s);
    QRcode_free(qr);
    bool ok = status == CAIRO_STATUS_SUCCESS;
    if (!ok)
        log_warnx("%s: cannot make the PDF: %s", path, cairo_status_to_string(status));
    else if (!(ok = file_write_replace(path, pdf.data, pdf.len, 0600)))
        log_warn("%s", path);
    strbuf_finish(&pdf);
    return ok;
}
