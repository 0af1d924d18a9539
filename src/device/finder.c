/* SPDX-License-Identifier: Apache-2.0 */
/* The QR finder-pattern pre-test (see finder.h for the why). The run-ratio test and the
 * cross-checks follow the finder search of ZXing's FinderPatternFinder, reduced to what a
 * yes/no answer and a module size need. */
#include "finder.h"

#include <stdbool.h>
#include <stddef.h>

#define HYSTERESIS 3 /* grey levels around the local mean before a pixel changes colour */
#define MIN_TOTAL  8 /* pixels across a finder (7 modules): smaller is noise */
/* Grey levels between the mean of a finder's centre run and of the light runs beside it: sensor
 * noise on a flat wall makes 1:1:3:1:1 runs too, but with little difference between them. */
#define MIN_CONTRAST 20

struct view {
    const uint8_t *pixels;
    int stride, width, height;
};

struct hits {
    struct finder_hit *hit;
    int count, max;
};

/* True when five run lengths (dark, light, dark, light, dark) are in the ratio 1:1:3:1:1 within
 * the tolerance blur and a few pixels per module leave; *total gets their sum. */
static bool ratio_ok(const int r[5], int *total)
{
    int t = r[0] + r[1] + r[2] + r[3] + r[4];
    *total = t;
    if (t < MIN_TOTAL)
        return false;
    /* In sevenths of the total: a 1-module run is 7 * r / t modules wide, ideally 1. */
    for (int i = 0; i < 5; i++) {
        int m7 = 7 * r[i]; /* module widths times t */
        if (i == 2 ? (m7 * 5 < t * 8 || m7 * 2 > t * 9) : (m7 * 20 < t * 9 || m7 * 5 > t * 8))
            return false;
    }
    return true;
}

/* Counts pixels from (x, y) in direction (dx, dy) while they stay on the side of threshold t
 * given by dark, at most max; the colour flips with HYSTERESIS like the row scan's. */
static int walk(const struct view *v, int x, int y, int dx, int dy, int t, bool dark, int max)
{
    int n = 0;
    while (n < max) {
        x += dx;
        y += dy;
        if (x < 0 || y < 0 || x >= v->width || y >= v->height)
            return -1;
        int p = v->pixels[(size_t)y * (size_t)v->stride + (size_t)x];
        if (dark ? p >= t + HYSTERESIS : p <= t - HYSTERESIS)
            break;
        n++;
    }
    return n;
}

/* Checks the 1:1:3:1:1 pattern along direction (dx, dy) through (x, y), a dark pixel of the
 * centre square. Stores the total (in steps) in *total and the offset of the centre from (x, y)
 * (in steps) in *shift. */
static bool cross(const struct view *v, int x, int y, int dx, int dy, int t, int max, int *total,
                  int *shift)
{
    int fwd[3], back[3];
    int fx = x, fy = y, bx = x, by = y;
    for (int i = 0; i < 3; i++) {
        fwd[i] = walk(v, fx, fy, dx, dy, t, i % 2 == 0, max);
        back[i] = walk(v, bx, by, -dx, -dy, t, i % 2 == 0, max);
        if (fwd[i] < 0 || back[i] < 0 || fwd[i] >= max || back[i] >= max)
            return false;
        if (i > 0 && (fwd[i] == 0 || back[i] == 0))
            return false;
        /* On to the last pixel of this run: the next walk starts with the next colour. */
        fx += dx * fwd[i];
        fy += dy * fwd[i];
        bx -= dx * back[i];
        by -= dy * back[i];
    }
    int r[5] = {back[2], back[1], back[0] + 1 + fwd[0], fwd[1], fwd[2]};
    *shift = (fwd[0] - back[0]) / 2;
    return ratio_ok(r, total);
}

/* Adds a confirmed finder centre, merging it with one already found within its own size. */
static void add_hit(struct hits *h, int x, int y, float module)
{
    for (int i = 0; i < h->count; i++) {
        struct finder_hit *o = &h->hit[i];
        float d = 3.5f * (o->module > module ? o->module : module);
        if ((float)(x - o->x) < d && (float)(o->x - x) < d && (float)(y - o->y) < d &&
            (float)(o->y - y) < d) {
            int n = o->rows;
            o->x = (o->x * n + x) / (n + 1);
            o->y = (o->y * n + y) / (n + 1);
            o->module = (o->module * (float)n + module) / (float)(n + 1);
            o->rows = n + 1;
            return;
        }
    }
    if (h->count < h->max)
        h->hit[h->count++] = (struct finder_hit){.x = x, .y = y, .module = module, .rows = 1};
}

/* A row candidate at centre (x, y), threshold t, row total th: cross-checks it down the column,
 * again along the row through the column's centre, and along the diagonals; adds it when the
 * column and a diagonal agree. */
static void confirm(const struct view *v, int x, int y, int t, int th, struct hits *h)
{
    int max = th * 2, tv, td, shift;
    if (!cross(v, x, y, 0, 1, t, max, &tv, &shift) || tv * 5 < th * 3 || tv * 3 > th * 5)
        return;
    y += shift;
    if (!cross(v, x, y, 1, 0, t, max, &th, &shift))
        return;
    x += shift;
    float best = (float)(th < tv ? th : tv);
    int diagonals = 0;
    for (int s = -1; s <= 1; s += 2) {
        if (cross(v, x, y, 1, s, t, max, &td, &shift)) {
            diagonals++;
            if ((float)td * 1.41421f < best)
                best = (float)td * 1.41421f;
        }
    }
    if (diagonals > 0 && best >= MIN_TOTAL * 1.5f)
        add_hit(h, x, y, best / 7.0f);
}

