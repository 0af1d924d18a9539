/* SPDX-License-Identifier: Apache-2.0 */
/* Badges drawn with cairo and pango: a PNG per attendee, an A4 PDF sheet, and tokens.csv.
 *
 * One drawing routine serves every output: it works in millimetres on a cairo context whose
 * matrix maps millimetres to the device (pixels for a PNG, points for the PDF). Text goes
 * through pango, which shapes Arabic, orders right-to-left runs, and with fontconfig falls back
 * per character to a font that has the glyph. */
#include "badge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "log.h"
#include "util.h"
#include "file.h"
#include "print_text.h"

#define MARGIN_MM   5.0
#define GUTTER_MM   10.0
#define MARK_GAP_MM 2.0 /* crop marks start this far from the badge corner */
#define MARK_LEN_MM 5.0

struct category_style {
    const char *label;
    double r, g, b;    /* band colour */
    double tr, tg, tb; /* text colour in the band, chosen for contrast */
};

static const struct category_style category_styles[] = {
    [CATEGORY_ATTENDEE] = {"ATTENDEE", 0.118, 0.353, 0.659, 1, 1, 1},
    [CATEGORY_SPEAKER] = {"SPEAKER", 0.702, 0.149, 0.118, 1, 1, 1},
    [CATEGORY_STAFF] = {"STAFF", 0.106, 0.431, 0.227, 1, 1, 1},
    [CATEGORY_PRESS] = {"PRESS", 0.949, 0.718, 0.020, 0, 0, 0},
};

/* Returns the style of a category (attendee for an out-of-range value). */
static const struct category_style *style_of(enum category cat)
{
    if ((unsigned)cat >= ARRAY_LEN(category_styles))
        cat = CATEGORY_ATTENDEE;
    return &category_styles[cat];
}

const char *badge_category_label(enum category cat)
{
    return style_of(cat)->label;
}

/* A text box of a layout: top and height, the font size range, at most this many lines. */
struct text_box {
    double y, h, max_size, min_size;
    int lines;
};

/* Where everything goes on one badge size, in millimetres from the top-left corner. */
struct badge_layout {
    const char *word;  /* --label's word; NULL for the A4 sheet's badge */
    const char *media; /* the IPP media name (PWG 5101.1) the job asks for */
    double w, h, margin;
    struct text_box event, name, org, id, band;
    double qr_size, qr_top, band_top; /* band.y is band_top and band.h the rest of the badge */
};

/* One row a size: the A4 sheet's badge first, then the label formats in enum badge_label order
 * (shifted by one). The QR code keeps at least 0.8 mm a module (45 modules with the quiet zone
 * for a version-5 code): 8 dots a module at 254 dpi, the coarsest label printers. */
static const struct badge_layout layouts[] = {
    {NULL,
     NULL,
     BADGE_WIDTH_MM,
     BADGE_HEIGHT_MM,
     MARGIN_MM,
     {5, 7, 4.5, 3.0, 1},
     {13, 24, 11.0, 5.5, 2},
     {37, 7, 5.0, 3.2, 1},
     {108, 6, 3.2, 2.2, 1},
     {0, 0, 8.0, 5.0, 1},
     62,
     45.5,
     115},
    {"62mm",
     "custom_62x100mm_62x100mm",
     62,
     100,
     3.5,
     {3.5, 5, 3.4, 2.4, 1},
     {9.5, 17, 8.0, 4.5, 2},
     {27, 5, 3.8, 2.6, 1},
     {80, 4.5, 2.8, 2.0, 1},
     {0, 0, 6.5, 4.0, 1},
     46,
     33,
     86},
    {"cr80",
     "custom_cr80_54x86mm",
     54,
     86,
     3,
     {3, 4.5, 3.0, 2.0, 1},
     {8, 13, 6.5, 3.5, 2},
     {21, 4.5, 3.2, 2.2, 1},
     {64.5, 4, 2.4, 1.8, 1},
     {0, 0, 6.0, 4.0, 1},
     38,
     26,
     70},
    {"4x6",
     "na_index-4x6_4x6in",
     101.6,
     152.4,
     6,
     {6, 8, 5.0, 3.2, 1},
     {15, 28, 12.0, 6.0, 2},
     {43, 8, 5.5, 3.5, 1},
     {125, 6, 3.4, 2.4, 1},
     {0, 0, 9.0, 5.0, 1},
     72,
     52,
     134},
    {"a6",
     "iso_a6_105x148mm",
     105,
     148,
     6,
     {6, 8, 5.0, 3.2, 1},
     {15, 28, 12.0, 6.0, 2},
     {43, 8, 5.5, 3.5, 1},
     {123, 6, 3.4, 2.4, 1},
     {0, 0, 9.0, 5.0, 1},
     70,
     52,
     131},
};
_Static_assert(ARRAY_LEN(layouts) == BADGE_LABEL_COUNT + 1, "a layout per label format");

