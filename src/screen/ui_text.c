/* SPDX-License-Identifier: Apache-2.0 */
/* Text for the kiosk screen: font fallback per run, fitting into boxes, and a texture cache.
 *
 * A string is cut into runs of code points that one face provides (DejaVu Sans first, then
 * Noto Sans, Noto Sans Arabic, Noto Sans Symbols2), each run shaped by SDL2_ttf's HarfBuzz
 * with the script and direction of its face, and the runs laid on one baseline. A line whose
 * first strong character is right-to-left lays its runs right to left. Text is fitted into
 * its box by shrinking the size (down to min_px), then by wrapping up to max_lines, and only
 * then by ellipsizing at a code point boundary that is not followed by a combining mark, so a
 * glyph is never cut. Each fitted block is rasterised once, in its colour, into a texture kept
 * while it is drawn. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "log.h"
#include "ui_internal.h"
#include "util.h"

#define N_FACES         4
#define FACE_ARABIC     2
#define MAX_RUNS        64
#define MAX_LINES       8
#define EVICT_FRAMES    120
#define ELLIPSIS        "\xe2\x80\xa6"
#define FONT_DIR_DEJAVU "/usr/share/fonts/truetype/dejavu/"
#define FONT_DIR_NOTO   "/usr/share/fonts/truetype/noto/"

static const char *const face_files[2][N_FACES] = {
    {FONT_DIR_DEJAVU "DejaVuSans.ttf", FONT_DIR_NOTO "NotoSans-Regular.ttf",
     FONT_DIR_NOTO "NotoSansArabic-Regular.ttf", FONT_DIR_NOTO "NotoSansSymbols2-Regular.ttf"},
    {FONT_DIR_DEJAVU "DejaVuSans-Bold.ttf", FONT_DIR_NOTO "NotoSans-Bold.ttf",
     FONT_DIR_NOTO "NotoSansArabic-Bold.ttf", FONT_DIR_NOTO "NotoSansSymbols2-Regular.ttf"},
};

struct face {
    TTF_Font *font; /* NULL when the file is missing */
    int px;         /* size the font is set to */
    float scale;    /* drawn at px * scale: evens out the faces' apparent sizes */
};

struct entry {
    uint64_t hash;
    char *text;
    int w, h;
    struct ui_text_style style;
    struct ui_text_block block;
    uint64_t last_frame;
};

struct ui_text {
    SDL_Renderer *renderer;
    struct face faces[2][N_FACES];
    struct entry *entries;
    size_t n_entries, cap_entries;
    uint64_t frame;
};

struct run {
    size_t start, end;
    int face;
};

/* A laid-out line: byte range into the text. */
struct line {
    size_t start, end;
    char *ellipsized; /* owned replacement text, or NULL */
    int width;
};

/* Decodes one UTF-8 code point at s[*i] (advancing *i); invalid bytes give U+FFFD. */
static uint32_t next_cp(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = u[*i];
    int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0 || *i + (size_t)extra >= len + (extra == 0 ? 1 : 0)) {
        (*i)++;
        return 0xfffd;
    }
    if (extra == 0) {
        (*i)++;
        return c;
    }
    c &= 0x3f >> extra;
    for (int k = 1; k <= extra; k++) {
        if ((u[*i + k] & 0xc0) != 0x80) {
            (*i)++;
            return 0xfffd;
        }
        c = (c << 6) | (u[*i + k] & 0x3f);
    }
    *i += (size_t)extra + 1;
    return c;
}