/* True when the centre run of the five runs ending at x (dark, light, dark, light, dark) is
 * MIN_CONTRAST darker than the light runs beside it, on average. */
static bool contrast_ok(const uint8_t *row, int x, const int run[5])
{
    int end = x - run[4], light = 0, dark = 0;
    for (int i = end - run[3]; i < end; i++)
        light += row[i];
    end -= run[3];
    for (int i = end - run[2]; i < end; i++)
        dark += row[i];
    end -= run[2];
    for (int i = end - run[1]; i < end; i++)
        light += row[i];
    int nl = run[1] + run[3], nd = run[2];
    return nl > 0 && nd > 0 && light * nd - dark * nl >= MIN_CONTRAST * nl * nd;
}

/* Scans row y from x0 for w pixels: binarised against the mean of the 2r+1 pixels around each
 * (with hysteresis), each dark run that closes a 1:1:3:1:1 sequence is cross-checked. */
static void scan_row(const struct view *v, int y, int x0, int w, int r, struct hits *h)
{
    const uint8_t *row = v->pixels + (size_t)y * (size_t)v->stride + (size_t)x0;
    unsigned sum = 0;
    int lo = 0, hi = 0;
    while (hi < w && hi < r)
        sum += row[hi++];
    int run[5] = {0}, cur = 0, nruns = 0;
    bool dark = false;
    for (int x = 0; x <= w; x++) {
        bool d = dark;
        int cnt = 0;
        if (x < w) {
            if (hi < w)
                sum += row[hi++];
            if (x - r > lo)
                sum -= row[lo++];
            cnt = hi - lo;
            int p = row[x] * cnt, s = (int)sum, band = HYSTERESIS * cnt;
            d = dark ? p < s + band : p < s - band;
        }
        if (d == dark && x < w) {
            cur++;
            continue;
        }
        /* A run of colour `dark` ends at x. */
        run[0] = run[1], run[1] = run[2], run[2] = run[3], run[3] = run[4], run[4] = cur;
        nruns++;
        int total;
        if (dark && nruns >= 5 && ratio_ok(run, &total) && contrast_ok(row, x, run)) {
            int cx = x - run[4] - run[3] - run[2] + run[2] / 2;
            int t = cnt > 0 ? (int)(sum / (unsigned)cnt) : row[cx];
            confirm(v, x0 + cx, y, t, total, h);
        }
        dark = d;
        cur = 1;
    }
}

int finder_step(float min_module)
{
    int s = (int)(1.5f * min_module);
    return s < 1 ? 1 : s;
}

/* Insertion sort of the hits, most rows first. */
static void sort_hits(struct finder_hit *hit, int n)
{
    for (int i = 1; i < n; i++) {
        struct finder_hit k = hit[i];
        int j = i - 1;
        for (; j >= 0 && hit[j].rows < k.rows; j--)
            hit[j + 1] = hit[j];
        hit[j + 1] = k;
    }
}

int finder_scan(const uint8_t *pixels, int stride, int frame_w, int frame_h, int x0, int y0, int w,
                int h, int step, struct finder_hit *out, int max)
{
    struct view v = {pixels, stride, frame_w, frame_h};
    struct hits hits = {out, 0, max};
    /* Wide enough to hold a finder of 12-pixel modules, narrow enough to follow uneven light. */
    int side = frame_w > frame_h ? frame_w : frame_h;
    int r = side / 16 < 24 ? 24 : side / 16;
    if (step < 1)
        step = 1;
    for (int y = y0 + step / 2; y < y0 + h; y += step)
        scan_row(&v, y, x0, w, r, &hits);
    sort_hits(out, hits.count);
    return hits.count;
}

/* True when b could be another finder pattern of a's code: about its module size, 10 to 180
 * modules away. */
static bool same_code(const struct finder_hit *a, const struct finder_hit *b)
{
    float m = a->module;
    float dx = (float)(b->x - a->x), dy = (float)(b->y - a->y);
    float d2 = (dx * dx + dy * dy) / (m * m);
    return d2 >= 10.0f * 10.0f && d2 <= 180.0f * 180.0f && b->module * 1.5f >= m &&
           b->module <= m * 1.5f;
}

int finder_code(struct finder_hit *hit, int n)
{
    if (n < 1)
        return 0;
    /* The anchor: the pattern with the most partners, the most rows among equals. */
    int best = 0, best_partners = -1;
    for (int i = 0; i < n; i++) {
        int partners = 0;
        for (int j = 0; j < n; j++)
            partners += j != i && same_code(&hit[i], &hit[j]);
        if (partners > best_partners) {
            best = i;
            best_partners = partners;
        }
    }
    struct finder_hit code[FINDER_MAX];
    int kept = 0;
    code[kept++] = hit[best];
    for (int i = 0; i < n && kept < FINDER_MAX; i++) {
        if (i != best && same_code(&hit[best], &hit[i]))
            code[kept++] = hit[i];
    }
    for (int i = 0; i < kept; i++)
        hit[i] = code[i];
    return kept;
}