/* The layout of a label format; the sheet's badge for an out-of-range value. */
static const struct badge_layout *layout_of(enum badge_label label)
{
    return (unsigned)label < BADGE_LABEL_COUNT ? &layouts[label + 1] : &layouts[0];
}

/* Draws text in a layout's box across the badge's inner width. */
static void draw_box(cairo_t *cr, const struct badge_layout *l, const struct text_box *box,
                     const char *text, const char *family, PangoWeight weight)
{
    print_draw_text_fit(cr, text, family, weight, l->margin, box->y, l->w - 2 * l->margin, box->h,
                        box->max_size, box->min_size, box->lines);
}

/* Draws one badge of layout l with its top-left corner at the user-space origin, in mm. */
static void draw_badge(cairo_t *cr, const struct badge_layout *l, const struct badge_info *b,
                       const QRcode *qr, bool snap)
{
    const struct category_style *style = style_of(b->category);

    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, l->w, l->h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);

    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    draw_box(cr, l, &l->event, b->event_name, PRINT_FONT_FAMILY, PANGO_WEIGHT_NORMAL);
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_box(cr, l, &l->name, b->name, PRINT_FONT_FAMILY, PANGO_WEIGHT_BOLD);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    draw_box(cr, l, &l->org, b->organisation, PRINT_FONT_FAMILY, PANGO_WEIGHT_NORMAL);

    print_draw_qr(cr, qr, (l->w - l->qr_size) / 2, l->qr_top, l->qr_size, snap);

    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    draw_box(cr, l, &l->id, b->attendee_id, PRINT_FONT_MONO, PANGO_WEIGHT_NORMAL);

    cairo_set_source_rgb(cr, style->r, style->g, style->b);
    cairo_rectangle(cr, 0, l->band_top, l->w, l->h - l->band_top);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, style->tr, style->tg, style->tb);
    struct text_box band = l->band;
    band.y = l->band_top;
    band.h = l->h - l->band_top;
    draw_box(cr, l, &band, style->label, PRINT_FONT_FAMILY, PANGO_WEIGHT_BOLD);
    cairo_restore(cr);
}

/* Encodes the badge's QR code, logging on failure. */
static QRcode *badge_qr(const struct badge_info *b)
{
    QRcode *qr = b->token != NULL ? print_encode_qr(b->token) : NULL;
    if (qr == NULL)
        log_warnx("badge %s: cannot encode the token as a QR code", b->attendee_id);
    return qr;
}

