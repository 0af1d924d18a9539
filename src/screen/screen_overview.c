/* SPDX-License-Identifier: Apache-2.0 */
/* The overview screen: the venue's totals and a tile per room (its name, session, count and
 * how long ago it changed), laid out to fit any screen. */
#include <stdio.h>

#include "draw.h"
#include "timeutil.h"

/* The day of a multi-day event as the title says it: "Day 2 of 3 · Tue 14 Apr" ("Dag 2 van 3 ·
 * di 14 apr", "Jour 2 sur 3 · mar. 14 avr."), the date alone on a day without sessions. */
static void day_label(const struct ui_view *v, char *buf, size_t n)
{
    int64_t y;
    int m, d, wlen, mlen;
    time_civil_from_days(v->day, &y, &m, &d);
    int wday = (int)(((v->day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
    const char *wname = i18n_item(v->lang, MSG_OV_WEEKDAYS, wday, &wlen);
    const char *mname = i18n_item(v->lang, MSG_OV_MONTHS, m - 1, &mlen);
    int used = 0;
    if (v->day_index > 0)
        used = snprintf(buf, n, i18n(v->lang, MSG_OV_DAY_OF), v->day_index, v->n_days);
    if (used < 0 || (size_t)used >= n)
        used = 0;
    snprintf(buf + used, n - (size_t)used, "%s%.*s %d %.*s", used > 0 ? " · " : "", wlen, wname, d,
             mlen, mname);
}

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
    uint32_t c = draw_level_colour(t->count, t->capacity, t->closed);
    draw_fill_round(ui, r, s * 0.06f, C_PANEL);
    draw_fill_round(ui, rect(r.x, r.y, s * 0.05f, r.h), s * 0.025f, c);
    float x = r.x + s * 0.05f + p, w = r.x + r.w - p - x;
    float inner = r.h - 2 * p;
    float y = r.y + p;
    /* The name; the session and the age of the count; the count and its bar. */
    float row1 = inner * 0.36f, row2 = inner * 0.28f, row3 = inner * 0.36f;
    draw_text_fit(ui, t->name, rect(x, y, w, row1), (int)(row1 * 0.8f), (int)(row1 * 0.6f), UI_BOLD,
                  UI_ALIGN_LEFT, 1, C_TEXT, false);
    y += row1;
    char upd[64];
    tile_updated(v, t, upd, sizeof upd);
    struct ui_rect ur =
        draw_text_fit(ui, upd, rect(x + w * 0.48f, y, w * 0.52f, row2), (int)(row2 * 0.62f),
                      (int)(row2 * 0.5f), UI_REGULAR, UI_ALIGN_RIGHT, 1, C_MUTED, false);
    const char *sess = t->closed ? i18n(v->lang, MSG_ROOM_CLOSED) : t->session_title;
    if (sess == NULL || sess[0] == '\0')
        sess = i18n(v->lang, MSG_NO_SESSION);
    float sess_w = (ur.w > 0 ? ur.x - x : w) - p;
    draw_text_fit(ui, sess, rect(x, y, sess_w, row2), (int)(row2 * 0.7f), (int)(row2 * 0.66f),
                  t->closed ? UI_BOLD : UI_REGULAR, UI_ALIGN_LEFT, 1, t->closed ? C_AMBER : C_TEXT,
                  false);
    y += row2;
    char num[48];
    if (t->capacity > 0)
        snprintf(num, sizeof num, "%d / %d", t->count, t->capacity);
    else
        snprintf(num, sizeof num, "%d", t->count);
    struct ui_rect nr = draw_text_fit(ui, num, rect(x, y, w * 0.5f, row3), (int)(row3 * 0.72f),
                                      (int)(row3 * 0.5f), UI_BOLD, UI_ALIGN_LEFT, 1, C_TEXT, false);
    float bx = nr.x + (nr.w > 0 ? nr.w : 0) + p;
    struct ui_rect br = rect(bx, y + row3 * 0.25f, x + w - bx, row3 * 0.55f);
    if (t->capacity > 0)
        draw_bar(ui, br, t->count, t->capacity, t->closed);
    draw_set_element(ui, UI_EL_TILE0 + index, r);
}

void screen_overview(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h;
    draw_fill_rect(ui, rect(0, 0, W, H), C_BG);
    float m = 2.5f * u;
    char title[200], day[96];
    const char *name = v->event_name ? v->event_name : "";
    if (v->n_days > 0) { /* the day first: a long event name is what the ellipsis cuts */
        day_label(v, day, sizeof day);
        snprintf(title, sizeof title, "%s · %s", day, name);
    } else {
        snprintf(title, sizeof title, "%s · %s", name, i18n(v->lang, MSG_MODE_OVERVIEW));
    }
    float hh = draw_header(ui, v, title, 12 * u);
    /* Venue totals strip. */
    float sy = hh + m, sh = 10 * u;
    char a[32], b[32];
    if (v->n_days > 0)
        snprintf(a, sizeof a, "%d / %d", v->venue_checked_in, v->venue_expected);
    else
        snprintf(a, sizeof a, "%d", v->venue_checked_in);
    snprintf(b, sizeof b, "%d", v->venue_inside);
    /* Two parts: "412 / 600" (today's check-ins of those expected) takes more room than a
     * count. */
    bool days = v->n_days > 0;
    float part[2] = {(W - 2 * m) * (days ? 0.6f : 0.5f), (W - 2 * m) * (days ? 0.4f : 0.5f)};
    float figure[2] = {days ? 0.55f : 0.35f, days ? 0.45f : 0.35f};
    enum i18n_msg label[2] = {days ? MSG_OV_CHECKED_IN_TODAY : MSG_OV_CHECKED_IN, MSG_OV_INSIDE};
    for (int k = 0; k < 2; k++) {
        float x = m + k * part[0];
        struct ui_rect got = draw_text(ui, k == 0 ? a : b, rect(x, sy, part[k] * figure[k], sh),
                                       (int)(8 * u), UI_BOLD, UI_ALIGN_RIGHT, 1, C_TEXT);
        float lx = got.x + got.w + 2 * u;
        draw_text(ui, i18n(v->lang, label[k]), rect(lx, sy, x + part[k] - u - lx, sh),
                  (int)(4.5f * u), UI_REGULAR, UI_ALIGN_LEFT, 2, C_MUTED);
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