/* True for combining marks and joiners: they belong to the code point before them. */
static bool is_mark(uint32_t c)
{
    return (c >= 0x300 && c <= 0x36f) || (c >= 0x483 && c <= 0x489) || (c >= 0x591 && c <= 0x5bd) ||
           (c >= 0x610 && c <= 0x61a) || (c >= 0x64b && c <= 0x65f) || c == 0x670 ||
           (c >= 0x6d6 && c <= 0x6ed) || (c >= 0x1ab0 && c <= 0x1aff) ||
           (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
           (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xfe20 && c <= 0xfe2f) || c == 0x200c ||
           c == 0x200d;
}

/* True for right-to-left letters (Hebrew, Arabic, Syriac, Thaana, NKo and presentation
 * forms). */
static bool is_rtl(uint32_t c)
{
    return (c >= 0x590 && c <= 0x8ff) || (c >= 0xfb1d && c <= 0xfdff) ||
           (c >= 0xfe70 && c <= 0xfeff);
}

/* True for code points that take the face of their neighbours (spaces, punctuation). */
static bool is_neutral(uint32_t c)
{
    return c < 0x80 ? !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
                    : (c >= 0x2000 && c <= 0x206f);
}

/* True for letters that decide a line's direction. */
static bool is_strong(uint32_t c)
{
    return !is_neutral(c) && !is_mark(c) && !(c >= '0' && c <= '9');
}

/* True when the face opened and has a glyph for c. */
static bool face_has(const struct face *f, uint32_t c)
{
    return f->font != NULL && TTF_GlyphIsProvided32(f->font, c);
}

/* The face for code point c: the Arabic face for right-to-left letters it has, else the
 * first face that has it (the first available face when none has it: it draws a box). */
static int pick_face(const struct face *faces, uint32_t c)
{
    if (is_rtl(c) && face_has(&faces[FACE_ARABIC], c))
        return FACE_ARABIC;
    for (int i = 0; i < N_FACES; i++) {
        if (face_has(&faces[i], c))
            return i;
    }
    for (int i = 0; i < N_FACES; i++) {
        if (faces[i].font != NULL)
            return i;
    }
    return 0;
}

/* Cuts s[0..len) into runs of one face each; returns the count. Marks and neutral characters
 * stay in the current run when its face has them. */
static size_t split_runs(const struct face *faces, const char *s, size_t len, struct run *runs)
{
    size_t n = 0;
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        uint32_t c = next_cp(s, len, &i);
        if (n > 0 && (is_mark(c) || is_neutral(c)) && face_has(&faces[runs[n - 1].face], c)) {
            runs[n - 1].end = i;
            continue;
        }
        int f = pick_face(faces, c);
        if (n > 0 && (runs[n - 1].face == f || n == MAX_RUNS)) {
            runs[n - 1].end = i;
            continue;
        }
        runs[n++] = (struct run){at, i, f};
    }
    return n;
}

/* True when the first strong character of s[0..len) is right-to-left. */
static bool starts_rtl(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t c = next_cp(s, len, &i);
        if (is_strong(c))
            return is_rtl(c);
    }
    return false;
}

/* The face's font set to px (resized only when it changes). */
static TTF_Font *face_at(struct face *f, int px)
{
    if (f->px != px) {
        TTF_SetFontSize(f->font, (int)(px * f->scale + 0.5f));
        f->px = px;
    }
    return f->font;
}

/* Width in pixels of s[0..len) at px. */
static int measure(struct ui_text *t, enum ui_weight wt, const char *s, size_t len, int px)
{
    struct run runs[MAX_RUNS];
    size_t n = split_runs(t->faces[wt], s, len, runs);
    int total = 0;
    char buf[1024];
    for (size_t r = 0; r < n; r++) {
        size_t rl = runs[r].end - runs[r].start;
        char *tmp = rl < sizeof buf ? buf : xmalloc(rl + 1);
        memcpy(tmp, s + runs[r].start, rl);
        tmp[rl] = '\0';
        int w = 0, h = 0;
        if (TTF_SizeUTF8(face_at(&t->faces[wt][runs[r].face], px), tmp, &w, &h) == 0)
            total += w;
        if (tmp != buf)
            free(tmp);
    }
    return total;
}

/* The first face that opened: its metrics set the line height. */
static int primary_face(const struct face *faces)
{
    for (int i = 0; i < N_FACES; i++) {
        if (faces[i].font != NULL)
            return i;
    }
    return 0;
}

