/* SPDX-License-Identifier: Apache-2.0 */
/* The synth camera: synthetic frames of badges held up to a kiosk, for tests, benchmarks and
 * the demo. Deterministic: frame k of a given seed is always the same image.
 *
 * The sequence is made of cycles, one per payload (in order, then round again when looping):
 * idle frames of the empty scene (CAMERA_SYNTH_IDLE unless the idle option says otherwise: a
 * long run imitating a real day, when most frames show nobody, sets more), then
 * SYNTH_BADGE_FRAMES frames in which the badge
 * moves across the view, its rotation drifting. Each cycle draws its own degradation (rotation
 * up to 45 degrees, perspective tilt, blur, noise, low contrast). Without the loop option the
 * camera ends after one cycle per payload.
 *
 * The badge is rendered by casting a ray per pixel (2x2 supersampled) onto the card's plane, so
 * perspective is exact; blur and noise are applied to the whole frame afterwards, as a camera
 * would. Low contrast is the card's own (a badge in shadow or glare), so that the scene around
 * it stays the same. */
#include <math.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "camera_impl.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"
#include "sysclock.h"

#define SYNTH_BADGE_FRAMES 8
#define SYNTH_EMPTY_BLUR   0.3 /* sigma of the empty scene's blur */
#define SYNTH_EMPTY_NOISE  1.5 /* and of its noise */
#define SYNTH_DEMO_COUNT   3
#define QUIET_ZONE         4 /* modules */
#define CARD_WHITE         232.0
#define CODE_DARK          24.0
#define DEG                (M_PI / 180.0)

