/* SPDX-License-Identifier: Apache-2.0 */
/* The staff screens: the confirmation after a staff badge, and the staff menu (mode, count,
 * room, language, the badge printer, diagnostics). */
#include <stdio.h>

#include "draw.h"

/* The rows of the staff menu: a label beside the buttons on a wide screen, above them on a
 * narrow one. */
struct menu {
    bool wide;
    float m;       /* the margin */
    float label_w; /* the labels' column (wide screens), 0 */
    float bx, bw;  /* the buttons' column */
    float bh, gap; /* a button's height, the gap between buttons */
    float y;       /* the top of the next row */
};

void screen_staff_confirm(struct ui *ui, const struct ui_view *v)
{
    const char *armed = NULL;
    if (!v->entrance && (v->mode == MODE_ENTRY || v->mode == MODE_TOGGLE))
        armed = i18n(v->lang, MSG_STAFF_OVERRIDE_ARMED);
    draw_big_message(ui, C_STAFF_BG, C_TEXT, ICON_STAFF, i18n(v->lang, MSG_STAFF_BADGE),
                     ui->staff_name, i18n(v->lang, MSG_STAFF_CONFIRM), armed, 0);
    draw_add_button(ui, rect(0, 0, ui->w, ui->h), UI_ACTION_STAFF_OPEN, 0);
}

/* Formats a byte count as MB or GB. */
static void format_bytes(int64_t b, char *buf, size_t n)
{
    if (b < 0)
        snprintf(buf, n, "?");
    else if (b >= (int64_t)1 << 30)
        snprintf(buf, n, "%.1f GB", b / 1073741824.0);
    else
        snprintf(buf, n, "%.0f MB", b / 1048576.0);
}

/* The menu's title bar, hh high: who opened it, when it closes by itself, "Find a person"
 * (not in overview mode: admitting needs a door), the close button. */
static void title_bar(struct ui *ui, const struct ui_view *v, float hh, float m)
{
    float u = ui->u, W = ui->w;
    draw_fill_rect(ui, rect(0, 0, W, hh), C_STAFF_BG);
    char title[200];
    snprintf(title, sizeof title, "%s · %s", i18n(v->lang, MSG_STAFF_MENU),
             ui->staff_name ? ui->staff_name : "");
    float close_w = 26 * u, title_w = W * 0.36f;
    float find_w = v->mode != MODE_OVERVIEW ? fminf(40 * u, W * 0.3f) : 0;
    draw_text(ui, title, rect(m, 0, title_w, hh), (int)(5 * u), UI_BOLD, UI_ALIGN_LEFT, 1, C_TEXT);
    char left[64];
    int secs = (int)((ui->staff_deadline - ui->now + 999) / 1000);
    snprintf(left, sizeof left, i18n(v->lang, MSG_STAFF_AUTOCLOSE), secs < 0 ? 0 : secs);
    draw_text(ui, left, rect(title_w + 2 * m, 0, W - title_w - find_w - close_w - 5 * m, hh),
              (int)(3.4f * u), UI_REGULAR, UI_ALIGN_RIGHT, 2, 0xe9d5ff);
    if (find_w > 0) {
        struct ui_rect find = rect(W - close_w - find_w - 2 * m, 1.5f * u, find_w, hh - 3 * u);
        draw_fill_round(ui, find, 1.5f * u, C_ACCENT);
        draw_text(ui, i18n(v->lang, MSG_SEARCH_TITLE), find, (int)(4 * u), UI_BOLD, UI_ALIGN_CENTER,
                  2, C_DARK);
        draw_set_element(ui, UI_EL_SEARCH_OPEN, find);
        draw_add_button(ui, find, UI_ACTION_SEARCH_OPEN, 0);
    }
    draw_fill_round(ui, rect(W - close_w - m, 1.5f * u, close_w, hh - 3 * u), 1.5f * u, C_TEXT);
    draw_text(ui, i18n(v->lang, MSG_STAFF_CLOSE),
              rect(W - close_w - m, 1.5f * u, close_w, hh - 3 * u), (int)(4.6f * u), UI_BOLD,
              UI_ALIGN_CENTER, 1, C_STAFF_BG);
    draw_add_button(ui, rect(W - close_w - m, 0, close_w + m, hh), UI_ACTION_STAFF_CLOSE, 0);
}