/* The ink of s[0..len) in face f above and below the baseline, in pixels. */
static void ink_extent(struct face *f, const char *s, size_t len, int px, int *above, int *below)
{
    char *tmp = xstrndup(s, len);
    TTF_Font *font = face_at(f, px);
    SDL_Surface *surf = TTF_RenderUTF8_Blended(font, tmp, (SDL_Color){255, 255, 255, 255});
    free(tmp);
    *above = *below = 0;
    if (surf == NULL)
        return;
    int top = -1, bottom = -1;
    SDL_LockSurface(surf);
    for (int y = 0; y < surf->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)surf->pixels + y * surf->pitch);
        for (int x = 0; x < surf->w; x++) {
            if ((row[x] >> 24) > 16) {
                if (top < 0)
                    top = y;
                bottom = y;
                break;
            }
        }
    }
    SDL_UnlockSurface(surf);
    if (top >= 0) {
        *above = TTF_FontAscent(font) - top;
        *below = bottom + 1 - TTF_FontAscent(font);
    }
    SDL_FreeSurface(surf);
}

/* Ascent and descent (positive) of a line of s at px. The primary face's metrics make the
 * line; runs in fallback faces (whose metrics are often far taller, Arabic ones to leave room
 * for stacked marks) only widen it by the ink they really have, so a name in Arabic is not
 * shrunk to fit metrics it does not use. */
static void metrics(struct ui_text *t, enum ui_weight wt, const char *s, size_t len, int px,
                    int *ascent, int *descent)
{
    struct face *faces = t->faces[wt];
    int primary = primary_face(faces);
    TTF_Font *p = face_at(&faces[primary], px);
    *ascent = TTF_FontAscent(p);
    *descent = -TTF_FontDescent(p);
    struct run runs[MAX_RUNS];
    size_t n = split_runs(faces, s, len, runs);
    for (size_t r = 0; r < n; r++) {
        if (runs[r].face == primary)
            continue;
        int above, below;
        ink_extent(&faces[runs[r].face], s + runs[r].start, runs[r].end - runs[r].start, px, &above,
                   &below);
        if (above > *ascent)
            *ascent = above;
        if (below > *descent)
            *descent = below;
    }
}

/* The end of the longest run of whole words from start that fits w (start when not even the
 * first word fits). */
static size_t take_words(struct ui_text *t, enum ui_weight wt, const char *s, size_t len,
                         size_t start, int px, int w)
{
    size_t end = start;
    while (end < len) {
        size_t next = end;
        while (next < len && s[next] == ' ')
            next++;
        while (next < len && s[next] != ' ')
            next++;
        if (measure(t, wt, s + start, next - start, px) > w)
            break;
        end = next;
    }
    return end;
}

/* Wraps s into lines no wider than w at px, greedily at spaces. Returns the number of lines,
 * or -1 when more than max_lines are needed or a single word is wider than w. */
static int wrap(struct ui_text *t, enum ui_weight wt, const char *s, size_t len, int px, int w,
                int max_lines, struct line *lines)
{
    int n = 0;
    size_t start = 0;
    while (start < len && s[start] == ' ')
        start++;
    while (start < len) {
        if (n == max_lines)
            return -1;
        size_t best = take_words(t, wt, s, len, start, px, w);
        if (best == start)
            return -1;
        lines[n++] = (struct line){start, best, NULL, measure(t, wt, s + start, best - start, px)};
        start = best;
        while (start < len && s[start] == ' ')
            start++;
    }
    return n;
}

/* Replaces line with its longest prefix (at a code point not followed by a mark) plus an
 * ellipsis that fits w. */
