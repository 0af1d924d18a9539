/* SPDX-License-Identifier: Apache-2.0 */
/* Test frames drawn by tests/support/draw_qr.py: QR codes made by segno, an encoder that shares
 * no code with Portier's renderer (libqrencode), so that the decode tests do not test the
 * product against itself. Frames are described first (qr_batch_add), drawn in one run of the
 * script (qr_batch_draw: Python and OpenCV start once), then loaded. Needs Debian's
 * python3-segno, python3-numpy and python3-opencv (scripts/setup.sh); /usr/bin/python3 is named
 * because those packages install for it, whatever python3 comes first on PATH. */
#ifndef PORTIER_TEST_QR_DRAW_H
#define PORTIER_TEST_QR_DRAW_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "image.h"
#include "shell.h"

struct qr_batch {
    char dir[32]; /* temporary directory holding the list and the frames */
    FILE *list;
    int count;
};

/* Starts a batch; false after printing why. */
static bool qr_batch_begin(struct qr_batch *b) __attribute__((unused));
static bool qr_batch_begin(struct qr_batch *b)
{
    snprintf(b->dir, sizeof b->dir, "/tmp/portier-qr-XXXXXX");
    b->count = 0;
    b->list = NULL;
    if (mkdtemp(b->dir) == NULL) {
        perror("qr_batch_begin: mkdtemp");
        return false;
    }
    char path[64];
    snprintf(path, sizeof path, "%s/list", b->dir);
    b->list = fopen(path, "w");
    return b->list != NULL;
}

/* Describes a frame: size "WxH", module pixels per module (0: no code), payload (no spaces),
 * then draw_qr.py's options (e.g. "--rotate 20 --noise 4 --seed 3", or "--busy"). Returns its
 * index for qr_batch_load. */
static int qr_batch_add(struct qr_batch *b, const char *size, int module, const char *payload,
                        const char *options) __attribute__((unused));
static int qr_batch_add(struct qr_batch *b, const char *size, int module, const char *payload,
                        const char *options)
{
    fprintf(b->list, "%s/%d.pgm %s %d %s %s\n", b->dir, b->count, size, module, payload, options);
    return b->count++;
}

/* Draws every frame described; false after printing why. */
static bool qr_batch_draw(struct qr_batch *b) __attribute__((unused));
static bool qr_batch_draw(struct qr_batch *b)
{
    const char *data = getenv("PORTIER_TEST_DATA");
    fclose(b->list);
    b->list = NULL;
    if (data == NULL) {
        fprintf(stderr, "qr_batch_draw: PORTIER_TEST_DATA is not set (run through ctest)\n");
        return false;
    }
    int rc = test_sh("/usr/bin/python3 '%s/../support/draw_qr.py' --batch '%s/list'", data, b->dir);
    if (rc != 0)
        fprintf(stderr,
                "qr_batch_draw: draw_qr.py failed (%d): are python3-segno, python3-numpy "
                "and python3-opencv installed (scripts/setup.sh)?\n",
                rc);
    return rc == 0;
}

/* Loads frame i of a drawn batch. */
static bool qr_batch_load(const struct qr_batch *b, int i, struct image *img)
    __attribute__((unused));
static bool qr_batch_load(const struct qr_batch *b, int i, struct image *img)
{
    char path[64];
    snprintf(path, sizeof path, "%s/%d.pgm", b->dir, i);
    return image_load(path, img);
}

/* Removes the batch's files. */
static void qr_batch_end(struct qr_batch *b) __attribute__((unused));
static void qr_batch_end(struct qr_batch *b)
{
    if (b->list != NULL)
        fclose(b->list);
    test_sh("rm -rf '%s'", b->dir);
}

#endif
