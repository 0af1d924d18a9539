/* SPDX-License-Identifier: Apache-2.0 */
/* Drawing for print (badges, certificates): text that fits a box through pango, QR codes as
 * vectors or on the pixel grid, and the PDF stream callback. */
#include "print_text.h"

#include <math.h>
#include <string.h>

#include "hashmap.h"
#include "util.h"

#define QUIET_MODULES 4

/* Encodes text as a QR code at ECC level M, in alphanumeric mode when every character
 * allows it (badge tokens and certificate codes do), else letting libqrencode choose. */
QRcode *print_encode_qr(const char *token)
{
    QRcode *qr = NULL;
    QRinput *input = QRinput_new2(0, QR_ECLEVEL_M);
    if (input != NULL &&
        QRinput_append(input, QR_MODE_AN, (int)strlen(token), (const unsigned char *)token) == 0)
        qr = QRcode_encodeInput(input);
    QRinput_free(input);
    if (qr == NULL)
        qr = QRcode_encodeString(token, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    return qr;
}

/* Draws the code with its quiet zone as a square of side `size` at (x, y) in user units. With
 * snap, the module size is a whole number of device pixels and the code sits on the pixel
 * grid, so that a PNG has crisp modules; otherwise modules are exact vector squares. Dark
 * modules are drawn as one path of horizontal runs, which avoids seams between modules. */
void print_draw_qr(cairo_t *cr, const QRcode *qr, double x, double y, double size, bool snap)
{
    int modules = qr->width + 2 * QUIET_MODULES;
    double m = size / modules, ox = x, oy = y;
    cairo_save(cr);
    if (snap) {
        double px = 1, py = 0;
        cairo_user_to_device_distance(cr, &px, &py);
        double cx = x + size / 2, cy = y + size / 2;
        cairo_user_to_device(cr, &cx, &cy);
        m = floor(size * px / modules);
        if (m < 1)
            m = 1;
        ox = round(cx - m * modules / 2);
        oy = round(cy - m * modules / 2);
        cairo_identity_matrix(cr);
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    }
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, ox, oy, m * modules, m * modules);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int row = 0; row < qr->width; row++) {
        const unsigned char *line = qr->data + (size_t)row * (size_t)qr->width;
        for (int col = 0; col < qr->width;) {
            if (!(line[col] & 1)) {
                col++;
                continue;
            }
            int start = col;
            while (col < qr->width && (line[col] & 1))
                col++;
            cairo_rectangle(cr, ox + (QUIET_MODULES + start) * m, oy + (QUIET_MODULES + row) * m,
                            (col - start) * m, m);
        }
    }
    cairo_fill(cr);
    cairo_restore(cr);
}

/* Draws the code like print_draw_qr without snap, as one image mask of a pixel per module
 * scaled without smoothing instead of a path: the same squares in a far smaller PDF (a
 * certificate's path of hundreds of runs, each point printed and compressed, was a third of
 * its cost). */
void print_draw_qr_image(cairo_t *cr, const QRcode *qr, double x, double y, double size)
{
    int modules = qr->width + 2 * QUIET_MODULES;
    cairo_surface_t *mask = cairo_image_surface_create(CAIRO_FORMAT_A8, modules, modules);
    cairo_surface_flush(mask);
    unsigned char *pixels = cairo_image_surface_get_data(mask);
    int stride = cairo_image_surface_get_stride(mask);
    for (int row = 0; row < qr->width; row++)
        for (int col = 0; col < qr->width; col++)
            if (qr->data[(size_t)row * (size_t)qr->width + (size_t)col] & 1)
                pixels[(size_t)(QUIET_MODULES + row) * (size_t)stride + QUIET_MODULES + col] = 255;
    cairo_surface_mark_dirty(mask);
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, size / modules, size / modules);
    cairo_pattern_t *pattern = cairo_pattern_create_for_surface(mask);
    cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_mask(cr, pattern);
    cairo_pattern_destroy(pattern);
    cairo_restore(cr);
    cairo_surface_destroy(mask);
}

/* Creates a layout for cr with unhinted metrics and unrounded glyph positions: user units are
 * millimetres here, and rounding to whole units would wreck the spacing. */
PangoLayout *print_layout_create(cairo_t *cr, const char *family, PangoWeight weight)
{
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoContext *ctx = pango_layout_get_context(layout);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    pango_layout_context_changed(layout);
    PangoFontDescription *desc = pango_font_description_from_string(family);
    pango_font_description_set_weight(desc, weight);
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    pango_layout_set_single_paragraph_mode(layout, TRUE);
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    return layout;
}

/* Sets the layout's font size in user units (millimetres). */
void print_layout_set_size(PangoLayout *layout, double size)
{
    PangoFontDescription *desc =
        pango_font_description_copy(pango_layout_get_font_description(layout));
    pango_font_description_set_absolute_size(desc, size * PANGO_SCALE);
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
}