static void ellipsize(struct ui_text *t, enum ui_weight wt, const char *s, struct line *ln, int px,
                      int w)
{
    size_t len = ln->end - ln->start;
    const char *p = s + ln->start;
    size_t *cuts = xmalloc((len + 1) * sizeof *cuts);
    size_t n_cuts = 0, i = 0;
    cuts[n_cuts++] = 0;
    while (i < len) {
        next_cp(p, len, &i);
        size_t j = i;
        if (j < len && is_mark(next_cp(p, len, &j)))
            continue;
        cuts[n_cuts++] = i;
    }
    size_t lo = 0, hi = n_cuts - 1;
    char *best = xstrdup(ELLIPSIS);
    while (lo <= hi) {
        size_t mid = (lo + hi) / 2;
        size_t cut = cuts[mid];
        while (cut > 0 && p[cut - 1] == ' ')
            cut--;
        char *cand = xasprintf("%.*s" ELLIPSIS, (int)cut, p);
        if (measure(t, wt, cand, strlen(cand), px) <= w) {
            free(best);
            best = cand;
            lo = mid + 1;
        } else {
            free(cand);
            if (mid == 0)
                break;
            hi = mid - 1;
        }
    }
    free(cuts);
    ln->ellipsized = best;
    ln->width = measure(t, wt, best, strlen(best), px);
}

/* Draws one line's runs onto dst at (x, y) with the baseline at y + ascent. */
static void render_line(struct ui_text *t, enum ui_weight wt, const char *s, size_t len, int px,
                        SDL_Color colour, SDL_Surface *dst, int x, int y, int ascent)
{
    struct run runs[MAX_RUNS];
    size_t n = split_runs(t->faces[wt], s, len, runs);
    bool rtl = starts_rtl(s, len);
    char buf[1024];
    int widths[MAX_RUNS], total = 0;
    for (size_t r = 0; r < n; r++) {
        widths[r] = measure(t, wt, s + runs[r].start, runs[r].end - runs[r].start, px);
        total += widths[r];
    }
    int cx = rtl ? x + total : x;
    for (size_t r = 0; r < n; r++) {
        size_t rl = runs[r].end - runs[r].start;
        char *tmp = rl < sizeof buf ? buf : xmalloc(rl + 1);
        memcpy(tmp, s + runs[r].start, rl);
        tmp[rl] = '\0';
        TTF_Font *f = face_at(&t->faces[wt][runs[r].face], px);
        SDL_Surface *surf = TTF_RenderUTF8_Blended(f, tmp, colour);
        if (rtl)
            cx -= widths[r];
        if (surf != NULL) {
            SDL_SetSurfaceBlendMode(surf, SDL_BLENDMODE_NONE);
            SDL_Rect d = {cx, y + ascent - TTF_FontAscent(f), surf->w, surf->h};
            SDL_BlitSurface(surf, NULL, dst, &d);
            SDL_FreeSurface(surf);
        }
        if (!rtl)
            cx += widths[r];
        if (tmp != buf)
            free(tmp);
    }
}

/* Lays text out when nothing fits at the smallest size: wraps what can be wrapped into
 * fit_lines and ellipsizes the rest into the last line. Returns the number of lines. */
static int wrap_forced(struct ui_text *t, enum ui_weight wt, const char *text, size_t len, int px,
                       int w, int fit_lines, struct line *lines, bool *ellipsized)
{
    int n = 0;
    size_t start = 0;
    while (start < len && text[start] == ' ')
        start++;
    while (start < len && n < fit_lines) {
        size_t end = len;
        if (n + 1 < fit_lines) {
            end = take_words(t, wt, text, len, start, px, w);
            if (end == start) {
                while (end < len && text[end] != ' ')
                    end++;
            }
        }
        lines[n] = (struct line){start, end, NULL, measure(t, wt, text + start, end - start, px)};
        if (lines[n].width > w) {
            ellipsize(t, wt, text, &lines[n], px, w);
            *ellipsized = true;
        }
        n++;
        start = end;
        while (start < len && text[start] == ' ')
            start++;
    }
    return n;
}

