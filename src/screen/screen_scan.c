/* SPDX-License-Identifier: Apache-2.0 */
/* The scan screen: the camera preview (or what replaces it), the room, its session, where to
 * scan and the occupancy. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"

/* Makes ui->cam a texture of w x h pixels in format fmt. */
static bool cam_texture(struct ui *ui, Uint32 fmt, int w, int h)
{
    if (ui->cam != NULL && ui->cam_w == w && ui->cam_h == h && ui->cam_fmt == fmt)
        return true;
    if (ui->cam != NULL)
        SDL_DestroyTexture(ui->cam);
    ui->cam = SDL_CreateTexture(ui->renderer, fmt, SDL_TEXTUREACCESS_STREAMING, w, h);
    ui->cam_loaded = false;
    if (ui->cam == NULL) {
        log_warnx("ui: camera texture: %s", SDL_GetError());
        return false;
    }
    ui->cam_w = w;
    ui->cam_h = h;
    ui->cam_fmt = fmt;
    return true;
}

/* Puts the camera frame, mirrored, into ui->cam when it changed; box is where it will be
 * drawn. A GPU renderer gets the frame as it is (the grey frame is the Y plane of an IYUV
 * texture: one byte a pixel to upload) and scales and mirrors it itself; the software
 * renderer would do both slowly per pixel, so there the frame is scaled and mirrored once
 * per new frame into a texture of the preview's own size. */
static bool upload_frame(struct ui *ui, const struct image *f, uint64_t serial, struct ui_rect box)
{
    if (f == NULL || f->pixels == NULL || f->width < 2 || f->height < 2 || box.w < 2 || box.h < 2)
        return false;
    bool same = ui->cam_loaded && serial == ui->cam_serial;
    if (!ui->software) {
        if (!cam_texture(ui, SDL_PIXELFORMAT_IYUV, f->width, f->height))
            return false;
        if (same)
            return true;
        size_t n = (size_t)((f->width + 1) / 2) * (size_t)((f->height + 1) / 2);
        if (ui->chroma_len < n) {
            free(ui->chroma);
            ui->chroma = xmalloc(n);
            memset(ui->chroma, 128, n);
            ui->chroma_len = n;
        }
        int cw = (f->width + 1) / 2;
        SDL_UpdateYUVTexture(ui->cam, NULL, f->pixels, f->stride, ui->chroma, cw, ui->chroma, cw);
    } else {
        if (!cam_texture(ui, SDL_PIXELFORMAT_ARGB8888, box.w, box.h))
            return false;
        if (same && ui->cam_src_w == f->width && ui->cam_src_h == f->height)
            return true;
        void *pixels;
        int pitch;
        if (SDL_LockTexture(ui->cam, NULL, &pixels, &pitch) != 0)
            return false;
        int *xs = xmalloc((size_t)box.w * sizeof *xs);
        for (int x = 0; x < box.w; x++)
            xs[x] = (int)((int64_t)(box.w - 1 - x) * f->width / box.w);
        for (int y = 0; y < box.h; y++) {
            const uint8_t *src = f->pixels + (size_t)((int64_t)y * f->height / box.h) * f->stride;
            uint32_t *dst = (uint32_t *)((uint8_t *)pixels + (size_t)y * pitch);
            for (int x = 0; x < box.w; x++) {
                uint32_t g = src[xs[x]];
                dst[x] = 0xff000000u | g << 16 | g << 8 | g;
            }
        }
        free(xs);
        SDL_UnlockTexture(ui->cam);
        ui->cam_src_w = f->width;
        ui->cam_src_h = f->height;
    }
    ui->cam_serial = serial;
    ui->cam_loaded = true;
    return true;
}

/* The camera preview (mirrored, like a mirror) with its aiming frame, or what replaces it;
 * returns the box drawn. */
