/* SPDX-License-Identifier: Apache-2.0 */
/* The finder-pattern pre-test on frames drawn by segno (not Portier's renderer): it finds codes
 * of 2 to 8 pixels per module, upright and rotated, blurred and noisy, with their module size
 * within 25 %, and sees no code in busy frames without one. */
#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "finder.h"
#include "image.h"
#include "qr_draw.h"

#define PAYLOAD "PORTIERTESTBADGEPAYLOAD234567ABCDEFGHIJKLMNOPQRSTUVWXYZ2345"

static const int modules[] = {2, 3, 4, 5, 8};
static const char *sizes[] = {"640x480", "1280x720"};
static const char *looks[] = {"--blur 0.5 --noise 3", "--rotate 30 --blur 0.4 --noise 4",
                              "--rotate -15 --noise 8"};
#define N_MODULES (sizeof modules / sizeof modules[0])
#define N_LOOKS   (sizeof looks / sizeof looks[0])
#define N_BUSY    6

/* Runs the pre-test on the whole of img, as the pipeline does, scanning for 2-pixel modules;
 * returns how many finder patterns of one code it kept. */
static int scan(const struct image *img, struct finder_hit *hit)
{
    int n = finder_scan(img->pixels, img->stride, img->width, img->height, 0, 0, img->width,
                        img->height, finder_step(2.0f), hit, FINDER_MAX);
    return n > 0 ? finder_code(hit, n) : 0;
}

/* Codes of 2, 3, 4, 5 and 8 pixels per module at VGA and 720p: the code is seen (two finder
 * patterns or more), near the centre of the frame, with its module size within 25 %. */
static void check_code(const struct qr_batch *b, int index, const char *size, int module,
                       const char *opts)
{
    struct image img;
    CHECK(qr_batch_load(b, index, &img));
    struct finder_hit hit[FINDER_MAX];
    int n = scan(&img, hit);
    CHECK_MSG(n >= 2, "%s, %d px, %s: %d finder(s) found", size, module, opts, n);
    if (n >= 1) {
        float want = (float)module;
        CHECK_MSG(hit[0].module >= 0.75f * want && hit[0].module <= 1.25f * want,
                  "%s, %d px, %s: module estimated %.2f px", size, module, opts, hit[0].module);
        /* The code is centred; it spans at most 53 modules. */
        int dx = hit[0].x - img.width / 2, dy = hit[0].y - img.height / 2;
        CHECK_MSG(dx * dx + dy * dy <= (30 * module) * (30 * module), "%s, %d px, %s: at %d,%d",
                  size, module, opts, hit[0].x, hit[0].y);
    }
    image_finish(&img);
}

/* Busy frames without a code (striped and checked clothes, text, a door frame, noise): the
 * pre-test sees no code, so the pipeline does not call zbar. */
static void check_busy(const struct qr_batch *b, int index, const char *size, const char *opts)
{
    struct image img;
    CHECK(qr_batch_load(b, index, &img));
    struct finder_hit hit[FINDER_MAX];
    int n = scan(&img, hit);
    CHECK_MSG(n < 2, "%s %s: a code seen, at %d,%d", size, opts, hit[0].x, hit[0].y);
    image_finish(&img);
}

static void test_frames(void)
{
    struct qr_batch b;
    CHECK(qr_batch_begin(&b));
    char opts[2][N_MODULES][N_LOOKS][96], busy[2][N_BUSY][64];
    for (size_t s = 0; s < 2; s++) {
        for (size_t m = 0; m < N_MODULES; m++) {
            for (size_t l = 0; l < N_LOOKS; l++) {
                snprintf(opts[s][m][l], sizeof opts[s][m][l], "%s --seed %zu", looks[l],
                         10 * m + l + 100 * s);
                qr_batch_add(&b, sizes[s], modules[m], PAYLOAD, opts[s][m][l]);
            }
        }
        for (int i = 0; i < N_BUSY; i++) {
            snprintf(busy[s][i], sizeof busy[s][i], "--busy --noise %d --seed %d", i % 3 * 3,
                     i + 1);
            qr_batch_add(&b, sizes[s], 0, "-", busy[s][i]);
        }
    }
    bool drawn = qr_batch_draw(&b);
    CHECK(drawn);
    if (!drawn) {
        qr_batch_end(&b);
        return;
    }
    int index = 0;
    for (size_t s = 0; s < 2; s++) {
        for (size_t m = 0; m < N_MODULES; m++)
            for (size_t l = 0; l < N_LOOKS; l++)
                check_code(&b, index++, sizes[s], modules[m], opts[s][m][l]);
        for (int i = 0; i < N_BUSY; i++)
            check_busy(&b, index++, sizes[s], busy[s][i]);
    }
    qr_batch_end(&b);
}

/* A flat frame holds no finder pattern; the scan-row spacing meets a 2-pixel finder twice. */
static void test_flat(void)
{
    struct image img;
    CHECK(image_init(&img, 64, 48));
    struct finder_hit hit[FINDER_MAX];
    CHECK(finder_scan(img.pixels, img.stride, 64, 48, 0, 0, 64, 48, 1, hit, FINDER_MAX) == 0);
    CHECK(finder_step(2.0f) == 3 && finder_step(0.1f) == 1);
    image_finish(&img);
}

int main(void)
{
    test_frames();
    test_flat();
    return check_done();
}
