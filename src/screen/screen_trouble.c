/* SPDX-License-Identifier: Apache-2.0 */
/* The trouble screen: out of order (the scan log cannot be written, or the clock was never
 * set), what is wrong and what staff should do. */
#include <stdio.h>

#include "draw.h"

void screen_trouble(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h;
    draw_fill_rect(ui, rect(0, 0, W, H), C_TROUBLE);
    float hh = draw_header(ui, v, v->event_name, 12 * u);
    float m = 5 * u, y = hh + 4 * u;
    float icon_d = 18 * u;
    draw_icon(ui, ICON_WARN, W / 2, y + icon_d / 2, icon_d, C_TROUBLE);
    y += icon_d + 3 * u;
    draw_text(ui, i18n(v->lang, MSG_OUT_OF_ORDER), rect(m, y, W - 2 * m, 11 * u), (int)(10 * u),
              UI_BOLD, UI_ALIGN_CENTER, 1, C_TEXT);
    y += 11 * u;
    char others[160];
    draw_other_languages(v->lang, MSG_OUT_OF_ORDER, others, sizeof others);
    draw_text(ui, others, rect(m, y, W - 2 * m, 6 * u), (int)(4.5f * u), UI_REGULAR,
              UI_ALIGN_CENTER, 1, 0xfecaca);
    y += 9 * u;
    enum i18n_msg what[2], todo[2];
    int n = 0;
    if (v->trouble & UI_TROUBLE_DATABASE) {
        what[n] = MSG_TROUBLE_DATABASE;
        todo[n++] = MSG_TROUBLE_DATABASE_DO;
    }
    if (v->trouble & UI_TROUBLE_CLOCK) {
        what[n] = MSG_TROUBLE_CLOCK;
        todo[n++] = MSG_TROUBLE_CLOCK_DO;
    }
    /* The badge printer, when it needs staff too: below the reasons the kiosk is out of order. */
    float printer_h = screen_printer_trouble(&v->printer) ? 19 * u : 0;
    if (printer_h > 0)
        screen_printer_box(ui, v, rect(m, H - 6 * u - printer_h, W - 2 * m, printer_h - 2 * u),
                           false);
    float each = (H - y - 6 * u - printer_h) / (n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        struct ui_rect box = rect(m, y, W - 2 * m, each - 2 * u);
        draw_fill_round(ui, box, 2 * u, 0x2a0505);
        draw_text(ui, i18n(v->lang, what[i]), rect(box.x + 3 * u, box.y + u, box.w - 6 * u, 8 * u),
                  (int)(6 * u), UI_BOLD, UI_ALIGN_LEFT, 1, C_AMBER);
        char line[400];
        snprintf(line, sizeof line, i18n(v->lang, MSG_STAFF_PREFIX), i18n(v->lang, todo[i]));
        draw_text(ui, line, rect(box.x + 3 * u, box.y + 9 * u, box.w - 6 * u, box.h - 10 * u),
                  (int)(4.4f * u), UI_REGULAR, UI_ALIGN_LEFT, 4, C_TEXT);
        y += each;
    }
    /* The clock's state, whatever the trouble: an unsynchronised or disagreeing clock is often
     * what staff must fix (issue 14). */
    if (!v->diag.clock_synced || v->diag.clock_disagrees) {
        char clock[128];
        draw_clock_line(&v->diag, v->lang, clock, sizeof clock);
        draw_text(ui, clock, rect(m, H - 5 * u, W - 2 * m, 4 * u), (int)(3.4f * u), UI_BOLD,
                  UI_ALIGN_CENTER, 1, C_AMBER);
    }
}