static struct ui_rect preview(struct ui *ui, const struct ui_view *v, struct ui_rect area)
{
    float u = ui->u;
    bool cam_trouble = (v->trouble & UI_TROUBLE_CAMERA) != 0;
    const struct image *f = v->frame;
    struct ui_rect p = area;
    if (f != NULL && f->width > 0 && f->height > 0) {
        double aspect = (double)f->width / f->height;
        p.w = area.w;
        p.h = (int)(area.w / aspect);
        if (p.h > area.h) {
            p.h = area.h;
            p.w = (int)(area.h * aspect);
        }
        p.x = area.x + (area.w - p.w) / 2;
        p.y = area.y + (area.h - p.h) / 2;
    }
    if (!cam_trouble && upload_frame(ui, f, v->frame_serial, p)) {
        SDL_Rect d = {p.x, p.y, p.w, p.h};
        if (ui->software)
            SDL_RenderCopy(ui->renderer, ui->cam, NULL, &d);
        else
            SDL_RenderCopyEx(ui->renderer, ui->cam, NULL, &d, 0, NULL, SDL_FLIP_HORIZONTAL);
        draw_set_element(ui, UI_EL_PREVIEW, p);
        area = p;
    } else {
        draw_fill_round(ui, area, 2 * u, cam_trouble ? 0x3b2a0a : C_PANEL);
        draw_set_element(ui, UI_EL_PREVIEW, area);
        if (cam_trouble) {
            float d = fminf(area.w, area.h) * 0.22f;
            draw_icon(ui, ICON_WARN, area.x + area.w / 2.0f, area.y + area.h * 0.22f, d, C_PANEL);
            float y = area.y + area.h * 0.42f;
            draw_text(ui, i18n(v->lang, MSG_TROUBLE_CAMERA),
                      rect(area.x + 2 * u, y, area.w - 4 * u, 9 * u), (int)(5.5f * u), UI_BOLD,
                      UI_ALIGN_CENTER, 1, C_AMBER);
            draw_text(ui, i18n(v->lang, MSG_TROUBLE_CAMERA_DO),
                      rect(area.x + 2 * u, y + 9 * u, area.w - 4 * u, area.y + area.h - y - 16 * u),
                      (int)(4.2f * u), UI_REGULAR, UI_ALIGN_CENTER, 4, C_TEXT);
            if (v->camera_text != NULL)
                draw_text(ui, v->camera_text,
                          rect(area.x + 2 * u, area.y + area.h - 7 * u, area.w - 4 * u, 6 * u),
                          (int)(2.8f * u), UI_REGULAR, UI_ALIGN_CENTER, 2, C_MUTED);
            return area;
        }
    }
    /* The aiming frame: corner brackets around the centre square. */
    float side = fminf(area.w, area.h) * 0.62f;
    float x0 = area.x + (area.w - side) / 2, y0 = area.y + (area.h - side) / 2;
    float len = side * 0.22f, wd = fmaxf(u * 0.9f, 3);
    uint32_t c = v->frame != NULL ? C_TEXT : C_MUTED;
    for (int k = 0; k < 4; k++) {
        float cx = k & 1 ? x0 + side : x0, cy = k & 2 ? y0 + side : y0;
        float sx = k & 1 ? -1 : 1, sy = k & 2 ? -1 : 1;
        draw_line(ui, cx, cy, cx + sx * len, cy, wd, c);
        draw_line(ui, cx, cy, cx, cy + sy * len, wd, c);
    }
    if (v->frame == NULL) {
        /* Scanner only: a stylised code in the frame. */
        float q = side * 0.16f;
        for (int k = 0; k < 3; k++) {
            float qx = k == 1 ? x0 + side * 0.62f : x0 + side * 0.22f;
            float qy = k == 2 ? y0 + side * 0.62f : y0 + side * 0.22f;
            draw_fill_round(ui, rect(qx, qy, q, q), q * 0.15f, C_GREY);
        }
    }
    return area;
}

/* The line under the preview. */
static const char *preview_hint(const struct ui_view *v)
{
    if ((v->trouble & UI_TROUBLE_CAMERA) || v->frame == NULL)
        return i18n(v->lang, MSG_USE_SCANNER);
    return i18n(v->lang, MSG_HOLD_IN_FRAME);
}

/* The instruction in the screen's language, then in the other two. */
static float instruction(struct ui *ui, const struct ui_view *v, struct ui_rect r, float big,
                         enum ui_align align)
{
    float u = ui->u;
    draw_text(ui, i18n(v->lang, MSG_SCAN_BADGE), rect(r.x, r.y, r.w, big * 1.3f), (int)big, UI_BOLD,
              align, 1, C_TEXT);
    char others[200];
    draw_other_languages(v->lang, MSG_SCAN_BADGE, others, sizeof others);
    draw_text(ui, others, rect(r.x, r.y + big * 1.35f, r.w, 6 * u), (int)(4.2f * u), UI_REGULAR,
              align, 1, C_MUTED);
    return big * 1.35f + 6 * u;
}

/* The session line: "Now · 10:45–12:15" and the title. */
static float session_block(struct ui *ui, const struct ui_view *v, struct ui_rect r, float px)
{
    float u = ui->u;
    if (v->session_title == NULL || v->session_title[0] == '\0') {
        draw_text(ui, i18n(v->lang, MSG_NO_SESSION), rect(r.x, r.y, r.w, px * 1.4f), (int)px,
                  UI_REGULAR, UI_ALIGN_LEFT, 1, C_MUTED);
        return px * 1.4f;
    }
    char a[8], b[8], line[96];
    time_format_hhmm(v->session_start_ms, a);
    time_format_hhmm(v->session_end_ms, b);
    snprintf(line, sizeof line, "%s  ·  %s – %s",
             i18n(v->lang, v->session_next ? MSG_NEXT : MSG_NOW), a, b);
    draw_text(ui, line, rect(r.x, r.y, r.w, px * 1.2f), (int)(px * 0.8f), UI_BOLD, UI_ALIGN_LEFT, 1,
              C_ACCENT);
    draw_text(ui, v->session_title, rect(r.x, r.y + px * 1.25f, r.w, px * 2.5f), (int)px,
              UI_REGULAR, UI_ALIGN_LEFT, 2, C_TEXT);
    return px * 3.75f + u;
}

