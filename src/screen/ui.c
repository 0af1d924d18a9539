/* The kiosk screen: display, input, presentation state and the screens (see ui.h).
 *
 * Layout is resolution independent: every size is a multiple of u, one hundredth of the
 * shorter side, so 800x480 and 1920x1080, landscape or portrait, show the same screen. Text
 * goes through ui_text.c (fitted into boxes, cached as textures); shapes through
 * SDL_RenderGeometry. */
#include "ui.h"

#include <SDL.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "occupancy.h"
#include "rules.h"
#include "timeutil.h"
#include "util.h"

#define MAX_BUTTONS 32
#define QUEUE_LEN   16
#define N_ELEMENTS  (UI_EL_TILE0 + UI_MAX_TILES)

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

enum staff_state { STAFF_NONE, STAFF_CONFIRM, STAFF_OPEN };
enum icon { ICON_CHECK, ICON_WARN, ICON_CROSS, ICON_EXIT, ICON_STAFF };

struct button {
    struct ui_rect r;
    enum ui_action action;
    int value;
};

struct ui {
    struct ui_options opts;
    SDL_Window *window;
    SDL_Renderer *renderer;
    struct ui_text *text;
    struct ui_sound_player *sound;
    int w, h;
    float u;

    bool software;    /* the renderer is SDL's software one */
    SDL_Texture *cam; /* the preview: see upload_frame */
    Uint32 cam_fmt;
    int cam_w, cam_h, cam_src_w, cam_src_h;
    uint64_t cam_serial;
    bool cam_loaded;
    uint8_t *chroma; /* chroma planes of 128 (grey) for the IYUV texture */
    size_t chroma_len;

    bool has_answer;
    struct ui_answer answer;
    char *answer_name, *answer_room, *answer_alt;
    int64_t answer_start, answer_until;

    enum staff_state staff;
    char *staff_name;
    int64_t staff_deadline;

    struct button buttons[MAX_BUTTONS];
    int n_buttons;
    struct ui_input queue[QUEUE_LEN];
    int q_len;

    struct ui_rect el[N_ELEMENTS];
    bool el_valid[N_ELEMENTS];
    int overflows, ellipsized;
    const struct ui_view *view; /* during a frame */
    int64_t now;
};

/* ---- drawing helpers ---- */

