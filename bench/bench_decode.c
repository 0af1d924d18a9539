/* SPDX-License-Identifier: Apache-2.0 */
/* Decode cost and success: the Portier pipeline (reader.h) against plain zbar on the full frame.
 *
 *   bench_decode [--quick]            the full report (see the targets at the end)
 *   bench_decode --one CASE PIPELINE WxH N
 *                                     runs one case N times, for valgrind --tool=callgrind
 *                                     --toggle-collect=measured (bench/callgrind.sh):
 *                                     CASE idle|clean|degraded, PIPELINE portier|zbar
 *
 * Cases: (a) idle: a frame of the empty scene (new sensor noise each time) after the scene
 * settled; (b) clean: a sharp badge facing the camera; (c) degraded: rotation up to 45 degrees,
 * tilt, blur, noise, low contrast (camera_synth_params_degraded). For (b) and (c) the pipeline's
 * reference is the empty scene, as at a kiosk where someone steps up with a badge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

#include "camera.h"
#include "decoder.h"
#include "image.h"
#include "log.h"
#include "reader.h"
#include "timeutil.h"
#include "util.h"
#include "sysclock.h"

#define SCENE_SEED   42
#define DEGRADED_SET 16 /* frames cycled through by the per-frame timings */

enum pipeline { PORTIER, ZBAR };
enum bcase { IDLE, CLEAN, DEGRADED };
static const char *case_names[] = {"idle", "clean", "degraded"};

struct bench {
    int width, height;
    struct reader_pipeline *pipe;
    zbar_image_scanner_t *zbar;
    struct image empty; /* the reference scene */
    struct image frames[DEGRADED_SET];
    char payloads[DEGRADED_SET][121];
    struct decoded out[READER_MAX_CODES];
};

/* A pseudo token: 120 base32 characters, like a real badge's. */
static void make_payload(uint64_t seed, char out[121])
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
    for (int i = 0; i < 120; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        out[i] = b32[(s >> 33) % 32];
    }
    out[120] = '\0';
}

/* Copies at most 120 bytes of a payload into got, NUL-terminated. */
static void copy_payload(char *got, const void *data, size_t len)
{
    if (len > 120)
        len = 120;
    memcpy(got, data, len);
    got[len] = '\0';
}

/* Plain zbar on a whole frame: QR only, as zbar's examples/scan_image.c does it. Returns the
 * number of symbols; copies the first one's data into got (121 bytes) when not NULL. */
static int zbar_decode(zbar_image_scanner_t *sc, const struct image *img, char *got)
{
    zbar_image_t *zi = zbar_image_create();
    zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(zi, (unsigned)img->width, (unsigned)img->height);
    zbar_image_set_data(zi, img->pixels, (unsigned long)img->width * img->height, NULL);
    int n = zbar_scan_image(sc, zi);
    if (got != NULL) {
        got[0] = '\0';
        const zbar_symbol_t *sym = zbar_image_first_symbol(zi);
        if (sym != NULL) {
            copy_payload(got, zbar_symbol_get_data(sym), zbar_symbol_get_data_length(sym));
        }
    }
    zbar_image_destroy(zi);
    return n < 0 ? 0 : n;
}

/* The measured work for callgrind's --toggle-collect: one frame through one pipeline. */
__attribute__((noinline)) size_t measured(struct bench *b, enum pipeline pl,
                                          const struct image *frame, char *got);
__attribute__((noinline)) size_t measured(struct bench *b, enum pipeline pl,
                                          const struct image *frame, char *got)
{
    if (pl == ZBAR)
        return (size_t)zbar_decode(b->zbar, frame, got);
    size_t n = reader_pipeline_process(b->pipe, frame, b->out, READER_MAX_CODES, NULL);
    if (got != NULL) {
        got[0] = '\0';
        if (n > 0)
            copy_payload(got, b->out[0].data, b->out[0].len);
    }
    return n;
}

