/* SPDX-License-Identifier: Apache-2.0 */
/* The drawing layer of the screens (private to src/screen): the palette, shapes, icons, text
 * placed in boxes (on top of ui_text.c), touch buttons and the pieces several screens share
 * (the header strip, occupancy bars, full-screen messages).
 *
 * Layout is resolution independent: every size is a multiple of ui->u, one hundredth of the
 * shorter side, so 800x480 and 1920x1080, landscape or portrait, show the same screen. Shapes
 * go through SDL_RenderGeometry and filled spans; every shape is opaque (blending costs the
 * software renderer dearly). */
#ifndef PORTIER_DRAW_H
#define PORTIER_DRAW_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "i18n.h"
#include "ui_internal.h"

/* Colours, 0xRRGGBB. */
#define C_BG       0x0f172au
#define C_PANEL    0x1e293bu
#define C_PANEL2   0x334155u
#define C_TEXT     0xffffffu
#define C_MUTED    0xa3b1c6u
#define C_DARK     0x111827u
#define C_GREEN    0x16a34au
#define C_AMBER    0xf59e0bu
#define C_RED      0xdc2626u
#define C_GREY     0x64748bu
#define C_ACCENT   0x38bdf8u
#define C_OK_BG    0x15803du
#define C_WARN_BG  0xf59e0bu
#define C_DENY_BG  0xb91c1cu
#define C_EXIT_BG  0x1d4ed8u
#define C_STAFF_BG 0x6d28d9u
#define C_TROUBLE  0x450a0au

enum icon { ICON_CHECK, ICON_WARN, ICON_CROSS, ICON_EXIT, ICON_STAFF };

/* A box in whole pixels from layout units. */
static inline struct ui_rect rect(float x, float y, float w, float h)
{
    return (struct ui_rect){(int)lroundf(x), (int)lroundf(y), (int)lroundf(w), (int)lroundf(h)};
}

/* Fills a rectangle, opaque. */
void draw_fill_rect(struct ui *ui, struct ui_rect r, uint32_t c);
/* Fills a rectangle with rounded corners. */
void draw_fill_round(struct ui *ui, struct ui_rect r, float radius, uint32_t c);
/* A line of width wd with round ends. */
void draw_line(struct ui *ui, float x0, float y0, float x1, float y1, float wd, uint32_t c);
/* Draws an icon of diameter d centred at (x, y) on a background of colour bg. */
void draw_icon(struct ui *ui, enum icon icon, float x, float y, float d, uint32_t bg);

/* Draws text fitted into box r (shrunk down to min_px, 0: 60 % of px, then wrapped up to
 * max_lines and ellipsized), at its top or centred vertically; returns the box the pixels
 * took (w = 0 when nothing was drawn). */
struct ui_rect draw_text_fit(struct ui *ui, const char *s, struct ui_rect r, int px, int min_px,
                             enum ui_weight wt, enum ui_align align, int max_lines, uint32_t c,
                             bool top);
/* Draws text fitted into box r, centred vertically. */
struct ui_rect draw_text(struct ui *ui, const char *s, struct ui_rect r, int px, enum ui_weight wt,
                         enum ui_align align, int max_lines, uint32_t c);
/* Writes msg in every language but lang into buf, joined by "  ·  ". */
void draw_other_languages(enum language lang, enum i18n_msg msg, char *buf, size_t n);

/* Records where a named element (enum ui_element) was drawn this frame. */
void draw_set_element(struct ui *ui, int el, struct ui_rect r);
/* Records a touch target of this frame; later ones are on top. */
void draw_add_button(struct ui *ui, struct ui_rect r, enum ui_action a, int value);
/* A touch button: a rounded panel with a centred label, giving action a with value. */
void draw_button(struct ui *ui, struct ui_rect r, const char *label, bool selected,
                 enum ui_action a, int value);

/* The colour of a fill level: green below 80 %, amber below 100 %, red when full, grey when
 * closed. */
uint32_t draw_level_colour(int count, int capacity, bool closed);
/* Draws an occupancy bar; returns the filled part. */
struct ui_rect draw_bar(struct ui *ui, struct ui_rect r, int count, int capacity, bool closed);
/* The header strip: title, sync state, clock. Returns the height used. */
float draw_header(struct ui *ui, const struct ui_view *v, const char *title, float hh);
/* A full-screen message on bg: icon, headline, name, detail, and others (the headline in the
 * other languages, NULL: none) at the bottom; progress (0..1, 0: none) is the time left. */
void draw_big_message(struct ui *ui, uint32_t bg, uint32_t fg, enum icon icon, const char *headline,
                      const char *name, const char *detail, const char *others, float progress);

/* The clock's state for staff (synchronised, not, or off the server's clock by N s) in lang,
 * written into buf (n bytes). */
void draw_clock_line(const struct ui_diagnostics *d, enum language lang, char *buf, size_t n);

#endif