/* Rasterises the n lines laid out at px into a texture (freeing their ellipsized copies). */
static bool rasterise(struct ui_text *t, const struct ui_text_style *st, const char *text,
                      struct line *lines, int n, int px, int ascent, int descent, bool ellipsized,
                      struct ui_text_block *out)
{
    enum ui_weight wt = st->weight;
    int lh = ascent + descent;
    int bw = 1;
    for (int i = 0; i < n; i++) {
        if (lines[i].width > bw)
            bw = lines[i].width;
    }
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, bw, lh * n, 32, SDL_PIXELFORMAT_ARGB8888);
    if (surf == NULL) {
        log_warnx("ui: text surface: %s", SDL_GetError());
        for (int i = 0; i < n; i++)
            free(lines[i].ellipsized);
        return false;
    }
    SDL_FillRect(surf, NULL, 0);
    for (int i = 0; i < n; i++) {
        const char *ls = lines[i].ellipsized ? lines[i].ellipsized : text + lines[i].start;
        size_t ll =
            lines[i].ellipsized ? strlen(lines[i].ellipsized) : lines[i].end - lines[i].start;
        int x = st->align == UI_ALIGN_LEFT     ? 0
                : st->align == UI_ALIGN_CENTER ? (bw - lines[i].width) / 2
                                               : bw - lines[i].width;
        SDL_Color colour = {(uint8_t)(st->colour >> 16), (uint8_t)(st->colour >> 8),
                            (uint8_t)st->colour, 255};
        render_line(t, wt, ls, ll, px, colour, surf, x, i * lh, ascent);
        free(lines[i].ellipsized);
    }
    SDL_Texture *tex = SDL_CreateTextureFromSurface(t->renderer, surf);
    SDL_FreeSurface(surf);
    if (tex == NULL) {
        log_warnx("ui: text texture: %s", SDL_GetError());
        return false;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    *out = (struct ui_text_block){tex, bw, lh * n, px, ellipsized};
    return true;
}

/* Fits and rasterises text into out. */
static bool build(struct ui_text *t, const char *text, int w, int h, const struct ui_text_style *st,
                  struct ui_text_block *out)
{
    size_t len = strlen(text);
    enum ui_weight wt = st->weight;
    int max_lines = st->max_lines > 0 ? st->max_lines : 1;
    if (max_lines > MAX_LINES)
        max_lines = MAX_LINES;
    int px = st->px > 4 ? st->px : 4;
    int min_px = st->min_px > 0 ? st->min_px : px * 6 / 10;
    if (min_px < 6)
        min_px = 6;
    if (min_px > px)
        min_px = px;
    struct line lines[MAX_LINES];
    int n = -1, ascent = 0, descent = 0;
    bool ellipsized = false;
    for (;;) {
        metrics(t, wt, text, len, px, &ascent, &descent);
        int lh = ascent + descent;
        int fit_lines = lh > 0 ? h / lh : 0;
        if (fit_lines > max_lines)
            fit_lines = max_lines;
        if (fit_lines >= 1) {
            n = wrap(t, wt, text, len, px, w, fit_lines, lines);
            if (n >= 0)
                break;
        }
        if (px <= min_px) {
            if (fit_lines < 1 && px > 6) {
                px--;
                continue;
            }
            if (fit_lines < 1)
                fit_lines = 1;
            n = wrap_forced(t, wt, text, len, px, w, fit_lines, lines, &ellipsized);
            break;
        }
        int next = px * 92 / 100;
        px = next < px ? next : px - 1;
        if (px < min_px)
            px = min_px;
    }
    if (n <= 0)
        return false;
    return rasterise(t, st, text, lines, n, px, ascent, descent, ellipsized, out);
}

/* FNV-1a of a cache key. */
static uint64_t hash_key(const char *text, int w, int h, const struct ui_text_style *st)
{
    uint64_t x = hashmap_hash(text);
    int nums[] = {w, h, st->px, st->min_px, st->weight, st->align, st->max_lines, (int)st->colour};
    for (size_t i = 0; i < ARRAY_LEN(nums); i++)
        x = (x ^ (uint64_t)(unsigned)nums[i]) * 1099511628211ull;
    return x;
}

/* True when two styles lay text out the same. */
static bool same_style(const struct ui_text_style *a, const struct ui_text_style *b)
{
    return a->px == b->px && a->min_px == b->min_px && a->weight == b->weight &&
           a->align == b->align && a->max_lines == b->max_lines && a->colour == b->colour;
}

