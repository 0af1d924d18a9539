/* SPDX-License-Identifier: Apache-2.0 */
/* Finding a person (issue 15), opened from the staff menu (or by a staff badge at a desk): the
 * query at the top with "Register walk-in", the results (name, organisation, category and
 * state), the on-screen keyboard at the bottom; a tapped result offers "Admit" (unless they are
 * already there) and "Reprint badge" above the keyboard. */
#include <stdio.h>

#include "draw.h"
#include "keyboard.h"

/* The title bar, hh high: the title, the query with its caret, "Register walk-in", the back
 * button. */
static void search_bar(struct ui *ui, const struct ui_view *v, float hh, float m)
{
    float u = ui->u, W = ui->w;
    draw_fill_rect(ui, rect(0, 0, W, hh), C_STAFF_BG);
    float back_w = 22 * u, title_w = W >= ui->h ? W * 0.22f : 0, reg_w = 30 * u;
    if (title_w > 0)
        draw_text(ui, i18n(v->lang, MSG_SEARCH_TITLE), rect(m, 0, title_w - m, hh), (int)(4.4f * u),
                  UI_BOLD, UI_ALIGN_LEFT, 2, C_TEXT);
    struct ui_rect field =
        rect(m + title_w, 1.5f * u, W - title_w - back_w - reg_w - 4 * m, hh - 3 * u);
    draw_fill_round(ui, field, 1.2f * u, C_TEXT);
    char shown[sizeof ui->search_query + 8];
    snprintf(shown, sizeof shown, "%s|", ui->search_query);
    draw_text(ui, shown, rect(field.x + 2 * u, field.y, field.w - 4 * u, field.h), (int)(5 * u),
              UI_BOLD, UI_ALIGN_LEFT, 1, C_DARK);
    draw_set_element(ui, UI_EL_SEARCH_FIELD, field);
    struct ui_rect reg = rect(W - back_w - reg_w - 2 * m, 1.5f * u, reg_w, hh - 3 * u);
    draw_fill_round(ui, reg, 1.5f * u, C_ACCENT);
    draw_text(ui, i18n(v->lang, MSG_REGISTER_OPEN), rect(reg.x + u, reg.y, reg.w - 2 * u, reg.h),
              (int)(3.6f * u), UI_BOLD, UI_ALIGN_CENTER, 2, C_DARK);
    draw_set_element(ui, UI_EL_REGISTER_OPEN, reg);
    draw_add_button(ui, reg, UI_ACTION_REGISTER_OPEN, 0);
    draw_button(ui, rect(W - back_w - m, 1.5f * u, back_w, hh - 3 * u),
                i18n(v->lang, MSG_SEARCH_BACK), false, UI_ACTION_SEARCH_BACK, 0);
}

/* The picked result's actions in box b: Admit (or that they are already there) and Reprint. */
static void row_actions(struct ui *ui, const struct ui_view *v, struct ui_rect b, int pick)
{
    float u = ui->u;
    const struct ui_search_row *row = &v->search.rows[pick];
    float reprint_w = (float)b.w * 0.36f;
    struct ui_rect admit = rect(b.x, b.y, (float)b.w - reprint_w - u, b.h);
    char label[200];
    if (row->present) {
        snprintf(label, sizeof label, i18n(v->lang, MSG_SEARCH_PRESENT), row->name);
        draw_fill_round(ui, admit, 1.5f * u, C_PANEL2);
        draw_text(ui, label, rect(admit.x + 2 * u, admit.y, admit.w - 4 * u, admit.h),
                  (int)(4.4f * u), UI_REGULAR, UI_ALIGN_CENTER, 1, C_TEXT);
    } else {
        snprintf(label, sizeof label, i18n(v->lang, MSG_SEARCH_ADMIT), row->name);
        draw_fill_round(ui, admit, 1.5f * u, C_GREEN);
        draw_text(ui, label, rect(admit.x + 2 * u, admit.y, admit.w - 4 * u, admit.h), (int)(5 * u),
                  UI_BOLD, UI_ALIGN_CENTER, 1, C_TEXT);
        draw_set_element(ui, UI_EL_SEARCH_ADMIT, admit);
        draw_add_button(ui, admit, UI_ACTION_SEARCH_ADMIT, pick);
    }
    struct ui_rect reprint = rect((float)(b.x + b.w) - reprint_w, b.y, reprint_w, b.h);
    draw_fill_round(ui, reprint, 1.5f * u, C_ACCENT);
    draw_text(ui, i18n(v->lang, MSG_SEARCH_REPRINT),
              rect(reprint.x + 2 * u, reprint.y, reprint.w - 4 * u, reprint.h), (int)(4.4f * u),
              UI_BOLD, UI_ALIGN_CENTER, 1, C_DARK);
    draw_set_element(ui, UI_EL_SEARCH_REPRINT, reprint);
    draw_add_button(ui, reprint, UI_ACTION_SEARCH_REPRINT, pick);
}