/* splitmix64: a tiny, good, seedable generator. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A uniform double in [lo, hi). */
static double rng_range(uint64_t *state, double lo, double hi)
{
    return lo + (hi - lo) * (double)(rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Renders the empty scene of seed: soft lighting gradient, a few shapes, some fine texture. */
static void render_background(struct image *bg, uint64_t seed)
{
    uint64_t rs = seed ^ 0x5CE4Eull;
    double gx = rng_range(&rs, -40, 40), gy = rng_range(&rs, -40, 40);
    double base = rng_range(&rs, 90, 150);
    double f1 = rng_range(&rs, 0.02, 0.06), f2 = rng_range(&rs, 0.1, 0.3);
    int w = bg->width, h = bg->height;
    for (int y = 0; y < h; y++) {
        uint8_t *row = bg->pixels + (size_t)y * bg->stride;
        for (int x = 0; x < w; x++) {
            double v = base + gx * x / w + gy * y / h + 12 * sin(f1 * x + 0.7 * sin(f1 * y)) +
                       5 * sin(f2 * x) * sin(f2 * 1.3 * y);
            row[x] = (uint8_t)fmin(255, fmax(0, v));
        }
    }
    /* Shapes: doors, posters, furniture. */
    int shapes = 6 + (int)(rng_next(&rs) % 6);
    for (int i = 0; i < shapes; i++) {
        int x0 = (int)rng_range(&rs, 0, w), y0 = (int)rng_range(&rs, 0, h);
        int x1 = x0 + (int)rng_range(&rs, w / 20.0, w / 3.0);
        int y1 = y0 + (int)rng_range(&rs, h / 20.0, h / 2.0);
        int v = (int)rng_range(&rs, 30, 220);
        for (int y = y0; y < y1 && y < h; y++)
            for (int x = x0; x < x1 && x < w; x++)
                bg->pixels[(size_t)y * bg->stride + x] =
                    (uint8_t)((bg->pixels[(size_t)y * bg->stride + x] + 3 * v) / 4);
    }
}

/* The card as seen by the camera: rotation R (rows), translation T, focal length f. */
struct pose {
    double r[3][3];
    double t[3];
    double f, ox, oy;
};

/* Builds the pose that places a code of side_modules (quiet zone included) per p. */
static void make_pose(const struct camera_synth_params *p, int w, int h, double side_modules,
                      struct pose *ps)
{
    double a = p->rotate_deg * DEG, bx = p->tilt_x_deg * DEG, by = p->tilt_y_deg * DEG;
    double ca = cos(a), sa = sin(a), cx = cos(bx), sx = sin(bx), cy = cos(by), sy = sin(by);
    /* R = Rz(a) * Rx(bx) * Ry(by) */
    double rx[3][3] = {{1, 0, 0}, {0, cx, -sx}, {0, sx, cx}};
    double ry[3][3] = {{cy, 0, sy}, {0, 1, 0}, {-sy, 0, cy}};
    double rz[3][3] = {{ca, -sa, 0}, {sa, ca, 0}, {0, 0, 1}};
    double m[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            m[i][j] = rx[i][0] * ry[0][j] + rx[i][1] * ry[1][j] + rx[i][2] * ry[2][j];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            ps->r[i][j] = rz[i][0] * m[0][j] + rz[i][1] * m[1][j] + rz[i][2] * m[2][j];
    ps->f = 1.2 * (w > h ? w : h);
    ps->ox = w / 2.0;
    ps->oy = h / 2.0;
    double target_px = p->size * (w < h ? w : h);
    double d = ps->f * side_modules / target_px;
    ps->t[0] = (p->cx * w - ps->ox) * d / ps->f;
    ps->t[1] = (p->cy * h - ps->oy) * d / ps->f;
    ps->t[2] = d;
}

/* Projects card point (u, v) to pixel coordinates. */
static void project(const struct pose *ps, double u, double v, double *px, double *py)
{
    double x = ps->r[0][0] * u + ps->r[0][1] * v + ps->t[0];
    double y = ps->r[1][0] * u + ps->r[1][1] * v + ps->t[1];
    double z = ps->r[2][0] * u + ps->r[2][1] * v + ps->t[2];
    *px = ps->f * x / z + ps->ox;
    *py = ps->f * y / z + ps->oy;
}

/* Maps pixel (px, py) back onto the card's plane; false when the ray misses it. */
static bool unproject(const struct pose *ps, double px, double py, double *u, double *v)
{
    double d[3] = {(px - ps->ox) / ps->f, (py - ps->oy) / ps->f, 1};
    double n[3] = {ps->r[0][2], ps->r[1][2], ps->r[2][2]};
    double nd = n[0] * d[0] + n[1] * d[1] + n[2] * d[2];
    if (fabs(nd) < 1e-9)
        return false;
    double t = (n[0] * ps->t[0] + n[1] * ps->t[1] + n[2] * ps->t[2]) / nd;
    double x[3] = {t * d[0] - ps->t[0], t * d[1] - ps->t[1], t * d[2] - ps->t[2]};
    *u = ps->r[0][0] * x[0] + ps->r[1][0] * x[1] + ps->r[2][0] * x[2];
    *v = ps->r[0][1] * x[0] + ps->r[1][1] * x[1] + ps->r[2][1] * x[2];
    return t > 0;
}

/* The card's brightness at card point (u, v) in modules from the code's centre, or -1 when the
 * point is off the card. Below the code the card carries a few lines of "text". */
static double card_sample(const QRcode *qr, double u, double v, double contrast)
{
    double half = qr->width / 2.0 + QUIET_ZONE;
    if (u < -1.15 * half || u > 1.15 * half || v < -1.15 * half || v > 1.6 * half)
        return -1;
    int i = (int)floor(u + qr->width / 2.0), j = (int)floor(v + qr->width / 2.0);
    if (i >= 0 && j >= 0 && i < qr->width && j < qr->width)
        return 128 +
               contrast * ((qr->data[j * qr->width + i] & 1) ? CODE_DARK - 128 : CARD_WHITE - 128);
    if (v > 1.1 * half && v < 1.5 * half && fabs(u) < 0.9 * half) {
        double line = fmod(v - 1.1 * half, 0.12 * half);
        if (line < 0.06 * half && fmod(fabs(u) * 1.7, 3.0) < 2.4)
            return 128 + contrast * (60 - 128);
    }
    return 128 + contrast * (CARD_WHITE - 128);
}

/* Draws the card with its code onto img. */
static void draw_badge(struct image *img, const QRcode *qr, const struct camera_synth_params *p)
{
    struct pose ps;
    double half = qr->width / 2.0 + QUIET_ZONE;
    make_pose(p, img->width, img->height, 2 * half, &ps);
    double corners[4][2] = {{-1.15 * half, -1.15 * half},
                            {1.15 * half, -1.15 * half},
                            {1.15 * half, 1.6 * half},
                            {-1.15 * half, 1.6 * half}};
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    for (int k = 0; k < 4; k++) {
        double px, py;
        project(&ps, corners[k][0], corners[k][1], &px, &py);
        x0 = fmin(x0, px);
        x1 = fmax(x1, px);
        y0 = fmin(y0, py);
        y1 = fmax(y1, py);
    }
    int ix0 = (int)fmax(0, floor(x0)), iy0 = (int)fmax(0, floor(y0));
    int ix1 = (int)fmin(img->width - 1, ceil(x1)), iy1 = (int)fmin(img->height - 1, ceil(y1));
    static const double sub[4][2] = {{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}};
    for (int y = iy0; y <= iy1; y++) {
        uint8_t *row = img->pixels + (size_t)y * img->stride;
        for (int x = ix0; x <= ix1; x++) {
            double sum = 0;
            int hits = 0;
            for (int k = 0; k < 4; k++) {
                double u, v, s = -1;
                if (unproject(&ps, x + sub[k][0], y + sub[k][1], &u, &v))
                    s = card_sample(qr, u, v, p->contrast);
                if (s >= 0) {
                    sum += s;
                    hits++;
                }
            }
            if (hits > 0)
                row[x] = (uint8_t)((sum + row[x] * (4 - hits)) / 4 + 0.5);
        }
    }
}

/* Blurs img in place with a separable Gaussian of the given sigma (edges replicated). Both
 * passes walk rows, so that the vertical one does not stride down columns: a 640x480 frame
 * takes about a millisecond, which keeps a long synthetic run bound by the kiosk, not by
 * drawing its frames. */
static void blur_image(struct image *img, double sigma)
{
    if (sigma < 0.2)
        return;
    int r = (int)ceil(2.5 * sigma);
    if (r > 15)
        r = 15;
    int kern[31], ksum = 0;
    for (int i = -r; i <= r; i++) {
        kern[i + r] = (int)(1024 * exp(-(i * i) / (2 * sigma * sigma)) + 0.5);
        ksum += kern[i + r];
    }
    /* (acc + ksum / 2) / ksum as a multiply and shift, exact: acc + ksum / 2 < 2^23 and
     * ksum < 2^15, so their product stays below the 2^40 of the shift. */
    uint64_t recip = ((1ull << 40) + (uint64_t)ksum - 1) / (uint64_t)ksum;
    uint32_t half = (uint32_t)ksum / 2;
#define BLUR_DIV(acc) ((uint8_t)((((uint64_t)(uint32_t)(acc) + half) * recip) >> 40))
    int w = img->width, h = img->height;
    /* Horizontal: each row through a copy padded with r replicated pixels on both sides. */
    uint8_t *line = xmalloc((size_t)w + 2 * (size_t)r);
    for (int y = 0; y < h; y++) {
        uint8_t *row = img->pixels + (size_t)y * img->stride;
        memset(line, row[0], (size_t)r);
        memcpy(line + r, row, (size_t)w);
        memset(line + r + w, row[w - 1], (size_t)r);
        for (int x = 0; x < w; x++) {
            int acc = 0;
            for (int i = 0; i <= 2 * r; i++)
                acc += kern[i] * line[x + i];
            row[x] = BLUR_DIV(acc);
        }
    }
    free(line);
    /* Vertical: each output row sums whole input rows (of a copy) into an accumulator row. */
    uint8_t *src = xmalloc((size_t)w * (size_t)h);
    for (int y = 0; y < h; y++)
        memcpy(src + (size_t)y * w, img->pixels + (size_t)y * img->stride, (size_t)w);
    int *acc = xmalloc((size_t)w * sizeof *acc);
    for (int y = 0; y < h; y++) {
        memset(acc, 0, (size_t)w * sizeof *acc);
        for (int i = -r; i <= r; i++) {
            int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
            const uint8_t *in = src + (size_t)yy * w;
            int k = kern[i + r];
            for (int x = 0; x < w; x++)
                acc[x] += k * in[x];
        }
        uint8_t *row = img->pixels + (size_t)y * img->stride;
        for (int x = 0; x < w; x++)
            row[x] = BLUR_DIV(acc[x]);
    }
    free(acc);
    free(src);
#undef BLUR_DIV
}

/* Adds sensor noise to img. */
static void finish_frame(struct image *img, double noise, uint64_t noise_seed)
{
    uint64_t rs = noise_seed ^ 0xA0153ull;
    /* Noise: sum of four 8-bit uniforms is close to Gaussian; its sigma is 4 * 73.9 / 2. */
    int ns = (int)(noise * 256 / (2 * 73.9) + 0.5);
    for (int y = 0; y < img->height; y++) {
        uint8_t *row = img->pixels + (size_t)y * img->stride;
        for (int x = 0; x < img->width; x += 2) {
            uint64_t rnd = rng_next(&rs);
            for (int k = 0; k < 2 && x + k < img->width; k++) {
                int u = (int)(rnd & 0xFF) + (int)((rnd >> 8) & 0xFF) + (int)((rnd >> 16) & 0xFF) +
                        (int)((rnd >> 24) & 0xFF) - 510;
                rnd >>= 32;
                int v = (int)row[x + k] + (u * ns >> 9);
                row[x + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
    }
}

/* Encodes a payload as a QR code at ECC level M (NULL after logging on failure). */
static QRcode *encode(const char *payload)
{
    QRcode *qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL)
        log_warn("synth: cannot encode payload '%.20s'", payload);
    return qr;
}

/* Renders a frame from a ready background and code (qr may be NULL). */
static void render(struct image *frame, const struct image *bg, const QRcode *qr,
                   const struct camera_synth_params *p, uint64_t noise_seed)
{
    image_copy_pixels(frame, bg);
    double blur = SYNTH_EMPTY_BLUR, noise = SYNTH_EMPTY_NOISE;
    if (qr != NULL && p != NULL) {
        draw_badge(frame, qr, p);
        blur = p->blur;
        noise = p->noise;
    }
    blur_image(frame, blur);
    finish_frame(frame, noise, noise_seed);
}

void camera_synth_params_clean(struct camera_synth_params *p)
{
    *p = (struct camera_synth_params){
        .cx = 0.5, .cy = 0.5, .size = 0.5, .blur = 0, .noise = 1.5, .contrast = 1};
}

void camera_synth_params_degraded(uint64_t seed, struct camera_synth_params *p)
{
    uint64_t rs = seed * 0x2545F4914F6CDD1Dull + 77;
    p->size = rng_range(&rs, 0.33, 0.55);
    p->rotate_deg = rng_range(&rs, -45, 45);
    double tilt = rng_range(&rs, 10, 25), dir = rng_range(&rs, 0, 2 * M_PI);
    p->tilt_x_deg = tilt * cos(dir);
    p->tilt_y_deg = tilt * sin(dir);
    p->blur = rng_range(&rs, 0.5, 1.2);
    p->noise = rng_range(&rs, 3, 10);
    p->contrast = rng_range(&rs, 0.3, 0.7);
    /* Keep the code itself in view whatever its rotation. */
    double margin = p->size * 0.75;
    p->cx = 0.5 + rng_range(&rs, -1, 1) * fmax(0, 0.5 - margin * 0.75);
    p->cy = 0.5 + rng_range(&rs, -1, 1) * fmax(0, 0.5 - margin);
}

bool camera_synth_render(struct image *frame, int width, int height, uint64_t scene_seed,
                         const char *payload, const struct camera_synth_params *p,
                         uint64_t noise_seed)
{
    struct camera_synth_params clean;
    if (p == NULL) {
        camera_synth_params_clean(&clean);
        p = &clean;
    }
    struct image bg = {0};
    if (!camera_frame_reserve(frame, width, height) || !image_init(&bg, width, height))
        return false;
    render_background(&bg, scene_seed);
    QRcode *qr = NULL;
    if (payload != NULL && (qr = encode(payload)) == NULL) {
        image_finish(&bg);
        return false;
    }
    render(frame, &bg, qr, p, noise_seed);
    QRcode_free(qr);
    image_finish(&bg);
    return true;
}

struct synth_camera {
    struct camera base;
    int width, height;
    struct image background;
    struct image empty; /* the background blurred as an empty frame is */
    const char *const *payloads;
    size_t count;
    char demo[SYNTH_DEMO_COUNT][121];
    const char *demo_ptrs[SYNTH_DEMO_COUNT];
    uint64_t seed;
    double fps;
    bool loop;
    unsigned idle;  /* empty frames per cycle */
    unsigned cycle; /* frames per cycle: idle + SYNTH_BADGE_FRAMES */
    uint64_t next;  /* the next frame index */
    int64_t start_ns;
    QRcode *qr; /* the code of qr_cycle */
    uint64_t qr_cycle;
};

/* The badge parameters of frame pos (0..SYNTH_BADGE_FRAMES) of cycle: the cycle's degradation,
 * moving from a start to an end position. */
static void cycle_params(const struct synth_camera *sc, uint64_t cycle, int pos,
                         struct camera_synth_params *p)
{
    uint64_t cseed = sc->seed * 1000003ull + cycle;
    camera_synth_params_degraded(cseed, p);
    uint64_t rs = cseed ^ 0x30710Bull;
    double dx = rng_range(&rs, -0.12, 0.12), dy = rng_range(&rs, -0.08, 0.08);
    double drot = rng_range(&rs, -6, 6);
    double t = (double)pos / (SYNTH_BADGE_FRAMES - 1) - 0.5;
    double margin = p->size * 0.75;
    double limx = fmax(0, 0.5 - margin * 0.75), limy = fmax(0, 0.5 - margin);
    p->cx = fmin(0.5 + limx, fmax(0.5 - limx, p->cx + dx * t));
    p->cy = fmin(0.5 + limy, fmax(0.5 - limy, p->cy + dy * t));
    p->rotate_deg += drot * t;
}

/* Grabs the next (or the currently due) synthetic frame. */
static bool synth_grab(struct camera *cam, struct image *frame, int64_t *mono_ns)
{
    struct synth_camera *sc = (struct synth_camera *)cam;
    if (cam->status == CAMERA_ENDED)
        return false;
    uint64_t k;
    int64_t when;
    if (sc->fps > 0) {
        int64_t now = time_mono_ns();
        if (sc->start_ns == 0)
            sc->start_ns = now;
        k = (uint64_t)((double)(now - sc->start_ns) * sc->fps / 1e9);
        if (sc->next > 0 && k < sc->next)
            return false;
        when = sc->start_ns + (int64_t)((double)k * 1e9 / sc->fps);
    } else {
        k = sc->next;
        when = time_mono_ns();
    }
    uint64_t cycle = k / sc->cycle;
    unsigned pos = (unsigned)(k % sc->cycle);
    if (!sc->loop && cycle >= sc->count) {
        camera_set_status(cam, CAMERA_ENDED, "synthetic camera: end of the %zu badges", sc->count);
        return false;
    }
    sc->next = k + 1;
    if (!camera_frame_reserve(frame, sc->width, sc->height))
        return false;
    const char *payload = sc->payloads[cycle % sc->count];
    if (pos < sc->idle) {
        /* The empty scene is the background as blurred once (blur_image is deterministic),
         * plus this frame's noise: the same pixels as render(), without the blur per frame. */
        image_copy_pixels(frame, &sc->empty);
        finish_frame(frame, SYNTH_EMPTY_NOISE, sc->seed ^ (k * 0x9E37ull));
        cam->payload = NULL;
    } else {
        if (sc->qr == NULL || sc->qr_cycle != cycle) {
            QRcode_free(sc->qr);
            sc->qr = encode(payload);
            sc->qr_cycle = cycle;
            if (sc->qr == NULL)
                return false;
        }
        struct camera_synth_params p;
        cycle_params(sc, cycle, (int)(pos - sc->idle), &p);
        render(frame, &sc->background, sc->qr, &p, sc->seed ^ (k * 0x9E37ull));
        cam->payload = payload;
    }
    *mono_ns = when;
    return true;
}

/* Frees a synth camera. */
static void synth_destroy(struct camera *cam)
{
    struct synth_camera *sc = (struct synth_camera *)cam;
    QRcode_free(sc->qr);
    image_finish(&sc->background);
    image_finish(&sc->empty);
    free(sc);
}

static const struct camera_impl synth_impl = {
    .name = "synth",
    .grab = synth_grab,
    .destroy = synth_destroy,
};

struct camera *camera_synth_create(const struct camera_options *opts)
{
    struct synth_camera *sc = xcalloc(1, sizeof *sc);
    sc->base.impl = &synth_impl;
    sc->base.fd = -1;
    sc->width = opts->width > 0 ? opts->width : CAMERA_SYNTH_WIDTH;
    sc->height = opts->height > 0 ? opts->height : CAMERA_SYNTH_HEIGHT;
    sc->seed = opts->seed;
    sc->fps = opts->fps;
    sc->loop = opts->loop;
    sc->idle = opts->idle_frames > 0 ? opts->idle_frames : CAMERA_SYNTH_IDLE;
    sc->cycle = sc->idle + SYNTH_BADGE_FRAMES;
    if (!image_init(&sc->background, sc->width, sc->height)) {
        log_warnx("synthetic camera: bad frame size %dx%d", sc->width, sc->height);
        free(sc);
        return NULL;
    }
    render_background(&sc->background, sc->seed);
    if (!image_init(&sc->empty, sc->width, sc->height)) {
        image_finish(&sc->background);
        free(sc);
        return NULL;
    }
    image_copy_pixels(&sc->empty, &sc->background);
    blur_image(&sc->empty, SYNTH_EMPTY_BLUR);
    if (opts->payload_count > 0) {
        sc->payloads = opts->payloads;
        sc->count = opts->payload_count;
    } else {
        /* Demo payloads shaped like real tokens: 120 base32 characters (a version-5 code). */
        static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        uint64_t rs = sc->seed ^ 0xDE70ull;
        for (int i = 0; i < SYNTH_DEMO_COUNT; i++) {
            for (int j = 0; j < 120; j++)
                sc->demo[i][j] = b32[rng_next(&rs) % 32];
            sc->demo[i][120] = '\0';
            sc->demo_ptrs[i] = sc->demo[i];
        }
        sc->payloads = sc->demo_ptrs;
        sc->count = SYNTH_DEMO_COUNT;
    }
    camera_set_status(&sc->base, CAMERA_OK, "synthetic camera %dx%d, %zu badges", sc->width,
                      sc->height, sc->count);
    return &sc->base;
}