/* A row's label: beside the row, or above it (moving the row down). */
static void row_label(struct ui *ui, const struct ui_view *v, struct menu *mn, enum i18n_msg msg)
{
    float u = ui->u, W = ui->w;
    if (mn->wide) {
        draw_text(ui, i18n(v->lang, msg), rect(mn->m, mn->y, mn->label_w - 2 * u, mn->bh),
                  (int)(4 * u), UI_REGULAR, UI_ALIGN_LEFT, 2, C_MUTED);
    } else {
        draw_text(ui, i18n(v->lang, msg), rect(mn->m, mn->y, W - 2 * mn->m, 5 * u), (int)(3.6f * u),
                  UI_REGULAR, UI_ALIGN_LEFT, 1, C_MUTED);
        mn->y += 5.5f * u;
    }
}

/* The modes: four across on a wide screen, two by two on a narrow one. */
static void mode_row(struct ui *ui, const struct ui_view *v, struct menu *mn)
{
    row_label(ui, v, mn, MSG_STAFF_MODE);
    float bx = mn->bx, bh = mn->bh, gap = mn->gap, y = mn->y;
    int across = mn->wide ? 4 : 2;
    float cell = (mn->bw - (across - 1) * gap) / across;
    for (int i = 0; i < 4; i++)
        draw_button(ui,
                    rect(bx + (i % across) * (cell + gap), y + (i / across) * (bh + gap), cell, bh),
                    i18n(v->lang, i18n_mode_msg((enum kiosk_mode)i)), v->mode == (enum kiosk_mode)i,
                    UI_ACTION_SET_MODE, i);
    mn->y += (4 / across) * (bh + gap) + gap;
}

/* The count with its -1 and +1 buttons. */
static void count_row(struct ui *ui, const struct ui_view *v, struct menu *mn)
{
    row_label(ui, v, mn, MSG_STAFF_COUNT);
    float bx = mn->bx, bw = mn->bw, bh = mn->bh, gap = mn->gap, y = mn->y;
    float bsz = fminf(bw * 0.25f, 22 * ui->u);
    draw_button(ui, rect(bx, y, bsz, bh), "−1", false, UI_ACTION_COUNT_ADJUST, -1);
    draw_button(ui, rect(bx + bw - bsz, y, bsz, bh), "+1", false, UI_ACTION_COUNT_ADJUST, +1);
    char num[48];
    if (v->capacity > 0 && !v->entrance)
        snprintf(num, sizeof num, "%d / %d", v->count, v->capacity);
    else
        snprintf(num, sizeof num, "%d", v->count);
    draw_text(ui, num, rect(bx + bsz + gap, y, bw - 2 * bsz - 2 * gap, bh), (int)(6.5f * ui->u),
              UI_BOLD, UI_ALIGN_CENTER, 1, C_TEXT);
    mn->y += bh + 2 * gap;
}

/* Close or open the room. */
static void room_row(struct ui *ui, const struct ui_view *v, struct menu *mn)
{
    row_label(ui, v, mn, MSG_STAFF_ROOM);
    draw_button(ui, rect(mn->bx, mn->y, fminf(mn->bw, 60 * ui->u), mn->bh),
                i18n(v->lang, v->room_closed ? MSG_STAFF_OPEN_ROOM : MSG_STAFF_CLOSE_ROOM),
                v->room_closed, v->room_closed ? UI_ACTION_ROOM_OPEN : UI_ACTION_ROOM_CLOSE, 0);
    mn->y += mn->bh + 2 * mn->gap;
}

/* The screen's language, each named in itself. */
static void language_row(struct ui *ui, const struct ui_view *v, struct menu *mn)
{
    row_label(ui, v, mn, MSG_STAFF_LANGUAGE);
    float cell = (mn->bw - 2 * mn->gap) / 3;
    for (int i = 0; i < LANG_COUNT; i++)
        draw_button(ui, rect(mn->bx + i * (cell + mn->gap), mn->y, cell, mn->bh),
                    i18n_language_endonym((enum language)i), v->lang == (enum language)i,
                    UI_ACTION_SET_LANG, i);
    mn->y += mn->bh + 2 * mn->gap;
}