struct ui_text *ui_text_create(SDL_Renderer *renderer)
{
    if (!TTF_WasInit() && TTF_Init() != 0) {
        log_warnx("ui: SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    struct ui_text *t = xcalloc(1, sizeof *t);
    t->renderer = renderer;
    for (int wt = 0; wt < 2; wt++) {
        for (int i = 0; i < N_FACES; i++) {
            struct face *f = &t->faces[wt][i];
            f->px = 32;
            f->scale = i == FACE_ARABIC ? 1.2f : 1.0f;
            f->font = TTF_OpenFont(face_files[wt][i], f->px);
            if (f->font == NULL) {
                log_debug("ui: font %s: %s", face_files[wt][i], TTF_GetError());
                continue;
            }
            if (i == FACE_ARABIC) {
                TTF_SetFontScriptName(f->font, "Arab");
                TTF_SetFontDirection(f->font, TTF_DIRECTION_RTL);
            }
        }
        if (t->faces[wt][0].font == NULL && t->faces[wt][1].font == NULL) {
            log_warnx("ui: no font: install fonts-dejavu-core or fonts-noto-core (%s)",
                      face_files[wt][0]);
            ui_text_destroy(t);
            return NULL;
        }
    }
    return t;
}

void ui_text_destroy(struct ui_text *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n_entries; i++) {
        SDL_DestroyTexture(t->entries[i].block.texture);
        free(t->entries[i].text);
    }
    free(t->entries);
    for (int wt = 0; wt < 2; wt++) {
        for (int i = 0; i < N_FACES; i++) {
            if (t->faces[wt][i].font != NULL)
                TTF_CloseFont(t->faces[wt][i].font);
        }
    }
    free(t);
}

bool ui_text_layout(struct ui_text *t, const char *text, int w, int h,
                    const struct ui_text_style *style, struct ui_text_block *out)
{
    if (text == NULL || text[0] == '\0' || w <= 0 || h <= 0)
        return false;
    uint64_t hash = hash_key(text, w, h, style);
    for (size_t i = 0; i < t->n_entries; i++) {
        struct entry *e = &t->entries[i];
        if (e->hash == hash && e->w == w && e->h == h && same_style(&e->style, style) &&
            strcmp(e->text, text) == 0) {
            e->last_frame = t->frame;
            *out = e->block;
            return true;
        }
    }
    struct ui_text_block block;
    if (!build(t, text, w, h, style, &block))
        return false;
    if (t->n_entries == t->cap_entries) {
        t->cap_entries = t->cap_entries ? t->cap_entries * 2 : 64;
        t->entries = xrealloc(t->entries, t->cap_entries * sizeof *t->entries);
    }
    t->entries[t->n_entries++] = (struct entry){hash, xstrdup(text), w, h, *style, block, t->frame};
    *out = block;
    return true;
}

void ui_text_end_frame(struct ui_text *t)
{
    size_t kept = 0;
    for (size_t i = 0; i < t->n_entries; i++) {
        struct entry *e = &t->entries[i];
        if (t->frame - e->last_frame > EVICT_FRAMES) {
            SDL_DestroyTexture(e->block.texture);
            free(e->text);
            continue;
        }
        t->entries[kept++] = *e;
    }
    t->n_entries = kept;
    t->frame++;
}

int ui_text_missing_glyphs(const struct ui_text *t, const char *text)
{
    int missing = 0;
    size_t len = strlen(text), i = 0;
    while (i < len) {
        uint32_t c = next_cp(text, len, &i);
        bool found = false;
        for (int f = 0; f < N_FACES && !found; f++)
            found = face_has(&t->faces[UI_REGULAR][f], c) && face_has(&t->faces[UI_BOLD][f], c);
        missing += !found;
    }
    return missing;
}

size_t ui_text_count(const struct ui_text *t)
{
    return t->n_entries;
}
