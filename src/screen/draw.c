/* SPDX-License-Identifier: Apache-2.0 */
/* The drawing layer of the screens (see draw.h). Text goes through ui_text.c (fitted into
 * boxes, cached as textures); shapes through SDL_RenderGeometry and filled spans. */
#include "draw.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "occupancy.h"
#include "timeutil.h"

/* An SDL colour from 0xRRGGBB and an alpha. */
static SDL_Color rgb(uint32_t c, uint8_t a)
{
    return (SDL_Color){(uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c, a};
}

/* Fills a rectangle, opaque. */
void draw_fill_rect(struct ui *ui, struct ui_rect r, uint32_t c)
{
    SDL_SetRenderDrawColor(ui->renderer, (uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c, 255);
    SDL_Rect sr = {r.x, r.y, r.w, r.h};
    SDL_RenderFillRect(ui->renderer, &sr);
}

/* Fills a convex polygon as a triangle fan. */
static void fill_convex(struct ui *ui, const SDL_FPoint *pts, int n, uint32_t c, uint8_t alpha)
{
    if (n < 3 || n > 64)
        return;
    SDL_Vertex v[65];
    int idx[64 * 3];
    SDL_FPoint centre = {0, 0};
    for (int i = 0; i < n; i++) {
        centre.x += pts[i].x / n;
        centre.y += pts[i].y / n;
    }
    SDL_Color col = rgb(c, alpha);
    v[0] = (SDL_Vertex){centre, col, {0, 0}};
    for (int i = 0; i < n; i++) {
        v[i + 1] = (SDL_Vertex){pts[i], col, {0, 0}};
        idx[i * 3] = 0;
        idx[i * 3 + 1] = i + 1;
        idx[i * 3 + 2] = (i + 1) % n + 1;
    }
    /* Blending costs the software renderer dearly even at full alpha: only when needed. */
    SDL_SetRenderDrawBlendMode(ui->renderer,
                               alpha < 255 ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
    SDL_RenderGeometry(ui->renderer, NULL, v, n + 1, idx, n * 3);
}

/* Fills a disc as horizontal spans: cheap for the software renderer (whose triangle filler
 * walks each triangle's bounding box) and batched by GPU renderers. */
static void fill_circle(struct ui *ui, float x, float y, float radius, uint32_t c)
{
    if (radius <= 0)
        return;
    SDL_FRect spans[512];
    int n = 0;
    int r = (int)ceilf(radius);
    if (r > 255)
        r = 255;
    for (int dy = -r; dy < r; dy++) {
        float yc = dy + 0.5f;
        float half = radius * radius - yc * yc;
        if (half <= 0)
            continue;
        half = sqrtf(half);
        spans[n++] = (SDL_FRect){x - half, y + dy, 2 * half, 1};
    }
    SDL_SetRenderDrawColor(ui->renderer, (uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c, 255);
    SDL_RenderFillRectsF(ui->renderer, spans, n);
}

/* Fills a rectangle with rounded corners: the middle band and the rows of the corners. */
void draw_fill_round(struct ui *ui, struct ui_rect r, float radius, uint32_t c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    int rad = (int)radius;
    if (rad > r.w / 2)
        rad = r.w / 2;
    if (rad > r.h / 2)
        rad = r.h / 2;
    if (rad > 255)
        rad = 255;
    if (rad < 1) {
        draw_fill_rect(ui, r, c);
        return;
    }
    SDL_FRect spans[2 * 256 + 1];
    int n = 0;
    spans[n++] = (SDL_FRect){(float)r.x, (float)(r.y + rad), (float)r.w, (float)(r.h - 2 * rad)};
    for (int dy = 0; dy < rad; dy++) {
        float yc = rad - dy - 0.5f;
        float inset = rad - sqrtf(fmaxf(0, (float)rad * rad - yc * yc));
        spans[n++] = (SDL_FRect){r.x + inset, (float)(r.y + dy), r.w - 2 * inset, 1};
        spans[n++] = (SDL_FRect){r.x + inset, (float)(r.y + r.h - 1 - dy), r.w - 2 * inset, 1};
    }
    SDL_SetRenderDrawColor(ui->renderer, (uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c, 255);
    SDL_RenderFillRectsF(ui->renderer, spans, n);
}

/* A line of width wd with round ends. */
void draw_line(struct ui *ui, float x0, float y0, float x1, float y1, float wd, uint32_t c)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (len <= 0)
        return;
    float nx = -dy / len * wd / 2, ny = dx / len * wd / 2;
    SDL_FPoint q[4] = {
        {x0 + nx, y0 + ny}, {x1 + nx, y1 + ny}, {x1 - nx, y1 - ny}, {x0 - nx, y0 - ny}};
    fill_convex(ui, q, 4, c, 255);
    fill_circle(ui, x0, y0, wd / 2, c);
    fill_circle(ui, x1, y1, wd / 2, c);
}

/* Draws an icon of diameter d centred at (x, y): a white disc (or triangle) with a symbol in
 * the background colour, so the shape tells the outcome without its colour. */
void draw_icon(struct ui *ui, enum icon icon, float x, float y, float d, uint32_t bg)
{
    float r = d / 2, w = d * 0.11f;
    if (icon == ICON_WARN) {
        /* Dark on the amber answer screen, amber elsewhere. */
        uint32_t body = bg == C_WARN_BG ? C_DARK : C_AMBER;
        uint32_t mark = bg == C_WARN_BG ? C_WARN_BG : C_DARK;
        SDL_FPoint tri[3] = {
            {x, y - r}, {x + r * 1.1f, y + r * 0.85f}, {x - r * 1.1f, y + r * 0.85f}};
        fill_convex(ui, tri, 3, body, 255);
        draw_line(ui, x, y - r * 0.3f, x, y + r * 0.22f, w, mark);
        fill_circle(ui, x, y + r * 0.55f, w * 0.65f, mark);
        return;
    }
    fill_circle(ui, x, y, r, C_TEXT);
    switch (icon) {
    case ICON_CHECK:
        draw_line(ui, x - r * 0.45f, y + r * 0.02f, x - r * 0.12f, y + r * 0.36f, w, bg);
        draw_line(ui, x - r * 0.12f, y + r * 0.36f, x + r * 0.5f, y - r * 0.32f, w, bg);
        break;
    case ICON_CROSS:
        draw_line(ui, x - r * 0.38f, y - r * 0.38f, x + r * 0.38f, y + r * 0.38f, w, bg);
        draw_line(ui, x + r * 0.38f, y - r * 0.38f, x - r * 0.38f, y + r * 0.38f, w, bg);
        break;
    case ICON_EXIT:
        draw_line(ui, x - r * 0.5f, y, x + r * 0.45f, y, w, bg);
        draw_line(ui, x + r * 0.45f, y, x + r * 0.1f, y - r * 0.35f, w, bg);
        draw_line(ui, x + r * 0.45f, y, x + r * 0.1f, y + r * 0.35f, w, bg);
        break;
    case ICON_STAFF:
        fill_circle(ui, x, y - r * 0.25f, r * 0.24f, bg);
        {
            SDL_FPoint body[12];
            for (int i = 0; i < 12; i++) {
                double a = M_PI + M_PI * i / 11;
                body[i] = (SDL_FPoint){x + r * 0.45f * (float)cos(a),
                                       y + r * 0.5f + r * 0.45f * (float)sin(a)};
            }
            fill_convex(ui, body, 12, bg, 255);
        }
        break;
    case ICON_WARN:
        break;
    }
}

/* Draws text fitted into box r (shrunk down to min_px, 0: 60 % of px, then wrapped and
 * ellipsized), at its top or centred vertically; returns the box the pixels took (w = 0 when
 * nothing). */
struct ui_rect draw_text_fit(struct ui *ui, const char *s, struct ui_rect r, int px, int min_px,
                             enum ui_weight wt, enum ui_align align, int max_lines, uint32_t c,
                             bool top)
{
    struct ui_rect got = {r.x, r.y, 0, 0};
    struct ui_text_style st = {px, min_px, wt, align, max_lines, c};
    struct ui_text_block b;
    if (s == NULL || !ui_text_layout(ui->text, s, r.w, r.h, &st, &b))
        return got;
    int x = align == UI_ALIGN_LEFT     ? r.x
            : align == UI_ALIGN_CENTER ? r.x + (r.w - b.w) / 2
                                       : r.x + r.w - b.w;
    int y = top ? r.y : r.y + (r.h - b.h) / 2;
    if (b.w > r.w || b.h > r.h) {
        ui->overflows++;
        log_debug("ui: text '%s' (%dx%d) overflows its box %dx%d", s, b.w, b.h, r.w, r.h);
    }
    if (b.ellipsized)
        ui->ellipsized++;
    SDL_Rect d = {x, y, b.w, b.h};
    SDL_Rect clip = {r.x, r.y, r.w, r.h};
    SDL_RenderSetClipRect(ui->renderer, &clip);
    SDL_RenderCopy(ui->renderer, b.texture, NULL, &d);
    SDL_RenderSetClipRect(ui->renderer, NULL);
    return (struct ui_rect){x, y, b.w, b.h};
}

/* Draws text fitted into box r, at its top or centred vertically. */
static struct ui_rect text_at(struct ui *ui, const char *s, struct ui_rect r, int px,
                              enum ui_weight wt, enum ui_align align, int max_lines, uint32_t c,
                              bool top)
{
    return draw_text_fit(ui, s, r, px, 0, wt, align, max_lines, c, top);
}

/* Draws text fitted into box r, centred vertically. */
struct ui_rect draw_text(struct ui *ui, const char *s, struct ui_rect r, int px, enum ui_weight wt,
                         enum ui_align align, int max_lines, uint32_t c)
{
    return text_at(ui, s, r, px, wt, align, max_lines, c, false);
}

/* Writes msg in every language but lang into buf, joined by "  ·  ". */
void draw_other_languages(enum language lang, enum i18n_msg msg, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int l = 0; l < LANG_COUNT; l++) {
        if ((enum language)l == lang)
            continue;
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", len ? "  ·  " : "", i18n((enum language)l, msg));
    }
}

/* Records where a named element was drawn this frame. */
void draw_set_element(struct ui *ui, int el, struct ui_rect r)
{
    if (el >= 0 && el < UI_N_ELEMENTS) {
        ui->el[el] = r;
        ui->el_valid[el] = true;
    }
}

/* Records a touch target of this frame; later ones are on top. */
void draw_add_button(struct ui *ui, struct ui_rect r, enum ui_action a, int value)
{
    if (ui->n_buttons < UI_MAX_BUTTONS)
        ui->buttons[ui->n_buttons++] = (struct ui_button){r, a, value};
}

/* A touch button: a rounded panel with a centred label. */
void draw_button(struct ui *ui, struct ui_rect r, const char *label, bool selected,
                 enum ui_action a, int value)
{
    draw_fill_round(ui, r, ui->u * 1.5f, selected ? C_ACCENT : C_PANEL2);
    draw_text(ui, label, rect(r.x + ui->u, r.y, r.w - 2 * ui->u, r.h), (int)(ui->u * 4.6f), UI_BOLD,
              UI_ALIGN_CENTER, 1, selected ? C_DARK : C_TEXT);
    draw_add_button(ui, r, a, value);
}

/* The colour of a fill level: green below 80 %, amber below 100 %, red when full, grey when
 * closed. */
uint32_t draw_level_colour(int count, int capacity, bool closed)
{
    return occupancy_level_rgb(occupancy_level(count, capacity, closed));
}

/* Draws an occupancy bar; returns the filled part. */
struct ui_rect draw_bar(struct ui *ui, struct ui_rect r, int count, int capacity, bool closed)
{
    draw_fill_round(ui, r, r.h * 0.25f, C_PANEL2);
    struct ui_rect f = r;
    int c = count < 0 ? 0 : count;
    f.w = capacity > 0 ? (int)lround((double)r.w * (c > capacity ? capacity : c) / capacity) : 0;
    if (f.w > 0)
        draw_fill_round(ui, f, r.h * 0.25f, draw_level_colour(count, capacity, closed));
    return f;
}

/* The header strip: event name, sync state, clock. On a narrow screen the sync state gets a
 * strip of its own below. Returns the height used. */
float draw_header(struct ui *ui, const struct ui_view *v, const char *title, float hh)
{
    float u = ui->u;
    bool wide = ui->w >= ui->h * 1.2f;
    draw_fill_rect(ui, rect(0, 0, ui->w, hh), C_PANEL);
    char clock[8];
    if (v->trouble & UI_TROUBLE_CLOCK)
        snprintf(clock, sizeof clock, "--:--");
    else
        time_format_hhmm(v->wall_ms, clock);
    float cw = 20 * u;
    draw_text(ui, clock, rect(ui->w - cw - 3 * u, 0, cw, hh), (int)(hh * 0.55f), UI_BOLD,
              UI_ALIGN_RIGHT, 1, C_TEXT);
    float left_w = wide ? ui->w * 0.5f - 3 * u : ui->w - cw - 9 * u;
    draw_text(ui, title, rect(3 * u, 0, left_w, hh), (int)(hh * 0.42f), UI_BOLD, UI_ALIGN_LEFT, 1,
              C_TEXT);
    if (v->sync.state == UI_SYNC_NONE)
        return hh;
    char line[160];
    uint32_t dot;
    if (v->sync.state == UI_SYNC_ONLINE) {
        snprintf(line, sizeof line, "%s", i18n(v->lang, MSG_SYNC_ONLINE));
        dot = C_GREEN;
    } else {
        char since[8];
        if (v->sync.offline_since_ms > 0) {
            time_format_hhmm(v->sync.offline_since_ms, since);
            snprintf(line, sizeof line, i18n(v->lang, MSG_SYNC_OFFLINE_SINCE), since);
        } else {
            snprintf(line, sizeof line, "%s", i18n(v->lang, MSG_SYNC_OFFLINE));
        }
        dot = C_AMBER;
    }
    if (v->sync.pending > 0) {
        size_t l = strlen(line);
        snprintf(line + l, sizeof line - l, " · ");
        l = strlen(line);
        snprintf(line + l, sizeof line - l, i18n(v->lang, MSG_SYNC_WAITING), v->sync.pending);
    }
    struct ui_rect got;
    float dot_y;
    if (wide) {
        float sx = 3 * u + left_w + 2 * u;
        float sw = ui->w - cw - 3 * u - 2 * u - sx - 3 * u;
        got = draw_text(ui, line, rect(sx + 3 * u, hh * 0.2f, sw - 3 * u, hh * 0.6f),
                        (int)(hh * 0.27f), UI_REGULAR, UI_ALIGN_RIGHT, 2, C_MUTED);
        dot_y = hh / 2;
    } else {
        float sh = 6.5f * u;
        draw_fill_rect(ui, rect(0, hh, ui->w, sh), 0x172033);
        got = draw_text(ui, line, rect(6 * u, hh, ui->w - 9 * u, sh), (int)(3.6f * u), UI_REGULAR,
                        UI_ALIGN_RIGHT, 1, C_MUTED);
        dot_y = hh + sh / 2;
        hh += sh;
    }
    if (got.w > 0)
        fill_circle(ui, got.x - 1.6f * u, dot_y, 1.0f * u, dot);
    return hh;
}

/* A full-screen message: icon, headline, name, detail, and the headline in the other
 * languages at the bottom when wanted. */
void draw_big_message(struct ui *ui, uint32_t bg, uint32_t fg, enum icon icon, const char *headline,
                      const char *name, const char *detail, const char *others, float progress)
{
    float u = ui->u, W = ui->w, H = ui->h;
    draw_fill_rect(ui, rect(0, 0, W, H), bg);
    bool portrait = H > W;
    float icon_d = (portrait ? 34 : 26) * u;
    bool has_name = name != NULL && name[0] != '\0';
    bool has_detail = detail != NULL && detail[0] != '\0';
    /* The block is centred: icon, headline, name, detail (counted as two lines). */
    /* On a narrow screen the headline may take two lines rather than shrink too far. */
    float head_h = portrait ? 26 * u : 15 * u;
    float block = icon_d + 4 * u + head_h + (has_name ? 14 * u : 0) + (has_detail ? 20 * u : 0);
    float y = (H - (others ? 10 * u : 0) - block) / 2;
    if (y < 3 * u)
        y = 3 * u;
    draw_icon(ui, icon, W / 2, y + icon_d / 2, icon_d, bg);
    y += icon_d + 4 * u;
    float m = 5 * u;
    draw_text(ui, headline, rect(m, y, W - 2 * m, head_h), (int)(13 * u), UI_BOLD, UI_ALIGN_CENTER,
              portrait ? 2 : 1, fg);
    y += head_h;
    if (has_name) {
        /* A refusal names the person in a lighter weight: the reason is the message. */
        y += 1.5f * u;
        draw_text(ui, name, rect(m, y, W - 2 * m, 13 * u), (int)(11 * u),
                  bg == C_DENY_BG ? UI_REGULAR : UI_BOLD, UI_ALIGN_CENTER, 1, fg);
        y += 14 * u;
    }
    float bottom = H - (others ? 10 * u : 4 * u);
    if (has_detail)
        text_at(ui, detail, rect(m, y + 2 * u, W - 2 * m, bottom - y - 2 * u), (int)(7 * u),
                UI_REGULAR, UI_ALIGN_CENTER, portrait ? 4 : 3, fg, true);
    if (others != NULL)
        draw_text(ui, others, rect(m, H - 9 * u, W - 2 * m, 6 * u), (int)(4.5f * u), UI_REGULAR,
                  UI_ALIGN_CENTER, 1, fg);
    if (progress > 0) {
        float bw = W * progress;
        SDL_SetRenderDrawBlendMode(ui->renderer, SDL_BLENDMODE_BLEND);
        SDL_Color c = rgb(fg, 110);
        SDL_SetRenderDrawColor(ui->renderer, c.r, c.g, c.b, c.a);
        SDL_FRect fr = {(W - bw) / 2, H - 1.2f * u, bw, 1.2f * u};
        SDL_RenderFillRectF(ui->renderer, &fr);
        SDL_SetRenderDrawBlendMode(ui->renderer, SDL_BLENDMODE_NONE);
    }
}

/* Writes the clock's state line. */
void draw_clock_line(const struct ui_diagnostics *d, enum language lang, char *buf, size_t n)
{
    if (d->clock_disagrees)
        snprintf(buf, n, i18n(lang, MSG_DIAG_CLOCK_OFF), d->clock_offset_s);
    else
        snprintf(buf, n, "%s",
                 i18n(lang, d->clock_synced ? MSG_DIAG_CLOCK_SYNCED : MSG_DIAG_CLOCK_UNSYNCED));
}