/* One result in box r; the tapped one is highlighted. */
static void result_row(struct ui *ui, const struct ui_search_row *row, struct ui_rect r, int i,
                       bool picked)
{
    float u = ui->u;
    draw_fill_round(ui, r, 1.2f * u, picked ? C_ACCENT : C_PANEL);
    uint32_t fg = picked ? C_DARK : C_TEXT, muted = picked ? C_DARK : C_MUTED;
    float left = (float)r.w * 0.55f, pad = 2 * u;
    draw_text(ui, row->name, rect(r.x + pad, r.y, left - pad, (float)r.h * 0.58f), (int)(4.2f * u),
              UI_BOLD, UI_ALIGN_LEFT, 1, fg);
    if (row->organisation != NULL && row->organisation[0] != '\0')
        draw_text(ui, row->organisation,
                  rect(r.x + pad, r.y + (float)r.h * 0.52f, left - pad, (float)r.h * 0.46f),
                  (int)(3.2f * u), UI_REGULAR, UI_ALIGN_LEFT, 1, muted);
    draw_text(ui, row->detail, rect(r.x + left + pad, r.y, (float)r.w - left - 2 * pad, r.h),
              (int)(3.4f * u), UI_REGULAR, UI_ALIGN_RIGHT, 2, fg);
    draw_set_element(ui, UI_EL_SEARCH_ROW0 + i, r);
    draw_add_button(ui, r, UI_ACTION_SEARCH_PICK, i);
}

/* The results between top and bottom: as many rows as fit, then how many more there are. */
static void results(struct ui *ui, const struct ui_view *v, float top, float bottom, float m)
{
    float u = ui->u, W = ui->w;
    const struct ui_search *s = &v->search;
    if (s->too_short || s->n == 0) {
        enum i18n_msg msg = s->too_short ? MSG_SEARCH_HINT : MSG_SEARCH_NONE;
        draw_text(ui, i18n(v->lang, msg), rect(m, top, W - 2 * m, bottom - top), (int)(5 * u),
                  UI_REGULAR, UI_ALIGN_CENTER, 3, C_MUTED);
        return;
    }
    float rh = 11 * u, gap = 1 * u;
    size_t fit = (size_t)((bottom - top - 5 * u + gap) / (rh + gap));
    size_t shown = s->n < fit ? s->n : fit;
    for (size_t i = 0; i < shown; i++)
        result_row(ui, &s->rows[i], rect(m, top + (float)i * (rh + gap), W - 2 * m, rh), (int)i,
                   ui->search_pick == (int)i);
    if (s->total > shown) {
        char more[96];
        snprintf(more, sizeof more, i18n(v->lang, MSG_SEARCH_MORE), (int)(s->total - shown));
        draw_text(ui, more, rect(m, top + (float)shown * (rh + gap), W - 2 * m, 5 * u),
                  (int)(3.4f * u), UI_REGULAR, UI_ALIGN_CENTER, 1, C_MUTED);
    }
}

void screen_search(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h, m = 2 * u;
    draw_fill_rect(ui, rect(0, 0, W, H), C_BG);
    float hh = 12 * u;
    search_bar(ui, v, hh, m);
    /* The keyboard takes the bottom 42 % (a third in portrait, where the screen is tall). */
    float kb_h = H * (H > W ? 0.33f : 0.42f);
    struct ui_rect kb = rect(0, H - kb_h, W, kb_h);
    float bottom = (float)kb.y - m;
    const struct ui_search *s = &v->search;
    if (ui->search_pick >= 0 && (size_t)ui->search_pick < s->n) {
        struct ui_rect b = rect(m, bottom - 10 * u, W - 2 * m, 10 * u);
        row_actions(ui, v, b, ui->search_pick);
        bottom = (float)b.y - m;
    }
    results(ui, v, hh + m, bottom, m);
    keyboard_draw(ui, kb, i18n(v->lang, MSG_SEARCH_CLEAR), false);
}