/* The occupancy block: count / capacity and the bar (the venue count at the entrance). */
static void occupancy_block(struct ui *ui, const struct ui_view *v, struct ui_rect r)
{
    float u = ui->u;
    char num[48];
    const char *label;
    uint32_t label_c = C_MUTED;
    float num_h = r.h * 0.5f;
    if (v->entrance || v->capacity <= 0) {
        snprintf(num, sizeof num, "%d", v->count);
        struct ui_rect got = draw_text(ui, num, rect(r.x, r.y, r.w * 0.45f, r.h),
                                       (int)(r.h * 0.62f), UI_BOLD, UI_ALIGN_LEFT, 1, C_TEXT);
        draw_text(ui, i18n(v->lang, MSG_IN_VENUE),
                  rect(got.x + got.w + 2 * u, r.y, r.w * 0.5f, r.h), (int)(5 * u), UI_REGULAR,
                  UI_ALIGN_LEFT, 1, C_MUTED);
        return;
    }
    snprintf(num, sizeof num, "%d / %d", v->count, v->capacity);
    if (v->room_closed) {
        label = i18n(v->lang, MSG_ROOM_CLOSED);
        label_c = C_AMBER;
    } else if (v->count >= v->capacity) {
        label = i18n(v->lang, MSG_FULL);
        label_c = 0xf87171;
    } else {
        label = i18n(v->lang, MSG_IN_ROOM);
    }
    draw_text(ui, num, rect(r.x, r.y, r.w * 0.55f, num_h), (int)(num_h * 0.85f), UI_BOLD,
              UI_ALIGN_LEFT, 1, C_TEXT);
    draw_text(ui, label, rect(r.x + r.w * 0.55f, r.y, r.w * 0.45f, num_h), (int)(5 * u),
              v->room_closed || v->count >= v->capacity ? UI_BOLD : UI_REGULAR, UI_ALIGN_RIGHT, 1,
              label_c);
    struct ui_rect br = rect(r.x, r.y + num_h + u, r.w, r.h - num_h - u);
    struct ui_rect f = draw_bar(ui, br, v->count, v->capacity, v->room_closed);
    draw_set_element(ui, UI_EL_OCCUPANCY_BAR, br);
    draw_set_element(ui, UI_EL_OCCUPANCY_FILL, f);
}

/* The room's name, or "Entrance" in the screen's language. */
static const char *room_title(const struct ui_view *v)
{
    if (v->entrance || v->room_name == NULL)
        return i18n(v->lang, MSG_ENTRANCE);
    return v->room_name;
}

void screen_scan(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h;
    draw_fill_rect(ui, rect(0, 0, W, H), C_BG);
    float hh = draw_header(ui, v, v->event_name, 12 * u);
    float m = 3.5f * u;
    if (W >= H) {
        float lw = W * 0.44f;
        struct ui_rect area = rect(m, hh + m, lw, H - hh - 2 * m - 7 * u);
        struct ui_rect p = preview(ui, v, area);
        draw_text(ui, preview_hint(v), rect(m, p.y + p.h + u, lw, 6 * u), (int)(3.8f * u),
                  UI_REGULAR, UI_ALIGN_CENTER, 1, C_MUTED);
        float x = m + lw + 4 * u, w = W - x - m, y = hh + m;
        draw_text(ui, room_title(v), rect(x, y, w, 12 * u), (int)(10 * u), UI_BOLD, UI_ALIGN_LEFT,
                  1, C_TEXT);
        y += 13 * u;
        y += session_block(ui, v, rect(x, y, w, 0), 5 * u);
        float occ_h = 22 * u;
        float inst_y = y + ((H - m - occ_h) - y - (10.5f * u + 6 * u)) / 2;
        instruction(ui, v, rect(x, inst_y, w, 0), 8 * u, UI_ALIGN_LEFT);
        occupancy_block(ui, v, rect(x, H - m - occ_h, w, occ_h));
    } else {
        float x = m, w = W - 2 * m, y = hh + m;
        draw_text(ui, room_title(v), rect(x, y, w, 12 * u), (int)(10 * u), UI_BOLD, UI_ALIGN_LEFT,
                  1, C_TEXT);
        y += 13 * u;
        y += session_block(ui, v, rect(x, y, w, 0), 5 * u);
        float occ_h = 22 * u;
        float inst_h = 10.5f * u + 6 * u;
        float bottom = H - m - occ_h - 3 * u - inst_h - 3 * u;
        float ph = bottom - y - 6 * u;
        struct ui_rect p = preview(ui, v, rect(x, y, w, ph));
        draw_text(ui, preview_hint(v), rect(x, p.y + p.h, w, 6 * u), (int)(3.8f * u), UI_REGULAR,
                  UI_ALIGN_CENTER, 1, C_MUTED);
        instruction(ui, v, rect(x, bottom + 3 * u, w, 0), 8 * u, UI_ALIGN_CENTER);
        occupancy_block(ui, v, rect(x, H - m - occ_h, w, occ_h));
    }
}