/* An SDL colour from 0xRRGGBB and an alpha. */
static SDL_Color rgb(uint32_t c, uint8_t a)
{
    return (SDL_Color){(uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c, a};
}

/* Fills a rectangle, opaque. */
static void fill_rect(struct ui *ui, struct ui_rect r, uint32_t c)
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
static void fill_round(struct ui *ui, struct ui_rect r, float radius, uint32_t c)
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
        fill_rect(ui, r, c);
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
static void thick_line(struct ui *ui, float x0, float y0, float x1, float y1, float wd, uint32_t c)
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
static void draw_icon(struct ui *ui, enum icon icon, float x, float y, float d, uint32_t bg)
{
    float r = d / 2, w = d * 0.11f;
    if (icon == ICON_WARN) {
        /* Dark on the amber answer screen, amber elsewhere. */
        uint32_t body = bg == C_WARN_BG ? C_DARK : C_AMBER;
        uint32_t mark = bg == C_WARN_BG ? C_WARN_BG : C_DARK;
        SDL_FPoint tri[3] = {
            {x, y - r}, {x + r * 1.1f, y + r * 0.85f}, {x - r * 1.1f, y + r * 0.85f}};
        fill_convex(ui, tri, 3, body, 255);
        thick_line(ui, x, y - r * 0.3f, x, y + r * 0.22f, w, mark);
        fill_circle(ui, x, y + r * 0.55f, w * 0.65f, mark);
        return;
    }
    fill_circle(ui, x, y, r, C_TEXT);
    switch (icon) {
    case ICON_CHECK:
        thick_line(ui, x - r * 0.45f, y + r * 0.02f, x - r * 0.12f, y + r * 0.36f, w, bg);
        thick_line(ui, x - r * 0.12f, y + r * 0.36f, x + r * 0.5f, y - r * 0.32f, w, bg);
        break;
    case ICON_CROSS:
        thick_line(ui, x - r * 0.38f, y - r * 0.38f, x + r * 0.38f, y + r * 0.38f, w, bg);
        thick_line(ui, x + r * 0.38f, y - r * 0.38f, x - r * 0.38f, y + r * 0.38f, w, bg);
        break;
    case ICON_EXIT:
        thick_line(ui, x - r * 0.5f, y, x + r * 0.45f, y, w, bg);
        thick_line(ui, x + r * 0.45f, y, x + r * 0.1f, y - r * 0.35f, w, bg);
        thick_line(ui, x + r * 0.45f, y, x + r * 0.1f, y + r * 0.35f, w, bg);
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
static struct ui_rect text_fit(struct ui *ui, const char *s, struct ui_rect r, int px, int min_px,
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
    return text_fit(ui, s, r, px, 0, wt, align, max_lines, c, top);
}

/* Draws text fitted into box r, centred vertically. */
static struct ui_rect text(struct ui *ui, const char *s, struct ui_rect r, int px,
                           enum ui_weight wt, enum ui_align align, int max_lines, uint32_t c)
{
    return text_at(ui, s, r, px, wt, align, max_lines, c, false);
}

/* A box in whole pixels from layout units. */
static struct ui_rect rect(float x, float y, float w, float h)
{
    return (struct ui_rect){(int)lroundf(x), (int)lroundf(y), (int)lroundf(w), (int)lroundf(h)};
}

/* Records where a named element was drawn this frame. */
static void set_element(struct ui *ui, int el, struct ui_rect r)
{
    if (el >= 0 && el < N_ELEMENTS) {
        ui->el[el] = r;
        ui->el_valid[el] = true;
    }
}

/* Records a touch target of this frame; later ones are on top. */
static void add_button(struct ui *ui, struct ui_rect r, enum ui_action a, int value)
{
    if (ui->n_buttons < MAX_BUTTONS)
        ui->buttons[ui->n_buttons++] = (struct button){r, a, value};
}

/* A touch button: a rounded panel with a centred label. */
static void button(struct ui *ui, struct ui_rect r, const char *label, bool selected,
                   enum ui_action a, int value)
{
    fill_round(ui, r, ui->u * 1.5f, selected ? C_ACCENT : C_PANEL2);
    text(ui, label, rect(r.x + ui->u, r.y, r.w - 2 * ui->u, r.h), (int)(ui->u * 4.6f), UI_BOLD,
         UI_ALIGN_CENTER, 1, selected ? C_DARK : C_TEXT);
    add_button(ui, r, a, value);
}

/* ---- shared pieces ---- */

/* The colour of a fill level: green below 80 %, amber below 100 %, red when full, grey when closed.
 */
static uint32_t fill_colour(int count, int capacity, bool closed)
{
    if (closed)
        return C_GREY;
    if (capacity <= 0)
        return C_GREEN;
    if (count >= capacity)
        return C_RED;
    if (count * 10 >= capacity * 8)
        return C_AMBER;
    return C_GREEN;
}

/* Draws an occupancy bar; returns the filled part. */
static struct ui_rect bar(struct ui *ui, struct ui_rect r, int count, int capacity, bool closed)
{
    fill_round(ui, r, r.h * 0.25f, C_PANEL2);
    struct ui_rect f = r;
    int c = count < 0 ? 0 : count;
    f.w = capacity > 0 ? (int)lround((double)r.w * (c > capacity ? capacity : c) / capacity) : 0;
    if (f.w > 0)
        fill_round(ui, f, r.h * 0.25f, fill_colour(count, capacity, closed));
    return f;
}

/* Formats a wall time as HH:MM in the event's zone (buf: 6 bytes). */
static void format_hhmm(int64_t ms, char *buf)
{
    time_format_hhmm(ms, buf);
}

/* The header strip: event name, sync state, clock. On a narrow screen the sync state gets a
 * strip of its own below. Returns the height used. */
static float header(struct ui *ui, const struct ui_view *v, const char *title, float hh)
{
    float u = ui->u;
    bool wide = ui->w >= ui->h * 1.2f;
    fill_rect(ui, rect(0, 0, ui->w, hh), C_PANEL);
    char clock[8];
    if (v->trouble & UI_TROUBLE_CLOCK)
        snprintf(clock, sizeof clock, "--:--");
    else
        format_hhmm(v->wall_ms, clock);
    float cw = 20 * u;
    text(ui, clock, rect(ui->w - cw - 3 * u, 0, cw, hh), (int)(hh * 0.55f), UI_BOLD, UI_ALIGN_RIGHT,
         1, C_TEXT);
    float left_w = wide ? ui->w * 0.5f - 3 * u : ui->w - cw - 9 * u;
    text(ui, title, rect(3 * u, 0, left_w, hh), (int)(hh * 0.42f), UI_BOLD, UI_ALIGN_LEFT, 1,
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
            format_hhmm(v->sync.offline_since_ms, since);
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
        got = text(ui, line, rect(sx + 3 * u, hh * 0.2f, sw - 3 * u, hh * 0.6f), (int)(hh * 0.27f),
                   UI_REGULAR, UI_ALIGN_RIGHT, 2, C_MUTED);
        dot_y = hh / 2;
    } else {
        float sh = 6.5f * u;
        fill_rect(ui, rect(0, hh, ui->w, sh), 0x172033);
        got = text(ui, line, rect(6 * u, hh, ui->w - 9 * u, sh), (int)(3.6f * u), UI_REGULAR,
                   UI_ALIGN_RIGHT, 1, C_MUTED);
        dot_y = hh + sh / 2;
        hh += sh;
    }
    if (got.w > 0)
        fill_circle(ui, got.x - 1.6f * u, dot_y, 1.0f * u, dot);
    return hh;
}

/* ---- scan screen ---- */

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
        set_element(ui, UI_EL_PREVIEW, p);
        area = p;
    } else {
        fill_round(ui, area, 2 * u, cam_trouble ? 0x3b2a0a : C_PANEL);
        set_element(ui, UI_EL_PREVIEW, area);
        if (cam_trouble) {
            float d = fminf(area.w, area.h) * 0.22f;
            draw_icon(ui, ICON_WARN, area.x + area.w / 2.0f, area.y + area.h * 0.22f, d, C_PANEL);
            float y = area.y + area.h * 0.42f;
            text(ui, i18n(v->lang, MSG_TROUBLE_CAMERA),
                 rect(area.x + 2 * u, y, area.w - 4 * u, 9 * u), (int)(5.5f * u), UI_BOLD,
                 UI_ALIGN_CENTER, 1, C_AMBER);
            text(ui, i18n(v->lang, MSG_TROUBLE_CAMERA_DO),
                 rect(area.x + 2 * u, y + 9 * u, area.w - 4 * u, area.y + area.h - y - 16 * u),
                 (int)(4.2f * u), UI_REGULAR, UI_ALIGN_CENTER, 4, C_TEXT);
            if (v->camera_text != NULL)
                text(ui, v->camera_text,
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
        thick_line(ui, cx, cy, cx + sx * len, cy, wd, c);
        thick_line(ui, cx, cy, cx, cy + sy * len, wd, c);
    }
    if (v->frame == NULL) {
        /* Scanner only: a stylised code in the frame. */
        float q = side * 0.16f;
        for (int k = 0; k < 3; k++) {
            float qx = k == 1 ? x0 + side * 0.62f : x0 + side * 0.22f;
            float qy = k == 2 ? y0 + side * 0.62f : y0 + side * 0.22f;
            fill_round(ui, rect(qx, qy, q, q), q * 0.15f, C_GREY);
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
    text(ui, i18n(v->lang, MSG_SCAN_BADGE), rect(r.x, r.y, r.w, big * 1.3f), (int)big, UI_BOLD,
         align, 1, C_TEXT);
    char others[200] = "";
    for (int l = 0; l < LANG_COUNT; l++) {
        if ((enum language)l == v->lang)
            continue;
        size_t n = strlen(others);
        snprintf(others + n, sizeof others - n, "%s%s", n ? "  ·  " : "",
                 i18n((enum language)l, MSG_SCAN_BADGE));
    }
    text(ui, others, rect(r.x, r.y + big * 1.35f, r.w, 6 * u), (int)(4.2f * u), UI_REGULAR, align,
         1, C_MUTED);
    return big * 1.35f + 6 * u;
}

/* The session line: "Now · 10:45–12:15" and the title. */
static float session_block(struct ui *ui, const struct ui_view *v, struct ui_rect r, float px)
{
    float u = ui->u;
    if (v->session_title == NULL || v->session_title[0] == '\0') {
        text(ui, i18n(v->lang, MSG_NO_SESSION), rect(r.x, r.y, r.w, px * 1.4f), (int)px, UI_REGULAR,
             UI_ALIGN_LEFT, 1, C_MUTED);
        return px * 1.4f;
    }
    char a[8], b[8], line[96];
    format_hhmm(v->session_start_ms, a);
    format_hhmm(v->session_end_ms, b);
    snprintf(line, sizeof line, "%s  ·  %s – %s",
             i18n(v->lang, v->session_next ? MSG_NEXT : MSG_NOW), a, b);
    text(ui, line, rect(r.x, r.y, r.w, px * 1.2f), (int)(px * 0.8f), UI_BOLD, UI_ALIGN_LEFT, 1,
         C_ACCENT);
    text(ui, v->session_title, rect(r.x, r.y + px * 1.25f, r.w, px * 2.5f), (int)px, UI_REGULAR,
         UI_ALIGN_LEFT, 2, C_TEXT);
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
        struct ui_rect got = text(ui, num, rect(r.x, r.y, r.w * 0.45f, r.h), (int)(r.h * 0.62f),
                                  UI_BOLD, UI_ALIGN_LEFT, 1, C_TEXT);
        text(ui, i18n(v->lang, MSG_IN_VENUE), rect(got.x + got.w + 2 * u, r.y, r.w * 0.5f, r.h),
             (int)(5 * u), UI_REGULAR, UI_ALIGN_LEFT, 1, C_MUTED);
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
    text(ui, num, rect(r.x, r.y, r.w * 0.55f, num_h), (int)(num_h * 0.85f), UI_BOLD, UI_ALIGN_LEFT,
         1, C_TEXT);
    text(ui, label, rect(r.x + r.w * 0.55f, r.y, r.w * 0.45f, num_h), (int)(5 * u),
         v->room_closed || v->count >= v->capacity ? UI_BOLD : UI_REGULAR, UI_ALIGN_RIGHT, 1,
         label_c);
    struct ui_rect br = rect(r.x, r.y + num_h + u, r.w, r.h - num_h - u);
    struct ui_rect f = bar(ui, br, v->count, v->capacity, v->room_closed);
    set_element(ui, UI_EL_OCCUPANCY_BAR, br);
    set_element(ui, UI_EL_OCCUPANCY_FILL, f);
}

/* The room's name, or "Entrance" in the screen's language. */
static const char *room_title(const struct ui_view *v)
{
    if (v->entrance || v->room_name == NULL)
        return i18n(v->lang, MSG_ENTRANCE);
    return v->room_name;
}

/* The idle screen: where to scan, the room, its session and occupancy. */
static void screen_scan(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h;
    fill_rect(ui, rect(0, 0, W, H), C_BG);
    float hh = header(ui, v, v->event_name, 12 * u);
    float m = 3.5f * u;
    if (W >= H) {
        float lw = W * 0.44f;
        struct ui_rect area = rect(m, hh + m, lw, H - hh - 2 * m - 7 * u);
        struct ui_rect p = preview(ui, v, area);
        text(ui, preview_hint(v), rect(m, p.y + p.h + u, lw, 6 * u), (int)(3.8f * u), UI_REGULAR,
             UI_ALIGN_CENTER, 1, C_MUTED);
        float x = m + lw + 4 * u, w = W - x - m, y = hh + m;
        text(ui, room_title(v), rect(x, y, w, 12 * u), (int)(10 * u), UI_BOLD, UI_ALIGN_LEFT, 1,
             C_TEXT);
        y += 13 * u;
        y += session_block(ui, v, rect(x, y, w, 0), 5 * u);
        float occ_h = 22 * u;
        float inst_y = y + ((H - m - occ_h) - y - (10.5f * u + 6 * u)) / 2;
        instruction(ui, v, rect(x, inst_y, w, 0), 8 * u, UI_ALIGN_LEFT);
        occupancy_block(ui, v, rect(x, H - m - occ_h, w, occ_h));
    } else {
        float x = m, w = W - 2 * m, y = hh + m;
        text(ui, room_title(v), rect(x, y, w, 12 * u), (int)(10 * u), UI_BOLD, UI_ALIGN_LEFT, 1,
             C_TEXT);
        y += 13 * u;
        y += session_block(ui, v, rect(x, y, w, 0), 5 * u);
        float occ_h = 22 * u;
        float inst_h = 10.5f * u + 6 * u;
        float bottom = H - m - occ_h - 3 * u - inst_h - 3 * u;
        float ph = bottom - y - 6 * u;
        struct ui_rect p = preview(ui, v, rect(x, y, w, ph));
        text(ui, preview_hint(v), rect(x, p.y + p.h, w, 6 * u), (int)(3.8f * u), UI_REGULAR,
             UI_ALIGN_CENTER, 1, C_MUTED);
        instruction(ui, v, rect(x, bottom + 3 * u, w, 0), 8 * u, UI_ALIGN_CENTER);
        occupancy_block(ui, v, rect(x, H - m - occ_h, w, occ_h));
    }
}

/* ---- answer screen ---- */

struct answer_look {
    uint32_t bg, fg;
    enum icon icon;
    enum i18n_msg headline;
};

/* Colour, icon and headline of an answer. */
static struct answer_look answer_look(const struct ui_answer *a)
{
    struct answer_look ok = {C_OK_BG, C_TEXT, ICON_CHECK, MSG_WELCOME};
    struct answer_look warn = {C_WARN_BG, C_DARK, ICON_WARN, MSG_WELCOME};
    struct answer_look deny = {C_DENY_BG, C_TEXT, ICON_CROSS, MSG_NOT_ADMITTED};
    struct answer_look out = {C_EXIT_BG, C_TEXT, ICON_EXIT, MSG_GOODBYE};
    switch (a->result) {
    case RESULT_ADMITTED:
        if (a->reason == REASON_REENTRY)
            warn.headline = MSG_WELCOME_BACK;
        if (a->override || a->reason != REASON_OK)
            return warn;
        return ok;
    case RESULT_EXITED:
        if (a->reason != REASON_OK) {
            warn.headline = MSG_GOODBYE;
            return warn;
        }
        return out;
    case RESULT_DENIED:
        break;
    }
    deny.headline = i18n_denied_msg(a->reason);
    return deny;
}

/* The detail line of an answer in lang: what happened beyond the headline, and what to do. */
static void answer_detail(const struct ui_answer *a, enum language lang, char *buf, size_t n)
{
    buf[0] = '\0';
    char hhmm[8];
    switch (a->result) {
    case RESULT_ADMITTED:
        if (a->override)
            snprintf(buf, n, "%s", i18n(lang, MSG_OVERRIDE_DETAIL));
        else if (a->reason == REASON_REENTRY)
            snprintf(buf, n, "%s", i18n(lang, MSG_REENTRY_DETAIL));
        else if (a->reason == REASON_DUPLICATE)
            snprintf(buf, n, "%s", i18n(lang, MSG_ALREADY_IN));
        else if (a->room_name != NULL)
            snprintf(buf, n, i18n(lang, MSG_ENJOY_SESSION), a->room_name);
        return;
    case RESULT_EXITED:
        if (a->reason == REASON_DUPLICATE)
            snprintf(buf, n, "%s", i18n(lang, MSG_ALREADY_OUT));
        return;
    case RESULT_DENIED:
        break;
    }
    switch (a->reason) {
    case REASON_REVOKED:
        snprintf(buf, n, "%s", i18n(lang, MSG_SEE_DESK_NEW_BADGE));
        break;
    case REASON_WRONG_EVENT:
        snprintf(buf, n, "%s", i18n(lang, MSG_SEE_DESK_EVENT));
        break;
    case REASON_ROOM_FULL:
    case REASON_ROOM_CLOSED:
        if (a->alt_room != NULL)
            snprintf(buf, n, i18n(lang, MSG_TRY_ROOM), a->alt_room, a->alt_free);
        else
            snprintf(buf, n, "%s",
                     i18n(lang, a->reason == REASON_ROOM_FULL ? MSG_WAIT_OR_ASK : MSG_ASK_STAFF));
        break;
    case REASON_NOT_REGISTERED:
        if (a->release_ms > 0) {
            format_hhmm(a->release_ms, hhmm);
            snprintf(buf, n, i18n(lang, MSG_RESERVED_UNTIL), hhmm);
        } else {
            snprintf(buf, n, "%s", i18n(lang, MSG_RESERVED_DETAIL));
        }
        break;
    case REASON_INVALID:
    case REASON_UNKNOWN_ATTENDEE:
        snprintf(buf, n, "%s", i18n(lang, MSG_SEE_DESK));
        break;
    default:
        snprintf(buf, n, "%s", i18n(lang, MSG_ASK_STAFF));
        break;
    }
}

/* A full-screen message: icon, headline, name, detail, and the headline in the other
 * languages at the bottom when wanted. */
static void big_message(struct ui *ui, uint32_t bg, uint32_t fg, enum icon icon,
                        const char *headline, const char *name, const char *detail,
                        const char *others, float progress)
{
    float u = ui->u, W = ui->w, H = ui->h;
    fill_rect(ui, rect(0, 0, W, H), bg);
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
    text(ui, headline, rect(m, y, W - 2 * m, head_h), (int)(13 * u), UI_BOLD, UI_ALIGN_CENTER,
         portrait ? 2 : 1, fg);
    y += head_h;
    if (has_name) {
        /* A refusal names the person in a lighter weight: the reason is the message. */
        y += 1.5f * u;
        text(ui, name, rect(m, y, W - 2 * m, 13 * u), (int)(11 * u),
             bg == C_DENY_BG ? UI_REGULAR : UI_BOLD, UI_ALIGN_CENTER, 1, fg);
        y += 14 * u;
    }
    float bottom = H - (others ? 10 * u : 4 * u);
    if (has_detail)
        text_at(ui, detail, rect(m, y + 2 * u, W - 2 * m, bottom - y - 2 * u), (int)(7 * u),
                UI_REGULAR, UI_ALIGN_CENTER, portrait ? 4 : 3, fg, true);
    if (others != NULL)
        text(ui, others, rect(m, H - 9 * u, W - 2 * m, 6 * u), (int)(4.5f * u), UI_REGULAR,
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

/* The answer to the last scan, in the attendee's language when known. */
static void screen_answer(struct ui *ui, const struct ui_view *v)
{
    const struct ui_answer *a = &ui->answer;
    struct answer_look look = answer_look(a);
    enum language lang = a->lang_known ? a->lang : v->lang;
    char detail[400];
    answer_detail(a, lang, detail, sizeof detail);
    char others[200] = "";
    if (!a->lang_known) {
        for (int l = 0; l < LANG_COUNT; l++) {
            if ((enum language)l == lang)
                continue;
            size_t n = strlen(others);
            snprintf(others + n, sizeof others - n, "%s%s", n ? "  ·  " : "",
                     i18n((enum language)l, look.headline));
        }
    }
    float left = (float)(ui->answer_until - ui->now) / (float)(ui->answer_until - ui->answer_start);
    big_message(ui, look.bg, look.fg, look.icon, i18n(lang, look.headline), a->name, detail,
                a->lang_known ? NULL : others, left < 0 ? 0 : left);
    add_button(ui, rect(0, 0, ui->w, ui->h), UI_ACTION_NONE, 0);
}

/* ---- staff ---- */

/* After a staff badge: tap (or scan again) to open the staff menu. */
static void screen_staff_confirm(struct ui *ui, const struct ui_view *v)
{
    const char *armed = NULL;
    if (!v->entrance && (v->mode == MODE_ENTRY || v->mode == MODE_TOGGLE))
        armed = i18n(v->lang, MSG_STAFF_OVERRIDE_ARMED);
    big_message(ui, C_STAFF_BG, C_TEXT, ICON_STAFF, i18n(v->lang, MSG_STAFF_BADGE), ui->staff_name,
                i18n(v->lang, MSG_STAFF_CONFIRM), armed, 0);
    add_button(ui, rect(0, 0, ui->w, ui->h), UI_ACTION_STAFF_OPEN, 0);
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

/* The staff menu: mode, count, room, language, diagnostics. */
static void screen_staff_menu(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h;
    fill_rect(ui, rect(0, 0, W, H), C_BG);
    float hh = 12 * u, m = 3 * u;
    fill_rect(ui, rect(0, 0, W, hh), C_STAFF_BG);
    char title[200];
    snprintf(title, sizeof title, "%s · %s", i18n(v->lang, MSG_STAFF_MENU),
             ui->staff_name ? ui->staff_name : "");
    float close_w = 26 * u;
    text(ui, title, rect(m, 0, W * 0.45f, hh), (int)(5 * u), UI_BOLD, UI_ALIGN_LEFT, 1, C_TEXT);
    char left[64];
    int secs = (int)((ui->staff_deadline - ui->now + 999) / 1000);
    snprintf(left, sizeof left, i18n(v->lang, MSG_STAFF_AUTOCLOSE), secs < 0 ? 0 : secs);
    text(ui, left, rect(W * 0.45f + 2 * m, 0, W * 0.55f - close_w - 4 * m, hh), (int)(3.4f * u),
         UI_REGULAR, UI_ALIGN_RIGHT, 2, 0xe9d5ff);
    fill_round(ui, rect(W - close_w - m, 1.5f * u, close_w, hh - 3 * u), 1.5f * u, C_TEXT);
    text(ui, i18n(v->lang, MSG_STAFF_CLOSE), rect(W - close_w - m, 1.5f * u, close_w, hh - 3 * u),
         (int)(4.6f * u), UI_BOLD, UI_ALIGN_CENTER, 1, C_STAFF_BG);
    add_button(ui, rect(W - close_w - m, 0, close_w + m, hh), UI_ACTION_STAFF_CLOSE, 0);

    bool wide = W >= H * 1.2f;
    float label_w = wide ? W * 0.22f : 0;
    float bx = m + label_w, bw = W - bx - m;
    float bh = 10 * u, gap = 1.6f * u;
    float y = hh + 2 * u;
    /* Each row: a label (beside or above) and its buttons. */
#define ROW_LABEL(msg)                                                                             \
    do {                                                                                           \
        if (wide) {                                                                                \
            text(ui, i18n(v->lang, msg), rect(m, y, label_w - 2 * u, bh), (int)(4 * u),            \
                 UI_REGULAR, UI_ALIGN_LEFT, 2, C_MUTED);                                           \
        } else {                                                                                   \
            text(ui, i18n(v->lang, msg), rect(m, y, W - 2 * m, 5 * u), (int)(3.6f * u),            \
                 UI_REGULAR, UI_ALIGN_LEFT, 1, C_MUTED);                                           \
            y += 5.5f * u;                                                                         \
        }                                                                                          \
    } while (0)

    ROW_LABEL(MSG_STAFF_MODE);
    /* Four across on a wide screen, two by two on a narrow one. */
    int across = wide ? 4 : 2;
    float cell = (bw - (across - 1) * gap) / across;
    for (int i = 0; i < 4; i++)
        button(ui, rect(bx + (i % across) * (cell + gap), y + (i / across) * (bh + gap), cell, bh),
               i18n(v->lang, i18n_mode_msg((enum kiosk_mode)i)), v->mode == (enum kiosk_mode)i,
               UI_ACTION_SET_MODE, i);
    y += (4 / across) * (bh + gap) + gap;

    if (v->mode != MODE_OVERVIEW) {
        ROW_LABEL(MSG_STAFF_COUNT);
        float bsz = fminf(bw * 0.25f, 22 * u);
        button(ui, rect(bx, y, bsz, bh), "−1", false, UI_ACTION_COUNT_ADJUST, -1);
        button(ui, rect(bx + bw - bsz, y, bsz, bh), "+1", false, UI_ACTION_COUNT_ADJUST, +1);
        char num[48];
        if (v->capacity > 0 && !v->entrance)
            snprintf(num, sizeof num, "%d / %d", v->count, v->capacity);
        else
            snprintf(num, sizeof num, "%d", v->count);
        text(ui, num, rect(bx + bsz + gap, y, bw - 2 * bsz - 2 * gap, bh), (int)(6.5f * u), UI_BOLD,
             UI_ALIGN_CENTER, 1, C_TEXT);
        y += bh + 2 * gap;
    }
    if (!v->entrance && v->mode != MODE_OVERVIEW) {
        ROW_LABEL(MSG_STAFF_ROOM);
        button(ui, rect(bx, y, fminf(bw, 60 * u), bh),
               i18n(v->lang, v->room_closed ? MSG_STAFF_OPEN_ROOM : MSG_STAFF_CLOSE_ROOM),
               v->room_closed, v->room_closed ? UI_ACTION_ROOM_OPEN : UI_ACTION_ROOM_CLOSE, 0);
        y += bh + 2 * gap;
    }
    ROW_LABEL(MSG_STAFF_LANGUAGE);
    cell = (bw - 2 * gap) / 3;
    for (int i = 0; i < LANG_COUNT; i++)
        button(ui, rect(bx + i * (cell + gap), y, cell, bh),
               i18n_language_endonym((enum language)i), v->lang == (enum language)i,
               UI_ACTION_SET_LANG, i);
    y += bh + 2 * gap;
#undef ROW_LABEL

    /* Diagnostics: two columns of short lines. */
    const struct ui_diagnostics *d = &v->diag;
    char lines[6][128];
    const char *unknown = i18n(v->lang, MSG_DIAG_UNKNOWN);
    if (d->camera_fps >= 0)
        snprintf(lines[0], sizeof lines[0], i18n(v->lang, MSG_DIAG_CAMERA), d->camera_fps);
    else
        snprintf(lines[0], sizeof lines[0], "%s", i18n(v->lang, MSG_TROUBLE_CAMERA));
    if (d->decode_ms >= 0)
        snprintf(lines[1], sizeof lines[1], i18n(v->lang, MSG_DIAG_DECODE), d->decode_ms);
    else
        snprintf(lines[1], sizeof lines[1], i18n(v->lang, MSG_DIAG_DECODE), 0.0);
    snprintf(lines[2], sizeof lines[2], i18n(v->lang, MSG_DIAG_PENDING),
             d->pending_sync < 0 ? 0 : d->pending_sync);
    char bytes[32];
    format_bytes(d->disk_free_bytes, bytes, sizeof bytes);
    snprintf(lines[3], sizeof lines[3], i18n(v->lang, MSG_DIAG_DISK),
             d->disk_free_bytes < 0 ? unknown : bytes);
    snprintf(lines[4], sizeof lines[4], i18n(v->lang, MSG_DIAG_VERSION),
             d->version ? d->version : PORTIER_VERSION);
    snprintf(lines[5], sizeof lines[5], i18n(v->lang, MSG_DIAG_DEVICE),
             d->device_id ? d->device_id : unknown);
    float dy = y + u;
    text(ui, i18n(v->lang, MSG_STAFF_DIAGNOSTICS), rect(m, dy, W - 2 * m, 5 * u), (int)(3.8f * u),
         UI_BOLD, UI_ALIGN_LEFT, 1, C_MUTED);
    dy += 5.5f * u;
    int cols = wide ? 3 : 2;
    float cw = (W - 2 * m) / cols;
    float lh = fminf(5 * u, (H - dy - m) / (6 / cols));
    for (int i = 0; i < 6; i++) {
        int col = i % cols, row = i / cols;
        text(ui, lines[i], rect(m + col * cw, dy + row * lh, cw - 2 * u, lh), (int)(3.4f * u),
             UI_REGULAR, UI_ALIGN_LEFT, 1, C_TEXT);
    }
}

/* ---- trouble ---- */

/* Out of order: what is wrong and what staff should do. */
static void screen_trouble(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h;
    fill_rect(ui, rect(0, 0, W, H), C_TROUBLE);
    float hh = header(ui, v, v->event_name, 12 * u);
    float m = 5 * u, y = hh + 4 * u;
    float icon_d = 18 * u;
    draw_icon(ui, ICON_WARN, W / 2, y + icon_d / 2, icon_d, C_TROUBLE);
    y += icon_d + 3 * u;
    text(ui, i18n(v->lang, MSG_OUT_OF_ORDER), rect(m, y, W - 2 * m, 11 * u), (int)(10 * u), UI_BOLD,
         UI_ALIGN_CENTER, 1, C_TEXT);
    y += 11 * u;
    char others[160] = "";
    for (int l = 0; l < LANG_COUNT; l++) {
        if ((enum language)l == v->lang)
            continue;
        size_t n = strlen(others);
        snprintf(others + n, sizeof others - n, "%s%s", n ? "  ·  " : "",
                 i18n((enum language)l, MSG_OUT_OF_ORDER));
    }
    text(ui, others, rect(m, y, W - 2 * m, 6 * u), (int)(4.5f * u), UI_REGULAR, UI_ALIGN_CENTER, 1,
         0xfecaca);
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
    float each = (H - y - 3 * u) / (n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        struct ui_rect box = rect(m, y, W - 2 * m, each - 2 * u);
        fill_round(ui, box, 2 * u, 0x2a0505);
        text(ui, i18n(v->lang, what[i]), rect(box.x + 3 * u, box.y + u, box.w - 6 * u, 8 * u),
             (int)(6 * u), UI_BOLD, UI_ALIGN_LEFT, 1, C_AMBER);
        char line[400];
        snprintf(line, sizeof line, i18n(v->lang, MSG_STAFF_PREFIX), i18n(v->lang, todo[i]));
        text(ui, line, rect(box.x + 3 * u, box.y + 9 * u, box.w - 6 * u, box.h - 10 * u),
             (int)(4.4f * u), UI_REGULAR, UI_ALIGN_LEFT, 4, C_TEXT);
        y += each;
    }
}

/* ---- overview ---- */

/* How long ago a room's count last changed. */
static void tile_updated(const struct ui_view *v, const struct ui_room_tile *t, char *buf, size_t n)
{
    if (t->updated_ms <= 0) {
        snprintf(buf, n, "%s", i18n(v->lang, MSG_OV_NO_SCANS));
        return;
    }
    int64_t ago = (v->wall_ms - t->updated_ms) / 60000;
    if (ago < 1)
        snprintf(buf, n, "%s", i18n(v->lang, MSG_OV_JUST_NOW));
    else if (ago < 120)
        snprintf(buf, n, i18n(v->lang, MSG_OV_MIN_AGO), (int)ago);
    else
        snprintf(buf, n, i18n(v->lang, MSG_OV_HOURS_AGO), (int)(ago / 60));
}

/* One room of the overview. */
static void tile(struct ui *ui, const struct ui_view *v, const struct ui_room_tile *t,
                 struct ui_rect r, int index)
{
    float s = fminf(r.w / 2.4f, (float)r.h); /* the tile's own unit: its height at 2.4:1 */
    float p = s * 0.08f;
    uint32_t c = fill_colour(t->count, t->capacity, t->closed);
    fill_round(ui, r, s * 0.06f, C_PANEL);
    fill_round(ui, rect(r.x, r.y, s * 0.05f, r.h), s * 0.025f, c);
    float x = r.x + s * 0.05f + p, w = r.x + r.w - p - x;
    float inner = r.h - 2 * p;
    float y = r.y + p;
    /* The name; the session and the age of the count; the count and its bar. */
    float row1 = inner * 0.36f, row2 = inner * 0.28f, row3 = inner * 0.36f;
    text_fit(ui, t->name, rect(x, y, w, row1), (int)(row1 * 0.8f), (int)(row1 * 0.6f), UI_BOLD,
             UI_ALIGN_LEFT, 1, C_TEXT, false);
    y += row1;
    char upd[64];
    tile_updated(v, t, upd, sizeof upd);
    struct ui_rect ur =
        text_fit(ui, upd, rect(x + w * 0.48f, y, w * 0.52f, row2), (int)(row2 * 0.62f),
                 (int)(row2 * 0.5f), UI_REGULAR, UI_ALIGN_RIGHT, 1, C_MUTED, false);
    const char *sess = t->closed ? i18n(v->lang, MSG_ROOM_CLOSED) : t->session_title;
    if (sess == NULL || sess[0] == '\0')
        sess = i18n(v->lang, MSG_NO_SESSION);
    float sess_w = (ur.w > 0 ? ur.x - x : w) - p;
    text_fit(ui, sess, rect(x, y, sess_w, row2), (int)(row2 * 0.7f), (int)(row2 * 0.66f),
             t->closed ? UI_BOLD : UI_REGULAR, UI_ALIGN_LEFT, 1, t->closed ? C_AMBER : C_TEXT,
             false);
    y += row2;
    char num[48];
    if (t->capacity > 0)
        snprintf(num, sizeof num, "%d / %d", t->count, t->capacity);
    else
        snprintf(num, sizeof num, "%d", t->count);
    struct ui_rect nr = text_fit(ui, num, rect(x, y, w * 0.5f, row3), (int)(row3 * 0.72f),
                                 (int)(row3 * 0.5f), UI_BOLD, UI_ALIGN_LEFT, 1, C_TEXT, false);
    float bx = nr.x + (nr.w > 0 ? nr.w : 0) + p;
    struct ui_rect br = rect(bx, y + row3 * 0.25f, x + w - bx, row3 * 0.55f);
    if (t->capacity > 0)
        bar(ui, br, t->count, t->capacity, t->closed);
    set_element(ui, UI_EL_TILE0 + index, r);
}

/* The staff overview: venue totals and a tile per room, laid out to fit. */
static void screen_overview(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h;
    fill_rect(ui, rect(0, 0, W, H), C_BG);
    float m = 2.5f * u;
    char title[200];
    snprintf(title, sizeof title, "%s · %s", v->event_name ? v->event_name : "",
             i18n(v->lang, MSG_MODE_OVERVIEW));
    float hh = header(ui, v, title, 12 * u);
    /* Venue totals strip. */
    float sy = hh + m, sh = 10 * u;
    char a[32], b[32];
    snprintf(a, sizeof a, "%d", v->venue_checked_in);
    snprintf(b, sizeof b, "%d", v->venue_inside);
    float half = (W - 2 * m) / 2;
    for (int k = 0; k < 2; k++) {
        float x = m + k * half;
        struct ui_rect got = text(ui, k == 0 ? a : b, rect(x, sy, half * 0.35f, sh), (int)(8 * u),
                                  UI_BOLD, UI_ALIGN_RIGHT, 1, C_TEXT);
        text(ui, i18n(v->lang, k == 0 ? MSG_OV_CHECKED_IN : MSG_OV_INSIDE),
             rect(got.x + got.w + 2 * u, sy, half * 0.65f - 3 * u, sh), (int)(4.5f * u), UI_REGULAR,
             UI_ALIGN_LEFT, 1, C_MUTED);
    }
    float gy = sy + sh + m, gh = H - gy - m, gw = W - 2 * m;
    size_t n = v->n_tiles < UI_MAX_TILES ? v->n_tiles : UI_MAX_TILES;
    if (n == 0)
        return;
    /* The grid whose tiles come closest to 2.4:1 at the largest size. */
    int best_cols = 1;
    float best = 0;
    for (int cols = 1; cols <= (int)n; cols++) {
        int rows = (int)((n + cols - 1) / cols);
        float tw = (gw - (cols - 1) * m) / cols, th = (gh - (rows - 1) * m) / rows;
        float s = fminf(tw / 2.4f, th);
        if (s > best) {
            best = s;
            best_cols = cols;
        }
    }
    int cols = best_cols, rows = (int)((n + cols - 1) / cols);
    float tw = (gw - (cols - 1) * m) / cols, th = (gh - (rows - 1) * m) / rows;
    if (th > tw / 1.6f)
        th = tw / 1.6f;
    for (size_t i = 0; i < n; i++) {
        int cx = (int)(i % cols), cy = (int)(i / cols);
        tile(ui, v, &v->tiles[i], rect(m + cx * (tw + m), gy + cy * (th + m), tw, th), (int)i);
    }
}

/* ---- decisions ---- */

void ui_answer_for_decision(struct ui_answer *out, const struct event *ev,
                            const struct occupancy *occ, const struct scan *s,
                            const struct rules_verdict *verdict, int64_t t,
                            int64_t reserve_release_ms)
{
    memset(out, 0, sizeof *out);
    out->result = s->result;
    out->reason = s->reason;
    out->override = s->override;
    const struct attendee *a = verdict != NULL ? verdict->attendee : NULL;
    if (a != NULL) {
        out->name = a->name;
        out->lang = a->language;
        out->lang_known = true;
    }
    size_t here = event_room_index(ev, s->room);
    if (here < ev->n_rooms)
        out->room_name = ev->rooms[here].name;
    if (s->result == RESULT_DENIED &&
        (s->reason == REASON_ROOM_FULL || s->reason == REASON_ROOM_CLOSED)) {
        int best = 0;
        for (size_t i = 0; i < ev->n_rooms; i++) {
            if (i == here || occupancy_room_closed(occ, i))
                continue;
            int free_seats = ev->rooms[i].capacity - occupancy_room_count(occ, i, t);
            if (free_seats > best) {
                best = free_seats;
                out->alt_room = ev->rooms[i].name;
                out->alt_free = free_seats;
            }
        }
    }
    if (s->result == RESULT_DENIED && s->reason == REASON_NOT_REGISTERED && verdict != NULL &&
        verdict->session < ev->n_sessions)
        out->release_ms = ev->sessions[verdict->session].start_ms + reserve_release_ms;
}

/* ---- the ui object ---- */

struct ui *ui_create(const struct ui_options *opts)
{
    struct ui *ui = xcalloc(1, sizeof *ui);
    ui->opts = *opts;
    /* The kiosk handles SIGINT/SIGTERM itself; SDL must not turn them into quit events. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (opts->display == UI_OFFSCREEN) {
        if (getenv("SDL_VIDEODRIVER") == NULL)
            SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
        /* Draw straight into the window's memory: otherwise SDL emulates the offscreen
         * window's surface with a (Mesa software) GL texture, which costs more than drawing. */
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    }
    if (opts->display == UI_FULLSCREEN) {
        /* Lock-down on a desktop: system shortcuts go to the kiosk, not the window manager. */
        SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
        SDL_SetHint(SDL_HINT_ALLOW_ALT_TAB_WHILE_GRABBED, "0");
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        log_warnx("ui: cannot open the display: %s (run with --headless, or set "
                  "SDL_VIDEODRIVER=kmsdrm on a console)",
                  SDL_GetError());
        free(ui);
        return NULL;
    }
    int w = opts->width > 0 ? opts->width : 1280, h = opts->height > 0 ? opts->height : 720;
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
    if (opts->display == UI_FULLSCREEN) {
        flags |= opts->width > 0 ? SDL_WINDOW_FULLSCREEN : SDL_WINDOW_FULLSCREEN_DESKTOP;
    } else if (opts->display == UI_WINDOW) {
        flags |= SDL_WINDOW_RESIZABLE;
    }
    ui->window =
        SDL_CreateWindow("Portier", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (ui->window == NULL) {
        log_warnx("ui: cannot create a window: %s", SDL_GetError());
        goto fail;
    }
    Uint32 rflags = opts->display == UI_OFFSCREEN ? SDL_RENDERER_SOFTWARE : 0;
    if (opts->vsync && opts->display != UI_OFFSCREEN)
        rflags |= SDL_RENDERER_PRESENTVSYNC;
    ui->renderer = SDL_CreateRenderer(ui->window, -1, rflags);
    if (ui->renderer == NULL) {
        log_warnx("ui: cannot create a renderer: %s", SDL_GetError());
        goto fail;
    }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(ui->renderer, &info) == 0)
        ui->software = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
    if (opts->display == UI_FULLSCREEN) {
        SDL_ShowCursor(SDL_DISABLE);
        SDL_SetWindowGrab(ui->window, SDL_TRUE);
    }
    ui->text = ui_text_create(ui->renderer);
    if (ui->text == NULL)
        goto fail;
    ui->sound = ui_sound_create(opts->volume, opts->mute);
    SDL_GetRendererOutputSize(ui->renderer, &ui->w, &ui->h);
    return ui;
fail:
    ui_destroy(ui);
    return NULL;
}

void ui_destroy(struct ui *ui)
{
    if (ui == NULL)
        return;
    ui_sound_destroy(ui->sound);
    ui_text_destroy(ui->text);
    if (ui->opts.display == UI_FULLSCREEN)
        SDL_ShowCursor(SDL_ENABLE);
    if (ui->cam != NULL)
        SDL_DestroyTexture(ui->cam);
    if (ui->renderer != NULL)
        SDL_DestroyRenderer(ui->renderer);
    if (ui->window != NULL)
        SDL_DestroyWindow(ui->window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
    free(ui->chroma);
    free(ui->answer_name);
    free(ui->answer_room);
    free(ui->answer_alt);
    free(ui->staff_name);
    free(ui);
}

enum ui_screen ui_current_screen(const struct ui *ui, const struct ui_view *view, int64_t now_ms)
{
    if (ui->staff == STAFF_OPEN)
        return UI_SCREEN_STAFF_MENU;
    if (view->trouble & (UI_TROUBLE_DATABASE | UI_TROUBLE_CLOCK))
        return UI_SCREEN_TROUBLE;
    if (ui->staff == STAFF_CONFIRM && now_ms < ui->staff_deadline)
        return UI_SCREEN_STAFF_CONFIRM;
    if (ui->has_answer && now_ms < ui->answer_until)
        return UI_SCREEN_ANSWER;
    if (view->mode == MODE_OVERVIEW)
        return UI_SCREEN_OVERVIEW;
    return UI_SCREEN_SCAN;
}

/* Draws view into the back buffer. */
static void render(struct ui *ui, const struct ui_view *view, int64_t now_ms)
{
    SDL_GetRendererOutputSize(ui->renderer, &ui->w, &ui->h);
    ui->u = (ui->w < ui->h ? ui->w : ui->h) / 100.0f;
    ui->now = now_ms;
    ui->view = view;
    ui->n_buttons = 0;
    ui->overflows = ui->ellipsized = 0;
    memset(ui->el_valid, 0, sizeof ui->el_valid);
    /* Every shape is opaque (see fill_convex); the one translucent bar sets its own mode. */
    SDL_SetRenderDrawBlendMode(ui->renderer, SDL_BLENDMODE_NONE);
    switch (ui_current_screen(ui, view, now_ms)) {
    case UI_SCREEN_SCAN:
        screen_scan(ui, view);
        break;
    case UI_SCREEN_ANSWER:
        screen_answer(ui, view);
        break;
    case UI_SCREEN_OVERVIEW:
        screen_overview(ui, view);
        break;
    case UI_SCREEN_STAFF_CONFIRM:
        screen_staff_confirm(ui, view);
        break;
    case UI_SCREEN_STAFF_MENU:
        screen_staff_menu(ui, view);
        break;
    case UI_SCREEN_TROUBLE:
        screen_trouble(ui, view);
        break;
    }
    ui_text_end_frame(ui->text);
    ui->view = NULL;
}

void ui_frame(struct ui *ui, const struct ui_view *view, int64_t now_ms)
{
    render(ui, view, now_ms);
    SDL_RenderPresent(ui->renderer);
}

bool ui_screenshot(struct ui *ui, const struct ui_view *view, int64_t now_ms, const char *path)
{
    render(ui, view, now_ms);
    bool ok = false;
    int stride = ui->w * 4;
    unsigned char *px = xmalloc((size_t)stride * ui->h);
    cairo_surface_t *s = NULL;
    if (SDL_RenderReadPixels(ui->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, px, stride) != 0) {
        log_warnx("ui: %s: cannot read the frame: %s", path, SDL_GetError());
        goto end;
    }
    s = cairo_image_surface_create_for_data(px, CAIRO_FORMAT_RGB24, ui->w, ui->h, stride);
    cairo_status_t st = cairo_surface_write_to_png(s, path);
    if (st != CAIRO_STATUS_SUCCESS) {
        log_warnx("ui: %s: %s", path, cairo_status_to_string(st));
        goto end;
    }
    ok = true;
end:
    if (s != NULL)
        cairo_surface_destroy(s);
    free(px);
    SDL_RenderPresent(ui->renderer);
    return ok;
}

/* A copy of s (owned by the caller), or NULL for NULL. */
static char *dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

void ui_show_answer(struct ui *ui, const struct ui_answer *answer, int64_t now_ms)
{
    /* Copy before freeing: answer may point into the one on screen. */
    char *name = dup_or_null(answer->name), *room = dup_or_null(answer->room_name),
         *alt = dup_or_null(answer->alt_room);
    free(ui->answer_name);
    free(ui->answer_room);
    free(ui->answer_alt);
    ui->answer = *answer;
    ui->answer.name = ui->answer_name = name;
    ui->answer.room_name = ui->answer_room = room;
    ui->answer.alt_room = ui->answer_alt = alt;
    ui->has_answer = true;
    ui->answer_start = now_ms;
    ui->answer_until = now_ms + UI_ANSWER_MS;
    /* A decision ends a pending staff confirmation: the door is in use. */
    if (ui->staff == STAFF_CONFIRM)
        ui->staff = STAFF_NONE;
    struct answer_look look = answer_look(answer);
    ui_play(ui, look.icon == ICON_CROSS  ? UI_SOUND_DENIED
                : look.icon == ICON_WARN ? UI_SOUND_WARNING
                                         : UI_SOUND_ADMITTED);
}

bool ui_staff_badge(struct ui *ui, const char *name, int64_t now_ms)
{
    char *copy = dup_or_null(name);
    free(ui->staff_name);
    ui->staff_name = copy;
    ui->has_answer = false;
    if (ui->staff == STAFF_OPEN || (ui->staff == STAFF_CONFIRM && now_ms < ui->staff_deadline)) {
        ui->staff = STAFF_OPEN;
        ui->staff_deadline = now_ms + UI_STAFF_TIMEOUT_MS;
        return true;
    }
    ui->staff = STAFF_CONFIRM;
    ui->staff_deadline = now_ms + UI_STAFF_CONFIRM_MS;
    ui_play(ui, UI_SOUND_STAFF);
    return false;
}

void ui_staff_close(struct ui *ui)
{
    ui->staff = STAFF_NONE;
}

/* Queues an action for ui_poll. */
static void push(struct ui *ui, enum ui_action a, int value)
{
    if (ui->q_len < QUEUE_LEN)
        ui->queue[ui->q_len++] = (struct ui_input){a, value};
}

/* A tap at (x, y) in drawing pixels: the topmost button of the last frame under it. */
static void tap(struct ui *ui, int x, int y)
{
    for (int i = ui->n_buttons - 1; i >= 0; i--) {
        struct ui_rect r = ui->buttons[i].r;
        if (x < r.x || y < r.y || x >= r.x + r.w || y >= r.y + r.h)
            continue;
        struct button b = ui->buttons[i];
        if (ui->staff == STAFF_OPEN)
            ui->staff_deadline = ui->now + UI_STAFF_TIMEOUT_MS;
        switch (b.action) {
        case UI_ACTION_NONE:
            ui->has_answer = false; /* a tap dismisses an answer */
            return;
        case UI_ACTION_STAFF_OPEN:
            ui->staff = STAFF_OPEN;
            ui->staff_deadline = ui->now + UI_STAFF_TIMEOUT_MS;
            break;
        case UI_ACTION_STAFF_CLOSE:
            ui->staff = STAFF_NONE;
            break;
        default:
            break;
        }
        push(ui, b.action, b.value);
        return;
    }
}

void ui_inject_tap(struct ui *ui, int x, int y)
{
    tap(ui, x, y);
}

bool ui_poll(struct ui *ui, int64_t now_ms, struct ui_input *out)
{
    ui->now = now_ms;
    if (ui->staff == STAFF_OPEN && now_ms >= ui->staff_deadline) {
        ui->staff = STAFF_NONE;
        push(ui, UI_ACTION_STAFF_CLOSE, 0);
    }
    if (ui->staff == STAFF_CONFIRM && now_ms >= ui->staff_deadline)
        ui->staff = STAFF_NONE;
    SDL_Event ev;
    while (ui->q_len == 0 && SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_QUIT:
            /* Full screen is a kiosk: there is no way out from the keyboard or the window
             * manager; it stops with the service (SIGTERM). */
            if (ui->opts.display == UI_WINDOW)
                push(ui, UI_ACTION_QUIT, 0);
            break;
        case SDL_KEYDOWN:
            if (ui->opts.display == UI_WINDOW && ev.key.keysym.sym == SDLK_ESCAPE)
                push(ui, UI_ACTION_QUIT, 0);
            break;
        case SDL_MOUSEBUTTONDOWN:
            if (ev.button.button == SDL_BUTTON_LEFT) {
                int ww = 1, wh = 1;
                SDL_GetWindowSize(ui->window, &ww, &wh);
                tap(ui, ev.button.x * ui->w / (ww > 0 ? ww : 1),
                    ev.button.y * ui->h / (wh > 0 ? wh : 1));
            }
            break;
        default:
            break;
        }
    }
    if (ui->q_len == 0)
        return false;
    *out = ui->queue[0];
    memmove(ui->queue, ui->queue + 1, (size_t)(--ui->q_len) * sizeof *ui->queue);
    return true;
}

void ui_play(struct ui *ui, enum ui_sound sound)
{
    ui_sound_play(ui->sound, sound);
}

void ui_set_volume(struct ui *ui, int volume, bool mute)
{
    ui_sound_set_volume(ui->sound, volume, mute);
}

void ui_size(const struct ui *ui, int *w, int *h)
{
    *w = ui->w;
    *h = ui->h;
}

bool ui_element_rect(const struct ui *ui, int element, struct ui_rect *out)
{
    if (element < 0 || element >= N_ELEMENTS || !ui->el_valid[element])
        return false;
    *out = ui->el[element];
    return true;
}

int ui_text_overflows(const struct ui *ui)
{
    return ui->overflows;
}

int ui_text_ellipsized(const struct ui *ui)
{
    return ui->ellipsized;
}

size_t ui_text_cache_size(const struct ui *ui)
{
    return ui_text_count(ui->text);
}

int ui_missing_glyphs(const struct ui *ui, const char *text)
{
    return ui_text_missing_glyphs(ui->text, text);
}
