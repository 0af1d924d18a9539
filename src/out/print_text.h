/* SPDX-License-Identifier: Apache-2.0 */
/* Drawing for print, shared by badges and certificates: text through pango (which shapes
 * Arabic, orders right-to-left runs and, with fontconfig, falls back per character to a font
 * that has the glyph), QR codes, and the stream callback that collects a PDF in memory. User
 * units are millimetres on the cairo context. A text whose characters are all in the PDF
 * WinAnsi set is set without optional ligatures ("fi"), so that a PDF embeds one subset of
 * each font rather than two. */
#ifndef PORTIER_PRINT_TEXT_H
#define PORTIER_PRINT_TEXT_H

#include <stdbool.h>

#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

/* Noto first; its Arabic sibling before DejaVu so that Arabic gets Noto's Arabic rather than
 * DejaVu's; fontconfig supplies anything else (e.g. Vietnamese stacked diacritics). */
#define PRINT_FONT_FAMILY  "Noto Sans, Noto Sans Arabic, DejaVu Sans, sans-serif"
#define PRINT_FONT_MONO    "DejaVu Sans Mono, monospace"
#define PRINT_A4_WIDTH_MM  210.0
#define PRINT_A4_HEIGHT_MM 297.0
#define PRINT_PT_PER_MM    (72.0 / 25.4)

/* Encodes text as a QR code at ECC level M, in alphanumeric mode when every character allows
 * it, else in the mode libqrencode chooses. NULL on failure; free with QRcode_free. */
QRcode *print_encode_qr(const char *text);
/* Draws the code with a 4-module quiet zone as a square of side `size` at (x, y). With snap,
 * modules are whole device pixels on the pixel grid (crisp PNGs); otherwise exact vectors. */
void print_draw_qr(cairo_t *cr, const QRcode *qr, double x, double y, double size, bool snap);
/* The same as one image mask, a pixel per module scaled without smoothing: a far smaller PDF
 * (certificates, thousands at a time). */
void print_draw_qr_image(cairo_t *cr, const QRcode *qr, double x, double y, double size);
/* A layout for cr in family and weight with unhinted metrics and unrounded glyph positions
 * (user units are millimetres), centred, one paragraph. Owned by the caller (g_object_unref). */
PangoLayout *print_layout_create(cairo_t *cr, const char *family, PangoWeight weight);
/* Sets the layout's font size in user units. */
void print_layout_set_size(PangoLayout *layout, double size);
/* Draws text centred in the box (x, y, w, h) at the largest size from max_size down to
 * min_size at which it fits in max_lines lines without breaking a word, else ellipsized at
 * min_size. NULL or "" draws nothing. */
void print_draw_text_fit(cairo_t *cr, const char *text, const char *family, PangoWeight weight,
                         double x, double y, double w, double h, double max_size, double min_size,
                         int max_lines);
/* Draws text at (x, y) (its top), wrapped at words into width w, at size, aligned as align;
 * returns the height drawn. NULL or "" draws nothing and returns 0. */
double print_draw_text(cairo_t *cr, const char *text, const char *family, PangoWeight weight,
                       double size, double x, double y, double w, PangoAlignment align);
/* Layouts kept for reuse from one page or document to the next: shaping text is most of what
 * drawing it costs, and a table's cells repeat (dates, times, session titles). Grows with
 * the distinct texts drawn; for texts that repeat. */
struct print_layouts;
struct print_layouts *print_layouts_create(void);
/* Frees the layouts; NULL is a no-op. */
void print_layouts_destroy(struct print_layouts *c);
/* print_draw_text through c: the same text, font, size, width and alignment drawn before
 * reuses its layout (the same glyphs at the same places). Every cr drawn on must target the
 * same kind of surface (a layout keeps the font options of the first). */
double print_draw_text_kept(struct print_layouts *c, cairo_t *cr, const char *text,
                            const char *family, PangoWeight weight, double size, double x, double y,
                            double w, PangoAlignment align);
/* print_draw_text_fit through c, likewise. */
void print_draw_text_fit_kept(struct print_layouts *c, cairo_t *cr, const char *text,
                              const char *family, PangoWeight weight, double x, double y, double w,
                              double h, double max_size, double min_size, int max_lines);
/* cairo's write callback for cairo_pdf_surface_create_for_stream: appends to a struct strbuf
 * (the closure). */
cairo_status_t print_append_stream(void *closure, const unsigned char *data, unsigned int len);

#endif