/* Draws a badge on a new RGB24 surface width pixels wide; NULL after logging on failure. */
static cairo_surface_t *render_surface(const struct badge_info *b, int width)
{
    QRcode *qr = badge_qr(b);
    if (qr == NULL)
        return NULL;
    double scale = width / BADGE_WIDTH_MM;
    int height = (int)lround(BADGE_HEIGHT_MM * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, scale, scale);
    draw_badge(cr, &layouts[0], b, qr, true);
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    QRcode_free(qr);
    if (status != CAIRO_STATUS_SUCCESS) {
        log_warnx("badge %s: %s", b->attendee_id, cairo_status_to_string(status));
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_flush(s);
    return s;
}

bool badge_write_png(const struct badge_info *b, const char *path)
{
    cairo_surface_t *s = render_surface(b, BADGE_PNG_WIDTH);
    if (s == NULL)
        return false;
    bool ok = image_save_surface_png(s, path, 0600); /* a valid badge: as secret as tokens.csv */
    cairo_surface_destroy(s);
    return ok;
}

bool badge_render_gray(const struct badge_info *b, int width, struct image *img)
{
    memset(img, 0, sizeof *img);
    if (width < 90 || width > IMAGE_MAX_SIDE * BADGE_WIDTH_MM / BADGE_HEIGHT_MM)
        return false;
    cairo_surface_t *s = render_surface(b, width);
    if (s == NULL)
        return false;
    int h = cairo_image_surface_get_height(s), stride = cairo_image_surface_get_stride(s);
    const uint8_t *data = cairo_image_surface_get_data(s);
    bool ok = image_init(img, width, h);
    for (int y = 0; ok && y < h; y++) {
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < width; x++) {
            uint32_t v = px[x];
            img->pixels[(size_t)y * (size_t)img->stride + (size_t)x] =
                (uint8_t)((77 * ((v >> 16) & 0xff) + 150 * ((v >> 8) & 0xff) + 29 * (v & 0xff) +
                           128) >>
                          8);
        }
    }
    cairo_surface_destroy(s);
    return ok;
}

/* Draws crop marks at the four corners of the badge at (x, y): short lines continuing the
 * badge's edges, starting MARK_GAP_MM outside the corner, so that no mark touches a badge. */
static void draw_crop_marks(cairo_t *cr, double x, double y)
{
    const double xs[2] = {x, x + BADGE_WIDTH_MM}, ys[2] = {y, y + BADGE_HEIGHT_MM};
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            double dx = i == 0 ? -1 : 1, dy = j == 0 ? -1 : 1;
            cairo_move_to(cr, xs[i] + dx * MARK_GAP_MM, ys[j]);
            cairo_line_to(cr, xs[i] + dx * (MARK_GAP_MM + MARK_LEN_MM), ys[j]);
            cairo_move_to(cr, xs[i], ys[j] + dy * MARK_GAP_MM);
            cairo_line_to(cr, xs[i], ys[j] + dy * (MARK_GAP_MM + MARK_LEN_MM));
        }
    }
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.2);
    cairo_stroke(cr);
    cairo_restore(cr);
}

bool badge_write_pdf(const struct badge_info *badges, size_t n, const char *path)
{
    const double pt_per_mm = 72.0 / 25.4;
    const double margin_x = (PRINT_A4_WIDTH_MM - 2 * BADGE_WIDTH_MM - GUTTER_MM) / 2;
    const double margin_y = (PRINT_A4_HEIGHT_MM - 2 * BADGE_HEIGHT_MM - GUTTER_MM) / 2;
    struct strbuf pdf = {0};
    bool ok = false;
    if (n == 0) {
        log_warnx("%s: no badges to put on the sheet", path);
        return false;
    }
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(
        print_append_stream, &pdf, PRINT_A4_WIDTH_MM * pt_per_mm, PRINT_A4_HEIGHT_MM * pt_per_mm);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Portier badges");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "portier badges");
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, pt_per_mm, pt_per_mm);
    for (size_t i = 0; i < n; i++) {
        size_t slot = i % BADGE_PER_PAGE;
        double x = margin_x + (double)(slot % 2) * (BADGE_WIDTH_MM + GUTTER_MM);
        double y = margin_y + (double)(slot / 2) * (BADGE_HEIGHT_MM + GUTTER_MM);
        QRcode *qr = badge_qr(&badges[i]);
        if (qr == NULL)
            goto out;
        cairo_save(cr);
        cairo_translate(cr, x, y);
        draw_badge(cr, &layouts[0], &badges[i], qr, false);
        cairo_restore(cr);
        QRcode_free(qr);
        draw_crop_marks(cr, x, y);
        if (slot == BADGE_PER_PAGE - 1 || i == n - 1)
            cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_finish(s);
    cairo_status_t status = cairo_surface_status(s);
    if (status != CAIRO_STATUS_SUCCESS) {
        log_warnx("%s: cannot make the PDF: %s", path, cairo_status_to_string(status));
        goto out;
    }
    if (!file_write_atomic(path, pdf.data, pdf.len, 0600)) {
        log_warn("%s", path);
        goto out;
    }
    ok = true;
out:
    if (cr != NULL)
        cairo_destroy(cr);
    cairo_surface_destroy(s);
    strbuf_finish(&pdf);
    return ok;
}