/* Creates the scanners and the empty scene for one frame size. */
static void bench_init(struct bench *b, int w, int h)
{
    memset(b, 0, sizeof *b);
    b->width = w;
    b->height = h;
    b->pipe = reader_pipeline_create();
    b->zbar = zbar_image_scanner_create();
    zbar_image_scanner_set_config(b->zbar, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(b->zbar, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    if (b->pipe == NULL || b->zbar == NULL) {
        fprintf(stderr, "bench_decode: cannot create the decoders\n");
        exit(1);
    }
    camera_synth_render(&b->empty, w, h, SCENE_SEED, NULL, NULL, 1);
}

/* Renders the case's frame set: DEGRADED_SET frames (empty scenes with fresh noise, the clean
 * badge with fresh noise, or degraded badges). */
static void bench_frames(struct bench *b, enum bcase c, uint64_t seed)
{
    for (int i = 0; i < DEGRADED_SET; i++) {
        make_payload(seed + (uint64_t)i, b->payloads[i]);
        struct camera_synth_params p;
        if (c == DEGRADED)
            camera_synth_params_degraded(seed + (uint64_t)i, &p);
        else
            camera_synth_params_clean(&p);
        camera_synth_render(&b->frames[i], b->width, b->height, SCENE_SEED,
                            c == IDLE ? NULL : b->payloads[i], &p, 1000 + seed + (uint64_t)i);
    }
}

/* Frees a bench. */
static void bench_finish(struct bench *b)
{
    reader_pipeline_destroy(b->pipe);
    zbar_image_scanner_destroy(b->zbar);
    image_finish(&b->empty);
    for (int i = 0; i < DEGRADED_SET; i++)
        image_finish(&b->frames[i]);
}

/* Puts the pipeline in the state the case is measured in: the empty scene settled. */
static void prepare(struct bench *b, enum pipeline pl)
{
    if (pl == PORTIER)
        reader_pipeline_set_reference(b->pipe, &b->empty);
}

/* comparator for doubles */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Times n runs of a case; stores the median and the 99th percentile in ms. */
static void time_case(struct bench *b, enum bcase c, enum pipeline pl, int n, double *median,
                      double *p99)
{
    double *t = xmalloc(sizeof *t * (size_t)n);
    for (int i = 0; i < n; i++) {
        prepare(b, pl);
        int64_t t0 = time_mono_ns();
        measured(b, pl, &b->frames[i % DEGRADED_SET], NULL);
        t[i] = (double)(time_mono_ns() - t0) / 1e6;
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    *median = t[n / 2];
    *p99 = t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
    free(t);
    (void)c;
}

/* Success rate of a pipeline on count degraded badges, each seen alone (one frame). */
static double success_rate(struct bench *b, enum pipeline pl, int count, uint64_t seed)
{
    int ok = 0;
    struct image frame = {0};
    char payload[121], got[121];
    for (int i = 0; i < count; i++) {
        struct camera_synth_params p;
        make_payload(seed + (uint64_t)i, payload);
        camera_synth_params_degraded(seed + (uint64_t)i, &p);
        camera_synth_render(&frame, b->width, b->height, SCENE_SEED, payload, &p, 7 + (uint64_t)i);
        prepare(b, pl);
        if (measured(b, pl, &frame, got) > 0 && strcmp(got, payload) == 0)
            ok++;
    }
    image_finish(&frame);
    return (double)ok / count;
}

/* Fraction of badges (synth camera cycles) read within their first 3 frames in view, running
 * the pipeline over the whole sequence as the kiosk would. */
static double within_three(int w, int h, enum pipeline pl, int badges, uint64_t seed)
{
    struct bench b;
    bench_init(&b, w, h);
    char(*payloads)[121] = xcalloc((size_t)badges, sizeof *payloads);
    const char **ptrs = xcalloc((size_t)badges, sizeof *ptrs);
    for (int i = 0; i < badges; i++) {
        make_payload(seed + 5000 + (uint64_t)i, payloads[i]);
        ptrs[i] = payloads[i];
    }
    struct camera_options o = {
        .width = w, .height = h, .payloads = ptrs, .payload_count = (size_t)badges, .seed = seed};
    struct camera *cam = camera_open("synth", &o);
    struct image frame = {0};
    int64_t ns;
    const char *shown_prev = NULL;
    int in_view = 0, read = 0;
    bool done = false;
    char got[121];
    while (camera_grab(cam, &frame, &ns)) {
        const char *shown = camera_frame_payload(cam);
        if (shown != shown_prev) {
            in_view = 0;
            done = false;
        }
        shown_prev = shown;
        if (shown != NULL)
            in_view++;
        size_t n = measured(&b, pl, &frame, got);
        if (shown != NULL && !done && in_view <= 3 && n > 0 && strcmp(got, shown) == 0) {
            read++;
            done = true;
        }
    }
    camera_close(cam);
    image_finish(&frame);
    free(payloads);
    free(ptrs);
    bench_finish(&b);
    return (double)read / badges;
}

/* Resident set size in kB, from /proc/self/status. */
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kb;
}

/* Runs one case n times (for callgrind). */
static int run_one(const char *cname, const char *plname, const char *size, int n)
{
    int w, h;
    enum bcase c;
    enum pipeline pl;
    if (strcmp(cname, "idle") == 0)
        c = IDLE;
    else if (strcmp(cname, "clean") == 0)
        c = CLEAN;
    else if (strcmp(cname, "degraded") == 0)
        c = DEGRADED;
    else
        goto usage;
    if (strcmp(plname, "portier") == 0)
        pl = PORTIER;
    else if (strcmp(plname, "zbar") == 0)
        pl = ZBAR;
    else
        goto usage;
    if (sscanf(size, "%dx%d", &w, &h) != 2 || n < 1)
        goto usage;
    struct bench b;
    bench_init(&b, w, h);
    bench_frames(&b, c, 100);
    size_t found = 0;
    for (int i = 0; i < n; i++) {
        prepare(&b, pl);
        found += measured(&b, pl, &b.frames[i % DEGRADED_SET], NULL) > 0;
    }
    printf("%s %s %dx%d: %d runs, %zu with a code\n", cname, plname, w, h, n, found);
    bench_finish(&b);
    return 0;
usage:
    fprintf(stderr, "usage: bench_decode --one idle|clean|degraded portier|zbar WxH N\n");
    return 2;
}

int main(int argc, char **argv)
{
    bool quick = false;
    log_init("bench_decode");
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures appear as they are measured */
    if (argc == 6 && strcmp(argv[1], "--one") == 0)
        return run_one(argv[2], argv[3], argv[4], atoi(argv[5]));
    if (argc == 2 && strcmp(argv[1], "--quick") == 0)
        quick = true;
    else if (argc != 1) {
        fprintf(stderr, "usage: bench_decode [--quick] | --one CASE PIPELINE WxH N\n");
        return 2;
    }
    int reps = quick ? 40 : 200, rate_n = quick ? 60 : 300, seq_n = quick ? 40 : 200;
    long rss_n = quick ? 10000 : 100000;
    static const int sizes[2][2] = {{640, 480}, {1280, 720}};

    for (int s = 0; s < 2; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        struct bench b;
        bench_init(&b, w, h);
        printf("== %dx%d ==\n", w, h);
        printf("%-10s %12s %12s %12s %12s %8s\n", "case", "portier med", "portier p99", "zbar med",
               "zbar p99", "ratio");
        for (int c = IDLE; c <= DEGRADED; c++) {
            bench_frames(&b, (enum bcase)c, 100);
            double pm, pp, zm, zp;
            time_case(&b, (enum bcase)c, PORTIER, reps, &pm, &pp);
            time_case(&b, (enum bcase)c, ZBAR, reps, &zm, &zp);
            printf("%-10s %9.3f ms %9.3f ms %9.3f ms %9.3f ms %8.3f\n", case_names[c], pm, pp, zm,
                   zp, pm / zm);
        }
        double rp = success_rate(&b, PORTIER, rate_n, 9000);
        double rz = success_rate(&b, ZBAR, rate_n, 9000);
        printf("degraded success (single frame, %d badges): portier %.1f%%  zbar %.1f%%\n", rate_n,
               100 * rp, 100 * rz);
        bench_finish(&b);
        double wp = within_three(w, h, PORTIER, seq_n, 77);
        double wz = within_three(w, h, ZBAR, seq_n, 77);
        printf("degraded badges read within 3 frames in view (%d badges): portier %.1f%%  zbar "
               "%.1f%%\n",
               seq_n, 100 * wp, 100 * wz);
    }

    /* Memory: decode rss_n frames with a badge through one pipeline. */
    struct bench b;
    bench_init(&b, 640, 480);
    bench_frames(&b, CLEAN, 100);
    for (int i = 0; i < 200; i++) {
        prepare(&b, PORTIER);
        measured(&b, PORTIER, &b.frames[i % DEGRADED_SET], NULL);
    }
    long before = rss_kb();
    long found = 0;
    for (long i = 0; i < rss_n; i++) {
        prepare(&b, PORTIER);
        found += measured(&b, PORTIER, &b.frames[i % DEGRADED_SET], NULL) > 0;
    }
    long after = rss_kb();
    printf("RSS: %ld kB before, %ld kB after %ld decoded frames (%ld with a code): growth %ld kB\n",
           before, after, rss_n, found, after - before);
    bench_finish(&b);
    return 0;
}