/* True when every character of text is one of the PDF standard WinAnsi encoding's, the only
 * ones cairo puts in a font's "latin" subset (a simple font, a byte a glyph); any other
 * glyph goes to a separate composite subset of the same font. */
static bool winansi_only(const char *text)
{
    static const gunichar extra[] = {0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e,
                                     0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014, 0x2018, 0x2019,
                                     0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022,
                                     0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122};
    for (const char *s = text; *s != '\0'; s = g_utf8_next_char(s)) {
        gunichar c = g_utf8_get_char(s);
        bool found = (c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff);
        for (size_t i = 0; !found && i < sizeof extra / sizeof *extra; i++)
            found = c == extra[i];
        if (!found)
            return false;
    }
    return true;
}

/* Sets the layout's text. A text of WinAnsi characters only is shaped without optional
 * ligatures ("fi"): a ligature's glyph stands for two characters, so cairo cannot put it in
 * the latin subset and embeds a second subset of the font for that glyph alone, in every PDF
 * (a tenth of a certificate's cost). In Noto Sans the two glyphs look the same as the
 * ligature; texts in other scripts keep their ligatures. */
static void set_text(PangoLayout *layout, const char *text)
{
    pango_layout_set_text(layout, text, -1);
    if (!winansi_only(text))
        return;
    PangoAttrList *attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_font_features_new("liga 0"));
    pango_layout_set_attributes(layout, attrs);
    pango_attr_list_unref(attrs);
}

/* True when the laid-out text fits w x h in at most max_lines lines, every line break falling
 * after a space (never inside a word). */
static bool layout_fits(PangoLayout *layout, const char *text, double w, double h, int max_lines)
{
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    if (logical.height > h * PANGO_SCALE)
        return false;
    int n = pango_layout_get_line_count(layout);
    if (n > max_lines)
        return false;
    for (int i = 0; i < n; i++) {
        /* The layout's extents do not show a word that overflows its line: check each line. */
        PangoLayoutLine *line = pango_layout_get_line_readonly(layout, i);
        pango_layout_line_get_extents(line, NULL, &logical);
        if (logical.width > w * PANGO_SCALE)
            return false;
        if (i > 0 && (line->start_index <= 0 || text[line->start_index - 1] != ' '))
            return false;
    }
    return true;
}

/* Lays text out for the box w x h: at the largest size from max_size down to min_size (user
 * units) at which it fits in max_lines lines without breaking a word, or else on one line at
 * min_size, ellipsized at its end (pango ellipsizes whole grapheme clusters, never half a
 * glyph). */