#define DIAG_LINES 7

/* Writes the diagnostic lines of d in lang. */
static void diagnostic_lines(const struct ui_diagnostics *d, enum language lang,
                             char lines[DIAG_LINES][128])
{
    const char *unknown = i18n(lang, MSG_DIAG_UNKNOWN);
    if (d->camera_fps >= 0)
        snprintf(lines[0], 128, i18n(lang, MSG_DIAG_CAMERA), d->camera_fps);
    else
        snprintf(lines[0], 128, "%s", i18n(lang, MSG_TROUBLE_CAMERA));
    if (d->decode_ms >= 0)
        snprintf(lines[1], 128, i18n(lang, MSG_DIAG_DECODE), d->decode_ms);
    else
        snprintf(lines[1], 128, i18n(lang, MSG_DIAG_DECODE), 0.0);
    snprintf(lines[2], 128, i18n(lang, MSG_DIAG_PENDING),
             d->pending_sync < 0 ? 0 : d->pending_sync);
    char bytes[32];
    format_bytes(d->disk_free_bytes, bytes, sizeof bytes);
    snprintf(lines[3], 128, i18n(lang, MSG_DIAG_DISK), d->disk_free_bytes < 0 ? unknown : bytes);
    snprintf(lines[4], 128, i18n(lang, MSG_DIAG_VERSION),
             d->version ? d->version : PORTIER_VERSION);
    snprintf(lines[5], 128, i18n(lang, MSG_DIAG_DEVICE), d->device_id ? d->device_id : unknown);
    draw_clock_line(d, lang, lines[6], 128);
}

/* Diagnostics below the rows: short lines in two or three columns. */
static void diagnostics(struct ui *ui, const struct ui_view *v, const struct menu *mn)
{
    float u = ui->u, W = ui->w, H = ui->h, m = mn->m;
    char lines[DIAG_LINES][128];
    diagnostic_lines(&v->diag, v->lang, lines);
    float dy = mn->y + u;
    draw_text(ui, i18n(v->lang, MSG_STAFF_DIAGNOSTICS), rect(m, dy, W - 2 * m, 5 * u),
              (int)(3.8f * u), UI_BOLD, UI_ALIGN_LEFT, 1, C_MUTED);
    dy += 5.5f * u;
    int cols = mn->wide ? 3 : 2;
    float cw = (W - 2 * m) / cols;
    float lh = fminf(5 * u, (H - dy - m) / ((DIAG_LINES + cols - 1) / cols));
    for (int i = 0; i < DIAG_LINES; i++) {
        int col = i % cols, row = i / cols;
        draw_text(ui, lines[i], rect(m + col * cw, dy + row * lh, cw - 2 * u, lh), (int)(3.4f * u),
                  UI_REGULAR, UI_ALIGN_LEFT, 1, C_TEXT);
    }
}

void screen_staff_menu(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h;
    draw_fill_rect(ui, rect(0, 0, W, H), C_BG);
    float hh = 12 * u, m = 3 * u;
    title_bar(ui, v, hh, m);
    struct menu mn;
    mn.wide = W >= H * 1.2f;
    mn.m = m;
    mn.label_w = mn.wide ? W * 0.22f : 0;
    mn.bx = m + mn.label_w;
    mn.bw = W - mn.bx - m;
    mn.bh = 10 * u;
    mn.gap = 1.6f * u;
    mn.y = hh + 2 * u;
    mode_row(ui, v, &mn);
    if (v->mode != MODE_OVERVIEW)
        count_row(ui, v, &mn);
    if (!v->entrance && v->mode != MODE_OVERVIEW)
        room_row(ui, v, &mn);
    language_row(ui, v, &mn);
    /* The printer's box takes what the diagnostics leave (their rows legible), 11u to 17u. */
    float diag_need = (mn.wide ? 21 : 26) * u;
    float room = fmaxf(11 * u, fminf(17 * u, H - mn.y - diag_need - mn.gap));
    float ph = screen_printer_box(ui, v, rect(m, mn.y, W - 2 * m, room), true);
    if (ph > 0)
        mn.y += ph + mn.gap;
    diagnostics(ui, v, &mn);
}