bool badge_label_parse(const char *word, enum badge_label *out)
{
    for (int i = 0; i < BADGE_LABEL_COUNT; i++) {
        if (word != NULL && strcmp(word, layouts[i + 1].word) == 0) {
            *out = (enum badge_label)i;
            return true;
        }
    }
    return false;
}

const char *badge_label_name(enum badge_label label)
{
    return (unsigned)label < BADGE_LABEL_COUNT ? layout_of(label)->word : "?";
}

const char *badge_label_media(enum badge_label label)
{
    return layout_of(label)->media;
}

void badge_label_size_mm(enum badge_label label, double *w, double *h)
{
    *w = layout_of(label)->w;
    *h = layout_of(label)->h;
}

bool badge_label_pdf(const struct badge_info *b, enum badge_label label, struct strbuf *out)
{
    const double pt_per_mm = 72.0 / 25.4;
    const struct badge_layout *l = layout_of(label);
    QRcode *qr = badge_qr(b);
    if (qr == NULL)
        return false;
    size_t start = out->len;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(print_append_stream, out,
                                                             l->w * pt_per_mm, l->h * pt_per_mm);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, b->attendee_id);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "portier kiosk");
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, pt_per_mm, pt_per_mm);
    draw_badge(cr, l, b, qr, false);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t status = cairo_surface_status(s);
    cairo_surface_destroy(s);
    QRcode_free(qr);
    if (status != CAIRO_STATUS_SUCCESS) {
        log_warnx("badge %s: cannot make the %s label: %s", b->attendee_id, l->word,
                  cairo_status_to_string(status));
        out->len = start;
        return false;
    }
    return true;
}

void badge_csv_field(struct strbuf *sb, const char *s)
{
    if (s == NULL)
        s = "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        strbuf_puts(sb, s);
        return;
    }
    strbuf_putc(sb, '"');
    for (; *s != '\0'; s++) {
        if (*s == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '"');
}

bool badge_write_tokens_csv(const struct badge_info *badges, size_t n, const char *path)
{
    struct strbuf csv = {0};
    strbuf_puts(&csv, "attendee_id,name,token\r\n");
    for (size_t i = 0; i < n; i++) {
        badge_csv_field(&csv, badges[i].attendee_id);
        strbuf_putc(&csv, ',');
        badge_csv_field(&csv, badges[i].name);
        strbuf_putc(&csv, ',');
        badge_csv_field(&csv, badges[i].token);
        strbuf_puts(&csv, "\r\n");
    }
    bool ok = file_write_atomic(path, csv.data, csv.len, 0600);
    if (!ok)
        log_warn("%s", path);
    strbuf_finish(&csv);
    return ok;
}

void badge_release_fonts(void)
{
    /* pango's font map holds cairo font faces, which hold fontconfig patterns. cairo's own
     * caches stay reachable until exit: cairo_debug_reset_static_data() asserts, aborting the
     * command, when a font face is still alive, and on a busy machine (stress-ng alongside)
     * one was: `portier badges` failed that way once in a whole-suite run. */
    pango_cairo_font_map_set_default(NULL);
}