static PangoLayout *fit_layout(cairo_t *cr, const char *text, const char *family,
                               PangoWeight weight, double w, double h, double max_size,
                               double min_size, int max_lines)
{
    PangoLayout *layout = print_layout_create(cr, family, weight);
    set_text(layout, text);
    pango_layout_set_width(layout, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    bool fits = false;
    for (double size = max_size; size >= min_size - 1e-9; size -= (max_size - min_size) / 16) {
        print_layout_set_size(layout, size);
        if (layout_fits(layout, text, w, h, max_lines)) {
            fits = true;
            break;
        }
    }
    if (!fits) {
        /* max_lines lines, the last ellipsized; one ellipsized line when a word is too long
         * for a line of its own (pango ellipsizes only the last line, not an overflowing one). */
        print_layout_set_size(layout, min_size);
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
        pango_layout_set_height(layout, -max_lines);
        /* pango_layout_set_height() keeps a layout of fewer lines than allowed unless told. */
        pango_layout_context_changed(layout);
        bool ok = true;
        for (int i = 0; i < pango_layout_get_line_count(layout); i++) {
            PangoRectangle r;
            pango_layout_line_get_extents(pango_layout_get_line_readonly(layout, i), NULL, &r);
            ok = ok && r.width <= w * PANGO_SCALE;
        }
        if (!ok) {
            pango_layout_set_height(layout, -1);
            pango_layout_context_changed(layout);
        }
    }
    return layout;
}

/* Draws a layout of fit_layout centred in the box (x, y, w, h). */
static void show_fitted(cairo_t *cr, PangoLayout *layout, double x, double y, double h)
{
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    cairo_move_to(cr, x,
                  y + (h - (double)logical.height / PANGO_SCALE) / 2 -
                      (double)logical.y / PANGO_SCALE);
    pango_cairo_show_layout(cr, layout);
}

/* Draws text centred in the box (x, y, w, h) as fit_layout lays it out. */
void print_draw_text_fit(cairo_t *cr, const char *text, const char *family, PangoWeight weight,
                         double x, double y, double w, double h, double max_size, double min_size,
                         int max_lines)
{
    if (text == NULL || *text == '\0')
        return;
    PangoLayout *layout = fit_layout(cr, text, family, weight, w, h, max_size, min_size, max_lines);
    show_fitted(cr, layout, x, y, h);
    g_object_unref(layout);
}

/* cairo's write callback: appends to a strbuf. */
cairo_status_t print_append_stream(void *closure, const unsigned char *data, unsigned int len)
{
    strbuf_append(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* A layout of text at size, wrapped at words into width w, aligned as align. */
static PangoLayout *text_layout(cairo_t *cr, const char *text, const char *family,
                                PangoWeight weight, double size, double w, PangoAlignment align)
{
    PangoLayout *layout = print_layout_create(cr, family, weight);
    print_layout_set_size(layout, size);
    pango_layout_set_single_paragraph_mode(layout, FALSE);
    pango_layout_set_alignment(layout, align);
    pango_layout_set_width(layout, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    set_text(layout, text);
    return layout;
}

/* Draws layout with its top at (x, y); returns its height. */
static double show_layout(cairo_t *cr, PangoLayout *layout, double x, double y)
{
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
    return (double)logical.height / PANGO_SCALE;
}

double print_draw_text(cairo_t *cr, const char *text, const char *family, PangoWeight weight,
                       double size, double x, double y, double w, PangoAlignment align)
{
    if (text == NULL || *text == '\0')
        return 0;
    PangoLayout *layout = text_layout(cr, text, family, weight, size, w, align);
    double h = show_layout(cr, layout, x, y);
    g_object_unref(layout);
    return h;
}

struct print_layouts {
    struct hashmap index; /* text and how it is laid out -> layouts[] */
    PangoLayout **layouts;
    size_t n, cap;
};

struct print_layouts *print_layouts_create(void)
{
    return xcalloc(1, sizeof(struct print_layouts));
}

void print_layouts_destroy(struct print_layouts *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        g_object_unref(c->layouts[i]);
    free(c->layouts);
    hashmap_finish(&c->index);
    free(c);
}

/* The layout kept under key, for cr, or NULL. A layout made under another transformation is
 * updated (laid out again); under the same one it stands as it is: pango_cairo_update_layout
 * would lay it out again whenever the transformation is not the identity, as it never is here
 * (millimetres). */
static PangoLayout *kept(struct print_layouts *c, cairo_t *cr, const char *key)
{
    size_t i = hashmap_get(&c->index, key);
    if (i == HASHMAP_NONE)
        return NULL;
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    const PangoMatrix *pm = pango_context_get_matrix(pango_layout_get_context(c->layouts[i]));
    if (pm == NULL || pm->xx != m.xx || pm->yx != m.yx || pm->xy != m.xy || pm->yy != m.yy ||
        pm->x0 != m.x0 || pm->y0 != m.y0)
        pango_cairo_update_layout(cr, c->layouts[i]);
    return c->layouts[i];
}

/* Keeps layout under key (c owns it). */
static void keep(struct print_layouts *c, const char *key, PangoLayout *layout)
{
    if (c->n == c->cap) {
        c->cap = c->cap == 0 ? 64 : c->cap * 2;
        c->layouts = xrealloc(c->layouts, c->cap * sizeof *c->layouts);
    }
    hashmap_put(&c->index, key, c->n, NULL);
    c->layouts[c->n++] = layout;
}

double print_draw_text_kept(struct print_layouts *c, cairo_t *cr, const char *text,
                            const char *family, PangoWeight weight, double size, double x, double y,
                            double w, PangoAlignment align)
{
    if (text == NULL || *text == '\0')
        return 0;
    char *key = xasprintf("%s\x1f%d\x1f%a\x1f%a\x1f%d\x1f%s", family, (int)weight, size, w,
                          (int)align, text);
    PangoLayout *layout = kept(c, cr, key);
    if (layout == NULL) {
        layout = text_layout(cr, text, family, weight, size, w, align);
        keep(c, key, layout);
    }
    free(key);
    return show_layout(cr, layout, x, y);
}

void print_draw_text_fit_kept(struct print_layouts *c, cairo_t *cr, const char *text,
                              const char *family, PangoWeight weight, double x, double y, double w,
                              double h, double max_size, double min_size, int max_lines)
{
    if (text == NULL || *text == '\0')
        return;
    char *key = xasprintf("fit\x1f%s\x1f%d\x1f%a\x1f%a\x1f%a\x1f%a\x1f%d\x1f%s", family,
                          (int)weight, w, h, max_size, min_size, max_lines, text);
    PangoLayout *layout = kept(c, cr, key);
    if (layout == NULL) {
        layout = fit_layout(cr, text, family, weight, w, h, max_size, min_size, max_lines);
        keep(c, key, layout);
    }
    free(key);
    show_fitted(cr, layout, x, y, h);
}
