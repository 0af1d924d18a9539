/* SPDX-License-Identifier: Apache-2.0 */
/* The badge printer's line on the staff menu and the trouble screen: its state in the screen's
 * language and, when it needs staff, what to do and a Retry button. */
#include <stdio.h>

#include "draw.h"

bool screen_printer_trouble(const struct ui_printer *p)
{
    return p->state == UI_PRINTER_OFFLINE || p->state == UI_PRINTER_OUT_OF_MEDIA ||
           p->state == UI_PRINTER_ERROR;
}

/* Writes the printer's state line in lang; *todo is what staff should do (MSG_COUNT: nothing). */
static void printer_line(const struct ui_printer *p, enum language lang, char *buf, size_t n,
                         enum i18n_msg *todo)
{
    const char *q = p->queue != NULL ? p->queue : "";
    *todo = MSG_COUNT;
    switch (p->state) {
    case UI_PRINTER_CHECKING:
        snprintf(buf, n, i18n(lang, MSG_PRINTER_CHECKING), q);
        break;
    case UI_PRINTER_PRINTING:
        snprintf(buf, n, i18n(lang, MSG_PRINTER_PRINTING), q, p->attendee ? p->attendee : "?");
        break;
    case UI_PRINTER_OFFLINE:
        snprintf(buf, n, i18n(lang, MSG_PRINTER_OFFLINE), q);
        *todo = MSG_PRINTER_OFFLINE_DO;
        break;
    case UI_PRINTER_OUT_OF_MEDIA:
        snprintf(buf, n, i18n(lang, MSG_PRINTER_EMPTY), q);
        *todo = MSG_PRINTER_EMPTY_DO;
        break;
    case UI_PRINTER_ERROR:
        snprintf(buf, n, i18n(lang, MSG_PRINTER_ERROR), q);
        *todo = MSG_PRINTER_ERROR_DO;
        break;
    default:
        snprintf(buf, n, i18n(lang, MSG_PRINTER_READY), q);
        break;
    }
}

float screen_printer_box(struct ui *ui, const struct ui_view *v, struct ui_rect r, bool with_retry)
{
    const struct ui_printer *p = &v->printer;
    if (p->state == UI_PRINTER_NONE)
        return 0;
    float u = ui->u;
    char line[256];
    enum i18n_msg todo;
    printer_line(p, v->lang, line, sizeof line, &todo);
    bool trouble = screen_printer_trouble(p);
    float line_h = 6 * u;
    if (!trouble) {
        struct ui_rect box = rect(r.x, r.y, r.w, line_h);
        draw_text(ui, line, box, (int)(3.8f * u), UI_BOLD, UI_ALIGN_LEFT, 1,
                  p->state == UI_PRINTER_PRINTING ? C_ACCENT : C_TEXT);
        draw_set_element(ui, UI_EL_PRINTER, box);
        return line_h;
    }
    /* A tall box (17u) has room for a large line and two lines of what to do; a short one
     * (11u, when the screen is full) shrinks both. */
    float h = fminf(r.h, 17 * u);
    float head_h = fminf(line_h, h * 0.36f);
    struct ui_rect box = rect(r.x, r.y, r.w, h);
    draw_fill_round(ui, box, 1.5f * u, 0x3b2606);
    float retry_w = with_retry && p->can_retry ? fminf(32 * u, r.w * 0.3f) : 0;
    float tw = r.w - 4 * u - (retry_w > 0 ? retry_w + 2 * u : 0);
    draw_text(ui, line, rect(r.x + 2 * u, r.y + 0.8f * u, tw, head_h), (int)(head_h * 0.7f),
              UI_BOLD, UI_ALIGN_LEFT, 1, C_AMBER);
    char what[400];
    const char *said = p->message != NULL && *p->message != '\0' ? p->message : NULL;
    if (said != NULL)
        snprintf(what, sizeof what, "%s (%s)", i18n(v->lang, todo), said);
    else
        snprintf(what, sizeof what, "%s", i18n(v->lang, todo));
    float what_h = h - head_h - 1.6f * u;
    draw_text(ui, what, rect(r.x + 2 * u, r.y + 0.8f * u + head_h, tw, what_h),
              (int)fminf(3.2f * u, what_h / 2.6f), UI_REGULAR, UI_ALIGN_LEFT, 2, C_TEXT);
    draw_set_element(ui, UI_EL_PRINTER, box);
    if (retry_w > 0) {
        float bh = fminf(10 * u, h - 2 * u);
        struct ui_rect b = rect(r.x + r.w - retry_w - 1.5f * u, r.y + (h - bh) / 2, retry_w, bh);
        draw_button(ui, b, i18n(v->lang, MSG_PRINTER_RETRY), true, UI_ACTION_PRINT_RETRY, 0);
        draw_set_element(ui, UI_EL_PRINT_RETRY, b);
    }
    return h;
}
